// The project host of the CLI, the server and the ESLint plugin: which file an import names, what a result
// depends on, and what an edit makes it read again.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskProject, dependenciesChanged, mentionsKey } from '../../src/shared/projectHost.js';
import { ProjectFiles } from '../../src/shared/projectFiles.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'awaitguard-project-'));
  dirs.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('DiskProject', () => {
  it('resolves relative imports as TypeScript does, and leaves packages alone', () => {
    const dir = project({
      'src/a.ts': 'export const a = 1;',
      'src/lib/index.ts': 'export const lib = 1;',
      'src/b.mts': 'export const b = 1;',
      'src/c.js': 'export const c = 1;',
    });
    const host = new DiskProject(undefined);
    const from = path.join(dir, 'src/main.ts');
    expect(host.load(from, './a.js')?.fileName).toBe(path.join(dir, 'src/a.ts'));
    expect(host.load(from, './a')?.fileName).toBe(path.join(dir, 'src/a.ts'));
    expect(host.load(from, './lib')?.fileName).toBe(path.join(dir, 'src/lib/index.ts'));
    expect(host.load(from, './b.mjs')?.fileName).toBe(path.join(dir, 'src/b.mts'));
    expect(host.load(from, './c.js')?.fileName).toBe(path.join(dir, 'src/c.js'));
    expect(host.load(from, './missing')).toBeUndefined();
    expect(host.load(from, 'lodash')).toBeUndefined();
    // The language server names a document by its URI.
    expect(host.load(`file://${from}`, './a')?.fileName).toBe(path.join(dir, 'src/a.ts'));
  });

  it('resolves a package of the same monorepo to its source, from package.json workspaces, pnpm or lerna', () => {
    const npm = project({
      'package.json': JSON.stringify({ name: 'root', workspaces: ['packages/*', 'packages/core/*', '!packages/legacy'] }),
      'packages/utils/package.json': JSON.stringify({ name: '@acme/utils', main: 'dist/index.js', exports: { '.': './dist/index.js', './fs': { import: './dist/fs/index.mjs' } } }),
      'packages/utils/src/index.ts': 'export const u = 1;',
      'packages/utils/src/fs/index.mts': 'export const f = 1;',
      'packages/core/http/package.json': JSON.stringify({ name: '@acme/http', types: 'lib/index.d.ts' }),
      'packages/core/http/src/index.ts': 'export const h = 1;',
      'packages/legacy/package.json': JSON.stringify({ name: '@acme/legacy' }),
      'packages/legacy/index.js': 'exports.l = 1;',
      'packages/app/src/main.ts': '',
    });
    const host = new DiskProject(undefined);
    const from = path.join(npm, 'packages/app/src/main.ts');
    expect(host.load(from, '@acme/utils')?.fileName).toBe(path.join(npm, 'packages/utils/src/index.ts'));
    expect(host.load(from, '@acme/utils/fs')?.fileName).toBe(path.join(npm, 'packages/utils/src/fs/index.mts'));
    expect(host.load(from, '@acme/http')?.fileName).toBe(path.join(npm, 'packages/core/http/src/index.ts'));
    expect(host.load(from, '@acme/legacy')).toBeUndefined();
    expect(host.load(from, '@acme/missing')).toBeUndefined();
    expect(host.load(from, 'lodash')).toBeUndefined();

    const pnpm = project({
      'package.json': JSON.stringify({ name: 'root' }),
      'pnpm-workspace.yaml': "packages:\n  - 'packages/*' # all of them\n  - tools/cli\n\nonlyBuiltDependencies:\n  - esbuild\n",
      'packages/client/package.json': JSON.stringify({ name: 'client', main: './lib/index.js' }),
      'packages/client/src/index.ts': 'export const c = 1;',
      'tools/cli/package.json': JSON.stringify({ name: 'cli' }),
      'tools/cli/index.ts': 'export const t = 1;',
    });
    const fromPnpm = path.join(pnpm, 'tools/cli/index.ts');
    expect(host.load(fromPnpm, 'client')?.fileName).toBe(path.join(pnpm, 'packages/client/src/index.ts'));
    expect(host.load(path.join(pnpm, 'packages/client/src/index.ts'), 'cli')?.fileName).toBe(path.join(pnpm, 'tools/cli/index.ts'));
    // No workspace manifest: the name of a sibling folder's package means nothing.
    const plain = project({ 'a/package.json': JSON.stringify({ name: 'a' }), 'a/index.ts': '', 'b/main.ts': '' });
    expect(host.load(path.join(plain, 'b/main.ts'), 'a')).toBeUndefined();
  });

  it('gives no module for a file that does not parse, or is nested too deeply to look into', () => {
    const deep = 'export const x = ' + '['.repeat(100_000) + ']'.repeat(100_000) + ';';
    const dir = project({ 'src/bad.ts': 'export const = ;', 'src/deep.ts': deep });
    const host = new DiskProject(undefined);
    expect(host.load(path.join(dir, 'src/main.ts'), './bad')).toBeUndefined();
    expect(() => host.load(path.join(dir, 'src/main.ts'), './deep')).not.toThrow();
  });

  it('lists what an analysis rested on, with what those modules loaded when they were first read', () => {
    const dir = project({ 'a.ts': 'export const a = 1;', 'b.ts': 'export const b = 1;' });
    const host = new DiskProject(undefined);
    const main = path.join(dir, 'main.ts');
    const a = path.join(dir, 'a.ts');
    const b = path.join(dir, 'b.ts');
    // The first analysis loads a, and a loads b (as following a re-export would).
    const first = host.track(() => {
      host.load(main, './a');
      host.load(a, './b');
    });
    expect(Object.keys(first.dependencies).sort()).toEqual([a, b]);
    // A later one finds a already read; b is still what a's facts rest on.
    const second = host.track(() => host.load(path.join(dir, 'other.ts'), './a'));
    expect(Object.keys(second.dependencies).sort()).toEqual([a, b]);
    const read = (file: string): string | undefined => (file === b ? 'export const b = 2;' : file === a ? 'export const a = 1;' : undefined);
    expect(dependenciesChanged(second.dependencies, read)).toBe(true);
    expect(dependenciesChanged({ [a]: first.dependencies[a]! }, read)).toBe(false);
  });

  it('forgets a module and everything that loaded it, and reads a changed file again when asked to', () => {
    const dir = project({ 'a.ts': 'export const a = 1;', 'b.ts': 'export const b = 1;' });
    const main = path.join(dir, 'main.ts');
    const a = path.join(dir, 'a.ts');
    const b = path.join(dir, 'b.ts');
    const host = new DiskProject(undefined, { revalidate: true });
    host.load(main, './a');
    host.load(a, './b');
    expect([...host.invalidate(b)].sort()).toEqual([a, b, main].sort());

    const before = host.load(main, './b')!.ast;
    expect(host.load(main, './b')!.ast).toBe(before);
    writeFileSync(b, 'export const b = 22;');
    utimesSync(b, new Date(), new Date(Date.now() + 5000));
    expect(host.load(main, './b')!.ast).not.toBe(before);
  });

  it('reads an open document from the editor, not the disk', () => {
    const dir = project({ 'a.ts': 'export const a = 1;' });
    const a = path.join(dir, 'a.ts');
    const host = new DiskProject(undefined, { overlay: (file) => (file === a ? 'export const edited = 2;' : undefined) });
    const loaded = host.load(path.join(dir, 'main.ts'), './a')!;
    const stmt = loaded.ast.body[0];
    const declared = stmt?.type === 'ExportNamedDeclaration' && stmt.declaration?.type === 'VariableDeclaration' ? stmt.declaration.declarations[0]?.id : undefined;
    expect(declared?.type === 'Identifier' ? declared.name : undefined).toBe('edited');
  });

  it('finds the modules of a package that name a word, leaving out tests, ignored files and other words', () => {
    const dir = project({
      'package.json': '{"name":"app"}',
      '.gitignore': 'built/\n',
      'src/runner.ts': 'export class Runner {}',
      'src/use.ts': "import { Runner } from './runner';\nexport const r = () => new Runner();",
      'src/other.ts': 'export class RunnerPool {}\nconst $Runner = 1;',
      'src/runner.test.ts': "import { Runner } from './runner';\nconst shared = new Runner();",
      'built/use.js': 'new Runner();',
    });
    const host = new DiskProject(undefined);
    const found = host.mentioning(path.join(dir, 'src/main.ts'), 'Runner')!.map((m) => path.relative(dir, m.fileName));
    expect(found.sort()).toEqual(['src/runner.ts', 'src/use.ts']);
  });

  it('lists the whole monorepo, and nothing when no package.json is above the file', () => {
    const dir = project({
      'package.json': '{"name":"mono","workspaces":["packages/*"]}',
      'packages/a/package.json': '{"name":"a"}',
      'packages/a/src/client.ts': 'export class Client {}',
      'packages/b/package.json': '{"name":"b"}',
      'packages/b/src/main.ts': "import { Client } from 'a';\nexport const client = new Client();",
    });
    const host = new DiskProject(undefined);
    const found = host.mentioning(path.join(dir, 'packages/a/src/client.ts'), 'Client')!.map((m) => path.relative(dir, m.fileName));
    expect(found.sort()).toEqual(['packages/a/src/client.ts', 'packages/b/src/main.ts']);
    expect(host.mentioning(path.join(tmpdir(), 'nowhere', 'x.ts'), 'Client')).toBeUndefined();
  });

  it('makes the list of files that name a word a dependency, changed when a file starts naming it', () => {
    const dir = project({ 'package.json': '{}', 'src/runner.ts': 'export class Runner {}', 'src/a.ts': 'export const a = 1;' });
    const host = new DiskProject(undefined);
    const main = path.join(dir, 'src/main.ts');
    const { dependencies } = host.track(() => host.mentioning(main, 'Runner'));
    const key = mentionsKey(dir, 'Runner');
    expect(Object.keys(dependencies)).toContain(key);
    expect(Object.keys(dependencies)).toContain(path.join(dir, 'src/runner.ts'));
    const read = (file: string): string | undefined => (file.startsWith(dir) ? readFileSync(file, 'utf8') : undefined);
    const fresh = (root: string, word: string): string[] | undefined => new ProjectFiles(root).mentioning(word);
    expect(dependenciesChanged(dependencies, read, fresh)).toBe(false);
    // Without a way to list the project, such a result cannot be trusted.
    expect(dependenciesChanged(dependencies, read)).toBe(true);
    writeFileSync(path.join(dir, 'src/a.ts'), "import { Runner } from './runner';\nexport const shared = new Runner();");
    expect(dependenciesChanged(dependencies, read, fresh)).toBe(true);
  });

  it('tells an editor which answers an edit changed', () => {
    const dir = project({ 'package.json': '{}', 'src/runner.ts': 'export class Runner {}', 'src/a.ts': 'export const a = 1;' });
    const a = path.join(dir, 'src/a.ts');
    let open: string | undefined;
    const host = new DiskProject(undefined, { overlay: (file) => (file === a ? open : undefined) });
    host.mentioning(path.join(dir, 'src/main.ts'), 'Runner');
    open = 'export const a = 2;';
    expect(host.invalidate(a).has(mentionsKey(dir, 'Runner'))).toBe(false);
    open = "import { Runner } from './runner';\nexport const shared = new Runner();";
    expect(host.invalidate(a).has(mentionsKey(dir, 'Runner'))).toBe(true);
    expect(host.mentioning(path.join(dir, 'src/main.ts'), 'Runner')!.map((m) => m.fileName)).toContain(a);
  });

  it('lists a project in the background for a long-lived process, and says when it is done', async () => {
    const dir = project({ 'package.json': '{}', 'src/runner.ts': 'export class Runner {}', 'src/use.ts': "import { Runner } from './runner';\nexport const r = () => new Runner();" });
    const listed: string[] = [];
    const host = new DiskProject(undefined, { onMentionsListed: (root) => listed.push(root) });
    const main = path.join(dir, 'src/main.ts');
    const first = host.track(() => host.mentioning(main, 'Runner'));
    // Not listed yet: no answer, and the result rests on the answer to come.
    expect(first.result).toBeUndefined();
    expect(Object.keys(first.dependencies)).toContain(mentionsKey(dir, 'Runner'));
    await new Promise<void>((resolve) => {
      const wait = (): void => void (listed.length > 0 ? resolve() : setImmediate(wait));
      wait();
    });
    expect(listed).toEqual([dir]);
    expect(host.mentioning(main, 'Runner')!.map((m) => path.relative(dir, m.fileName)).sort()).toEqual(['src/runner.ts', 'src/use.ts']);
  });

  it('traces the modules a package.json exports map lets outside code import back to their source', () => {
    const dir = project({
      'package.json': JSON.stringify({
        name: 'sdk',
        exports: { '.': { types: './dist/index.d.ts', import: './dist/index.mjs' }, './nodes': './dist/nodes/index.js', './runtime/*': './dist/runtime/*.js', './types': './types.d.ts', './package.json': './package.json' },
      }),
      'src/index.mts': "export { Client } from './client.js';",
      'src/client.ts': 'export class Client {}',
      'src/runtime/a.ts': 'export const a = 1;',
      'nodes/index.ts': 'export const nodes = [];',
    });
    const host = new DiskProject(undefined);
    const from = path.join(dir, 'src/client.ts');
    const { result: surface, dependencies } = host.track(() => host.publicEntries(from));
    expect(surface!.modules.map((m) => path.relative(dir, m.fileName))).toEqual(['src/index.mts', 'nodes/index.ts']);
    expect(surface!.folders).toEqual([path.join(dir, 'src/runtime') + path.sep]);
    // What the answer rests on: the manifest and the entry modules.
    expect(Object.keys(dependencies).sort()).toEqual([path.join(dir, 'nodes/index.ts'), path.join(dir, 'package.json'), path.join(dir, 'src/index.mts')]);
  });

  it('says nothing of what outside code can import when the package has no exports map, or an entry cannot be traced', () => {
    const deep = project({ 'package.json': JSON.stringify({ name: 'old', main: 'lib/index.js', types: 'lib/index.d.ts' }), 'src/index.ts': '' });
    expect(new DiskProject(undefined).publicEntries(path.join(deep, 'src/index.ts'))).toBeUndefined();
    const built = project({ 'package.json': JSON.stringify({ name: 'built', exports: { '.': './dist/index.js' } }), 'source/main.ts': '' });
    expect(new DiskProject(undefined).publicEntries(path.join(built, 'source/main.ts'))).toBeUndefined();
    const open = project({ 'package.json': JSON.stringify({ name: 'open', exports: { '.': './dist/index.js', './*': './dist/*.js' } }), 'src/index.ts': '' });
    expect(new DiskProject(undefined).publicEntries(path.join(open, 'src/index.ts'))).toBeUndefined();
  });
});
