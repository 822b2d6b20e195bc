// `--format eslint`: what ESLint's own `json` formatter prints for the plugin, from the CLI.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import plugin from '../../src/eslint/index.js';
import { CHECK_THEN_ACT, CLEAN, RACY, ensureBuilt, makeProject, removeProjects, runCli } from './helpers.js';

beforeAll(() => ensureBuilt());
afterAll(() => removeProjects());

/** ESLint run with the plugin's recommended config, formatted by ESLint's json formatter. */
async function eslintJson(dir: string, files: string[]): Promise<unknown[]> {
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser as never } }, plugin.configs.recommended as never],
  });
  const results = await eslint.lintFiles(files);
  const formatter = await eslint.loadFormatter('json');
  return JSON.parse(await formatter.format(results)) as unknown[];
}

type LintResult = { filePath: string; messages: Record<string, unknown>[] } & Record<string, unknown>;

describe('--format eslint', () => {
  it('has the shape, positions, rule ids, severities and suggestions ESLint itself reports for the plugin', async () => {
    const dir = makeProject({ 'src/counter.ts': RACY, 'src/client.ts': CHECK_THEN_ACT, 'src/clean.ts': CLEAN });
    const files = ['src/clean.ts', 'src/client.ts', 'src/counter.ts'];
    const ours = JSON.parse(runCli(['check', '--format', 'eslint', ...files], dir).stdout) as LintResult[];
    const theirs = (await eslintJson(dir, files)) as LintResult[];
    const byPath = (results: LintResult[]) => new Map(results.map((r) => [r.filePath, r]));
    const eslintByPath = byPath(theirs);
    expect(ours.map((r) => r.filePath).sort()).toEqual(theirs.map((r) => r.filePath).sort());
    for (const result of ours) {
      const expected = eslintByPath.get(result.filePath)!;
      expect(Object.keys(result).sort()).toEqual(Object.keys(expected).sort());
      for (const key of ['errorCount', 'fatalErrorCount', 'warningCount', 'fixableErrorCount', 'fixableWarningCount', 'suppressedMessages', 'source']) {
        expect(result[key], `${result.filePath} ${key}`).toEqual(expected[key]);
      }
      const pick = (m: Record<string, unknown>) => ({
        ruleId: m.ruleId,
        severity: m.severity,
        message: m.message,
        line: m.line,
        column: m.column,
        endLine: m.endLine,
        endColumn: m.endColumn,
        messageId: m.messageId,
        suggestions: (m.suggestions as { desc: string; fix: unknown }[] | undefined)?.map((s) => ({ desc: s.desc, fix: s.fix })),
      });
      expect(result.messages.map(pick)).toEqual(expected.messages.map(pick));
    }
    expect(ours.find((r) => r.filePath.endsWith('counter.ts'))!.messages).toHaveLength(1);
  });

  it('a parse error is a fatal message without a rule id', () => {
    const dir = makeProject({ 'src/broken.ts': 'export const x = ;\n' });
    const [result] = JSON.parse(runCli(['check', '--format', 'eslint'], dir).stdout) as LintResult[];
    expect(result!.messages).toEqual([expect.objectContaining({ ruleId: null, fatal: true, severity: 2, line: 1 })]);
    expect(result!.fatalErrorCount).toBe(1);
    expect(result!.filePath).toBe(path.join(dir, 'src', 'broken.ts'));
    expect(readFileSync(path.join(dir, 'src', 'broken.ts'), 'utf8')).toBe('export const x = ;\n');
  });
});
