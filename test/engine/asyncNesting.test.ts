// TypeScript's parser is exponential in unclosed `async (` nesting; typescript-estree is never given a file
// nesting it deeper than MAX_ASYNC_CALL_NESTING, and the measure never undercounts the usual disguises.
import { describe, expect, it } from 'vitest';
import { asyncCallNesting, MAX_ASYNC_CALL_NESTING } from '../../src/engine/asyncNesting.js';
import { parseSource } from '../../src/engine/parse.js';

const nested = (n: number, between = ''): string => `const r = f(${'async ('.repeat(n)}${between}u${')'.repeat(n)});\n`;

describe('async call nesting', () => {
  it('counts unclosed levels, not closed ones', () => {
    expect(asyncCallNesting(nested(5)).depth).toBe(5);
    expect(asyncCallNesting('app.get("/", async (req) => db.tx(async (t) => t.run(async () => 1)));\n').depth).toBe(1);
    expect(asyncCallNesting('const asyncFn = (x) => x; notasync (1); async\n  (2);').depth).toBe(1);
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
