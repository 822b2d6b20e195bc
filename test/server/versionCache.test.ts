import { describe, expect, it } from 'vitest';
import { VersionCache } from '../../src/server/versionCache.js';

describe('VersionCache', () => {
  it('computes once per document version and configuration', () => {
    const cache = new VersionCache<string>();
    let computed = 0;
    const value = (label: string) => () => `${label}#${++computed}`;
    expect(cache.get('a', 1, 'cfg', value('a1'))).toBe('a1#1');
    expect(cache.get('a', 1, 'cfg', value('again'))).toBe('a1#1');
    expect(cache.get('b', 1, 'cfg', value('b1'))).toBe('b1#2'); // documents do not share
    expect(cache.get('a', 2, 'cfg', value('a2'))).toBe('a2#3'); // an edit
    expect(cache.get('a', 2, 'other', value('a2-other'))).toBe('a2-other#4'); // a settings change
    cache.delete('a');
    expect(cache.get('a', 2, 'other', value('reopened'))).toBe('reopened#5');
    expect(computed).toBe(5);
  });
});
