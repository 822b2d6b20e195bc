// --changed-since REF: check what a pull request changes, in a real git repository.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER, RACY, ensureBuilt, makeProject, removeProjects, runCli } from './helpers.js';

beforeAll(() => ensureBuilt());
afterAll(() => removeProjects());

function git(dir: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}


function repo(): string {
  const dir = makeProject({ 'package.json': '{ "name": "app" }', 'src/ledger.ts': LEDGER, 'src/counter.ts': RACY });
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'base');
  git(dir, 'checkout', '-q', '-b', 'feature');
  return dir;
}

function reported(dir: string, ...args: string[]): string[] {
  const r = runCli(['check', '--format', 'json', ...args], dir);
  expect(r.stderr).toBe('');
  const json = JSON.parse(r.stdout) as { results: { filePath: string; findings: { line: number; ruleId: string }[] }[] };
  return json.results.flatMap((f) => f.findings.map((x) => `${f.filePath}:${x.line}`));
}

describe('--changed-since', () => {
  it('checks only changed files, and reports only findings in the functions that changed', () => {
    const dir = repo();
    expect(reported(dir)).toEqual(['src/counter.ts:5', 'src/ledger.ts:8', 'src/ledger.ts:14']);
    expect(reported(dir, '--changed-since', 'main')).toEqual([]);
    // A committed change inside bump() only.
    writeFileSync(path.join(dir, 'src/ledger.ts'), LEDGER.replace('    const c = this.count;', '    const c = this.count; // read'));
    git(dir, 'commit', '-q', '-am', 'touch bump');
    expect(reported(dir, '--changed-since', 'main')).toEqual(['src/ledger.ts:14']);
    // An uncommitted change in add() and a new, untracked file count too; counter.ts did not change.
    writeFileSync(path.join(dir, 'src/ledger.ts'), LEDGER.replace('    const c = this.count;', '    const c = this.count; // read').replace('    const t = this.total;', '    const t = this.total; // read'));
    writeFileSync(path.join(dir, 'src/fresh.ts'), RACY);
    expect(reported(dir, '--changed-since', 'main')).toEqual(['src/fresh.ts:5', 'src/ledger.ts:8', 'src/ledger.ts:14']);
  });

  it('a change outside any racy function reports nothing; a deleted line inside one reports it', () => {
    const dir = repo();
    writeFileSync(path.join(dir, 'src/ledger.ts'), `// header\n${LEDGER}`);
    expect(reported(dir, '--changed-since', 'main')).toEqual([]);
    writeFileSync(path.join(dir, 'src/counter.ts'), RACY.replace('  await Promise.resolve();\n', '  await Promise.resolve();\n  await Promise.resolve();\n'));
    git(dir, 'commit', '-q', '-am', 'two awaits');
    git(dir, 'checkout', '-q', '-b', 'next');
    writeFileSync(path.join(dir, 'src/counter.ts'), RACY);
    expect(reported(dir, '--changed-since', 'feature')).toEqual(['src/counter.ts:5']);
  });

  it('says what is wrong with the revision or the folder, with exit 2', () => {
    const dir = repo();
    const r = runCli(['check', '--changed-since', 'nope'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('awaitguard: --changed-since: unknown revision "nope" (fetch it first, e.g. git fetch origin main)\n');
    const plain = makeProject({ 'a.ts': RACY });
    const outside = runCli(['check', '--changed-since', 'main'], plain);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/^awaitguard: --changed-since: not in a git repository/);
  });
});
