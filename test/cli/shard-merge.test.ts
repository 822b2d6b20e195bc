// --shard i/n and merge-reports: three jobs' reports merged equal the single run's, byte for byte.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_THEN_ACT, CLEAN, RACY, SYNTAX_ERROR, ensureBuilt, makeProject, removeProjects, runCli } from './helpers.js';

beforeAll(() => ensureBuilt());
afterAll(() => removeProjects());

/** Eighteen files of every outcome: findings of two rules, clean files, syntax errors, a test file, an unused directive. */
function corpus(): string {
  const files: Record<string, string> = { 'package.json': '{ "name": "app", "type": "module" }' };
  for (let i = 0; i < 5; i++) {
    files[`src/counter${i}.ts`] = RACY;
    files[`src/client${i}.ts`] = CHECK_THEN_ACT;
    files[`src/clean${i}.ts`] = CLEAN;
  }
  files['src/broken.ts'] = SYNTAX_ERROR;
  files['test/counter.test.ts'] = RACY;
  files['src/directive.ts'] = 'export const ready = true; // awaitguard-disable-line\n';
  return makeProject(files);
}

const FLAGS = ['--report-unused-disable-directives-severity', 'warning'];

describe('--shard and merge-reports', () => {
  it.each(['json', 'sarif'])('%s: three shards merged equal the single run, and so does the exit code', (format) => {
    const dir = corpus();
    const single = runCli(['check', ...FLAGS, '--format', format, '-o', `single.${format}`], dir);
    expect(single.code).toBe(1);
    const shards = [1, 2, 3].map((i) => runCli(['check', ...FLAGS, '--shard', `${i}/3`, '--format', format, '-o', `shard-${i}.${format}`], dir));
    expect(shards.every((s) => s.code === 0 || s.code === 1)).toBe(true);
    const merged = runCli(['merge-reports', '-o', `merged.${format}`, ...[1, 2, 3].map((i) => `shard-${i}.${format}`)], dir);
    expect(merged.code).toBe(single.code);
    expect(readFileSync(path.join(dir, `merged.${format}`), 'utf8')).toBe(readFileSync(path.join(dir, `single.${format}`), 'utf8'));
  });

  it('splits every file into exactly one shard, deterministically and not all into one', () => {
    const dir = corpus();
    const filesOf = (args: string[]): string[] => (JSON.parse(runCli(['check', '--format', 'json', ...args], dir).stdout) as { results: { filePath: string }[] }).results.map((r) => r.filePath);
    const all = filesOf([]);
    const parts = [1, 2, 3].map((i) => filesOf(['--shard', `${i}/3`]));
    expect(parts.flat().sort()).toEqual([...all].sort());
    expect(parts.filter((p) => p.length > 0).length).toBeGreaterThan(1);
    expect(filesOf(['--shard', '2/3'])).toEqual(parts[1]);
  });

  it('refuses a bad shard, mixed formats and unreadable reports, with exit 2', () => {
    const dir = corpus();
    for (const bad of ['0/3', '4/3', '3', 'a/b']) {
      const r = runCli(['check', '--shard', bad], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`option --shard expects i/n with 1 <= i <= n (e.g. 2/3: the second of three jobs), got "${bad}"`);
    }
    runCli(['check', '--format', 'json', '-o', 'a.json'], dir);
    runCli(['check', '--format', 'sarif', '-o', 'a.sarif'], dir);
    expect(runCli(['merge-reports', 'a.json', 'a.sarif'], dir)).toMatchObject({ code: 2, stderr: 'awaitguard: merge-reports merges reports of one format: all JSON (--format json) or all SARIF\n' });
    expect(runCli(['merge-reports', 'missing.json'], dir).stderr).toMatch(/^awaitguard: cannot read the report missing.json: /);
    expect(runCli(['merge-reports'], dir).code).toBe(2);
    expect(runCli(['check', '--shard', '1/3', '--baseline-write', 'b.json'], dir)).toMatchObject({
      code: 2,
      stderr: "awaitguard: --baseline-write records every finding of a full run; with --shard it would drop the other files' entries\n",
    });
  });
});
