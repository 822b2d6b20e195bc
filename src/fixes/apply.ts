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

/**
 * The text already claimed by the edits of chosen fixes, as sorted disjoint spans, so that choosing among
 * n fixes costs n log n (a file can offer tens of thousands) instead of comparing every pair. Touching
 * counts as overlapping, as in `editsOverlap`.
 */
export class ClaimedText {
  /** `[start0, end0, start1, end1, …]`, sorted; spans that touch are merged. */
  private readonly spans: number[] = [];

  overlaps(edits: readonly TextEdit[]): boolean {
    return edits.some((e) => this.claimedWithin(e.offset[0], e.offset[1]));
  }

  claim(edits: readonly TextEdit[]): void {
    for (const e of edits) this.add(e.offset[0], e.offset[1]);
  }

  /** Does a claimed span touch [start, end]? */
  private claimedWithin(start: number, end: number): boolean {
    const i = this.firstEndingAtOrAfter(start);
    return i < this.spans.length / 2 && this.spans[2 * i]! <= end;
  }

  private add(start: number, end: number): void {
    const i = this.firstEndingAtOrAfter(start);
    let j = i;
    // Absorb every span that touches the new one.
    while (j < this.spans.length / 2 && this.spans[2 * j]! <= end) {
      start = Math.min(start, this.spans[2 * j]!);
      end = Math.max(end, this.spans[2 * j + 1]!);
      j++;
    }
    this.spans.splice(2 * i, 2 * (j - i), start, end);
  }

  /** Index (in spans) of the first span whose end is at or after `offset`. */
  private firstEndingAtOrAfter(offset: number): number {
    let lo = 0;
    let hi = this.spans.length / 2;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.spans[2 * mid + 1]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
