import type { TextEdit } from '../engine/index.js';

/**
 * Applies edits whose offsets refer to the original text. Insertions at one offset appear in array
 * order (as in LSP). Throws on overlapping edits: callers choose which fixes go together.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const ordered = edits.map((e, i) => ({ e, i })).sort((a, b) => a.e.offset[0] - b.e.offset[0] || a.e.offset[1] - b.e.offset[1] || a.i - b.i);
  let out = '';
  let pos = 0;
  for (const { e } of ordered) {
    const [start, end] = e.offset;
    if (start < pos) throw new Error(`overlapping edits at offset ${start}`);
    out += text.slice(pos, start) + e.text;
    pos = end;
  }
  return out + text.slice(pos);
}

/** Do two edit sets touch overlapping text? Touching at a point counts, so two insertions never interleave. */
export function editsOverlap(a: readonly TextEdit[], b: readonly TextEdit[]): boolean {
  return a.some((x) => b.some((y) => x.offset[0] <= y.offset[1] && y.offset[0] <= x.offset[1]));
}
