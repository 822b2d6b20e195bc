// Disable directives in the CLI: ESLint's spelling honoured, unused ones reported and removed by --fix.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RACY, ensureBuilt, makeProject, removeProjects, runCli } from './helpers.js';
import { sarifProblems } from './sarif-shape.js';

beforeAll(() => ensureBuilt());
afterAll(() => removeProjects());

const SUPPRESSED_BY_ESLINT = RACY.replace('  n = v + 1;', '  // eslint-disable-next-line awaitguard/lost-update -- reviewed\n  n = v + 1;');
/** A directive for a rule that reports nothing on its line, above a lost update it does not cover. */
const STALE = RACY.replace('  n = v + 1;', '  // awaitguard-disable-next-line check-then-act\n  n = v + 1;');
const CLEAN_WITH_DIRECTIVE = 'export const ready = true; // awaitguard-disable-line\n';

describe('disable directives in the CLI', () => {
  it('an eslint-disable comment naming awaitguard/<rule> silences `awaitguard check` too', () => {
    const dir = makeProject({ 'src/a.ts': SUPPRESSED_BY_ESLINT });
    const r = runCli(['check', '--format', 'json'], dir);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).results[0].findings).toEqual([]);
  });

  it('unused directives are not reported by default', () => {
    const dir = makeProject({ 'src/a.ts': CLEAN_WITH_DIRECTIVE });
    const r = runCli(['check'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
  });

  it('--report-unused-disable-directives reports them as errors, without a rule id, and exits 1', () => {
    const dir = makeProject({ 'src/a.ts': CLEAN_WITH_DIRECTIVE, 'src/b.ts': STALE });
    const r = runCli(['check', '--report-unused-disable-directives'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1:28  error  Unused awaitguard-disable-line directive (no problems were reported)\n');
    expect(r.stdout).toMatch(/5:3 +error +Unused awaitguard-disable-next-line directive \(no problems were reported from 'check-then-act'\)\n/);
    expect(r.stdout).toMatch(/6:3 +error +.*lost-update/);
    expect(r.stdout).toContain('3 problems (3 errors, 0 warnings, 0 infos)');
  });

  it('--report-unused-disable-directives-severity warning keeps the exit code at 0; the config file key does the same', () => {
    const dir = makeProject({ 'src/a.ts': CLEAN_WITH_DIRECTIVE });
    const r = runCli(['check', '--report-unused-disable-directives-severity', 'warning'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('warning  Unused awaitguard-disable-line directive');
    expect(runCli(['check', '--report-unused-disable-directives-severity', 'warning', '--max-warnings', '0'], dir).code).toBe(1);
    const configured = makeProject({ 'src/a.ts': CLEAN_WITH_DIRECTIVE, 'awaitguard.config.json': '{ "reportUnusedDisableDirectives": "info" }' });
    expect(runCli(['check'], configured).stdout).toContain('info  Unused awaitguard-disable-line directive');
  });

  it('rejects a severity it does not know, with exit 2', () => {
    const dir = makeProject({ 'src/a.ts': CLEAN_WITH_DIRECTIVE });
    const r = runCli(['check', '--report-unused-disable-directives-severity', 'warn'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('option --report-unused-disable-directives-severity expects one of off, info, warning, error, got "warn"');
  });

  it('json, sarif and github carry them; the SARIF log stays valid', () => {
    const dir = makeProject({ 'src/a.ts': CLEAN_WITH_DIRECTIVE });
    const json = JSON.parse(runCli(['check', '--report-unused-disable-directives', '--format', 'json'], dir).stdout);
    expect(json.results[0].unusedDirectives).toEqual([
      expect.objectContaining({ severity: 'error', line: 1, column: 28, message: 'Unused awaitguard-disable-line directive (no problems were reported).', fix: [{ offset: [26, 53], text: '' }] }),
    ]);
    expect(json.summary.errorCount).toBe(1);
    const sarif = JSON.parse(runCli(['check', '--report-unused-disable-directives', '--format', 'sarif'], dir).stdout);
    expect(sarifProblems(sarif)).toEqual([]);
    const run = sarif.runs[0];
    expect(run.results).toEqual([expect.objectContaining({ ruleId: 'unused-disable-directive', level: 'error' })]);
    expect(run.tool.driver.rules[run.results[0].ruleIndex].id).toBe('unused-disable-directive');
    const github = runCli(['check', '--report-unused-disable-directives', '--format', 'github'], dir).stdout;
    expect(github).toContain('::error file=src/a.ts,line=1,col=28,title=awaitguard(unused-disable-directive)::Unused awaitguard-disable-line directive');
  });

  it('--fix removes them (only the rules of a list that suppressed nothing), and the file is then clean', () => {
    const both = RACY.replace('  n = v + 1;', '  // awaitguard-disable-next-line lost-update, check-then-act -- reviewed\n  n = v + 1;');
    const dir = makeProject({ 'src/a.ts': CLEAN_WITH_DIRECTIVE, 'src/b.ts': both });
    const r = runCli(['check', '--report-unused-disable-directives', '--fix'], dir);
    expect(r.code).toBe(0);
    expect(readFileSync(path.join(dir, 'src/a.ts'), 'utf8')).toBe('export const ready = true;\n');
    expect(readFileSync(path.join(dir, 'src/b.ts'), 'utf8')).toBe(RACY.replace('  n = v + 1;', '  // awaitguard-disable-next-line lost-update -- reviewed\n  n = v + 1;'));
    expect(r.stderr).toContain('applied 2 fixes in 2 files');
    expect(runCli(['check', '--report-unused-disable-directives'], dir).code).toBe(0);
  });

  it('a cached run reports the same unused directives', () => {
    const dir = makeProject({ 'src/a.ts': CLEAN_WITH_DIRECTIVE });
    const first = runCli(['check', '--cache', '--report-unused-disable-directives'], dir);
    const second = runCli(['check', '--cache', '--report-unused-disable-directives'], dir);
    expect(second.stdout).toBe(first.stdout);
    expect(second.code).toBe(1);
  });
});
