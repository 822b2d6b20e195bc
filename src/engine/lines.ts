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

let current: LineIndex | undefined;

/**
 * Runs `fn` with `lines` as the file being analysed. Messages name lines deep inside rules ("read on line 3"),
 * far from the text; analysis is synchronous, so one current file at a time is exact and spares threading
 * the index through every helper.
 */
export function withLines<T>(lines: LineIndex, fn: () => T): T {
  const previous = current;
  current = lines;
  try {
    return fn();
  } finally {
    current = previous;
  }
}

/** The line of an offset in the file being analysed (see `withLines`). */
export function lineAt(offset: number): number {
  if (!current) throw new Error('lineAt called outside withLines');
  return current.line(offset);
}
