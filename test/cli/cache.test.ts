// --cache: a file is re-analysed when its text, the config or the awaitguard build changes, and only then.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
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

function findingCount(json: string): number {
  const report = JSON.parse(json) as { results: { findings: unknown[] }[] };
  return report.results.reduce((n, f) => n + f.findings.length, 0);
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
    // The edited file, and the other file with findings: json shows their fixes, which a sarif run did not make.
    expect(cacheStats(edited.stderr)).toEqual({ checked: 2, cached: 2 });
    expect(cacheStats(runCli(['check', '--cache', '--format', 'json'], dir, DEBUG).stderr)).toEqual({ checked: 0, cached: 4 });
    const uncached = runCli(['check', '--format', 'json'], dir);
    expect(edited.stdout).toBe(uncached.stdout);
    const racy = (JSON.parse(edited.stdout) as { results: { filePath: string; findings: { line: number }[] }[] }).results.find((r) => r.filePath === 'src/racy.ts')!;
    expect(racy.findings.map((m) => m.line)).toEqual([7]);
  });

  it('re-analyses a file when a module it looked into changes, and only then', () => {
    // `count` awaits `encoderFor`, which shares one in-flight download: quiet while the module says so.
    const loader = (shared: boolean): string =>
      shared
        ? `const loading: Record<string, Promise<string>> = {};\nexport function encoderFor(name: string): Promise<string> {\n  if (!(name in loading)) loading[name] = fetch(name).then((r) => r.text());\n  return loading[name]!;\n}\n`
        : `export async function encoderFor(name: string): Promise<string> {\n  const r = await fetch(name);\n  return r.text();\n}\n`;
    const user = `import { encoderFor } from './loader.js';\nexport class Counter {\n  private enc: string | undefined;\n  async count(text: string): Promise<number> {\n    if (!this.enc) this.enc = await encoderFor('base');\n    return this.enc.length + text.length;\n  }\n}\n`;
    const dir = makeProject({ 'src/loader.ts': loader(true), 'src/counter.ts': user });
    const cold = runCli(['check', '--cache', '--format', 'json'], dir, DEBUG);
    expect(cacheStats(cold.stderr)).toEqual({ checked: 2, cached: 0 });
    expect(findingCount(cold.stdout)).toBe(0);

    writeFileSync(path.join(dir, 'src/loader.ts'), loader(false));
    const edited = runCli(['check', '--cache', '--format', 'json'], dir, DEBUG);
    // The loader itself, and the counter whose findings rested on it.
    expect(cacheStats(edited.stderr)).toEqual({ checked: 2, cached: 0 });
    expect(findingCount(edited.stdout)).toBe(1);
    expect(edited.stdout).toBe(runCli(['check', '--format', 'json'], dir).stdout);

    const warm = runCli(['check', '--cache', '--format', 'json'], dir, DEBUG);
    expect(cacheStats(warm.stderr)).toEqual({ checked: 0, cached: 2 });
  });

  it("re-analyses a file when its package.json changes what the package is", () => {
    // A class's lazy load is shown in a library and held back in an application (every caller is in the repository).
    const session = `declare function fetchProfile(): Promise<string>;\nexport class Session {\n  private profile: string | null = null;\n  async ensureProfile() {\n    if (!this.profile) this.profile = await fetchProfile();\n    return this.profile;\n  }\n}\n`;
    const dir = makeProject({ 'package.json': JSON.stringify({ name: 'sdk', types: 'dist/index.d.ts' }), 'src/session.ts': session });
    const library = runCli(['check', '--cache', '--format', 'json'], dir, DEBUG);
    expect(findingCount(library.stdout)).toBe(1);

    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'web', private: true }));
    const application = runCli(['check', '--cache', '--format', 'json'], dir, DEBUG);
    expect(cacheStats(application.stderr)).toEqual({ checked: 1, cached: 0 });
    expect(findingCount(application.stdout)).toBe(0);
    expect(application.stdout).toBe(runCli(['check', '--format', 'json'], dir).stdout);
    expect(cacheStats(runCli(['check', '--cache', '--format', 'json'], dir, DEBUG).stderr)).toEqual({ checked: 0, cached: 1 });
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

    // Cut short: still recognisably awaitguard's, so it is rebuilt with a warning.
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 80));
    const recovered = runCli(['check', '--cache-location', 'ci/awaitguard.cache'], dir, DEBUG);
    expect(recovered.code).toBe(1);
    expect(recovered.stderr).toContain('awaitguard: warning: ignoring the malformed cache ci/awaitguard.cache (not valid JSON); it is rebuilt\n');
    expect(cacheStats(recovered.stderr)).toEqual({ checked: 4, cached: 0 });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ awaitguard: 'check-cache', format: 1 });
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

/** The cache file of a warm run in `dir`, parsed. */
function warmCache(dir: string): { file: string; data: { files: Record<string, { findings: unknown[] }> } & Record<string, unknown> } {
  runCli(['check', '--cache'], dir);
  const file = path.join(dir, 'node_modules/.cache/awaitguard/check-cache.json');
  return { file, data: JSON.parse(readFileSync(file, 'utf8')) as never };
}

