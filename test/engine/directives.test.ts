import { describe, expect, it } from 'vitest';
import { analyze, DEFAULT_CONFIG, validateConfig, type AwaitguardConfig, type TextEdit } from '../../src/engine/index.js';

// One lost update on line 4 (the `x +=` line); the directives below are put above it or beside it.
const RACY = `declare function f(): Promise<number>;\nlet x = 0;\nexport async function g() {\n  x += await f();\n}\n`;
const REPORTING: AwaitguardConfig = { ...DEFAULT_CONFIG, reportUnusedDisableDirectives: 'warning' };

function withDirective(directive: string, code = RACY): string {
  return code.replace('  x +=', `  ${directive}\n  x +=`);
}

function applyEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.offset[0] - a.offset[0])) out = out.slice(0, e.offset[0]) + e.text + out.slice(e.offset[1]);
  return out;
}

describe('ESLint directives that name awaitguard rules', () => {
  it.each([
    '// eslint-disable-next-line awaitguard/lost-update',
    '// eslint-disable-next-line no-console, awaitguard/lost-update -- counted elsewhere',
    '/* eslint-disable-next-line awaitguard/lost-update */',
    '// awaitguard-disable-next-line awaitguard/lost-update',
  ])('%s suppresses the finding', (directive) => {
    expect(analyze(withDirective(directive), 'x.ts').findings).toEqual([]);
  });

  it.each([
    // ESLint's own business: no awaitguard rule named.
    '// eslint-disable-next-line',
    '// eslint-disable-next-line no-console',
    // Another rule of the plugin.
    '// eslint-disable-next-line awaitguard/check-then-act',
    // Not a directive: the kind must be followed by a blank.
    '// eslint-disable-next-lineawaitguard/lost-update',
  ])('%s does not', (directive) => {
    expect(analyze(withDirective(directive), 'x.ts').findings.map((f) => f.ruleId)).toEqual(['lost-update']);
  });

  it('a block eslint-disable / eslint-enable pair covers the lines between', () => {
    const code = `/* eslint-disable awaitguard/lost-update */\n${RACY}/* eslint-enable awaitguard/lost-update */\nexport async function k() {\n  x += await f();\n}\n`;
    expect(analyze(code, 'x.ts').findings.map((f) => f.range.start.line)).toEqual([9]);
  });
});

