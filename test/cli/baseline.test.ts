// --baseline / --baseline-write: accept today's findings, fail only on new ones.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_THEN_ACT, CLEAN, LEDGER, RACY, ensureBuilt, makeProject, removeProjects, runCli } from './helpers.js';

beforeAll(() => ensureBuilt());
afterAll(() => removeProjects());


function project(): string {
  return makeProject({ 'src/ledger.ts': LEDGER, 'src/counter.ts': RACY, 'src/client.ts': CHECK_THEN_ACT, 'src/clean.ts': CLEAN });
}

function read(file: string): { awaitguardBaseline: number; findings: Record<string, unknown>[] } {
  return JSON.parse(readFileSync(file, 'utf8')) as { awaitguardBaseline: number; findings: Record<string, unknown>[] };
}

describe('baselines', () => {
  it('--baseline-write records every finding without line numbers, and exits 0', () => {
    const dir = project();
    const result = runCli(['check', '--baseline-write', 'ci/awaitguard-baseline.json'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('awaitguard: wrote 4 findings to the baseline ci/awaitguard-baseline.json\n');
    const baseline = read(path.join(dir, 'ci/awaitguard-baseline.json'));
    expect(baseline.awaitguardBaseline).toBe(1);
    // Paths are relative to the baseline's folder, so the check can run from anywhere.
    expect(baseline.findings.map((e) => [e.file, e.rule, e.context, e.location])).toEqual([
      ['../src/client.ts', 'check-then-act', 'Client.get', 'this.conn'],
      ['../src/counter.ts', 'lost-update', 'inc', 'n'],
      ['../src/ledger.ts', 'lost-update', 'Ledger.add', 'this.total'],
      ['../src/ledger.ts', 'lost-update', 'Ledger.bump', 'this.count'],
    ]);
    for (const e of baseline.findings) {
      expect(e.hash).toMatch(/^[0-9a-f]{16}$/);
      expect(e.count).toBe(1);
      expect(JSON.stringify(e)).not.toMatch(/line/i);
    }
  });

  it('--baseline hides baselined findings even after edits above them, and reports new ones', () => {
    const dir = project();
    runCli(['check', '--baseline-write', 'baseline.json'], dir);
    const clean = runCli(['check', '--baseline', 'baseline.json'], dir);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe('');
    expect(clean.stderr).toBe('awaitguard: 4 findings in the baseline baseline.json not reported\n');

    // An unrelated edit above both races shifts every line; nothing becomes new.
    writeFileSync(path.join(dir, 'src/ledger.ts'), `import { readFile } from 'node:fs/promises';\n\n/** Docs. */\n${LEDGER}`);
    const shifted = runCli(['check', '--baseline', 'baseline.json'], dir);
    expect(shifted.code).toBe(0);
    expect(shifted.stdout).toBe('');

    // A new race in the same file is reported, alone, at its own line.
    const withNew = LEDGER.replace(
      '  async bump(): Promise<void> {',
      '  async reset(): Promise<void> {\n    const t = this.total;\n    await Promise.resolve();\n    this.total = t * 0;\n  }\n\n  async bump(): Promise<void> {',
    );
    writeFileSync(path.join(dir, 'src/ledger.ts'), `import { readFile } from 'node:fs/promises';\n\n/** Docs. */\n${withNew}`);
    const fresh = runCli(['check', '--baseline', 'baseline.json', '--format', 'json'], dir);
    expect(fresh.code).toBe(1);
    const findings = (JSON.parse(fresh.stdout) as { results: { filePath: string; findings: { ruleId: string; line: number }[] }[] }).results.flatMap((r) =>
      r.findings.map((f) => `${r.filePath}:${f.line} ${f.ruleId}`),
    );
    expect(findings).toEqual(['src/ledger.ts:17 lost-update']); // reset()'s write
  });

  it('says how many baseline entries no longer occur once a race is fixed', () => {
    const dir = project();
    runCli(['check', '--baseline-write', 'baseline.json'], dir);
    writeFileSync(path.join(dir, 'src/counter.ts'), CLEAN);
    const result = runCli(['check', '--baseline', 'baseline.json'], dir);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('awaitguard: 3 findings in the baseline baseline.json not reported\n');
    expect(result.stderr).toContain('awaitguard: 1 baseline entry no longer occurs (fixed or changed code); drop it with --baseline-prune baseline.json (--baseline-write would also accept every new finding)\n');
    // Checking only some files does not call the others' entries stale.
    const partial = runCli(['check', 'src/ledger.ts', '--baseline', 'baseline.json'], dir);
    expect(partial.stderr).toBe('awaitguard: 2 findings in the baseline baseline.json not reported\n');
  });

  it('--baseline-prune drops what no longer occurs, accepts nothing new, and reports as --baseline does', () => {
    const dir = project();
    runCli(['check', '--baseline-write', 'baseline.json'], dir);
    const before = read(path.join(dir, 'baseline.json'));
    // Fix one race and add a new one.
    writeFileSync(path.join(dir, 'src/counter.ts'), CLEAN);
    writeFileSync(path.join(dir, 'src/fresh.ts'), RACY);
    const result = runCli(['check', '--baseline-prune', 'baseline.json'], dir);
    expect(result.stderr).toContain('awaitguard: pruned 1 entry that no longer occurs from the baseline baseline.json\n');
    expect(result.code).toBe(1); // the new race is reported, not accepted
    expect(result.stdout).toContain('src/fresh.ts');
    const after = read(path.join(dir, 'baseline.json'));
    expect(after.findings).toEqual(before.findings.filter((e) => e.file !== 'src/counter.ts'));
    expect(after.findings.some((e) => e.file === 'src/fresh.ts')).toBe(false);
    // Nothing left to prune: the file is not rewritten, and the message says 0.
    const again = runCli(['check', '--baseline-prune', 'baseline.json'], dir);
    expect(again.stderr).toContain('awaitguard: pruned 0 entries that no longer occur from the baseline baseline.json\n');
    // Checking only some files keeps the others' entries.
    runCli(['check', 'src/ledger.ts', '--baseline-prune', 'baseline.json'], dir);
    expect(read(path.join(dir, 'baseline.json')).findings).toEqual(after.findings);
    // One baseline option at a time.
    const both = runCli(['check', '--baseline', 'baseline.json', '--baseline-prune', 'baseline.json'], dir);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('awaitguard: use one of --baseline, --baseline-write and --baseline-prune\n');
  });

  it('counts identical findings, so a second copy of a baselined race is new', () => {
    const twice = `let n = 0;\nexport async function inc() {\n  for (const _ of [1, 2]) {\n    const v = n;\n    await Promise.resolve();\n    n = v + 1;\n  }\n}\n`;
    const dir = makeProject({ 'a.ts': twice });
    runCli(['check', '--baseline-write', 'b.json'], dir);
    const copy = twice.replace('n = v + 1;\n  }', 'n = v + 1;\n    const w = n;\n    await Promise.resolve();\n    n = w + 1;\n  }');
    writeFileSync(path.join(dir, 'a.ts'), copy);
    const before = runCli(['check', '--format', 'json'], dir);
    expect((JSON.parse(before.stdout) as { summary: { errorCount: number } }).summary.errorCount).toBe(2);
    expect(runCli(['check', '--baseline', 'b.json'], dir).code).toBe(1);
  });

  it('rejects a missing or malformed baseline with exit 2, naming the file', () => {
    const dir = makeProject({ 'a.ts': RACY, 'bad.json': '{ "findings": [', 'other.json': '{"findings": []}', 'entry.json': '{"awaitguardBaseline": 1, "findings": [{"rule": "lost-update"}]}' });
    const missing = runCli(['check', '--baseline', 'nope.json'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('awaitguard: cannot read the baseline nope.json: the file does not exist (create it with --baseline-write)\n');
    expect(runCli(['check', '--baseline', 'bad.json'], dir).stderr).toMatch(/^awaitguard: the baseline bad\.json is not valid JSON: line 1, column \d+: /);
    expect(runCli(['check', '--baseline', 'other.json'], dir).stderr).toMatch(/^awaitguard: the baseline other\.json is not an awaitguard baseline/);
    expect(runCli(['check', '--baseline', 'entry.json'], dir).stderr).toBe(
      'awaitguard: the baseline entry.json has an invalid entry at findings[0] (needs rule, file, hash and a positive count)\n',
    );
  });
});
