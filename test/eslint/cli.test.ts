// The plugin as users run it: the real `eslint` binary, a flat config that imports `awaitguard/eslint-plugin`
// through the package's exports (dist/eslint-plugin.js), on the bundled example. It must report what
// `awaitguard check` reports.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt, runCli } from '../cli/helpers.js';

// Inside the package, so `awaitguard/eslint-plugin` resolves by self-reference and typescript-eslint from
// the package's node_modules, as in a project that installed both.
const parent = path.join(ROOT, '.cache');
let dir = '';

beforeAll(() => {
  ensureBuilt();
  mkdirSync(parent, { recursive: true });
  dir = mkdtempSync(path.join(parent, 'eslint-cli-'));
  cpSync(path.join(ROOT, 'examples', 'payments-service', 'src'), path.join(dir, 'src'), { recursive: true });
  writeFileSync(
    path.join(dir, 'eslint.config.mjs'),
    `import tseslint from 'typescript-eslint';
import awaitguard from 'awaitguard/eslint-plugin';

export default [
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
  awaitguard.configs.recommended,
];
`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface EslintResult {
  filePath: string;
  messages: { ruleId: string | null; line: number; column: number; severity: number; message: string; suggestions?: { desc: string }[] }[];
}

describe('eslint with the plugin', () => {
  it('reports the findings awaitguard check reports, at the same places, with suggestions', () => {
    const eslint = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js'), '--format', 'json', 'src'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(eslint.stderr).toBe('');
    expect(eslint.status).toBe(1); // errors found
    const linted = JSON.parse(eslint.stdout) as EslintResult[];
    const fromEslint = linted
      .flatMap((r) => r.messages.map((m) => `${path.relative(dir, r.filePath)}:${m.line}:${m.column} ${m.ruleId} ${m.message}`))
      .sort();

    // The CLI checks the original: the copy sits in .cache/, which the repository's .gitignore hides from it.
    const check = runCli(['check', 'src', '--format', 'json'], path.join(ROOT, 'examples', 'payments-service'));
    const report = JSON.parse(check.stdout) as { results: { filePath: string; findings: { ruleId: string; line: number; column: number; message: string }[] }[] };
    const fromCheck = report.results
      .flatMap((r) => r.findings.map((f) => `${r.filePath}:${f.line}:${f.column} awaitguard/${f.ruleId} ${f.message}`))
      .sort();

    expect(fromEslint).toHaveLength(7);
    expect(fromEslint).toEqual(fromCheck);
    const lostUpdate = linted.flatMap((r) => r.messages).find((m) => m.ruleId === 'awaitguard/lost-update')!;
    expect(lostUpdate.severity).toBe(2);
    // `balance`, declared inside the critical section, is used after it: only a callback can hand it back.
    expect(lostUpdate.suggestions?.map((s) => s.desc)).toEqual(['Guard `this.balances` with a Lock (runExclusive)']);
  });
});
