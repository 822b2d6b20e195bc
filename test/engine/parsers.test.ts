// The fast parser (oxc) must be invisible: same findings, same fixes, same errors as typescript-estree alone.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/engine/index.js';
import { MAX_OXC_LITERAL_PATHS, oxcLiteralPathBound } from '../../src/engine/oxc.js';
import { analyzeWithFixes } from '../../src/fixes/index.js';
import { fastParser, parserInUse } from '../../src/shared/fastParser.js';
import { maxFastParseLength, PARSE_STACK_MB, STACK_BYTES_PER_SOURCE_BYTE, threadStackMb } from '../../src/shared/stack.js';
import { collectFixtures } from '../fixtureCorpus.js';

// The fixtures are shallow: parsing them on the test's own thread as a parse thread would is safe.
const parser = fastParser({}, maxFastParseLength(PARSE_STACK_MB))!;
const fixtures = collectFixtures();

describe('fast parser', () => {
  it('is available here (oxc-parser is a dependency) and can be turned off', () => {
    expect(parser).toBeTypeOf('function');
    expect(fastParser({ AWAITGUARD_PARSER: 'typescript-estree' })).toBeUndefined();
    // What the editor's status item says.
    const transfer = Number(process.versions.node.split('.')[0]) >= 22 ? 'raw' : 'JSON';
    expect(parserInUse({}, 480 * 1024)).toEqual({ parser: 'oxc', detail: `native binding for ${process.platform}-${process.arch}, ${transfer} transfer, files up to 480K characters` });
    expect(parserInUse({}, 1024).detail).toMatch(/files up to 1K characters$/);
    expect(parserInUse({ AWAITGUARD_PARSER: 'typescript-estree' })).toEqual({ parser: 'typescript-estree', detail: 'AWAITGUARD_PARSER=typescript-estree' });
  });

  it.each(fixtures.map((f) => [f.rel, f] as const))('%s: same findings and fixes with either parser', (_, fixture) => {
    const reference = analyzeWithFixes(fixture.text, fixture.rel);
    const fast = analyzeWithFixes(fixture.text, fixture.rel, { parser });
    // The fixture really went through oxc: it parses there without errors.
    expect(parser(fixture.text, fixture.rel)).toBeDefined();
    expect(fast).toEqual(reference);
  });

  it('keeps what typescript-estree accepts and only TypeScript\'s checker would report: no fallback for them', () => {
    const script = "const shard = process.env.SHARD;\nif (!shard) return;\nlet n = 0;\nexports.bump = async () => { const v = n; await 0; n = v + 1; };\n";
    const ambient = "declare module 'store' {\n  export function get(k: string): string { return k; }\n}\nlet n = 0;\nexport async function bump() { const v = n; await 0; n = v + 1; }\n";
    for (const [text, file] of [[script, 'shard.test.js'], [ambient, 'ambient.ts']] as const) {
      expect(parser(text, file)).toBeDefined();
      expect(analyze(text, file, { parser })).toEqual(analyze(text, file));
      expect(analyze(text, file).findings.map((f) => f.ruleId)).toEqual(['lost-update']);
    }
    // Declaration files: ambient throughout, by their name.
    const declarations = "export const port: number;\ndeclare module 'store' {\n  declare const version: string;\n}\n";
    for (const file of ['port.d.ts', 'port.d.mts', 'port.d.cts', 'styles.d.css.ts', 'port.ts']) {
      expect(parser(declarations, file), file).toBeDefined();
      expect(analyze(declarations, file, { parser })).toEqual(analyze(declarations, file));
      expect(analyze(declarations, file).parseError).toBeUndefined();
    }
  });

  it('leaves syntax errors to typescript-estree, so messages match the editor', () => {
    const text = 'const ok = 1;\nexport const x = ;\n';
    expect(parser(text, 'a.ts')).toBeUndefined();
    expect(analyze(text, 'a.ts', { parser }).parseError).toEqual(analyze(text, 'a.ts').parseError);
    expect(analyze(text, 'a.ts', { parser }).parseError).toMatchObject({ message: 'Expression expected.', line: 2 });
  });

  it('positions come from ranges: CRLF, U+2028 and astral characters agree with typescript-estree', () => {
    const text = 'let n = 0;\r\n// \u2028 x\r\nconst s = "😀😀";\r\nexport async function inc() {\r\n  const v = n;\r\n  await 0;\r\n  n = v + 1;\r\n}\r\n';
    const fast = analyze(text, 'a.ts', { parser }).findings;
    expect(fast.map((f) => [f.range.start, f.range.end])).toEqual(analyze(text, 'a.ts').findings.map((f) => [f.range.start, f.range.end]));
    expect(fast[0]!.range.start).toEqual({ line: 8, column: 2 });
  });
});

