// Which files `awaitguard check` analyses: folders, files, globs, .gitignore, node_modules, config include/exclude.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN, CLI, RACY, ensureBuilt, makeProject, parseJsonOutput, removeProjects, runCli, type CliResult } from './helpers.js';

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => removeProjects());

interface JsonReport {
  results: { filePath: string; findings: { ruleId: string; line: number }[] }[];
}

/** The files the run analysed, from the JSON report (every analysed file is listed, clean or not). */
function analysed(args: string[], cwd: string): { files: string[]; code: number | null; stderr: string } {
  const { code, stdout, stderr } = runCli(['check', '--format', 'json', ...args], cwd);
  if (code === 2) return { files: [], code, stderr };
  return { files: parseJsonOutput<JsonReport>(stdout).results.map((r) => r.filePath), code, stderr };
}

describe('file discovery', () => {
  it('walks the current folder by default: supported extensions only, no .d.ts, sorted', () => {
    const dir = makeProject({
      'src/b.ts': CLEAN,
      'src/a.mts': CLEAN,
      'src/view.tsx': 'export const V = () => <div />;\n',
      'lib/x.cjs': 'module.exports = 1;\n',
      'lib/y.jsx': 'export const Y = () => <b />;\n',
      'lib/z.mjs': CLEAN.replace(': string', ''),
      'index.js': 'export default 1;\n',
      'types.d.ts': 'export declare const x: number;\n',
      'README.md': '# readme\n',
      'data.json': '{}\n',
      '.config/tool.ts': CLEAN,
    });
    const { files, code, stderr } = analysed([], dir);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(files).toEqual(['.config/tool.ts', 'index.js', 'lib/x.cjs', 'lib/y.jsx', 'lib/z.mjs', 'src/a.mts', 'src/b.ts', 'src/view.tsx']);
  });

  it('always skips node_modules and .git, at any depth', () => {
    const dir = makeProject({
      'src/app.ts': CLEAN,
      'node_modules/dep/index.js': RACY,
      'packages/p/node_modules/dep/index.ts': RACY,
      '.git/hooks/pre-commit.js': RACY,
    });
    expect(analysed([], dir).files).toEqual(['src/app.ts']);
    // Also when the folder is named explicitly: warned and skipped.
    const explicit = runCli(['check', 'node_modules/dep'], dir);
    expect(explicit.code).toBe(0);
    expect(explicit.stdout).toBe('');
    expect(explicit.stderr).toBe('awaitguard: warning: node_modules/dep: folder ignored (node_modules and .git are always skipped), skipped\n');
  });

  it('respects the root .gitignore and nested ones, with negation and folder patterns', () => {
    const dir = makeProject({
      '.gitignore': 'dist/\n*.gen.ts\n/root-only.ts\n',
      'dist/bundle.js': RACY,
      'src/api.gen.ts': RACY,
      'src/keep.ts': CLEAN,
      'root-only.ts': RACY,
      'src/root-only.ts': CLEAN, // "/root-only.ts" is anchored to the root
      'packages/web/.gitignore': 'out/\n!special.gen.ts\n',
      'packages/web/out/x.ts': RACY,
      'packages/web/special.gen.ts': CLEAN, // re-included by the nested file
      'packages/web/other.gen.ts': RACY,
      'packages/web/src/main.ts': CLEAN,
      'out/top.ts': CLEAN, // the nested "out/" does not apply above its folder
    });
    expect(analysed([], dir).files).toEqual(['out/top.ts', 'packages/web/special.gen.ts', 'packages/web/src/main.ts', 'src/keep.ts', 'src/root-only.ts']);
    // The same rules apply when a subfolder is walked: the root .gitignore still counts.
    expect(analysed(['packages'], dir).files).toEqual(['packages/web/special.gen.ts', 'packages/web/src/main.ts']);
  });

  it('uses the .gitignore of the repository root when run from a subfolder', () => {
    const dir = makeProject({ '.git': null, '.gitignore': 'generated/\n', 'app/generated/a.ts': RACY, 'app/src/b.ts': CLEAN });
    expect(analysed([], path.join(dir, 'app')).files).toEqual(['src/b.ts']);
  });

  it('warns about an explicitly named ignored file and skips it (like ESLint)', () => {
    const dir = makeProject({ '.gitignore': 'dist/\n', 'dist/bundle.js': RACY, 'src/a.ts': CLEAN });
    const { code, stdout, stderr } = runCli(['check', 'dist/bundle.js', 'src/a.ts'], dir);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toBe('awaitguard: warning: dist/bundle.js: file ignored (matches a pattern in .gitignore), skipped\n');
  });

  it('warns about an explicitly named unsupported file', () => {
    const dir = makeProject({ 'notes.md': '# x\n', 'a.d.ts': 'export {};\n' });
    const { code, stderr } = runCli(['check', 'notes.md', 'a.d.ts'], dir);
    expect(code).toBe(0);
    expect(stderr).toContain('awaitguard: warning: notes.md: not a supported file type');
    expect(stderr).toContain('awaitguard: warning: a.d.ts: not a supported file type');
  });

  it('takes files and folders side by side, without duplicates', () => {
    const dir = makeProject({ 'src/a.ts': CLEAN, 'src/b.ts': CLEAN, 'test/c.ts': CLEAN, 'other/d.ts': CLEAN });
    expect(analysed(['src', 'src/a.ts', 'test/c.ts', './src/'], dir).files).toEqual(['src/a.ts', 'src/b.ts', 'test/c.ts']);
  });

  it('matches globs (picomatch) under their base folder, still honouring .gitignore', () => {
    const dir = makeProject({
      '.gitignore': 'src/legacy/\n',
      'src/a.ts': CLEAN,
      'src/deep/b.ts': CLEAN,
      'src/deep/c.js': CLEAN.replace(': string', ''),
      'src/legacy/old.ts': RACY,
      'test/a.test.ts': CLEAN,
    });
    expect(analysed(['src/**/*.ts'], dir).files).toEqual(['src/a.ts', 'src/deep/b.ts']);
    expect(analysed(['**/*.{js,ts}'], dir).files).toEqual(['src/a.ts', 'src/deep/b.ts', 'src/deep/c.js', 'test/a.test.ts']);
    expect(analysed(['src/*.ts', 'test/*.test.ts'], dir).files).toEqual(['src/a.ts', 'test/a.test.ts']);
  });

  it('a glob that matches nothing, or only ignored files, is an error naming it (exit 2)', () => {
    const dir = makeProject({ '.gitignore': 'gen/\n', 'src/a.ts': CLEAN, 'gen/x.ts': CLEAN });
    expect(runCli(['check', 'src/**/*.tsx'], dir)).toEqual({ code: 2, stdout: '', stderr: 'awaitguard: no files match the pattern "src/**/*.tsx"\n' });
    expect(runCli(['check', 'gen/*.ts'], dir)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'awaitguard: all files matching the pattern "gen/*.ts" are ignored\n',
    });
  });

  it('a real path with glob characters (Next.js routes) is taken literally', () => {
    const dir = makeProject({ 'app/[id]/page.ts': RACY, 'app/i/page.ts': CLEAN });
    expect(analysed(['app/[id]/page.ts'], dir).files).toEqual(['app/[id]/page.ts']);
  });

  it('follows symlinked files but not symlinked folders', () => {
    const dir = makeProject({ 'real/a.ts': CLEAN, 'src/b.ts': CLEAN });
    symlinkSync(path.join(dir, 'real', 'a.ts'), path.join(dir, 'src', 'linked.ts'));
    symlinkSync(path.join(dir, 'real'), path.join(dir, 'src', 'loop'));
    symlinkSync(path.join(dir, 'src'), path.join(dir, 'src', 'self'));
    expect(analysed(['src'], dir).files).toEqual(['src/b.ts', 'src/linked.ts']);
  });

  it('an empty folder is fine (exit 0, a note on stderr)', () => {
    const dir = makeProject({});
    mkdirSync(path.join(dir, 'empty'));
    const { code, stdout, stderr } = runCli(['check', 'empty'], dir);
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: '', stderr: 'awaitguard: warning: no TypeScript or JavaScript files to check\n' });
  });

  it('config include/exclude globs are relative to the config folder', () => {
    const dir = makeProject({
      'awaitguard.config.json': JSON.stringify({ include: ['src', 'scripts/*.mjs'], exclude: ['**/*.test.ts', 'fixtures', 'src/vendor/**'] }),
      'src/a.ts': CLEAN,
      'src/a.test.ts': RACY,
      'src/fixtures/racy.ts': RACY,
      'src/vendor/lib.js': RACY,
      'scripts/build.mjs': 'export {};\n',
      'scripts/deep/x.mjs': 'export {};\n',
      'other/b.ts': RACY,
    });
    expect(analysed([], dir).files).toEqual(['scripts/build.mjs', 'src/a.ts']);
    // Run from a subfolder: the globs stay relative to the config's folder, paths in the output to the cwd.
    expect(analysed([], path.join(dir, 'src')).files).toEqual(['a.ts']);
    // An explicitly named excluded file is warned about and skipped.
    const explicit = runCli(['check', 'src/a.test.ts', 'other/b.ts'], dir);
    expect(explicit.code).toBe(0);
    expect(explicit.stderr).toBe(
      'awaitguard: warning: src/a.test.ts: file ignored (matches "exclude" in awaitguard.config.json), skipped\n' +
        'awaitguard: warning: other/b.ts: file ignored (not matched by "include" in awaitguard.config.json), skipped\n',
    );
  });
});

