// --stdin / --stdin-filename and --print-config, as ESLint users know them.
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, RACY, ensureBuilt, makeProject, removeProjects, runCli } from './helpers.js';

beforeAll(() => ensureBuilt());
afterAll(() => removeProjects());

function withStdin(args: string[], cwd: string, input: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('--stdin', () => {
  it('checks standard input as the file --stdin-filename names: its kind of file, its name in the report', () => {
    const dir = makeProject({ 'package.json': '{}' });
    const source = withStdin(['check', '--stdin', '--stdin-filename', 'src/counter.ts', '--format', 'json'], dir, RACY);
    expect(source.code).toBe(1);
    const [result] = JSON.parse(source.stdout).results;
    expect(result).toMatchObject({ filePath: 'src/counter.ts', kind: 'source' });
    expect(result.findings.map((f: { ruleId: string; line: number }) => `${f.ruleId}@${f.line}`)).toEqual(['lost-update@5']);
    // The same code named as a test: the race rules are low there, hidden by default.
    const test = withStdin(['check', '--stdin', '--stdin-filename', 'test/counter.test.ts', '--format', 'json'], dir, RACY);
    expect(test.code).toBe(0);
    expect(JSON.parse(test.stdout).results[0]).toMatchObject({ filePath: 'test/counter.test.ts', kind: 'test', findings: [] });
  });

  it('without a name it is <stdin>.ts; a syntax error is reported, not thrown', () => {
    const dir = makeProject({ 'package.json': '{}' });
    const r = withStdin(['check', '--stdin'], dir, 'export const x = ;\n');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('<stdin>.ts\n  1:18  error  Parsing error:');
  });

  it('refuses what it cannot do, with exit 2', () => {
    const dir = makeProject({ 'src/a.ts': RACY });
    expect(withStdin(['check', '--stdin', 'src'], dir, RACY)).toMatchObject({ code: 2, stderr: 'awaitguard: --stdin checks standard input, not files; drop src\n' });
    expect(withStdin(['check', '--stdin', '--fix'], dir, RACY)).toMatchObject({ code: 2, stderr: 'awaitguard: --fix cannot write standard input back; --fix-dry-run shows what it would change\n' });
    expect(runCli(['check', '--stdin-filename', 'a.ts'], dir)).toMatchObject({ code: 2, stderr: 'awaitguard: --stdin-filename names the code read with --stdin; pass --stdin too\n' });
    expect(runCli(['check', '-'], dir)).toMatchObject({ code: 2, stderr: 'awaitguard: to check standard input, pass --stdin (and --stdin-filename PATH for its name)\n' });
  });
});

describe('--print-config', () => {
  it('prints what applies to a file: its kind, each rule with its severity and confidence ceiling, the configuration file', () => {
    const dir = makeProject({
      'awaitguard.config.json': JSON.stringify({ rules: { 'check-then-act': 'error' }, rulesByKind: { test: { 'unbounded-concurrency': 'warning' } }, minConfidence: 'low' }),
      'src/a.ts': RACY,
    });
    const source = runCli(['check', '--print-config', 'src/a.ts'], dir);
    expect(source.code).toBe(0);
    const printed = JSON.parse(source.stdout);
    expect(printed).toMatchObject({ file: 'src/a.ts', kind: 'source', configFile: 'awaitguard.config.json', minConfidence: 'low', reportUnusedDisableDirectives: 'off' });
    expect(printed.rules['check-then-act']).toEqual({ severity: 'error', maxConfidence: 'high' });
    expect(printed.rules['teardown-race']).toEqual({ severity: 'warning', maxConfidence: 'low' });
    // A test file that does not exist yet: judged by its path; the kind's defaults and overrides apply.
    const test = JSON.parse(runCli(['check', '--print-config', 'test/new.test.ts', '--rule', 'lost-update=off'], dir).stdout);
    expect(test.kind).toBe('test');
    expect(test.rules['unbounded-concurrency']).toEqual({ severity: 'warning', maxConfidence: 'high' });
    expect(test.rules['lost-update']).toEqual({ severity: 'off', maxConfidence: 'low' });
    expect(test.rules['unawaited-acquire']).toEqual({ severity: 'error', maxConfidence: 'high' });
  });
});