describe('--cache: a malformed cache', () => {
  const damaged: [string, (data: ReturnType<typeof warmCache>['data']) => string, string][] = [
    ['bad JSON', (data) => JSON.stringify(data).slice(0, -3), 'not valid JSON'],
    ['the wrong shape', (data) => JSON.stringify({ ...data, files: [] }), 'not the shape of a cache file'],
    ['the wrong format marker type', (data) => JSON.stringify({ ...data, format: '1' }), 'not the shape of a cache file'],
    ['findings that are not a list', (data) => JSON.stringify({ ...data, files: { ...data.files, 'src/racy.ts': { hash: 'x', findings: 5 } } }), 'the entry of src/racy.ts is not the shape of a cached result'],
    [
      'a finding of the wrong types',
      (data) => {
        const finding = { ...(data.files['src/racy.ts']!.findings[0] as object), range: 'line 5' };
        return JSON.stringify({ ...data, files: { ...data.files, 'src/racy.ts': { ...data.files['src/racy.ts'], findings: [finding] } } });
      },
      'the entry of src/racy.ts is not the shape of a cached result',
    ],
  ];
  it.each(damaged)('is ignored with a warning and rebuilt: %s', (_, damage, why) => {
    const dir = project();
    const cold = runCli(['check', '--format', 'json'], dir);
    const { file, data } = warmCache(dir);
    writeFileSync(file, damage(data));
    const r = runCli(['check', '--cache', '--format', 'json'], dir, DEBUG);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`awaitguard: warning: ignoring the malformed cache node_modules/.cache/awaitguard/check-cache.json (${why}); it is rebuilt\n`);
    expect(cacheStats(r.stderr)).toEqual({ checked: 4, cached: 0 });
    expect(r.stdout).toBe(cold.stdout);
    // Rebuilt: the next run uses it without a word.
    const next = runCli(['check', '--cache'], dir, DEBUG);
    expect(cacheStats(next.stderr)).toEqual({ checked: 0, cached: 4 });
    expect(next.stderr).not.toContain('malformed');
  });

  it('starts over silently from a cache that an earlier build wrote (without the marker)', () => {
    const dir = project();
    const { file, data } = warmCache(dir);
    const legacy: Record<string, unknown> = { ...data };
    delete legacy.awaitguard;
    writeFileSync(file, JSON.stringify({ ...legacy, tool: '0.0.1+older' }));
    const r = runCli(['check', '--cache'], dir, DEBUG);
    expect(r.stderr).not.toContain('warning');
    expect(cacheStats(r.stderr)).toEqual({ checked: 4, cached: 0 });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ awaitguard: 'check-cache' });
  });
});

describe('--cache-location: only a cache file awaitguard owns is replaced', () => {
  it('refuses a source file, before checking anything', () => {
    const dir = project();
    const r = runCli(['check', '--cache-location', 'src/clean.ts'], dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('awaitguard: cannot use src/clean.ts as the cache: it is not an awaitguard cache; awaitguard replaces only a cache file it wrote\n');
    expect(readFileSync(path.join(dir, 'src/clean.ts'), 'utf8')).toBe(CLEAN);
  });

  it('refuses other JSON, and damaged text without the marker, at the default location too', () => {
    const dir = project();
    writeFileSync(path.join(dir, 'tsconfig.json'), '{ "compilerOptions": {} }\n');
    expect(runCli(['check', '--cache-location', 'tsconfig.json'], dir).code).toBe(2);
    expect(readFileSync(path.join(dir, 'tsconfig.json'), 'utf8')).toBe('{ "compilerOptions": {} }\n');

    mkdirSync(path.join(dir, 'node_modules/.cache/awaitguard'), { recursive: true });
    writeFileSync(path.join(dir, 'node_modules/.cache/awaitguard/check-cache.json'), '{ not json');
    const r = runCli(['check', '--cache'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot use node_modules/.cache/awaitguard/check-cache.json as the cache: it is not an awaitguard cache');
  });

  it('refuses a FIFO, a link and (as root) a device node, and leaves them as they are', () => {
    const dir = project();
    const fifo = path.join(dir, 'pipe');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return;
    const r = runCli(['check', '--cache-location', 'pipe'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('awaitguard: cannot use pipe as the cache: it is not a regular file; awaitguard replaces only a cache file it wrote\n');
    expect(lstatSync(fifo).isFIFO()).toBe(true);

    symlinkSync(path.join(dir, 'src/clean.ts'), path.join(dir, 'link.json'));
    expect(runCli(['check', '--cache-location', 'link.json'], dir).code).toBe(2);
    expect(lstatSync(path.join(dir, 'link.json')).isSymbolicLink()).toBe(true);

    // A null device of our own (major 1, minor 3), never the system's /dev/null.
    if (spawnSync('mknod', [path.join(dir, 'null'), 'c', '1', '3']).status !== 0) return;
    const device = runCli(['check', '--cache-location', 'null'], dir);
    expect(device.code).toBe(2);
    expect(device.stderr).toContain('cannot use null as the cache: it is not a regular file');
    expect(lstatSync(path.join(dir, 'null')).isCharacterDevice()).toBe(true);
  });

  it('takes over an empty file, and keeps a folder location working', () => {
    const dir = project();
    writeFileSync(path.join(dir, 'empty.cache'), '');
    expect(runCli(['check', '--cache-location', 'empty.cache'], dir).code).toBe(1);
    expect(JSON.parse(readFileSync(path.join(dir, 'empty.cache'), 'utf8'))).toMatchObject({ awaitguard: 'check-cache' });

    mkdirSync(path.join(dir, 'ci'));
    runCli(['check', '--cache-location', 'ci'], dir);
    const warm = runCli(['check', '--cache-location', 'ci'], dir, DEBUG);
    expect(cacheStats(warm.stderr)).toEqual({ checked: 0, cached: 4 });
    expect(existsSync(path.join(dir, 'ci/check-cache.json'))).toBe(true);
  });
});