/** Like `runCli`, but the CLI is killed after 30 s: a hang fails the test instead of stalling the whole run. */
function runCliWithin(args: string[], cwd: string): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } });
  if (r.error) throw r.error;
  expect(r.signal, `awaitguard ${args.join(' ')} did not finish`).toBeNull();
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function analysedWithin(args: string[], cwd: string): { files: string[]; stderr: string } {
  const { stdout, stderr } = runCliWithin(['check', '--format', 'json', ...args], cwd);
  return { files: parseJsonOutput<JsonReport>(stdout).results.map((r) => r.filePath), stderr };
}

describe('bounded work for any input', () => {
  // A backtracking matcher needs time exponential in the stars on a name that almost matches (picomatch:
  // 23 s per name at 30 characters, growing as n^9); these names have 200.
  it('matches a pathological include/exclude or command-line glob on long names, and correctly', () => {
    const kept = `${'a'.repeat(200)}.ts`;
    const excluded = `${'a'.repeat(200)}b.ts`;
    const dir = makeProject({
      'awaitguard.config.json': JSON.stringify({ exclude: ['*a*a*a*a*a*a*a*a*b.ts'] }),
      [`src/${kept}`]: CLEAN,
      [`src/${excluded}`]: CLEAN,
    });
    expect(analysedWithin([], dir).files).toEqual([`src/${kept}`]);
    const included = makeProject({ 'awaitguard.config.json': JSON.stringify({ include: ['**/*a*a*a*a*a*a*a*a*b.ts'] }), [kept]: CLEAN, [`x/${excluded}`]: CLEAN });
    expect(analysedWithin([], included).files).toEqual([`x/${excluded}`]);
    expect(analysedWithin(['src/*a*a*a*a*a*a*a*a*b.ts'], makeProject({ [`src/${kept}`]: CLEAN, [`src/${excluded}`]: CLEAN })).files).toEqual([`src/${excluded}`]);
  });

  it.skipIf(process.platform === 'win32')('a .gitignore that is a FIFO is not applied, with a warning; nothing waits on it', () => {
    const dir = makeProject({ 'src/a.ts': CLEAN, 'gen/b.ts': CLEAN });
    execFileSync('mkfifo', [path.join(dir, '.gitignore')]);
    const { files, stderr } = analysedWithin([], dir);
    expect(files).toEqual(['gen/b.ts', 'src/a.ts']);
    expect(stderr).toBe('awaitguard: warning: .gitignore: not a regular file, not applied\n');
  });

  it('a .gitignore larger than 1 MB is not applied, with a warning naming it', () => {
    const dir = makeProject({ 'src/a.ts': CLEAN, 'gen/b.ts': CLEAN, 'packages/p/c.ts': CLEAN });
    // 2 MB of patterns: the CLI once ran out of memory on a 9 MB one.
    writeFileSync(path.join(dir, 'packages/p/.gitignore'), 'c.ts\n' + 'generated-file-name.ts\n'.repeat(100_000));
    writeFileSync(path.join(dir, '.gitignore'), 'gen/\n');
    const { files, stderr } = analysedWithin([], dir);
    expect(files).toEqual(['packages/p/c.ts', 'src/a.ts']);
    expect(stderr).toBe('awaitguard: warning: packages/p/.gitignore: larger than 1 MB (2.2 MB), not applied\n');
  });

  it.skipIf(process.platform === 'win32')('special files among the sources are never opened: walked past, or skipped with a warning when named', () => {
    const dir = makeProject({ 'src/a.ts': CLEAN });
    execFileSync('mkfifo', [path.join(dir, 'src/x.ts')]);
    symlinkSync(path.join(dir, 'src/x.ts'), path.join(dir, 'src/link.ts'));
    expect(analysedWithin([], dir)).toEqual({ files: ['src/a.ts'], stderr: '' });
    expect(analysedWithin(['src/*.ts'], dir)).toEqual({ files: ['src/a.ts'], stderr: '' });
    const named = runCliWithin(['check', 'src/x.ts', 'src/link.ts'], dir);
    expect(named).toEqual({
      code: 0,
      stdout: '',
      stderr: 'awaitguard: warning: src/x.ts: not a regular file, skipped\nawaitguard: warning: src/link.ts: not a regular file, skipped\n',
    });
  });

  it.skipIf(process.platform === 'win32')('a FIFO given as the configuration or the baseline is an error naming it (exit 2)', () => {
    const dir = makeProject({ 'src/a.ts': CLEAN });
    execFileSync('mkfifo', [path.join(dir, 'pipe.json')]);
    expect(runCliWithin(['check', '--config', 'pipe.json'], dir)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'awaitguard: cannot read the configuration file pipe.json: not a regular file\n',
    });
    expect(runCliWithin(['check', '--baseline', 'pipe.json'], dir)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'awaitguard: cannot read the baseline pipe.json: not a regular file\n',
    });
  });
});
