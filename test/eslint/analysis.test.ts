// How the plugin drives the engine: one analysis per file for all five rules, on the tree ESLint parsed.
// The engine's entry point and its parser are wrapped in spies; they still run for real.
import path from 'node:path';
import { Linter } from 'eslint';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type * as ParseModule from '../../src/engine/parse.js';
import { parseSource } from '../../src/engine/parse.js';
import type * as FixesModule from '../../src/fixes/index.js';
import { analyzeWithFixes } from '../../src/fixes/index.js';
import { lintConfig, type ParserName } from './lint.js';

vi.mock('../../src/fixes/index.js', async (importOriginal) => {
  const actual = await importOriginal<typeof FixesModule>();
  return { ...actual, analyzeWithFixes: vi.fn(actual.analyzeWithFixes) };
});
vi.mock('../../src/engine/parse.js', async (importOriginal) => {
  const actual = await importOriginal<typeof ParseModule>();
  return { ...actual, parseSource: vi.fn(actual.parseSource) };
});

// Racy for three rules at once, so that several rules report from the same analysis.
const CODE = `import { Mutex } from 'async-mutex';
const mutex = new Mutex();
let n = 0;
let ready = false;
export async function inc(ids) {
  const v = n;
  await Promise.all(ids.map(async (id) => fetch(id)));
  n = v + 1;
  if (!ready) {
    await fetch('/init');
    ready = true;
  }
  mutex.acquire();
}
`;

const analyze = vi.mocked(analyzeWithFixes);
const parse = vi.mocked(parseSource);

beforeEach(() => {
  analyze.mockClear();
  parse.mockClear();
});

describe.each<[ParserName, string]>([
  ['typescript-eslint', 'x.ts'],
  ['espree', 'x.js'],
])('with %s', (parser, filename) => {
  it('runs the engine once per file for all five rules, on the tree ESLint parsed', () => {
    const linter = new Linter({ configType: 'flat' });
    const messages = linter.verify(CODE, lintConfig(filename, { parser }), filename);
    expect(new Set(messages.map((m) => m.ruleId)).size).toBeGreaterThanOrEqual(3);
    expect(messages.filter((m) => m.fatal)).toEqual([]);

    expect(analyze).toHaveBeenCalledTimes(1);
    const [text, file, options] = analyze.mock.calls[0]!;
    expect(text).toBe(CODE);
    // Resolved against ESLint's cwd, so the modules it imports are found where the file is.
    expect(file).toBe(path.resolve(process.cwd(), filename));
    expect(options?.ast).toBe(linter.getSourceCode()!.ast);
    expect(parse).not.toHaveBeenCalled();
  });

  it('analyses each lint run afresh (the cache lives with ESLint SourceCode)', () => {
    const linter = new Linter({ configType: 'flat' });
    linter.verify(CODE, lintConfig(filename, { parser }), filename);
    linter.verify(CODE.replace('n = v + 1', 'n = n + 1'), lintConfig(filename, { parser }), filename);
    expect(analyze).toHaveBeenCalledTimes(2);
  });

  it('leaves the tree as ESLint gave it', () => {
    const linter = new Linter({ configType: 'flat' });
    expect(linter.verify(CODE, lintConfig(filename, { parser }), filename).length).toBeGreaterThan(0);
    const exported = linter.getSourceCode()!.ast.body.find((s) => s.type === 'ExportNamedDeclaration')!;
    const param = (exported as unknown as { declaration: { params: object[] } }).declaration.params[0]!;
    // espree has no TS-ESTree `decorators`; the engine lends them to scope analysis and takes them back.
    expect(Object.keys(param).includes('decorators')).toBe(parser === 'typescript-eslint');
  });
});
