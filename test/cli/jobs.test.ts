// --jobs: files are checked in worker threads, and the report must not depend on how many.
import path from 'node:path';
import { maxFastParseLength, PARSE_STACK_MB } from '../../src/shared/stack.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/engine/index.js';
import { checkFiles, workerCount } from '../../src/cli/pool.js';
import { CHECK_THEN_ACT, CLEAN, RACY, SYNTAX_ERROR, ensureBuilt, makeProject, removeProjects, runCli } from './helpers.js';

beforeAll(() => ensureBuilt());
afterAll(() => removeProjects());

/** 48 files of every outcome, spread over folders, so a 2-worker run interleaves them. */
function mixedProject(): string {
  const files: Record<string, string> = {};
  for (let i = 0; i < 48; i++) {
    const dir = ['src', 'src/api', 'lib', 'test/unit'][i % 4];
    const body = [RACY, CLEAN, CHECK_THEN_ACT, RACY.replace(/\bn\b/g, `count${i}`)][i % 4]!;
    files[`${dir}/file-${String(i).padStart(2, '0')}.ts`] = i === 17 ? SYNTAX_ERROR : body;
  }
  files['src/unbounded.js'] = 'export async function all(urls) {\n  return Promise.all(urls.map(async (u) => fetch(u)));\n}\n';
  return makeProject(files);
}

describe('--jobs', () => {
  it('gives byte-identical output and exit codes with 1 and 2 workers, in every format', () => {
    const dir = mixedProject();
    for (const format of ['stylish', 'json', 'sarif', 'github']) {
      const one = runCli(['check', '--jobs', '1', '--format', format], dir);
      const two = runCli(['check', '--jobs', '2', '--format', format], dir);
      expect(one.code).toBe(1);
      expect(two.code).toBe(one.code);
      expect(two.stdout).toBe(one.stdout);
      expect(two.stderr).toBe(one.stderr);
    }
    const json = JSON.parse(runCli(['check', '--jobs', '2', '--format', 'json'], dir).stdout) as { results: { filePath: string }[] };
    expect(json.results.length).toBe(49);
  });

  it('really uses the workers it is given (DEBUG says where files were checked)', () => {
    const dir = mixedProject();
    expect(runCli(['check', '--jobs', '2'], dir, { DEBUG: 'awaitguard' }).stderr).toContain('checked 49 of 49 files in 2 worker threads');
    expect(runCli(['check', '--jobs', '1'], dir, { DEBUG: 'awaitguard' }).stderr).toContain('checked 49 of 49 files in the run thread');
  });

  it('parses with oxc-parser unless told otherwise, with the same report either way', () => {
    const dir = mixedProject();
    const fast = runCli(['check', '--jobs', '2', '--format', 'json'], dir, { DEBUG: 'awaitguard' });
    expect(fast.stderr).toContain(
      `awaitguard: parser: oxc-parser for files up to ${maxFastParseLength(PARSE_STACK_MB)} characters (${PARSE_STACK_MB} MB stack), typescript-estree for larger ones and where oxc reports an error\n`,
    );
    const reference = runCli(['check', '--jobs', '2', '--format', 'json'], dir, { DEBUG: 'awaitguard', AWAITGUARD_PARSER: 'typescript-estree' });
    expect(reference.stderr).toContain('awaitguard: parser: typescript-estree\n');
    expect(fast.stdout).toBe(reference.stdout);
  });

  it('applies --fix from workers as from the main thread', () => {
    const a = mixedProject();
    const b = mixedProject();
    const one = runCli(['check', '--fix', '--jobs', '1'], a);
    const two = runCli(['check', '--fix', '--jobs', '2'], b);
    expect(two.stderr.replaceAll(b, '<dir>')).toBe(one.stderr.replaceAll(a, '<dir>'));
    expect(two.stdout.replaceAll(b, '<dir>')).toBe(one.stdout.replaceAll(a, '<dir>'));
    expect(one.stderr).toContain('created src/awaitguard-lock.ts');
  });
});

describe('worker pool', () => {
  it('starts no worker for a small run unless --jobs asks, and never more than there are files', () => {
    const script = new URL('file:///cli.js');
    expect(workerCount(10, { jobs: 8, explicitJobs: false, workerScript: script })).toBe(0);
    expect(workerCount(64, { jobs: 8, explicitJobs: false, workerScript: script })).toBe(4);
    expect(workerCount(10, { jobs: 2, explicitJobs: true, workerScript: script })).toBe(2);
    expect(workerCount(3, { jobs: 8, explicitJobs: true, workerScript: script })).toBe(3);
    expect(workerCount(100, { jobs: 1, explicitJobs: true, workerScript: script })).toBe(0);
    expect(workerCount(100, { jobs: 4, explicitJobs: true })).toBe(0);
  });

  it('reports the files of a worker that dies as internal errors and checks the rest itself', async () => {
    const dir = makeProject({ 'a.ts': RACY, 'b.ts': CLEAN, 'c.ts': RACY, 'd.ts': CLEAN, 'e.ts': RACY });
    const files = ['a.ts', 'b.ts', 'c.ts', 'd.ts', 'e.ts'].map((f) => path.join(dir, f));
    // A worker that exits at once, without answering its first batch.
    const dying = new URL('data:text/javascript,process.exit(3)');
    const { outcomes } = await checkFiles(files, { cwd: dir, config: DEFAULT_CONFIG, debug: false }, { jobs: 2, explicitJobs: true, workerScript: dying });
    expect(outcomes).toHaveLength(5);
    const crashed = outcomes.filter((o) => o.result.internalError !== undefined);
    expect(crashed.length).toBeGreaterThan(0);
    for (const o of crashed) expect(o.result.internalError).toMatch(/^the worker thread checking it stopped: /);
    // Whatever the dead workers had not taken was checked here, with real findings.
    const checked = outcomes.filter((o) => o.result.internalError === undefined);
    expect(checked.length).toBe(5 - crashed.length);
    expect(checked.length).toBeGreaterThan(0);
    for (const o of checked) expect(o.result.findings.length).toBe(o.result.relPath === 'b.ts' || o.result.relPath === 'd.ts' ? 0 : 1);
  });
});
