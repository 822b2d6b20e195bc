// --fix-dry-run: what --fix would write, shown and not written.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyEdits } from '../../src/fixes/index.js';
import { CLEAN, CLI, RACY, ensureBuilt, makeProject, removeProjects, runCli } from './helpers.js';

beforeAll(() => ensureBuilt());
afterAll(() => removeProjects());

describe('--fix-dry-run', () => {
  it('prints a unified diff of each file --fix would change, and writes nothing', () => {
    const dir = makeProject({ 'src/counter.ts': RACY, 'src/clean.ts': CLEAN, 'package.json': '{ "type": "module" }' });
    const r = runCli(['check', '--fix-dry-run'], dir);
    expect(r.code).toBe(0); // nothing would be left to report
    expect(r.stdout).toMatch(/^--- a\/src\/counter\.ts\n\+\+\+ b\/src\/counter\.ts\n@@ -1,6 \+1,\d+ @@\n/);
    expect(r.stdout).toContain("+import { Lock } from './awaitguard-lock.js';\n");
    expect(r.stdout).toContain('-  const v = n;\n');
    expect(r.stdout).not.toContain('clean.ts');
    expect(r.stderr).toContain('awaitguard: would create src/awaitguard-lock.ts (the Lock/Semaphore runtime the fixes import)\n');
    expect(r.stderr).toContain('awaitguard: --fix-dry-run: would apply 1 fix in 1 file; nothing written\n');
    expect(readFileSync(path.join(dir, 'src/counter.ts'), 'utf8')).toBe(RACY);
    expect(existsSync(path.join(dir, 'src/awaitguard-lock.ts'))).toBe(false);
  });

  it('with --format json, gives each file its edits and output: exactly what --fix then writes', () => {
    const dir = makeProject({ 'src/counter.ts': RACY, 'package.json': '{ "type": "module" }' });
    const json = JSON.parse(runCli(['check', '--fix-dry-run', '--format', 'json'], dir).stdout);
    const [result] = json.results;
    expect(result.fixedCount).toBe(1);
    expect(applyEdits(RACY, result.fixEdits)).toBe(result.output);
    expect(runCli(['check', '--fix'], dir).code).toBe(0);
    expect(readFileSync(path.join(dir, 'src/counter.ts'), 'utf8')).toBe(result.output);
  });

  it('works on standard input; refuses to be combined with --fix', () => {
    const dir = makeProject({ 'package.json': '{ "type": "module" }' });
    const r = spawnSync(process.execPath, [CLI, 'check', '--stdin', '--stdin-filename', 'src/counter.ts', '--fix-dry-run', '--format', 'json'], { cwd: dir, input: RACY, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).results[0].output).toContain('await nLock.acquire();');
    expect(runCli(['check', '--fix', '--fix-dry-run'], dir)).toMatchObject({ code: 2, stderr: 'awaitguard: use one of --fix and --fix-dry-run\n' });
  });
});
