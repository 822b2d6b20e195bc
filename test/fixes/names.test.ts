// A fix's fresh name (a lock, a semaphore limit, a pending promise) must clash with nothing the file spells. The
// file's words are asked one name at a time instead of collected from its whole tree: on a 10,000-line file the
// tree walk cost the first quick fix after an edit more than the fix. They must still cover every identifier.
import { describe, expect, it } from 'vitest';
import { parseSource } from '../../src/engine/parse.js';
import { freshName, namesIn, WordsOfText } from '../../src/fixes/names.js';

const source = `import { $store as store$ } from './s';
export class Cache {
  #userLock = 1;
  private readonly userLock2 = 2;
  async get(ключ: string) { return store$.get(ключ) ?? this.#userLock; }
}
// a comment names heldLock, and a string does too:
const note = 'pendingTotal';
const jsx = <Widget data-row={rowLimit} />;
`;

describe('WordsOfText', () => {
  const words = new WordsOfText(source);

  it('has every identifier the tree has', () => {
    const parsed = parseSource(source, 'cache.tsx');
    if (!parsed.ok) throw new Error(parsed.error.message);
    for (const name of namesIn(parsed.ast)) if (!name.includes('-')) expect(words.has(name), name).toBe(true);
  });

  it('counts a word in a comment or a string, which only makes a fresh name more careful', () => {
    expect(words.has('heldLock')).toBe(true);
    expect(words.has('pendingTotal')).toBe(true);
  });

  it('matches whole words only: a longer identifier does not spell its parts', () => {
    expect(words.has('userLock')).toBe(true); // #userLock
    expect(words.has('user')).toBe(false);
    expect(words.has('Lock')).toBe(false);
    expect(words.has('store')).toBe(false); // only $store and store$
    expect(words.has('$store')).toBe(true);
    expect(words.has('store$')).toBe(true);
    expect(words.has('клю')).toBe(false); // a prefix of a non-ASCII name
  });

  it('gives freshName the next free name', () => {
    expect(freshName('userLock', (n) => words.has(n))).toBe('userLock3');
    expect(freshName('rowLimit', (n) => words.has(n))).toBe('rowLimit2');
  });
});
