// typescript-estree's text lookups walk to the root from every node (quadratic in nesting); parse.ts makes the
// walk remember its answers for one parse. The tree must be the one typescript-estree gives without it, and
// TypeScript's own methods must be back in place afterwards.
import { createRequire } from 'node:module';
import type * as Estree from '@typescript-eslint/typescript-estree';
import type * as Ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { needsComments, parseSource } from '../../src/engine/parse.js';
import { withSourceFileMemo } from '../../src/engine/sourceFileMemo.js';
import { collectFixtures } from '../fixtureCorpus.js';

const load = createRequire(import.meta.url);
const ts = load('typescript') as typeof Ts;
const estree = load('@typescript-eslint/typescript-estree') as typeof Estree;

const jsxHeavy = [
  'export const v = <a.b c:d="s" e={1n} f={`t${this}`}>{"x"}<g:h /></a.b>;',
  `export const deep = ${'<a title={'.repeat(60)}0${'} />'.repeat(60)};`,
  `export const calls = ${'f("s", 1, '.repeat(60)}0${')'.repeat(60)};`,
  'class C { "constructor"() {} #p = 1; m() { return /re"/g.test(`${this.#p}`); } }',
].join('\n');

const json = (tree: unknown): unknown => JSON.parse(JSON.stringify(tree, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)));

function plain(text: string, fileName: string): unknown {
  const jsx = /\.(tsx|jsx?|mjs|cjs)$/.test(fileName);
  return estree.parse(text, { filePath: fileName, jsx, loc: true, range: true, comment: needsComments(text), errorOnUnknownASTType: false, suppressDeprecatedPropertyWarnings: true });
}

const methods = (): unknown[] => {
  const sample = ts.createSourceFile('a.tsx', 'const a = <b c="d">{1}</b>;', ts.ScriptTarget.Latest, true);
  const nodes: Ts.Node[] = [];
  const visit = (n: Ts.Node): void => {
    nodes.push(n);
    n.getChildren(sample).forEach(visit);
  };
  visit(sample);
  return nodes.map((n) => n.getSourceFile);
};

describe('source file memo around typescript-estree', () => {
  it.each([
    ['jsx-heavy.tsx', jsxHeavy] as const,
    ...collectFixtures()
      .filter((_, i) => i % 7 === 0)
      .map((f) => [f.rel, f.text] as const),
  ])('%s: the same tree as typescript-estree alone', (fileName, text) => {
    const outcome = parseSource(text, fileName);
    expect(outcome).toMatchObject({ ok: true });
    expect(json(outcome.ok && outcome.ast)).toEqual(json(plain(text, fileName)));
  });

  it("puts TypeScript's methods back, also when the parse throws", () => {
    const before = methods();
    expect(parseSource('export const x = <a b={1}></a>;', 'a.tsx').ok).toBe(true);
    expect(methods()).toEqual(before);
    expect(() =>
      withSourceFileMemo(ts, () => {
        expect(methods()).not.toEqual(before);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(methods()).toEqual(before);
  });

  it('answers per tree when one call sees two files', () => {
    const a = ts.createSourceFile('a.ts', 'f(g(h(1)));', ts.ScriptTarget.Latest, true);
    const b = ts.createSourceFile('b.ts', 'f(g(h(2)));', ts.ScriptTarget.Latest, true);
    const leaf = (sf: Ts.SourceFile): Ts.Node => {
      let n: Ts.Node = sf;
      while (n.getChildCount(sf) > 0) n = n.getChildren(sf).at(-1)!.kind === ts.SyntaxKind.EndOfFileToken ? n.getChildren(sf)[0]! : n.getChildren(sf).at(-1)!;
      return n;
    };
    withSourceFileMemo(ts, () => {
      expect(leaf(a).getSourceFile()).toBe(a);
      expect(leaf(b).getSourceFile()).toBe(b);
      expect(leaf(a).getText()).toBe(leaf(a).getText(a));
    });
  });
});
