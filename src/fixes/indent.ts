import { forEachNode, type Node } from '../engine/ast.js';

/**
 * Adds `unit` at the start of every non-empty line of text[start, end), except lines that begin
 * inside a multi-line template literal or string (indenting those would change the value).
 */
export function reindent(text: string, root: Node, start: number, end: number, unit: string): string {
  const frozen: [number, number][] = [];
  forEachNode(root, (n) => {
    if (n.range[1] <= start || n.range[0] >= end) return false;
    if ((n.type === 'TemplateLiteral' || n.type === 'Literal' || n.type === 'JSXText') && text.slice(n.range[0], n.range[1]).includes('\n')) {
      frozen.push([n.range[0], n.range[1]]);
    }
    return true;
  });
  const inside = (offset: number): boolean => frozen.some(([a, b]) => offset > a && offset < b);
  let out = '';
  let lineStartAt = start;
  const segment = text.slice(start, end);
  const lines = segment.split('\n');
  lines.forEach((line, i) => {
    const blank = line.trim() === '';
    out += (blank || inside(lineStartAt) ? line : unit + line) + (i < lines.length - 1 ? '\n' : '');
    lineStartAt += line.length + 1;
  });
  return out;
}
