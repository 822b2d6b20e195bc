// Choosing which fixes of a pass go together: ClaimedText must agree with comparing every pair (editsOverlap).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TextEdit } from '../../src/engine/index.js';
import { ClaimedText, editsOverlap } from '../../src/fixes/apply.js';

const edit = fc.tuple(fc.nat(60), fc.nat(6)).map(([start, length]): TextEdit => ({ offset: [start, start + length], text: '' }));
const fixEdits = fc.array(edit, { minLength: 1, maxLength: 3 });

describe('ClaimedText', () => {
  it('accepts exactly the edit sets that touch none accepted before, as the pairwise check did', () => {
    fc.assert(
      fc.property(fc.array(fixEdits, { maxLength: 40 }), (candidates) => {
        const claimed = new ClaimedText();
        const accepted: TextEdit[][] = [];
        for (const edits of candidates) {
          const expected = !accepted.some((a) => editsOverlap(a, edits));
          expect(!claimed.overlaps(edits)).toBe(expected);
          if (expected) {
            claimed.claim(edits);
            accepted.push(edits);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('touching counts: two insertions at one offset, or an edit ending where another starts', () => {
    const claimed = new ClaimedText();
    claimed.claim([{ offset: [10, 10], text: 'a' }]);
    expect(claimed.overlaps([{ offset: [10, 10], text: 'b' }])).toBe(true);
    expect(claimed.overlaps([{ offset: [5, 10], text: '' }])).toBe(true);
    expect(claimed.overlaps([{ offset: [11, 12], text: '' }])).toBe(false);
  });
});
