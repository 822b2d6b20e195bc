// --fix writes only inside the checked folders, never over a read-only file or a file saved during the run,
// and keeps the BOM, line endings and tabs; the same with workers, which write the fixed files themselves.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN, CLI, RACY, ensureBuilt, makeProject, parseJsonOutput, removeProjects, runCli, type CliResult } from './helpers.js';
import { sarifProblems } from './sarif-shape.js';

beforeAll(() => ensureBuilt());
afterAll(() => removeProjects());

interface JsonReport {
  results: { filePath: string; fixError?: string; internalError?: string; findings: { ruleId: string }[] }[];
  summary: { errorCount: number; internalErrorCount: number; fixErrorCount: number };
}

const isRoot = process.getuid?.() === 0;

/** The RACY example with a BOM, CRLF line endings and tab indentation. */
const RACY_BOM_CRLF_TABS = '\ufeff' + RACY.replace(/^ {2}/gm, '\t').replace(/\n/g, '\r\n');

describe.each(['1', '2'])('--fix --jobs %s', (jobs) => {
  const fix = (dir: string, args: string[] = [], env: Record<string, string> = {}): CliResult & { report: JsonReport } => {
    const r = runCli(['check', '--fix', '--jobs', jobs, '--format', 'json', ...args], dir, { DEBUG: 'awaitguard', ...env });
    if (jobs === '2') expect(r.stderr).toMatch(/ in 2 worker threads/);
    return { ...r, report: parseJsonOutput<JsonReport>(r.stdout) };
  };
  const resultOf = (report: JsonReport, file: string) => report.results.find((r) => r.filePath === file)!;

  it('does not write through a link to a file outside the checked folders, and says so', () => {
    const outside = makeProject({ 'shared/racy.ts': RACY });
    const dir = makeProject({ 'package.json': '{ "name": "app" }', 'src/own.ts': RACY, 'lib/other.ts': RACY });
    symlinkSync(path.join(outside, 'shared/racy.ts'), path.join(dir, 'src/linked.ts'));
    // Inside the working folder, but outside the folder named on the command line.
    symlinkSync(path.join(dir, 'lib/other.ts'), path.join(dir, 'src/sibling.ts'));

    const r = fix(dir, ['src']);
    expect(r.code).toBe(1);
    expect(readFileSync(path.join(outside, 'shared/racy.ts'), 'utf8')).toBe(RACY);
    expect(readFileSync(path.join(dir, 'lib/other.ts'), 'utf8')).toBe(RACY);
    expect(readFileSync(path.join(dir, 'src/own.ts'), 'utf8')).toContain('nLock.acquire()');

    const linked = resultOf(r.report, 'src/linked.ts');
    expect(linked.fixError).toBe(`a symbolic link to ${path.relative(dir, path.join(outside, 'shared/racy.ts'))}, outside the checked folders`);
    expect(linked.findings.map((f) => f.ruleId)).toEqual(['lost-update']);
    expect(resultOf(r.report, 'src/sibling.ts').fixError).toBe('a symbolic link to lib/other.ts, outside the checked folders');
    expect(r.report.summary).toMatchObject({ errorCount: 2, internalErrorCount: 0, fixErrorCount: 2 });
    expect(r.stderr).toContain(`awaitguard: warning: src/linked.ts: ${linked.fixError}; not fixed\n`);
    expect(r.stderr).toContain('awaitguard: warning: src/sibling.ts: a symbolic link to lib/other.ts, outside the checked folders; not fixed\n');
    expect(r.stderr).toContain('applied 1 fix in 1 file');
  });

  it('leaves a read-only file alone (even as root), and still reports its findings', () => {
    const dir = makeProject({ 'ro.ts': RACY, 'rw.ts': RACY, 'clean.ts': CLEAN });
    chmodSync(path.join(dir, 'ro.ts'), 0o444);
    const r = fix(dir);
    expect(r.code).toBe(1);
    expect(readFileSync(path.join(dir, 'ro.ts'), 'utf8')).toBe(RACY);
    expect(statSync(path.join(dir, 'ro.ts')).mode & 0o777).toBe(0o444);
    expect(readFileSync(path.join(dir, 'rw.ts'), 'utf8')).toContain('nLock.acquire()');
    const ro = resultOf(r.report, 'ro.ts');
    expect(ro).toMatchObject({ fixError: 'read-only', findings: [{ ruleId: 'lost-update' }] });
    expect(ro.internalError).toBeUndefined();
    expect(r.stderr).toContain('awaitguard: warning: ro.ts: read-only; not fixed\n');
    expect(r.stderr).not.toContain('internal error');
  });

  it.runIf(isRoot)('reports a file it has no permission to write as not fixed, not as an internal error', () => {
    const dir = makeProject({ 'a.ts': RACY, 'b.ts': RACY });
    chmodSync(dir, 0o755);
    // As "nobody": the files are root's, mode 644, so only the write itself fails.
    const run = spawnSync(process.execPath, [CLI, 'check', '--fix', '--jobs', jobs, '--format', 'json'], { cwd: dir, uid: 65534, gid: 65534, encoding: 'utf8' });
    expect(run.stderr).toBe('awaitguard: warning: a.ts: cannot be written (permission denied); not fixed\nawaitguard: warning: b.ts: cannot be written (permission denied); not fixed\n');
    expect(run.status).toBe(1);
    const report = parseJsonOutput<JsonReport>(run.stdout);
    expect(report.results.map((x) => [x.filePath, x.fixError, x.findings.length])).toEqual([
      ['a.ts', 'cannot be written (permission denied)', 1],
      ['b.ts', 'cannot be written (permission denied)', 1],
    ]);
    expect(readFileSync(path.join(dir, 'a.ts'), 'utf8')).toBe(RACY);
  });

  it('does not overwrite a file saved while the run analysed it', () => {
    const dir = makeProject({ 'edited.ts': RACY, 'other.ts': RACY });
    // Stands in for the user saving in an editor: right after awaitguard reads edited.ts, it changes on disk.
    // The CLI reads files on worker threads, where preloaded modules do not run: the hook loads itself there.
    const hooks = makeProject({
      'save-during-run.mjs': `import fs from 'node:fs';
import { createRequire, syncBuiltinESMExports } from 'node:module';
const threads = createRequire(import.meta.url)('node:worker_threads');
const Worker = threads.Worker;
threads.Worker = class extends Worker {
  constructor(script, options = {}) {
    const start = 'import(' + JSON.stringify(import.meta.url) + ').then(() => import(' + JSON.stringify(String(script)) + '))';
    super(start, { ...options, eval: true });
  }
};
// However the file is read, it is opened and closed: it changes on disk as awaitguard closes it.
const { openSync, closeSync, readFileSync, writeFileSync } = fs;
const opened = new Map();
let saved = false;
fs.openSync = function (file, ...rest) {
  const fd = openSync.call(this, file, ...rest);
  opened.set(fd, String(file));
  return fd;
};
fs.closeSync = function (fd) {
  closeSync.call(this, fd);
  const file = opened.get(fd);
  opened.delete(fd);
  if (!saved && file && file.endsWith('edited.ts')) {
    saved = true;
    writeFileSync(file, '// saved by the user\\n' + readFileSync(file, 'utf8'));
  }
};
fs.readFileSync = function (file, ...rest) {
  const data = readFileSync.call(this, file, ...rest);
  if (!saved && String(file).endsWith('edited.ts')) {
    saved = true;
    writeFileSync(file, '// saved by the user\\n' + readFileSync(file, 'utf8'));
  }
  return data;
};
syncBuiltinESMExports();
`,
    });
    const hook = pathToFileURL(path.join(hooks, 'save-during-run.mjs')).href;
    const r = fix(dir, [], { NODE_OPTIONS: `--import=${hook}` });
    expect(readFileSync(path.join(dir, 'edited.ts'), 'utf8')).toBe(`// saved by the user\n${RACY}`);
    expect(readFileSync(path.join(dir, 'other.ts'), 'utf8')).toContain('nLock.acquire()');
    expect(resultOf(r.report, 'edited.ts')).toMatchObject({ fixError: 'changed on disk during the run', findings: [{ ruleId: 'lost-update' }] });
    expect(r.stderr).toContain('awaitguard: warning: edited.ts: changed on disk during the run; not fixed\n');
    expect(r.code).toBe(1);
  });

  it('keeps a BOM, CRLF line endings and tabs', () => {
    const dir = makeProject({ 'a.ts': RACY_BOM_CRLF_TABS, 'b.ts': RACY.replace(/\n/g, '\r\n') });
    const r = fix(dir);
    expect(r.code).toBe(0);
    const a = readFileSync(path.join(dir, 'a.ts'), 'utf8');
    expect(a.startsWith('\ufeffimport { Lock }')).toBe(true);
    expect(a).toContain('\tawait nLock.acquire();\r\n\ttry {\r\n\t\tconst v = n;\r\n');
    expect(a).not.toMatch(/[^\r]\n|^ +/m);
    const b = readFileSync(path.join(dir, 'b.ts'), 'utf8');
    expect(b.startsWith('import { Lock }')).toBe(true);
    expect(b).toContain('  await nLock.acquire();\r\n  try {\r\n');
    expect(b).not.toMatch(/[^\r]\n/);
  });
});

