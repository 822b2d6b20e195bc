// The fast parser (oxc) must be invisible: same findings, same fixes, same errors as typescript-estree alone.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/engine/index.js';
import { MAX_FAST_NESTING, nestingEstimate } from '../../src/engine/oxc.js';
import { analyzeWithFixes } from '../../src/fixes/index.js';
import { fastParser } from '../../src/shared/fastParser.js';
import { collectFixtures } from '../fixtureCorpus.js';

const parser = fastParser({})!;
const fixtures = collectFixtures();

describe('fast parser', () => {
  it('is available here (oxc-parser is a dependency) and can be turned off', () => {
    expect(parser).toBeTypeOf('function');
    expect(fastParser({ AWAITGUARD_PARSER: 'typescript-estree' })).toBeUndefined();
  });

  it.each(fixtures.map((f) => [f.rel, f] as const))('%s: same findings and fixes with either parser', (_, fixture) => {
    const reference = analyzeWithFixes(fixture.text, fixture.rel);
    const fast = analyzeWithFixes(fixture.text, fixture.rel, { parser });
    // The fixture really went through oxc: it parses there without errors.
    expect(parser(fixture.text, fixture.rel)).toBeDefined();
    expect(fast).toEqual(reference);
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

describe('nesting guard', () => {
  // oxc-parser overflows the native stack (killing the process) near 4,000-8,000 levels; each shape nests
  // 5,000 deep and must be sent to typescript-estree instead.
  const deep: Record<string, string> = {
    brackets: `${'['.repeat(5000)}${']'.repeat(5000)}`,
    calls: `${'f('.repeat(5000)}${')'.repeat(5000)}`,
    negations: `${'!'.repeat(5000)}x`,
    conditionals: `${'a ? b : '.repeat(5000)}c`,
    'conditionals with objects': `${'a ? {} : '.repeat(5000)}c`,
    arrows: `${'a => '.repeat(5000)}1`,
    'new chains': `${'new '.repeat(5000)}X`,
    awaits: `${'await '.repeat(5000)}x`,
    templates: `${'`${'.repeat(5000)}1${'}`'.repeat(5000)}`,
    jsx: `${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}`,
  };
  it.each(Object.entries(deep))('%s are estimated above the limit', (_, expr) => {
    expect(nestingEstimate(`export const x = ${expr};`)).toBeGreaterThan(MAX_FAST_NESTING);
  });

  it('else-if chains are too', () => {
    expect(nestingEstimate(`${'if (a) {} else '.repeat(5000)}{}`)).toBeGreaterThan(MAX_FAST_NESTING);
  });

  it('brackets inside strings and comments do not count, so ordinary files stay on the fast path', () => {
    const text = `const s = "${'('.repeat(2000)}";\n// ${'['.repeat(2000)}\n/* ${'{'.repeat(2000)} */\n`;
    expect(nestingEstimate(text)).toBeLessThan(10);
    for (const f of fixtures) expect(nestingEstimate(f.text)).toBeLessThan(MAX_FAST_NESTING);
  });

  it('a deeply nested file is analysed by typescript-estree without crashing the process', () => {
    const text = `export const x = ${'['.repeat(20000)}${']'.repeat(20000)};\n`;
    expect(parser(text, 'deep.ts')).toBeUndefined();
    expect(analyze(text, 'deep.ts', { parser }).parseError?.message).toMatch(/nested too deeply/);
  });
});
