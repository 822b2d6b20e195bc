import { createTwoFilesPatch, diffLines } from 'diff';
import type { TextEdit } from '../engine/index.js';

/** `git diff`'s form of a change to one file (`a/` and `b/` prefixes, three lines of context). */
export function unifiedDiff(relPath: string, before: string, after: string): string {
  const patch = createTwoFilesPatch(`a/${relPath}`, `b/${relPath}`, before, after, undefined, undefined, { context: 3 });
  // jsdiff starts with an `Index:` line and a rule of `=`; git's form begins at `---`.
  return patch.slice(patch.indexOf('--- '));
}

/** The change from `before` to `after` as line edits with offsets into `before`, in order, none overlapping. */
export function textEdits(before: string, after: string): TextEdit[] {
  const edits: TextEdit[] = [];
  let offset = 0;
  for (const part of diffLines(before, after)) {
    if (part.added) {
      const last = edits.at(-1);
      if (last && last.offset[1] === offset) last.text += part.value;
      else edits.push({ offset: [offset, offset], text: part.value });
    } else if (part.removed) {
      const last = edits.at(-1);
      if (last && last.offset[1] === offset) last.offset[1] += part.value.length;
      else edits.push({ offset: [offset, offset + part.value.length], text: '' });
      offset += part.value.length;
    } else {
      offset += part.value.length;
    }
  }
  return edits;
}
