// typescript-estree finds the `>` of every type argument and type parameter list by descending from the root
// of the file (quadratic in generic references and in their nesting); parse.ts starts that descent at the
// list's owner. The tree and the errors must be those of typescript-estree alone, and its module must be
// back as it was afterwards.
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Estree from '@typescript-eslint/typescript-estree';
import type * as Ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { withNearbyNextToken, type NodeUtils } from '../../src/engine/nextTokenNearby.js';
import { needsComments, parseSource } from '../../src/engine/parse.js';
import { prototypesDefining } from '../../src/engine/sourceFileMemo.js';
import { collectFixtures } from '../fixtureCorpus.js';

const load = createRequire(import.meta.url);
const ts = load('typescript') as typeof Ts;
const estreeEntry = load.resolve('@typescript-eslint/typescript-estree');
const estree = load(estreeEntry) as typeof Estree;
const nodeUtils = load(path.join(path.dirname(estreeEntry), 'node-utils.js')) as NodeUtils;

// Every place typescript-estree looks for a next token: type arguments (references, calls, `new`, tagged
// templates, JSX, heritage clauses), type parameters, a constructor after its modifiers, import types with
// attributes, and modifiers followed by others.
const genericHeavy = [
  'import type { A } from "./a";',
  'type M<K extends string, V = Map<K, Array<Set<V>>>> = { [P in K]: Promise<Record<P, V>> };',
  'type I = typeof import("./a", { with: { "resolution-mode": "import" } });',
  'type J = import("./a").B<string>;',
  'export declare abstract class Base<T, U extends T[] = T[]> extends Array<T> implements Iterable<U> { private constructor(); protected abstract readonly x: Map<T, U>; }',
  'export default class Store<T> { public static async get<R>(k: string): Promise<R | undefined> { return f<R>`t${k}`; } }',
  'const made = new Map<string, Array<number>>(), call = g<Array<Promise<number>>>(1);',
  'function h<const T extends readonly unknown[]>(...xs: T): T { return xs; }',
  'const arrow = async <T,>(x: T): Promise<Awaited<T>> => x;',
  `type Deep = ${'Array<'.repeat(40)}number${'>'.repeat(40)};`,
  'interface Face<in out T> { m<Q>(): Q; }',
].join('\n');
const jsxGenerics = 'export const v = <Table<Row> rows={rows} render={<T,>(x: T) => x} />;';

const json = (tree: unknown): unknown => JSON.parse(JSON.stringify(tree, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));

function plain(text: string, fileName: string): unknown {
  const jsx = /\.(tsx|jsx?|mjs|cjs)$/.test(fileName);
  return estree.parse(text, { filePath: fileName, jsx, loc: true, range: true, comment: needsComments(text), errorOnUnknownASTType: false, suppressDeprecatedPropertyWarnings: true });
}

/**
 * Counts the children TypeScript hands out during `run` (each list is scanned by the descent): the work the
 * descent does, independent of the machine.
 */
function childrenScanned(run: () => void): number {
  let count = 0;
  const saved = prototypesDefining(ts, 'getChildren').map((o) => [o, Object.getOwnPropertyDescriptor(o, 'getChildren')!] as const);
  for (const [o, d] of saved) {
    const original = d.value as (this: Ts.Node, sf?: Ts.SourceFile) => Ts.Node[];
    Object.defineProperty(o, 'getChildren', {
      ...d,
      value(this: Ts.Node, sf?: Ts.SourceFile) {
        const children = original.call(this, sf);
        count += children.length;
        return children;
      },
    });
  }
  try {
    run();
  } finally {
    for (const [o, d] of saved) Object.defineProperty(o, 'getChildren', d);
  }
  return count;
}

const flat = (n: number): string => Array.from({ length: n }, (_, i) => `let a${i}: Array<number> = f<string>(x);`).join('\n');
const nested = (n: number): string => `type T = ${'Array<\n'.repeat(n)}number${'>'.repeat(n)};\n`;

describe('next token found near its list, around typescript-estree', () => {
  it.each([
    ['generic-heavy.ts', genericHeavy] as const,
    ['jsx-generics.tsx', jsxGenerics] as const,
    ['flat.ts', flat(50)] as const,
    ['nested.ts', nested(50)] as const,
    ...collectFixtures()
      .filter((_, i) => i % 7 === 3)
      .map((f) => [f.rel, f.text] as const),
  ])('%s: the same tree as typescript-estree alone', (fileName, text) => {
    const outcome = parseSource(text, fileName);
    expect(outcome).toMatchObject({ ok: true });
    expect(json(outcome.ok && outcome.ast)).toEqual(json(plain(text, fileName)));
  });

  it.each([
    ['empty type arguments', 'f<>();'],
    ['empty type parameters', 'function g<>() {}'],
  ])('%s: the same error as typescript-estree alone', (_, text) => {
    const outcome = parseSource(text, 'a.ts');
    let expected: { message: string; lineNumber: number; column: number } | undefined;
    try {
      plain(text, 'a.ts');
    } catch (err) {
      expected = err as typeof expected;
    }
    expect(expected).toBeDefined();
    expect(outcome).toEqual({ ok: false, error: { message: expected!.message, line: expected!.lineNumber, column: expected!.column } });
  });

  it('does work linear in the generic references and their nesting (typescript-estree alone: quadratic)', () => {
    // Nesting stays shallow enough for any test thread's stack (an unoptimized frame is larger).
    for (const [make, n] of [[flat, 400], [nested, 150]] as const) {
      const ours = (size: number): number => childrenScanned(() => expect(parseSource(make(size), 'a.ts').ok).toBe(true));
      const alone = (size: number): number => childrenScanned(() => plain(make(size), 'a.ts'));
      const [o4, o8, a4, a8] = [ours(n), ours(2 * n), alone(n), alone(2 * n)];
      expect(o8 / o4, `${make.name}: ours ${o4} → ${o8}`).toBeLessThan(2.2);
      expect(a8 / a4, `${make.name}: alone ${a4} → ${a8}`).toBeGreaterThan(3);
    }
  });

  it("puts typescript-estree's findNextToken back, also when the parse throws", () => {
    const before = nodeUtils.findNextToken;
    expect(typeof before).toBe('function');
    expect(parseSource('type A = B<C>;', 'a.ts').ok).toBe(true);
    expect(nodeUtils.findNextToken).toBe(before);
    expect(() =>
      withNearbyNextToken(nodeUtils, ts, () => {
        expect(nodeUtils.findNextToken).not.toBe(before);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(nodeUtils.findNextToken).toBe(before);
  });

  it('runs unpatched when the internal module is missing or has changed shape', () => {
    expect(withNearbyNextToken(undefined, ts, () => 1)).toBe(1);
    const changed: NodeUtils = {};
    expect(withNearbyNextToken(changed, ts, () => 2)).toBe(2);
    expect(changed).toEqual({});
  });
});
