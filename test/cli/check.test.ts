// End to end: the built binary on throwaway projects; stylish output, exit codes, flags.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ruleMeta } from '../../src/engine/index.js';
import { CHECK_THEN_ACT, CLI, CLEAN, RACY, ROOT, SYNTAX_ERROR, ensureBuilt, makeProject, parseJsonOutput, removeProjects, runCli } from './helpers.js';

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => removeProjects());

const lostUpdateSeverity = ruleMeta('lost-update').defaultSeverity;
const checkThenActSeverity = ruleMeta('check-then-act').defaultSeverity;

describe('awaitguard check (stylish)', () => {
  it('reports the lost update with its position, rule, related locations and a summary', () => {
    const dir = makeProject({ 'racy.ts': RACY, 'clean.ts': CLEAN });
    const { code, stdout, stderr } = runCli(['check'], dir);
    expect(stderr).toBe('');
    const lines = stdout.split('\n');
    expect(lines).toContain('racy.ts');
    expect(stdout).not.toContain('clean.ts');
    const row = lines.find((l) => l.includes('lost-update'));
    expect(row).toMatch(new RegExp(`^  5:3  ${lostUpdateSeverity}  .*\`n\`.*  lost-update$`));
    // The read (line 3, `n` in `const v = n`) and the await (line 4) are listed under the finding.
    const rowIndex = lines.indexOf(row!);
    expect(lines[rowIndex + 1]).toMatch(/^ +↳ 3:13 /);
    expect(lines[rowIndex + 2]).toMatch(/^ +↳ 4:3 /);
    const s = lostUpdateSeverity;
    expect(stdout).toContain(summary(s === 'error' ? 1 : 0, s === 'warning' ? 1 : 0, s === 'info' ? 1 : 0));
    expect(code).toBe(lostUpdateSeverity === 'error' ? 1 : 0);
  });

  it('prints nothing and exits 0 for a clean project', () => {
    const dir = makeProject({ 'clean.ts': CLEAN, 'src/also-clean.js': 'export const x = 1;\n' });
    const { code, stdout, stderr } = runCli(['check'], dir);
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('reports a syntax error like ESLint and still analyses the other files (exit 1)', () => {
    const dir = makeProject({ 'a-broken.ts': SYNTAX_ERROR, 'b-racy.ts': RACY });
    const { code, stdout } = runCli(['check', '--rule', 'lost-update=warning'], dir);
    expect(code).toBe(1);
    expect(stdout).toContain('a-broken.ts\n  2:18  error  Parsing error: Expression expected.\n');
    expect(stdout).toMatch(/b-racy\.ts\n {2}5:3 +warning {2}.*lost-update/);
    expect(stdout).toContain('✖ 2 problems (1 error, 1 warning, 0 infos)');
    // Files come out sorted.
    expect(stdout.indexOf('a-broken.ts')).toBeLessThan(stdout.indexOf('b-racy.ts'));
  });

  it('reports an unreadable file and continues', () => {
    if (process.getuid?.() === 0) return; // root reads anything: cannot provoke EACCES
    const dir = makeProject({ 'locked.ts': RACY, 'racy.ts': RACY });
    chmodSync(path.join(dir, 'locked.ts'), 0o000);
    const { code, stdout } = runCli(['check', '--rule', 'lost-update=warning'], dir);
    expect(code).toBe(1);
    expect(stdout).toMatch(/locked\.ts\n {2}0:0 +error {2}Cannot read file: permission denied/);
    expect(stdout).toMatch(/racy\.ts\n {2}5:3/);
  });

  it('reports a file over 10 MB as skipped, without failing', () => {
    const big = `${'// padding padding padding padding padding padding padding padding padding\n'.repeat(140_000)}export const x = 1;\n`;
    expect(big.length).toBeGreaterThan(10 * 1024 * 1024);
    const dir = makeProject({ 'big.ts': big, 'clean.ts': CLEAN });
    const { code, stdout } = runCli(['check'], dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/big\.ts\n {2}0:0 +skipped {2}File skipped: larger than 10 MB \(10\.\d MB\)/);
    expect(stdout).toContain('1 file skipped');
    const json = parseJsonOutput<{ results: { filePath: string; skipped?: string }[]; summary: { skippedCount: number } }>(
      runCli(['check', '--format', 'json'], dir).stdout,
    );
    expect(json.results.find((r) => r.filePath === 'big.ts')?.skipped).toMatch(/larger than 10 MB/);
    expect(json.summary.skippedCount).toBe(1);
  });

  it('reads a file with invalid UTF-8 instead of failing', () => {
    const dir = makeProject({});
    const file = path.join(dir, 'latin1.ts');
    // "const s = 'café';" in Latin-1: the é byte is not valid UTF-8.
    const bytes = Buffer.concat([Buffer.from("export const s = 'caf"), Buffer.from([0xe9]), Buffer.from("';\n")]);
    writeFileSync(file, bytes);
    const { code, stdout, stderr } = runCli(['check', 'latin1.ts'], dir);
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

/** The stylish summary line, pluralized like the formatter. */
function summary(errors: number, warnings: number, infos: number): string {
  const n = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return `✖ ${n(errors + warnings + infos, 'problem')} (${n(errors, 'error')}, ${n(warnings, 'warning')}, ${n(infos, 'info')})`;
}

describe('exit codes and severities', () => {
  it('--rule overrides turn a rule off or raise it to error', () => {
    const dir = makeProject({ 'cta.ts': CHECK_THEN_ACT, 'racy.ts': RACY });

    const off = runCli(['check', '--rule', 'lost-update=off', '--rule', 'check-then-act=off'], dir);
    expect(off).toEqual({ code: 0, stdout: '', stderr: '' });

    const raised = runCli(['check', '--rule', 'check-then-act=error', '--rule', 'lost-update=off'], dir);
    expect(raised.code).toBe(1);
    expect(raised.stdout).toMatch(/cta\.ts\n {2}5:7 +error {2}.*check-then-act/);
    expect(raised.stdout).not.toContain('lost-update');
    expect(raised.stdout).toContain('✖ 1 problem (1 error, 0 warnings, 0 infos)');
  });

  it('--rule overrides the configuration file', () => {
    const dir = makeProject({
      'racy.ts': RACY,
      'awaitguard.config.json': JSON.stringify({ rules: { 'lost-update': 'off' } }),
    });
    expect(runCli(['check'], dir)).toEqual({ code: 0, stdout: '', stderr: '' });
    const back = runCli(['check', '--rule', 'lost-update=error'], dir);
    expect(back.code).toBe(1);
    expect(back.stdout).toMatch(/5:3 +error .*lost-update/);
  });

  it('--max-warnings: at the limit passes, above fails with a message', () => {
    const dir = makeProject({ 'cta.ts': CHECK_THEN_ACT, 'racy.ts': RACY });
    const args = ['check', '--rule', 'check-then-act=warning', '--rule', 'lost-update=warning'];
    const atLimit = runCli([...args, '--max-warnings', '2'], dir);
    expect(atLimit.code).toBe(0);
    expect(atLimit.stdout).toContain('✖ 2 problems (0 errors, 2 warnings, 0 infos)');
    expect(atLimit.stderr).toBe('');

    const over = runCli([...args, '--max-warnings', '1'], dir);
    expect(over.code).toBe(1);
    expect(over.stderr).toBe('awaitguard: too many warnings (2; --max-warnings allows 1)\n');

    // Without --max-warnings, warnings never fail the run.
    expect(runCli(args, dir).code).toBe(0);
  });

  it('info findings never fail the run and are counted as infos', () => {
    const dir = makeProject({ 'racy.ts': RACY });
    const { code, stdout } = runCli(['check', '--rule', 'lost-update=info', '--max-warnings', '0'], dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/5:3 +info {2}/);
    expect(stdout).toContain('✖ 1 problem (0 errors, 0 warnings, 1 info)');
  });

  it('--quiet shows errors only, but warnings still count for --max-warnings', () => {
    const dir = makeProject({ 'cta.ts': CHECK_THEN_ACT, 'racy.ts': RACY });
    const args = ['check', '--quiet', '--rule', 'check-then-act=warning', '--rule', 'lost-update=error'];
    const quiet = runCli(args, dir);
    expect(quiet.code).toBe(1);
    expect(quiet.stdout).toContain('lost-update');
    expect(quiet.stdout).not.toContain('check-then-act');
    expect(quiet.stdout).toContain('✖ 1 problem (1 error, 0 warnings, 0 infos)');

    const onlyWarnings = runCli(['check', '--quiet', '--rule', 'lost-update=off', '--rule', 'check-then-act=warning', '--max-warnings', '0'], dir);
    expect(onlyWarnings.stdout).toBe('');
    expect(onlyWarnings.code).toBe(1);
    expect(onlyWarnings.stderr).toContain('too many warnings (1; --max-warnings allows 0)');
  });

  it('uses the default severities from the rule metadata', () => {
    const dir = makeProject({ 'cta.ts': CHECK_THEN_ACT });
    const { code, stdout } = runCli(['check'], dir);
    expect(stdout).toMatch(new RegExp(`5:7 +${checkThenActSeverity} `));
    expect(code).toBe(checkThenActSeverity === 'error' ? 1 : 0);
  });
});

describe('usage errors exit 2 with one line on stderr', () => {
  it('a missing path is named', () => {
    const dir = makeProject({ 'racy.ts': RACY });
    const { code, stdout, stderr } = runCli(['check', 'racy.ts', 'src/missing.ts'], dir);
    expect({ code, stdout, stderr }).toEqual({ code: 2, stdout: '', stderr: 'awaitguard: no such file or folder: src/missing.ts\n' });
  });

  it('an unknown flag', () => {
    const dir = makeProject({ 'racy.ts': RACY });
    for (const [flag, hint] of [
      ['--fixx', '(did you mean --fix?)'],
      ['--fromat', '(did you mean --format?)'],
      ['--baseline-prun', '(did you mean --baseline-prune?)'],
      ['--bogus', "(see 'awaitguard --help')"],
    ]) {
      const { code, stdout, stderr } = runCli(['check', flag!], dir);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(`awaitguard: unknown option ${flag} ${hint}\n`);
    }
  });

  it('a bad --rule and a bad --format', () => {
    const dir = makeProject({ 'racy.ts': RACY });
    const rule = runCli(['check', '--rule', 'lost-updates=error'], dir);
    expect(rule.code).toBe(2);
    expect(rule.stderr).toBe('awaitguard: --rule lost-updates=error: unknown rule "lost-updates" (did you mean "lost-update"?)\n');
    // The ESLint plugin's spelling of a rule id.
    expect(runCli(['check', '--rule', 'awaitguard/lost-update=error'], dir).stderr).toBe('awaitguard: --rule awaitguard/lost-update=error: unknown rule "awaitguard/lost-update" (did you mean "lost-update"?)\n');
    // Nothing close: the known rules are listed.
    expect(runCli(['check', '--rule', 'no-console=error'], dir).stderr).toMatch(/^awaitguard: --rule no-console=error: unknown rule "no-console" \(known rules: lost-update, .*\)\n$/);
    const format = runCli(['check', '--format', 'junit'], dir);
    expect(format.code).toBe(2);
    expect(format.stderr).toBe('awaitguard: unknown format "junit" (expected one of stylish, json, sarif, github, eslint)\n');
    expect(runCli(['check', '--format', 'sariff'], dir).stderr).toBe('awaitguard: unknown format "sariff" (did you mean "sarif"?)\n');
    expect(runCli(['chekc'], dir).stderr).toBe('awaitguard: unknown command "chekc" (did you mean "awaitguard check"?)\n');
  });

  it('no command at all', () => {
    const { code, stderr } = runCli([], makeProject({}));
    expect(code).toBe(2);
    expect(stderr).toMatch(/^awaitguard: missing command; usage: awaitguard check/);
  });
});

describe('internal errors', () => {
  it.skipIf(process.platform === 'win32')('print one line (the stack only under DEBUG=awaitguard) and exit 2', () => {
    // A working folder deleted under the process makes process.cwd() throw: an error no user input should cause.
    const crash = (debug: boolean) => {
      const dir = makeProject({});
      const script = `cd "${dir}" && rmdir "${dir}" && exec "${process.execPath}" "${CLI}" check`;
      const env = { ...process.env, DEBUG: debug ? 'awaitguard' : '' };
      return spawnSync('sh', ['-c', script], { encoding: 'utf8', env });
    };
    const plain = crash(false);
    expect(plain.status).toBe(2);
    expect(plain.stdout).toBe('');
    expect(plain.stderr).toBe(
      'awaitguard: internal error: ENOENT: no such file or directory, uv_cwd\nawaitguard: set DEBUG=awaitguard to print the stack trace\n',
    );
    const debug = crash(true);
    expect(debug.status).toBe(2);
    expect(debug.stderr).toMatch(/^awaitguard: internal error: ENOENT.*\nError: ENOENT.*\n {4}at /);
  });
});

describe('--help, --version, --output, color', () => {
  it('--help prints usage and exits 0', () => {
    const { code, stdout, stderr } = runCli(['--help'], makeProject({}));
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: awaitguard check \[options\] \[paths\.\.\.\]/);
    for (const option of ['--config', '--format', '--output', '--max-warnings', '--rule', '--quiet', '--no-color']) expect(stdout).toContain(option);
    expect(runCli(['check', '--help'], makeProject({})).stdout).toBe(stdout);
  });

  it('--version prints the package.json version', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(runCli(['--version'], makeProject({}))).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('--output writes the report there (creating folders) and nothing to stdout', () => {
    const dir = makeProject({ 'racy.ts': RACY });
    const { code, stdout } = runCli(['check', '--format', 'json', '--output', 'reports/deep/awaitguard.json', '--rule', 'lost-update=error'], dir);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const file = path.join(dir, 'reports', 'deep', 'awaitguard.json');
    expect(existsSync(file)).toBe(true);
    const report = parseJsonOutput<{ results: { filePath: string; findings: { ruleId: string }[] }[] }>(readFileSync(file, 'utf8'));
    expect(report.results.map((r) => [r.filePath, r.findings.map((f) => f.ruleId)])).toEqual([['racy.ts', ['lost-update']]]);
  });

  it('--output into a path that cannot be created exits 2', () => {
    const dir = makeProject({ 'racy.ts': RACY, 'taken': 'a file, not a folder' });
    const { code, stderr } = runCli(['check', '--output', 'taken/report.txt'], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^awaitguard: cannot write the report to taken\/report\.txt: /);
  });

  it('colors only on request or on a terminal, and never when NO_COLOR is set', () => {
    const dir = makeProject({ 'racy.ts': RACY });
    // eslint-disable-next-line no-control-regex
    const ansi = /\u001b\[\d+m/;
    expect(runCli(['check'], dir).stdout).not.toMatch(ansi); // stdout is a pipe here
    expect(runCli(['check', '--color'], dir).stdout).toMatch(ansi);
    expect(runCli(['check'], dir, { FORCE_COLOR: '1' }).stdout).toMatch(ansi);
    expect(runCli(['check'], dir, { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout).not.toMatch(ansi);
    expect(runCli(['check', '--color', '--no-color'], dir).stdout).not.toMatch(ansi);
  });
});