describe('--fix: where the runtime copy goes', () => {
  it('refuses a vendorPath that a linked folder leads outside the project, before fixing anything', () => {
    const elsewhere = makeProject({ 'vendor/keep.txt': 'not the project' });
    const dir = makeProject({ 'package.json': '{ "name": "app" }', 'a.ts': RACY, 'b.ts': RACY });
    symlinkSync(path.join(elsewhere, 'vendor'), path.join(dir, 'src'));
    const r = runCli(['check', '--fix', '--jobs', '2'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const realTarget = path.relative(dir, path.join(elsewhere, 'vendor/awaitguard-lock.ts'));
    expect(r.stderr).toBe(`awaitguard: "fix.vendorPath" (src/awaitguard-lock.ts) leads to ${realTarget}, outside the project root .; --fix writes nothing there\n`);
    expect(existsSync(path.join(elsewhere, 'vendor/awaitguard-lock.ts'))).toBe(false);
    expect(readFileSync(path.join(dir, 'a.ts'), 'utf8')).toBe(RACY);

    // Also when the link is further up than the folders still to be created.
    writeFileSync(path.join(dir, 'awaitguard.config.json'), JSON.stringify({ fix: { vendorPath: 'src/deep/er/lock.ts' } }));
    expect(runCli(['check', '--fix'], dir).code).toBe(2);
    expect(existsSync(path.join(elsewhere, 'vendor/deep'))).toBe(false);
  });

  it('accepts a linked folder that stays inside the project', () => {
    const dir = makeProject({ 'package.json': '{ "name": "app" }', 'a.ts': RACY, 'code/keep.txt': '' });
    symlinkSync(path.join(dir, 'code'), path.join(dir, 'src'));
    const r = runCli(['check', '--fix'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('created src/awaitguard-lock.ts');
    expect(readFileSync(path.join(dir, 'code/awaitguard-lock.ts'), 'utf8')).toContain('export class Lock');
  });

  it('does not write through a dangling link where the runtime copy would go', () => {
    const elsewhere = makeProject({ 'keep.txt': '' });
    const dir = makeProject({ 'package.json': '{ "name": "app" }', 'a.ts': RACY, 'src/keep.txt': '' });
    symlinkSync(path.join(elsewhere, 'planted.ts'), path.join(dir, 'src/awaitguard-lock.ts'));
    const r = runCli(['check', '--fix'], dir);
    expect(r.stderr).toContain(
      'awaitguard: warning: cannot create src/awaitguard-lock.ts (the runtime the fixes import): a symbolic link to a missing file is there\n',
    );
    expect(existsSync(path.join(elsewhere, 'planted.ts'))).toBe(false);
  });
});

describe('--fix results in every format', () => {
  it('shows a file that was not fixed in stylish, github and valid SARIF', () => {
    const dir = makeProject({ 'ro.ts': RACY });
    chmodSync(path.join(dir, 'ro.ts'), 0o444);
    const stylish = runCli(['check', '--fix'], dir);
    expect(stylish.stdout).toMatch(/ro\.ts\n {2}0:0 {2}not fixed {2}File not fixed: read-only\n {2}5:3 {2}error {6}/);
    expect(stylish.stdout).toContain('\n1 file not fixed\n');
    const github = runCli(['check', '--fix', '--format', 'github'], dir);
    expect(github.stdout).toContain('::warning file=ro.ts,title=awaitguard::File not fixed: read-only\n');
    const sarif = runCli(['check', '--fix', '--format', 'sarif'], dir);
    const log = parseJsonOutput<{ runs: { invocations: { executionSuccessful: boolean; toolExecutionNotifications: { descriptor: { id: string }; message: { text: string } }[] }[] }[] }>(sarif.stdout);
    expect(sarifProblems(log)).toEqual([]);
    const invocation = log.runs[0]!.invocations[0]!;
    expect(invocation.executionSuccessful).toBe(true);
    expect(invocation.toolExecutionNotifications).toMatchObject([{ descriptor: { id: 'fix-not-written' }, message: { text: 'File not fixed: read-only' } }]);
  });
});
