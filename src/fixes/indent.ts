import { forEachNodeIn, type Node } from '../engine/index.js';
import { applyEdits } from './apply.js';
import type { HeldRegion } from './heldRegions.js';

/**
 * The text of [start, end) one indent level deeper (`unit` added to every non-empty line), with the
 * lock sections in `absorbed` dissolved: their cuts removed and their bodies left where they were, which
 * is one level less than the lines around them. Lines that begin inside a multi-line template literal or
 * string keep their indentation (indenting those would change the value). With `deeper` false only the
 * absorbed sections change: their bodies lose one level.
 */
export function reindent(
  text: string,
  root: Node,
  start: number,
  end: number,
  unit: string,
  absorbed: readonly HeldRegion[] = [],
  deeper = true,
  /** Text to insert at offsets of `text` inside the range (`await ` before a returned promise). */
  insertions: readonly { at: number; text: string }[] = [],
): string {
  const frozen: [number, number][] = [];
  forEachNodeIn(root, start, end, (n) => {
    if ((n.type === 'TemplateLiteral' || n.type === 'Literal' || n.type === 'JSXText') && text.slice(n.range[0], n.range[1]).includes('\n')) {
      frozen.push([n.range[0], n.range[1]]);
    }
    return true;
  });
  const within = (ranges: readonly (readonly [number, number])[], offset: number): boolean => ranges.some(([a, b]) => offset > a && offset < b);
  const cuts = absorbed.flatMap((r) => r.cuts);
  const bodies = absorbed.map((r) => r.body);
  const segment = text.slice(start, end);
  const edits = cuts.map(([a, b]) => ({ offset: [a - start, b - start] as [number, number], text: '' }));
  for (const i of insertions) edits.push({ offset: [i.at - start, i.at - start], text: i.text });
  for (let at = 0; at <= segment.length; at = segment.indexOf('\n', at) + 1) {
    const offset = start + at;
    const eol = segment.indexOf('\n', at);
    const blank = segment.slice(at, eol < 0 ? segment.length : eol).trim() === '';
    if (!blank && !within(frozen, offset) && !cuts.some(([a, b]) => offset >= a && offset < b)) {
      const inBody = within(bodies, offset) || bodies.some(([a]) => offset === a);
      if (deeper && !inBody) edits.push({ offset: [at, at], text: unit });
      if (!deeper && inBody && segment.startsWith(unit, at)) edits.push({ offset: [at, at + unit.length], text: '' });
    }
    if (eol < 0) break;
  }
  return applyEdits(segment, edits);
}
