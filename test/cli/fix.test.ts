import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_THEN_ACT, RACY, SYNTAX_ERROR, ensureBuilt, makeProject, parseJsonOutput, removeProjects, runCli } from './helpers.js';

beforeAll(() => ensureBuilt());
afterAll(() => removeProjects());

const FAN_OUT = `export async function notifyAll(ids: string[]): Promise<void> {
  await Promise.all(ids.map(async (id) => {
    await fetch('https://example.com/' + id);
  }));
}
`;

describe('check --fix', () => {
  it('rewrites racy files, vendors the runtime once, and reports what is left', () => {
    const dir = makeProject({
      'package.json': '{ "name": "app", "type": "module" }',
      'src/counter.ts': RACY,
      'src/client.ts': CHECK_THEN_ACT,
      'src/notify.ts': FAN_OUT,
    });
    const r = runCli(['check', '--fix', '--format', 'json'], dir);
    const report = parseJsonOutput<{ summary: { errorCount: number; warningCount: number } }>(r.stdout);
    expect(report.summary).toMatchObject({ errorCount: 0, warningCount: 0 });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('created src/awaitguard-lock.ts');
    expect(r.stderr).toMatch(/applied 3 fixes in 3 files/);

    const counter = readFileSync(path.join(dir, 'src/counter.ts'), 'utf8');
    expect(counter).toContain("import { Lock } from './awaitguard-lock.js';");
    expect(counter).toContain('const nLock = new Lock();');
    expect(counter).toMatch(/await nLock\.acquire\(\);\n {2}try \{\n {4}const v = n;/);
    expect(counter).toContain('} finally {\n    nLock.release();\n  }');
    const notify = readFileSync(path.join(dir, 'src/notify.ts'), 'utf8');
    expect(notify).toContain('const idsLimit = new Semaphore(8);');
    expect(notify).toContain('idsLimit.runExclusive(async () =>');
    expect(readFileSync(path.join(dir, 'src/awaitguard-lock.ts'), 'utf8')).toContain('export class Lock');

    // A second run finds nothing to fix and changes nothing.
    const again = runCli(['check', '--fix'], dir);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('applied');
    expect(readFileSync(path.join(dir, 'src/counter.ts'), 'utf8')).toBe(counter);
  });

  it('honours the config: package runtime and runExclusive style', () => {
    const dir = makeProject({
      'awaitguard.config.json': JSON.stringify({ fix: { runtime: 'package', lockStyle: 'runExclusive' } }),
      'a.ts': RACY,
    });
    const r = runCli(['check', '--fix'], dir);
    expect(r.code).toBe(0);
    const text = readFileSync(path.join(dir, 'a.ts'), 'utf8');
    expect(text).toContain("import { Lock } from 'awaitguard/runtime';");
    expect(text).toContain('await nLock.runExclusive(async () => {');
    expect(existsSync(path.join(dir, 'src/awaitguard-lock.ts'))).toBe(false);
  });

  it('uses require() and a .cjs copy in CommonJS JavaScript', () => {
    const dir = makeProject({
      'package.json': '{ "name": "app" }',
      'lib/counter.cjs': `let n = 0;\nasync function inc() {\n  const v = n;\n  await Promise.resolve();\n  n = v + 1;\n}\nmodule.exports = { inc };\n`,
    });
    const r = runCli(['check', '--fix'], dir);
    expect(r.code).toBe(0);
    const text = readFileSync(path.join(dir, 'lib/counter.cjs'), 'utf8');
    expect(text).toContain("const { Lock } = require('../src/awaitguard-lock.cjs');");
    expect(existsSync(path.join(dir, 'src/awaitguard-lock.cjs'))).toBe(true);
    expect(existsSync(path.join(dir, 'src/awaitguard-lock.d.cts'))).toBe(true);
  });

  it('leaves a file with a syntax error untouched and still fixes the others', () => {
    const dir = makeProject({ 'bad.ts': SYNTAX_ERROR, 'good.ts': RACY });
    const r = runCli(['check', '--fix'], dir);
    expect(r.code).toBe(1);
    expect(readFileSync(path.join(dir, 'bad.ts'), 'utf8')).toBe(SYNTAX_ERROR);
    expect(readFileSync(path.join(dir, 'good.ts'), 'utf8')).toContain('.acquire()');
    expect(r.stdout).toContain('bad.ts');
  });

  it('rejects a bad fix setting in the config with exit 2', () => {
    const dir = makeProject({ 'awaitguard.config.json': JSON.stringify({ fix: { runtime: 'npm' } }), 'a.ts': RACY });
    const r = runCli(['check', '--fix'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"fix.runtime" must be one of vendor, package, async-mutex');
    expect(readFileSync(path.join(dir, 'a.ts'), 'utf8')).toBe(RACY);
  });
});

describe('check --fix: where the runtime comes from', () => {
  it('a project that depends on awaitguard imports awaitguard/runtime and gets no copy', () => {
    const dir = makeProject({ 'package.json': JSON.stringify({ name: 'app', type: 'module', devDependencies: { awaitguard: '^0.1.0' } }), 'src/counter.ts': RACY });
    expect(runCli(['check', '--fix'], dir).code).toBe(0);
    expect(readFileSync(path.join(dir, 'src/counter.ts'), 'utf8')).toContain("import { Lock } from 'awaitguard/runtime';");
    expect(existsSync(path.join(dir, 'src/awaitguard-lock.ts'))).toBe(false);
    // A fix.runtime the configuration names stands.
    const vendored = makeProject({
      'package.json': JSON.stringify({ name: 'app', type: 'module', dependencies: { awaitguard: '^0.1.0' } }),
      'awaitguard.config.json': JSON.stringify({ fix: { runtime: 'vendor' } }),
      'src/counter.ts': RACY,
    });
    expect(runCli(['check', '--fix'], vendored).code).toBe(0);
    expect(existsSync(path.join(vendored, 'src/awaitguard-lock.ts'))).toBe(true);
  });

  it('a package of a monorepo whose root depends on awaitguard imports the package too', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'], devDependencies: { awaitguard: '*' } }),
      'packages/api/package.json': JSON.stringify({ name: 'api', type: 'module' }),
      'packages/api/src/counter.ts': RACY,
    });
    expect(runCli(['check', '--fix'], dir).code).toBe(0);
    expect(readFileSync(path.join(dir, 'packages/api/src/counter.ts'), 'utf8')).toContain("from 'awaitguard/runtime'");
  });

  it('the copy goes into the fixed file’s own package, not under the folder awaitguard runs in', () => {
    const dir = makeProject({
      'tools/package.json': '{ "name": "tools" }',
      'app/package.json': '{ "name": "app", "type": "module" }',
      'app/src/counter.ts': RACY,
    });
    const r = runCli(['check', '--fix', '../app'], path.join(dir, 'tools'));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('created ../app/src/awaitguard-lock.ts');
    expect(existsSync(path.join(dir, 'app/src/awaitguard-lock.ts'))).toBe(true);
    expect(existsSync(path.join(dir, 'tools/src'))).toBe(false);
    expect(readFileSync(path.join(dir, 'app/src/counter.ts'), 'utf8')).toContain("from './awaitguard-lock.js'");
  });

  it('reuses a copy already in the project that the file can import, instead of adding a variant', () => {
    const dir = makeProject({ 'package.json': '{ "name": "app", "type": "module" }', 'src/counter.ts': RACY });
    expect(runCli(['check', '--fix'], dir).code).toBe(0);
    // Later, an ES module with a race: it cannot import the .ts copy, so it gets the .js one and its .d.ts twin.
    writeFileSync(path.join(dir, 'src/tally.js'), RACY);
    expect(runCli(['check', '--fix'], dir).code).toBe(0);
    expect(readFileSync(path.join(dir, 'src/tally.js'), 'utf8')).toContain("from './awaitguard-lock.js'");
    expect(existsSync(path.join(dir, 'src/awaitguard-lock.d.ts'))).toBe(true);
    // A TypeScript file in a project that has only the .js copy and its .d.ts imports that, and nothing is created.
    const jsOnly = makeProject({ 'package.json': '{ "name": "app", "type": "module" }', 'src/tally.js': RACY });
    expect(runCli(['check', '--fix'], jsOnly).code).toBe(0);
    writeFileSync(path.join(jsOnly, 'src/counter.ts'), RACY);
    const second = runCli(['check', '--fix'], jsOnly);
    expect(second.stderr).not.toContain('created');
    expect(readFileSync(path.join(jsOnly, 'src/counter.ts'), 'utf8')).toContain("from './awaitguard-lock.js'");
    expect(existsSync(path.join(jsOnly, 'src/awaitguard-lock.ts'))).toBe(false);
  });
});
