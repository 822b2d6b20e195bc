// In-process runs of the CLI for what the binary cannot easily provoke: an engine crash, a file that turns out to
// be a folder.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { checkFile, run } from '../../src/cli/run.js';
import { formatGithub } from '../../src/cli/formatters/github.js';
import { formatJson } from '../../src/cli/formatters/json.js';
import { formatSarif } from '../../src/cli/formatters/sarif.js';
import { formatStylish } from '../../src/cli/formatters/stylish.js';
import { ALL_RULES, DEFAULT_CONFIG } from '../../src/engine/index.js';
import type * as Engine from '../../src/engine/index.js';
import { CLEAN, RACY, makeProject, removeProjects } from './helpers.js';
import { sarifProblems } from './sarif-shape.js';

vi.mock('../../src/engine/index.js', async (importOriginal) => {
  const actual = await importOriginal<typeof Engine>();
  return {
    ...actual,
    analyze: (text: string, fileName: string, options: Parameters<typeof actual.analyze>[2]) => {
      if (fileName.endsWith('boom.ts')) throw new Error('kaboom');
      return actual.analyze(text, fileName, options);
    },
  };
});

afterAll(() => removeProjects());

async function runIn(cwd: string, argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    cwd,
    env,
    stdout: { write: (s: string) => (stdout += s), isTTY: false },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

describe('engine crash on one file', () => {
  it('reports it, still analyses the others, and exits 2', async () => {
    const dir = makeProject({ 'boom.ts': CLEAN, 'racy.ts': RACY });
    const { code, stdout, stderr } = await runIn(dir, ['check', '--rule', 'lost-update=error']);
    expect(code).toBe(2);
    expect(stdout).toMatch(/boom\.ts\n {2}0:0 +error {2}Internal error while analysing this file: kaboom/);
    expect(stdout).toMatch(/racy\.ts\n {2}5:3 +error /);
    expect(stderr).toBe('awaitguard: internal error while analysing 1 file (see the report)\n');
  });

  it('prints the stack under DEBUG=awaitguard', async () => {
    const dir = makeProject({ 'boom.ts': CLEAN });
    const { stderr } = await runIn(dir, ['check'], { DEBUG: 'other,awaitguard' });
    expect(stderr).toMatch(/internal error in boom\.ts:\nError: kaboom\n\s+at /);
  });

  it('marks the SARIF invocation unsuccessful', async () => {
    const dir = makeProject({ 'boom.ts': CLEAN, 'racy.ts': RACY });
    const { code, stdout } = await runIn(dir, ['check', '--format', 'sarif']);
    expect(code).toBe(2);
    const log = JSON.parse(stdout) as { runs: { invocations: { executionSuccessful: boolean; toolExecutionNotifications: { message: { text: string } }[] }[]; results: unknown[] }[] };
    expect(sarifProblems(log)).toEqual([]);
    expect(log.runs[0]!.invocations[0]!.executionSuccessful).toBe(false);
    expect(log.runs[0]!.invocations[0]!.toolExecutionNotifications[0]!.message.text).toContain('kaboom');
    expect(log.runs[0]!.results).toHaveLength(1);
  });
});

describe('checkFile', () => {
  it('reports a folder where a file was expected as a read error', () => {
    const dir = makeProject({});
    const folder = path.join(dir, 'x.ts');
    mkdirSync(folder);
    expect(checkFile(folder, { cwd: dir, config: DEFAULT_CONFIG, debug: false }).result).toEqual({ path: folder, relPath: 'x.ts', kind: 'source', findings: [], readError: 'it is a folder' });
  });

  it.skipIf(process.platform === 'win32')('reports a FIFO as a read error without waiting for a writer', () => {
    const dir = makeProject({});
    const fifo = path.join(dir, 'pipe.ts');
    execFileSync('mkfifo', [fifo]);
    // Were the read to wait again, this writer ends the wait after a few seconds: the test fails instead of hanging.
    const writer = spawn('sh', ['-c', 'sleep 5; echo "export {};" > "$0"', fifo], { stdio: 'ignore' });
    try {
      expect(checkFile(fifo, { cwd: dir, config: DEFAULT_CONFIG, debug: false }).result.readError).toBe('not a regular file');
    } finally {
      writer.kill();
    }
  });

  it('reports a vanished file as a read error', () => {
    const dir = makeProject({});
    expect(checkFile(path.join(dir, 'gone.ts'), { cwd: dir, config: DEFAULT_CONFIG, debug: false }).result.readError).toBe('the file no longer exists');
  });

  it('strips a BOM so columns match the editor', () => {
    const dir = makeProject({ 'bom.ts': `\ufeff${RACY}` });
    const { result } = checkFile(path.join(dir, 'bom.ts'), { cwd: dir, config: DEFAULT_CONFIG, debug: false });
    expect(result.findings.map((f) => [f.range.start.line, f.range.start.column])).toEqual([[5, 2]]);
  });

  it('read errors are rendered by every format, naming the file', () => {
    const dir = makeProject({});
    const report = {
      cwd: dir,
      version: '0.0.0',
      results: [{ path: path.join(dir, 'secret.ts'), relPath: 'secret.ts', findings: [], readError: 'permission denied' }],
      rules: ALL_RULES.map((r) => r.meta),
    };
    expect(formatStylish(report, { color: false })).toBe(
      '\nsecret.ts\n  0:0  error  Cannot read file: permission denied\n\n✖ 1 problem (1 error, 0 warnings, 0 infos)\n1 file checked\n',
    );
    expect(JSON.parse(formatJson(report))).toMatchObject({ results: [{ filePath: 'secret.ts', readError: 'permission denied' }], summary: { readErrorCount: 1 } });
    expect(formatGithub(report)).toBe('::error file=secret.ts,title=awaitguard::Cannot read file: permission denied\n');
    const log = JSON.parse(formatSarif(report));
    expect(sarifProblems(log)).toEqual([]);
    expect(log.runs[0].invocations[0]).toMatchObject({
      executionSuccessful: true,
      toolExecutionNotifications: [{ level: 'error', message: { text: 'Cannot read file: permission denied' } }],
    });
  });
});
