import type { Node } from './ast.js';

/**
 * Offsets to 1-based lines and 0-based columns. The engine computes positions from `range` alone, so a parser
 * that gives no `loc` (oxc) costs nothing extra, and a tree that has one is not trusted to agree with the text.
 */
export class LineIndex {
  private readonly starts: number[];

  constructor(text: string) {
    // Line terminators as ECMAScript counts them, like typescript-estree's `loc`.
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || c === 0x2028 || c === 0x2029) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  position(offset: number): { line: number; column: number } {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! };
  }

  line(offset: number): number {
    return this.position(offset).line;
  }
}

/** Where a tree keeps the line index of the text it was parsed from (see `attachLines`). */
const LINES = Symbol('awaitguard.lines');

/**
 * Gives a tree the line index of its text. Messages name lines deep inside rules ("read on line 3"), far from
 * the text; the tree they hold a node of is the one thing that reaches them. Kept on the tree, not in the
 * module, so analyses running side by side (worker threads, a server answering during a check) never see
 * each other's file.
 */
export function attachLines(program: Node, lines: LineIndex): void {
  Object.defineProperty(program, LINES, { value: lines, configurable: true, enumerable: false });
}

/** The line of a node of a tree that `attachLines` was given. */
export function lineOf(node: Node): number {
  let root = node;
  while (root.parent) root = root.parent;
  const lines = (root as unknown as Record<symbol, LineIndex | undefined>)[LINES];
  if (!lines) throw new Error('lineOf: the tree has no line index (attachLines was not called)');
  return lines.line(node.range[0]);
}
