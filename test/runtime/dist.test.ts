// Runs scripts/build-runtime.mjs into a temporary directory and checks what it builds: the ESM and
// CJS files load in Node (directly, and through the package "exports" map proposed for
// `awaitguard/runtime`), the declarations type-check consumers in both module systems, the ESM
// file tree-shakes, and its minified + gzipped size stays under budget.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Runtime from '../../src/runtime/index.js';
import { exercise, expectedSummary } from './scenario.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The "exports" entry package.json needs for `awaitguard/runtime` (see docs/runtime.md). */
const RUNTIME_EXPORT = {
  import: { types: './dist/runtime/index.d.ts', default: './dist/runtime/index.js' },
  require: { types: './dist/runtime/index.d.cts', default: './dist/runtime/index.cjs' },
};

let tmp: string;
let outdir: string;
/** A project with awaitguard "installed" in node_modules, exporting ./runtime as proposed. */
let consumer: string;

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'awaitguard-runtime-'));
  outdir = path.join(tmp, 'build');
  execFileSync(process.execPath, ['scripts/build-runtime.mjs', '--outdir', outdir, '--no-vendor'], {
    cwd: root,
    stdio: 'pipe',
  });
  consumer = path.join(tmp, 'consumer');
  const pkg = path.join(consumer, 'node_modules/awaitguard');
  mkdirSync(path.join(pkg, 'dist'), { recursive: true });
  cpSync(outdir, path.join(pkg, 'dist/runtime'), { recursive: true });
  writeFileSync(
    path.join(pkg, 'package.json'),
    JSON.stringify({ name: 'awaitguard', version: '0.0.0', type: 'module', exports: { './runtime': RUNTIME_EXPORT } }),
  );
}, 120_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('build output', () => {
  it('writes ESM, CJS and declarations for both', () => {
    for (const file of ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts']) {
      expect(readFileSync(path.join(outdir, file), 'utf8').length).toBeGreaterThan(0);
    }
    expect(readFileSync(path.join(outdir, 'index.d.cts'), 'utf8')).toBe(
      readFileSync(path.join(outdir, 'index.d.ts'), 'utf8'),
    );
    const esm = readFileSync(path.join(outdir, 'index.js'), 'utf8');
    expect(esm).not.toMatch(/\brequire\(|\bimport\s*\(|^import\s/m); // no dependencies at all
    expect(readFileSync(path.join(outdir, 'index.d.ts'), 'utf8')).toContain(
      '/// <reference lib="esnext.disposable" preserve="true" />',
    );
  });

  it('ships the vendored single files too, identical to the committed ones', () => {
    for (const name of ['awaitguard-lock.ts', 'awaitguard-lock.js', 'awaitguard-lock.cjs']) {
      expect(readFileSync(path.join(outdir, 'vendor', name), 'utf8')).toBe(
        readFileSync(path.join(root, 'src/runtime/vendor', name), 'utf8'),
      );
    }
  });

  it('loads in this process: index.cjs with require, index.js with import', async () => {
    const cjs = createRequire(import.meta.url)(path.join(outdir, 'index.cjs')) as typeof Runtime;
    expect(await exercise(cjs)).toEqual(expectedSummary);
    const esm = (await import(pathToFileURL(path.join(outdir, 'index.js')).href)) as typeof Runtime;
    expect(await exercise(esm)).toEqual(expectedSummary);
  });

  it('loads in plain Node: both files directly, and awaitguard/runtime via import and require', () => {
    writeFileSync(path.join(consumer, 'scenario.mjs'), `export ${exercise.toString()}\n`);
    writeFileSync(
      path.join(consumer, 'run.mjs'),
      `import { createRequire } from 'node:module';
import { exercise } from './scenario.mjs';
const require = createRequire(import.meta.url);
const results = {
  'dist ESM': await exercise(await import(${JSON.stringify(pathToFileURL(path.join(outdir, 'index.js')).href)})),
  'dist CJS': await exercise(require(${JSON.stringify(path.join(outdir, 'index.cjs'))})),
  'import awaitguard/runtime': await exercise(await import('awaitguard/runtime')),
  'require awaitguard/runtime': await exercise(require('awaitguard/runtime')),
};
console.log(JSON.stringify(results));
`,
    );
    const output = execFileSync(process.execPath, ['run.mjs'], { cwd: consumer, encoding: 'utf8' });
    const results = JSON.parse(output) as Record<string, unknown>;
    for (const label of ['dist ESM', 'dist CJS', 'import awaitguard/runtime', 'require awaitguard/runtime']) {
      expect({ label, summary: results[label] }).toEqual({ label, summary: expectedSummary });
    }
  });

  it('types consumers in both module systems (nodenext), with `await using`', () => {
    const esm = path.join(consumer, 'esm.mts');
    const cjs = path.join(consumer, 'cjs.cts');
    const body = `
export async function demo(signal: AbortSignalLike): Promise<number> {
  const lock = new Lock({ name: 'db' });
  {
    await using _guard = await lock.acquire({ signal, timeout: 100 });
  }
  using maybe = lock.tryAcquire();
  maybe?.release();
  const sem = new Semaphore(4);
  const guard: Guard = await sem.acquire({ weight: 2 });
  guard.release();
  const n: number = await sem.runExclusive(async () => 1, 2);
  const s: string = await lock.runExclusive(() => 'x');
  await new BoundedSemaphore(1).waitForUnlock({ weight: 1 });
  // @ts-expect-error a Lock takes no weight
  await lock.acquire(2);
  const error: LockTimeoutError | undefined = undefined;
  return n + s.length + (error ? 1 : 0);
}
`;
    writeFileSync(
      esm,
      `import { BoundedSemaphore, Lock, LockTimeoutError, Semaphore, type AbortSignalLike, type Guard } from 'awaitguard/runtime';\n${body}`,
    );
    writeFileSync(
      cjs,
      `import runtime = require('awaitguard/runtime');\nimport { BoundedSemaphore, Lock, LockTimeoutError, Semaphore } from 'awaitguard/runtime';\ntype AbortSignalLike = runtime.AbortSignalLike;\ntype Guard = runtime.Guard;\n${body}`,
    );
    const program = ts.createProgram([esm, cjs], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      types: [],
      strict: true,
      noEmit: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);
  });

  it('tree-shakes: unused classes are dropped, an unused import leaves nothing', async () => {
    const bundle = async (contents: string) => {
      const result = await esbuild.build({
        stdin: { contents, resolveDir: outdir },
        bundle: true,
        minify: true,
        format: 'esm',
        write: false,
      });
      return result.outputFiles[0]!.text;
    };
    const lockOnly = await bundle(`export { Lock } from './index.js';`);
    expect(lockOnly).not.toContain('BoundedSemaphore');
    expect(lockOnly).not.toContain('Semaphore');
    expect(lockOnly).not.toContain('KeyedLock');
    expect(lockOnly).not.toContain('inFlight');
    expect((await bundle(`import './index.js';`)).trim()).toBe('');
  });

  it('stays under 2.5 KB minified + gzipped (everything; a bundle keeps only what it imports)', async () => {
    const result = await esbuild.build({
      stdin: { contents: `export * from './index.js';`, resolveDir: outdir },
      bundle: true,
      minify: true,
      format: 'esm',
      write: false,
    });
    const gzipped = gzipSync(result.outputFiles[0]!.contents).length;
    expect(gzipped).toBeLessThan(2560);
  });
});
