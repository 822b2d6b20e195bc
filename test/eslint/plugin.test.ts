import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import plugin from '../../src/eslint/index.js';

const RACY = `let n = 0;
export async function inc(): Promise<void> {
  const v = n;
  await Promise.resolve();
  n = v + 1;
}
`;

function lint(code: string, filename = 'x.ts'): Linter.LintMessage[] {
  const linter = new Linter({ configType: 'flat' });
  return linter.verify(
    code,
    [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser as Linter.Parser } }, plugin.configs.recommended as Linter.Config],
    filename,
  );
}

describe('eslint plugin', () => {
  it('reports the engine finding under the rule id, at the write', () => {
    const messages = lint(RACY);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ ruleId: 'awaitguard/lost-update', severity: 2, line: 5, column: 3 });
    expect(messages[0]!.message).toContain('`n` is read on line 3');
  });

  it('offers the lock fix as a suggestion that imports awaitguard/runtime', () => {
    const [message] = lint(RACY);
    const guard = message!.suggestions!.find((s) => s.desc.startsWith('Guard `n` with a Lock (try/finally)'))!;
    expect(guard).toBeDefined();
    const fixed = RACY.slice(0, guard.fix.range[0]) + guard.fix.text + RACY.slice(guard.fix.range[1]);
    expect(fixed).toContain("import { Lock } from 'awaitguard/runtime';");
    expect(fixed).toContain('await nLock.acquire();');
    // ESLint merges a suggestion's edits into one; the result is clean for the plugin too.
    expect(lint(fixed)).toEqual([]);
  });

  it('stays quiet on safe code and honours ESLint severities', () => {
    expect(lint('let n = 0;\nexport async function inc(): Promise<void> {\n  await Promise.resolve();\n  n = n + 1;\n}\n')).toEqual([]);
    const linter = new Linter({ configType: 'flat' });
    const off = linter.verify(
      RACY,
      [
        { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser as Linter.Parser } },
        plugin.configs.recommended as Linter.Config,
        { rules: { 'awaitguard/lost-update': 'off' } },
      ],
      'x.ts',
    );
    expect(off).toEqual([]);
  });

  it('exposes every rule with docs', () => {
    expect(Object.keys(plugin.rules).sort()).toEqual(['check-then-act', 'lock-leak', 'lost-update', 'unawaited-acquire', 'unbounded-concurrency']);
    for (const rule of Object.values(plugin.rules)) expect(rule.meta?.docs?.url).toMatch(/docs\/rules\/[a-z-]+\.md$/);
  });
});