describe('unused disable directives', () => {
  it('are not reported unless asked', () => {
    const r = analyze(withDirective('// awaitguard-disable-next-line check-then-act'), 'x.ts');
    expect(r.unusedDirectives).toBeUndefined();
  });

  it('a directive that suppressed the finding is used', () => {
    const r = analyze(withDirective('// awaitguard-disable-next-line lost-update'), 'x.ts', { config: REPORTING });
    expect(r.findings).toEqual([]);
    expect(r.unusedDirectives).toEqual([]);
  });

  it('a directive for another rule is unused, and its fix deletes its line', () => {
    const text = withDirective('// awaitguard-disable-next-line check-then-act -- old');
    const r = analyze(text, 'x.ts', { config: REPORTING });
    expect(r.findings.map((f) => f.ruleId)).toEqual(['lost-update']);
    expect(r.unusedDirectives).toHaveLength(1);
    const [u] = r.unusedDirectives!;
    expect(u!.message).toBe("Unused awaitguard-disable-next-line directive (no problems were reported from 'check-then-act').");
    expect(u!.severity).toBe('warning');
    expect(u!.range.start).toEqual({ line: 4, column: 2 });
    expect(applyEdits(text, u!.fix)).toBe(RACY);
  });

  it('only the unused rules of a list are removed, the reason kept', () => {
    const text = withDirective('// awaitguard-disable-next-line lost-update, check-then-act -- reviewed');
    const r = analyze(text, 'x.ts', { config: REPORTING });
    expect(r.unusedDirectives!.map((u) => u.message)).toEqual(["Unused awaitguard-disable-next-line directive (no problems were reported from 'check-then-act')."]);
    expect(applyEdits(text, r.unusedDirectives![0]!.fix)).toBe(withDirective('// awaitguard-disable-next-line lost-update -- reviewed'));
  });

  it("an eslint directive keeps the other plugins' rules", () => {
    const text = withDirective('/* eslint-disable-next-line no-console, awaitguard/check-then-act */');
    const r = analyze(text, 'x.ts', { config: REPORTING });
    expect(r.unusedDirectives!.map((u) => u.message)).toEqual(["Unused eslint-disable-next-line directive (no problems were reported from 'awaitguard/check-then-act')."]);
    expect(applyEdits(text, r.unusedDirectives![0]!.fix)).toBe(withDirective('/* eslint-disable-next-line no-console */'));
  });

  it('a trailing disable-line directive is removed with the blanks before it, the code kept', () => {
    const text = RACY.replace('await f();', 'await f(); // awaitguard-disable-line check-then-act');
    const r = analyze(text, 'x.ts', { config: REPORTING });
    expect(applyEdits(text, r.unusedDirectives![0]!.fix)).toBe(RACY);
  });

  it('a directive naming no rule is unused when nothing was suppressed', () => {
    const text = `// awaitguard-disable-next-line\nexport const y = 1;\n`;
    const r = analyze(text, 'x.ts', { config: REPORTING });
    expect(r.unusedDirectives!.map((u) => u.message)).toEqual(['Unused awaitguard-disable-next-line directive (no problems were reported).']);
    expect(applyEdits(text, r.unusedDirectives![0]!.fix)).toBe('export const y = 1;\n');
  });

  it('an unclosed block disable that covers a finding is used; the enable is never reported', () => {
    const text = `/* awaitguard-disable lost-update */\n${RACY}/* awaitguard-enable lost-update */\n`;
    expect(analyze(text, 'x.ts', { config: REPORTING }).unusedDirectives).toEqual([]);
  });

  it('a finding below the shown confidence suppresses nothing: its directive is unused', () => {
    // Test files cap every race rule at low, hidden by default.
    const text = withDirective('// awaitguard-disable-next-line lost-update');
    const r = analyze(text, 'x.test.ts', { config: REPORTING, kind: 'test' });
    expect(r.unusedDirectives).toHaveLength(1);
    const low = analyze(text, 'x.test.ts', { config: { ...REPORTING, minConfidence: 'low' }, kind: 'test' });
    expect(low.unusedDirectives).toEqual([]);
  });

  it('the last line of a file loses its line break before it, not after', () => {
    const text = 'export const y = 1;\n// awaitguard-disable-line';
    const r = analyze(text, 'x.ts', { config: REPORTING });
    expect(applyEdits(text, r.unusedDirectives![0]!.fix)).toBe('export const y = 1;');
  });

  it('CRLF line endings are removed with the line', () => {
    const text = 'export const y = 1;\r\n// awaitguard-disable-next-line\r\nexport const z = 2;\r\n';
    const r = analyze(text, 'x.ts', { config: REPORTING });
    expect(applyEdits(text, r.unusedDirectives![0]!.fix)).toBe('export const y = 1;\r\nexport const z = 2;\r\n');
  });

  it('are found in a file with nothing async, and not in a file without directives', () => {
    expect(analyze('export const y = 1; // eslint-disable-line awaitguard/lost-update\n', 'x.ts', { config: REPORTING }).unusedDirectives).toHaveLength(1);
    expect(analyze('export const y = 1;\n', 'x.ts', { config: REPORTING }).unusedDirectives).toBeUndefined();
  });

  it('the config key is validated like a severity', () => {
    expect(validateConfig({ reportUnusedDisableDirectives: 'error' }, 'a.json').reportUnusedDisableDirectives).toBe('error');
    expect(() => validateConfig({ reportUnusedDisableDirectives: 'warn' }, 'a.json')).toThrow(/reportUnusedDisableDirectives" must be one of off, info, warning, error, got "warn"/);
  });
});
