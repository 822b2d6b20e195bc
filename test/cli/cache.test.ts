// --cache: a file is re-analysed when its text, the config or the awaitguard build changes, and only then.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN, RACY, SYNTAX_ERROR, ensureBuilt, makeProject, removeProjects, runCli } from './helpers.js';

beforeAll(() => ensureBuilt());
afterAll(() => removeProjects());

const DEBUG = { DEBUG: 'awaitguard' };

/** "checked K of N files …; M from the cache", from the DEBUG line. */
function cacheStats(stderr: string): { checked: number; cached: number } {
  const m = /checked (\d+) of \d+ files? in .*; (\d+) from the cache/.exec(stderr);
  if (!m) throw new Error(`no cache statistics in:\n${stderr}`);
  return { checked: Number(m[1]), cached: Number(m[2]) };
}

function project(): string {
  return makeProject({ 'src/racy.ts': RACY, 'src/clean.ts': CLEAN, 'src/broken.ts': SYNTAX_ERROR, 'lib/other.ts': RACY });
}

describe('--cache', () => {
  it('re-analyses only the edited file, and reports exactly what a cold run reports', () => {
    const dir = project();
    const cold = runCli(['check', '--cache', '--format', 'sarif'], dir, DEBUG);
    expect(cacheStats(cold.stderr)).toEqual({ checked: 4, cached: 0 });
    expect(existsSync(path.join(dir, 'node_modules/.cache/awaitguard/check-cache.json'))).toBe(true);

    const warm = runCli(['check', '--cache', '--format', 'sarif'], dir, DEBUG);
    expect(cacheStats(warm.stderr)).toEqual({ checked: 0, cached: 4 });
    expect(warm.stdout).toBe(cold.stdout);
    expect(warm.code).toBe(cold.code);

    // The edit moves the race down two lines: the cached position must not be reused.
    writeFileSync(path.join(dir, 'src/racy.ts'), `// edited\n// again\n${RACY}`);
    const edited = runCli(['check', '--cache', '--format', 'json'], dir, DEBUG);
    expect(cacheStats(edited.stderr)).toEqual({ checked: 1, cached: 3 });
    const uncached = runCli(['check', '--format', 'json'], dir);
    expect(edited.stdout).toBe(uncached.stdout);
    const racy = (JSON.parse(edited.stdout) as { results: { filePath: string; findings: { line: number }[] }[] }).results.find((r) => r.filePath === 'src/racy.ts')!;
    expect(racy.findings.map((m) => m.line)).toEqual([7]);
  });

  it('starts over when the rules change, and when another build wrote the cache', () => {
    const dir = project();
    runCli(['check', '--cache'], dir);
    expect(cacheStats(runCli(['check', '--cache', '--rule', 'lost-update=off'], dir, DEBUG).stderr)).toEqual({ checked: 4, cached: 0 });
    const off = runCli(['check', '--cache', '--rule', 'lost-update=off', '--format', 'json'], dir, DEBUG);
    expect(cacheStats(off.stderr)).toEqual({ checked: 0, cached: 4 });
    expect(off.stdout).not.toContain('lost-update');

    const file = path.join(dir, 'node_modules/.cache/awaitguard/check-cache.json');
    const data = JSON.parse(readFileSync(file, 'utf8')) as { tool: string };
    writeFileSync(file, JSON.stringify({ ...data, tool: '0.0.1+another-build' }));
    expect(cacheStats(runCli(['check', '--cache', '--rule', 'lost-update=off'], dir, DEBUG).stderr)).toEqual({ checked: 4, cached: 0 });
  });

  it('honours --cache-location as a folder or a file, and survives a corrupt cache', () => {
    const dir = project();
    runCli(['check', '--cache', '--cache-location', '.ag-cache/'], dir);
    expect(existsSync(path.join(dir, '.ag-cache/check-cache.json'))).toBe(true);
    runCli(['check', '--cache-location', 'ci/awaitguard.cache'], dir);
    const file = path.join(dir, 'ci/awaitguard.cache');
    expect(existsSync(file)).toBe(true);

    writeFileSync(file, '{ not json');
    const recovered = runCli(['check', '--cache-location', 'ci/awaitguard.cache'], dir, DEBUG);
    expect(recovered.code).toBe(1);
    expect(cacheStats(recovered.stderr)).toEqual({ checked: 4, cached: 0 });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ format: 1 });
  });

  it('warns, but still reports, when the cache cannot be written', () => {
    const dir = makeProject({ 'a.ts': RACY, 'blocker': 'a file where a folder should be' });
    const result = runCli(['check', '--cache-location', 'blocker/sub/'], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('a.ts');
    expect(result.stderr).toMatch(/^awaitguard: warning: cannot write the cache blocker\/sub\/check-cache\.json: /m);
  });

  it('with --fix, re-checks cached files that have findings so they get fixed', () => {
    const dir = project();
    runCli(['check', '--cache'], dir);
    const fixed = runCli(['check', '--cache', '--fix'], dir, DEBUG);
    expect(cacheStats(fixed.stderr)).toEqual({ checked: 2, cached: 2 }); // the two racy files
    expect(readFileSync(path.join(dir, 'src/racy.ts'), 'utf8')).toContain('Lock');
    // The fixed text is what the cache now holds; only the runtime file the fix created is new.
    const after = runCli(['check', '--cache'], dir, DEBUG);
    expect(cacheStats(after.stderr)).toEqual({ checked: 1, cached: 4 });
    expect(existsSync(path.join(dir, 'src/awaitguard-lock.ts'))).toBe(true);
  });
});
