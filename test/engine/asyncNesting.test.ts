// TypeScript's parser is exponential in unclosed `async (` nesting; typescript-estree is never given a file
// nesting it deeper than MAX_ASYNC_CALL_NESTING, and the measure never undercounts the usual disguises.
import { describe, expect, it } from 'vitest';
import { asyncCallNesting, MAX_ASYNC_CALL_NESTING, MAX_TAG_NESTING, speculativeNesting } from '../../src/engine/asyncNesting.js';
import { parseSource } from '../../src/engine/parse.js';

const nested = (n: number, between = ''): string => `const r = f(${'async ('.repeat(n)}${between}u${')'.repeat(n)});\n`;

describe('async call nesting', () => {
  it('counts unclosed levels, not closed ones', () => {
    expect(asyncCallNesting(nested(5)).depth).toBe(5);
    expect(asyncCallNesting('app.get("/", async (req) => db.tx(async (t) => t.run(async () => 1)));\n').depth).toBe(1);
    expect(asyncCallNesting('const asyncFn = (x) => x; notasync (1); async\n  (2);').depth).toBe(1);
  });

  it('counts named and generic async openings too: methods, functions, `async <T>(`', () => {
    expect(asyncCallNesting(`class A {\n  ${'async catchUp('.repeat(7)}x\n}`).depth).toBe(7);
    expect(asyncCallNesting('f(async function* g(async <T>(async h(x').depth).toBe(3);
    expect(asyncCallNesting('async function f(a) { return g(async (b) => b); }').depth).toBe(1);
  });

  it('counts JSX-like tags with attributes only where JSX cannot be, and not type parameter lists', () => {
    const tags = (n: number): string => `export const x = ${'<div title={'.repeat(n)}0${'} />'.repeat(n)};\n`;
    expect(speculativeNesting(tags(5), true).tags.depth).toBe(5);
    expect(speculativeNesting(tags(5), false).tags.depth).toBe(0);
    expect(speculativeNesting('type A<const T = 1, in out U extends V = W> = Array<readonly string[]>;\n', true).tags.depth).toBe(0);
    // Never undercounted by a disguise: in a string, a comment, after an apostrophe in a regex literal.
    expect(speculativeNesting('const s = "<a b={"; // <a b={\nconst r = /\'/; <a b={<a b={', true).tags.depth).toBe(4);
    expect(speculativeNesting('<a b={1} /> <c d={2}></c>', true).tags.depth).toBe(1);
  });

  it('a .ts file nesting JSX-like tags deeper than the bound is a parse error of that file; .tsx parses', () => {
    const deep = `export const x = ${'<div title={'.repeat(MAX_TAG_NESTING + 1)}0${'} />'.repeat(MAX_TAG_NESTING + 1)};\n`;
    expect(parseSource(deep, 'a.ts')).toMatchObject({ ok: false, error: { line: 1, message: expect.stringContaining(`nested ${MAX_TAG_NESTING + 1} deep in a file that cannot hold JSX`) } });
    expect(parseSource(deep, 'a.tsx').ok).toBe(true);
  });

  it('does not let a ")" in a string, comment, template or regex close a level', () => {
    expect(asyncCallNesting(`f(async ( ")" async ( ')' async ( \`)\` async ( /* ) */ async ( /)/ , async (\n u`).depth).toBe(6);
  });

  it('a deeper file is a parse error of that file, at once, with the reason', () => {
    const deep = nested(MAX_ASYNC_CALL_NESTING + 10);
    const outcome = parseSource(deep, 'a.js');
    expect(outcome).toMatchObject({ ok: false, error: { line: 1, message: expect.stringContaining('`async (` is nested 26 deep') } });
    expect(parseSource(nested(MAX_ASYNC_CALL_NESTING), 'a.js').ok).toBe(true);
  });
});
