// The KeyedLock a fix declares is keyed like the store it guards: the runtime's KeyedLock takes string keys
// unless told otherwise, and a fix that declares `new KeyedLock()` for a store keyed by numbers does not compile.
// The type comes from the key's annotation, else the store's declaration; a key whose type neither says (and
// that is not plainly a string) gets `<unknown>`, which any key satisfies.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/engine/index.js';
import { fixText } from '../../src/fixes/index.js';

const dir = mkdtempSync(join(tmpdir(), 'awaitguard-keyed-type-'));

const declared = (source: string, file = 'subject.ts'): string[] =>
  fixText(source, join(dir, file), DEFAULT_CONFIG, { runtime: 'package' }).text.match(/new KeyedLock(<[^>]*>)?\(/g) ?? [];

const miss = (store: string, key: string, keyDecl = '', loader = 'declare function load(k: unknown): Promise<string>;'): string => `${loader}
${store}
export async function get(${keyDecl}): Promise<string> {
  if (!cache.has(${key})) {
    const v = await load(${key});
    cache.set(${key}, v);
  }
  return cache.get(${key})!;
}
`;

describe('the key type of a KeyedLock a fix declares', () => {
  it('is the key annotation when the key is a name declared with a type', () => {
    expect(declared(miss('const cache = new Map();', 'port', 'port: number'))).toEqual(['new KeyedLock<number>(']);
  });

  it("is the store's declared key type: type arguments of new Map<K, V>(), or an annotation", () => {
    expect(declared(miss('const cache = new Map<number, string>();', 'user.id', 'user: { id: number }'))).toEqual(['new KeyedLock<number>(']);
    expect(declared(miss('const cache: Map<bigint, string> = new Map();', 'user.id', 'user: { id: bigint }'))).toEqual(['new KeyedLock<bigint>(']);
  });

  it('is left to the default for string keys', () => {
    expect(declared(miss('const cache = new Map<string, string>();', 'user.id', 'user: { id: string }'))).toEqual(['new KeyedLock(']);
    expect(declared(miss('const cache = new Map();', 'id', 'id: string'))).toEqual(['new KeyedLock(']);
    expect(declared(miss('const cache = new Map();', '`user:${id}`', 'id: number'))).toEqual(['new KeyedLock(']);
  });

  it('is unknown when neither the key nor the store says, rather than a guess that may not compile', () => {
    expect(declared(miss('const cache = new Map();', 'user.id', 'user: { id: number }'))).toEqual(['new KeyedLock<unknown>(']);
  });

  it('reads only collections whose first type argument is their key', () => {
    const store = 'interface Store<T> { has(k: string): boolean; get(k: string): T | undefined; set(k: string, v: T): void }\ndeclare const cache: Store<number>;';
    expect(declared(miss(store, 'user.id', 'user: { id: string }'))).toEqual(['new KeyedLock<unknown>(']);
  });

  it('names no type in JavaScript', () => {
    const js = miss('const cache = new Map();', 'user.id', 'user', 'const load = (k) => fetch(`/v/${k}`).then((r) => r.text());');
    expect(declared(js, 'subject.js')).toEqual(['new KeyedLock(']);
  });
});
