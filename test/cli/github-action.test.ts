// The GitHub Action (action.yml) and its check script, run here as a runner would run them: outputs, the job
// summary, the SARIF, the baseline, and on a pull request only what it changes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, CLEAN, RACY, ROOT, ensureBuilt, makeProject, removeProjects, runCli } from './helpers.js';

beforeAll(() => ensureBuilt());
afterAll(() => removeProjects());

const SCRIPT = path.join(ROOT, 'scripts', 'action-check.sh');

function git(dir: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
}

/** A project that depends on awaitguard: its node_modules/.bin/awaitguard is this build. */
function project(files: Record<string, string>): string {
  const dir = makeProject({ 'package.json': '{ "name": "app", "type": "module" }', ...files });
  mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(CLI, path.join(dir, 'node_modules', '.bin', 'awaitguard'));
  return dir;
}

function runAction(dir: string, env: Record<string, string> = {}) {
  const temp = path.join(dir, '.runner');
  mkdirSync(temp, { recursive: true });
  const outputs = path.join(temp, 'outputs');
  const summary = path.join(temp, 'summary.md');
  writeFileSync(outputs, '');
  const r = spawnSync('bash', [SCRIPT], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, RUNNER_TEMP: temp, GITHUB_OUTPUT: outputs, GITHUB_STEP_SUMMARY: summary, AG_PATHS: '.', AG_MAX_WARNINGS: '-1', AG_CHANGED_ONLY: 'true', AG_BASELINE: '.awaitguard-baseline.json', ...env },
  });
  const out = Object.fromEntries(readFileSync(outputs, 'utf8').trim().split('\n').filter(Boolean).map((l) => l.split('=', 2) as [string, string]));
  return { status: r.status, stderr: r.stderr, outputs: out, summary: existsSync(summary) ? readFileSync(summary, 'utf8') : '' };
}

function sarifResults(file: string): string[] {
  const log = JSON.parse(readFileSync(file, 'utf8')) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
  return log.runs[0]!.results.map((r) => `${r.locations[0]!.physicalLocation.artifactLocation.uri}:${r.ruleId}`);
}

describe('the GitHub Action', () => {
  it('action.yml is a composite action whose check step runs the script with its inputs', () => {
    const action = load(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as { runs: { using: string; steps: { id?: string; run?: string; uses?: string; env?: Record<string, string> }[] }; inputs: Record<string, { default: string }> };
    expect(action.runs.using).toBe('composite');
    const check = action.runs.steps.find((s) => s.id === 'check')!;
    expect(check.run).toContain('scripts/action-check.sh');
    for (const input of ['paths', 'version', 'baseline', 'changed-only', 'max-warnings', 'args']) expect(action.inputs[input]).toBeDefined();
    expect(Object.values(check.env!).join(' ')).toContain('inputs.changed-only');
    expect(action.runs.steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif'))).toBe(true);
    expect(spawnSync('bash', ['-n', SCRIPT]).status).toBe(0);
  });

  it('checks the project, writes the SARIF and a job summary, and reports the exit code without failing itself', () => {
    const dir = project({ 'src/counter.ts': RACY, 'src/clean.ts': CLEAN });
    const r = runAction(dir, { AG_EVENT: 'push' });
    expect(r.status).toBe(0);
    expect(r.outputs['exit-code']).toBe('1');
    expect(sarifResults(r.outputs.sarif!)).toEqual(['src/counter.ts:lost-update']);
    expect(r.summary).toContain('### awaitguard');
    expect(r.summary).toContain('| `lost-update` | 1 | 0 | 0 |');
    expect(r.summary).toContain('2 files checked: 2 source');
    // Each finding, with how it happens folded under it: a reviewer sees the interleaving on the run's page.
    expect(r.summary).toContain('- `src/counter.ts:5` **lost-update** (error): `n` is read on line 3');
    expect(r.summary).toMatch(/<details><summary>How it happens<\/summary>\n\n {2}\| line \| call A of `inc\(\)` \| call B of `inc\(\)` \|\n/);
    expect(r.summary).toContain("  → B's write is computed from the same v as A's and overwrites it: A's update is lost\n\n  </details>");
    expect(existsSync(path.join(dir, '.awaitguard-cache', 'check-cache.json'))).toBe(true);
  });

  it('honours a baseline that exists, and on a pull request checks only what it changes', () => {
    const dir = project({ 'src/counter.ts': RACY, '.gitignore': 'node_modules/\n.runner/\n.awaitguard-cache/\n' });
    expect(runCli(['check', '--baseline-write', '.awaitguard-baseline.json'], dir).code).toBe(0);
    expect(runAction(dir, { AG_EVENT: 'push' }).outputs['exit-code']).toBe('0');

    // A remote with main; a branch that adds a racy file.
    const origin = path.join(os.tmpdir(), `awaitguard-origin-${process.pid}-${Date.now()}.git`);
    spawnSync('git', ['init', '-q', '--bare', origin]);
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'base');
    git(dir, 'remote', 'add', 'origin', origin);
    git(dir, 'push', '-q', 'origin', 'main');
    git(dir, 'checkout', '-q', '-b', 'feature');
    writeFileSync(path.join(dir, 'src/tally.ts'), RACY);
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'tally');
    const pr = runAction(dir, { AG_EVENT: 'pull_request', AG_BASE_REF: 'main', AG_BASELINE: 'none.json' });
    expect(pr.outputs['exit-code']).toBe('1');
    // counter.ts is unchanged: not reported, even without the baseline.
    expect(sarifResults(pr.outputs.sarif!)).toEqual(['src/tally.ts:lost-update']);
    expect(pr.summary).toContain('Checked the files changed since `origin/main`');
  });
});