describe('stack guard', () => {
  it('gives the native parser only what fits in the thread stack at the worst measured cost per byte', () => {
    expect(maxFastParseLength(PARSE_STACK_MB)).toBe(Math.floor(((PARSE_STACK_MB - 64) * 2 ** 20) / STACK_BYTES_PER_SOURCE_BYTE));
    // A main thread (assumed 4 MB) keeps half its stack for the frames below the parse.
    expect(maxFastParseLength(4)).toBe((2 * 2 ** 20) / STACK_BYTES_PER_SOURCE_BYTE);
    expect(threadStackMb()).toBeGreaterThan(0);
  });

  it('sends a longer text to typescript-estree, which reports deep nesting as an error', () => {
    const small = fastParser({}, 1000)!;
    const text = `export const x = ${'['.repeat(20000)}${']'.repeat(20000)};\n`;
    expect(small(text, 'deep.ts')).toBeUndefined();
    expect(analyze(text, 'deep.ts', { parser: small }).parseError?.message).toMatch(/nested too deeply/);
  });
});

describe('regex and BigInt literal paths', () => {
  it('bound what oxc hands over for every literal, whatever hides them', () => {
    expect(oxcLiteralPathBound('const a = 1;')).toBe(0);
    // Two slashes may be one regex literal; a numeric literal ending in n is a BigInt; a word ending in n is not.
    expect(oxcLiteralPathBound('x = /a/; y = 0x1fn; when;')).toBe(2 * 'x = /a/; y = 0x1fn; when;'.length);
    const deep = `${'f(/"/, '.repeat(3000)}1${')'.repeat(3000)};\n`;
    expect(oxcLiteralPathBound(deep)).toBeGreaterThan(MAX_OXC_LITERAL_PATHS);
    const json = fastParser({ AWAITGUARD_OXC_TRANSFER: 'json' }, maxFastParseLength(PARSE_STACK_MB))!;
    expect(json(deep, 'deep.ts')).toBeUndefined();
  });

  it('counts a slash after a keyword, not one after a quote, a bracket or a name', () => {
    const urls = 'const u = "/rooms/" + id + "/state/" + key + `/members/${m}/`;\n';
    expect(oxcLiteralPathBound(urls)).toBe(0);
    expect(oxcLiteralPathBound('const half = total / 2 + a[0] / 3;\n')).toBe(0);
    const regexes = 'if (typeof x === "s") return /a/.test(x);\nconst m = s.match(/b/g);\n';
    expect(oxcLiteralPathBound(regexes)).toBe(2 * regexes.length);
  });

  it('keeps ordinary files on the fast path', () => {
    for (const f of fixtures) expect(oxcLiteralPathBound(f.text)).toBeLessThan(MAX_OXC_LITERAL_PATHS);
  });
});

describe('what counts as a syntax error', () => {
  // Where oxc accepts what typescript-estree rejects, oxc's tree is not used: the CLI and the editor (which has
  // only typescript-estree) must agree on which files have syntax errors.
  it.each([
    ['an exported class without a name', 'export class { m() {} }\n'],
    ['a class statement without a name', 'class { }\n'],
    ['a nested class statement without a name', 'function f() { { class extends B {} } }\n'],
    ['an exported function without a name', 'export function <T>(xs: T[]): T[] { return xs; }\n'],
    ['a function statement without a name', 'async function () { await 1; }\n'],
  ])('%s is an error with either parser', (_, text) => {
    expect(parser(text, 'a.ts')).toBeUndefined();
    const reference = analyze(text, 'a.ts').parseError;
    expect(reference?.message).toMatch(/must have a name|expected/i);
    expect(analyze(text, 'a.ts', { parser }).parseError).toEqual(reference);
    // The syntax-only check of a file with nothing to analyse says the same.
    expect(parser.accepts!(text, 'a.ts')).toBe(false);
  });

  it('a default-exported class or function without a name, and class and function expressions, stay valid', () => {
    for (const text of ['export default class {}\n', 'export const A = class {};\n', 'export default class extends B {}\n', 'export default function () {}\n', 'export const f = function () {};\n', 'call(\n  function () {},\n);\n']) {
      expect(parser(text, 'a.ts')).toBeDefined();
      expect(analyze(text, 'a.ts').parseError).toBeUndefined();
    }
  });

  it('a file with nothing async is only checked for syntax errors: its tree is never built', () => {
    const treeless = Object.assign(
      (): never => {
        throw new Error('the tree was asked for');
      },
      { accepts: (text: string, fileName: string) => parser.accepts!(text, fileName) },
    );
    expect(analyze('export const a = 1;\nexport function f(x: number) { return x + a; }\n', 'a.ts', { parser: treeless })).toEqual({ findings: [] });
    for (const json of [true, false]) {
      const p = json ? fastParser({ AWAITGUARD_OXC_TRANSFER: 'json' }, maxFastParseLength(PARSE_STACK_MB))! : parser;
      expect(p.accepts!('const a = 1;\n', 'a.ts')).toBe(true);
      expect(p.accepts!('const a = ;\n', 'a.ts')).toBe(false);
      expect(p.accepts!('export default class {}\n', 'a.ts')).toBe(true);
    }
    // A syntax error is still reported, by the reference parser, when the check finds one.
    const broken = 'export function f( { return 1; }\n';
    expect(analyze(broken, 'a.ts', { parser }).parseError).toEqual(analyze(broken, 'a.ts').parseError);
    expect(analyze(broken, 'a.ts', { parser }).parseError).toBeDefined();
  });

  it('a long .b() call chain parses with both (typescript-estree once overflowed its stack on it)', () => {
    const text = `export const x = a${'.b()'.repeat(500)};\n`;
    expect(parser(text, 'a.ts')).toBeDefined();
  });
});
