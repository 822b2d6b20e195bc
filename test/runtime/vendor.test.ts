// The single-file copies a quick fix vendors into a user's project (src/runtime/vendor/) must be
// exactly what scripts/build-runtime.mjs generates from src/runtime/index.ts, must work, and the
// TypeScript one must compile under the strict settings users have, with or without DOM/Node types.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as vendored from '../../src/runtime/vendor/awaitguard-lock.js';
import type * as Runtime from '../../src/runtime/index.js';
import { exercise, expectedSummary } from './scenario.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const vendorDir = path.join(root, 'src/runtime/vendor');
const script = path.join(root, 'scripts/build-runtime.mjs');

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'awaitguard-vendor-'));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

const runScript = (...args: string[]) =>
  spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8', timeout: 120_000 });

describe('vendored copies', () => {
  it('are up to date with src/runtime/index.ts (`build-runtime.mjs --check`)', () => {
    const result = runScript('--check');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('--check fails on a missing or an edited copy', () => {
    const dir = path.join(tmp, 'vendor');
    const missing = runScript('--check', '--vendor-dir', dir);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('awaitguard-lock.ts, awaitguard-lock.js, awaitguard-lock.cjs, awaitguard-lock.d.ts, awaitguard-lock.d.cts');

    mkdirSync(dir);
    for (const name of ['awaitguard-lock.ts', 'awaitguard-lock.js', 'awaitguard-lock.cjs', 'awaitguard-lock.d.ts', 'awaitguard-lock.d.cts']) {
      copyFileSync(path.join(vendorDir, name), path.join(dir, name));
    }
    const file = path.join(dir, 'awaitguard-lock.js');
    writeFileSync(file, readFileSync(file, 'utf8').replace('Timed out', 'Timed  out'));
    const edited = runScript('--check', '--vendor-dir', dir);
    expect(edited.status).toBe(1);
    expect(edited.stderr).toMatch(/out of date in .*: awaitguard-lock\.js\./);
  });

  it('the TypeScript copy is the runtime source verbatim under a generated header', () => {
    const source = readFileSync(path.join(root, 'src/runtime/index.ts'), 'utf8');
    const copy = readFileSync(path.join(vendorDir, 'awaitguard-lock.ts'), 'utf8');
    expect(copy.endsWith(source)).toBe(true);
    expect(copy.slice(0, copy.length - source.length)).toMatch(/^\/\/ awaitguard-lock\.ts: .*do not edit by hand\./s);
  });

  it('the runtime source imports nothing', () => {
    const source = readFileSync(path.join(root, 'src/runtime/index.ts'), 'utf8');
    expect(source).not.toMatch(/^\s*import\s/m);
    expect(source).not.toMatch(/\brequire\(|\bimport\(/);
  });

  it('the TypeScript copy works', async () => {
    // Structurally the same API; TypeScript just cannot unify the #private fields of two copies.
    expect(await exercise(vendored as unknown as typeof Runtime)).toEqual(expectedSummary);
  });

  it('the JavaScript copies (ESM and CJS) work in plain Node', () => {
    writeFileSync(path.join(tmp, 'scenario.mjs'), `export ${exercise.toString()}\n`);
    writeFileSync(
      path.join(tmp, 'run.mjs'),
      `import { createRequire } from 'node:module';
import { exercise } from './scenario.mjs';
const require = createRequire(import.meta.url);
console.log(JSON.stringify({
  esm: await exercise(await import(${JSON.stringify(pathToFileURL(path.join(vendorDir, 'awaitguard-lock.js')).href)})),
  cjs: await exercise(require(${JSON.stringify(path.join(vendorDir, 'awaitguard-lock.cjs'))})),
}));
`,
    );
    const output = execFileSync(process.execPath, ['run.mjs'], { cwd: tmp, encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({ esm: expectedSummary, cjs: expectedSummary });
  });
});

describe('the TypeScript copy compiles in strict user projects', () => {
  const strictest: ts.CompilerOptions = {
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    noPropertyAccessFromIndexSignature: true,
    noImplicitReturns: true,
    noImplicitOverride: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    noFallthroughCasesInSwitch: true,
    allowUnreachableCode: false,
    verbatimModuleSyntax: true,
    isolatedModules: true,
    erasableSyntaxOnly: true,
    isolatedDeclarations: true,
    declaration: true,
    emitDeclarationOnly: true,
    skipLibCheck: true,
  };

  // A consumer next to the copy, as a quick fix would leave it.
  const consumerSource = (signal: string) => `import { Lock, Semaphore, type Guard } from './awaitguard-lock.js';
export async function demo(): Promise<number> {
  const lock = new Lock({ name: 'balance' });
  {
    await using _guard = await lock.acquire({ signal: ${signal}, timeout: 1000 });
  }
  const permit: Guard = await new Semaphore(2).acquire({ weight: 2 });
  permit.release();
  return lock.runExclusive(async () => 1);
}
`;

  const esm = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
  };
  const cases: [string, ts.CompilerOptions, string][] = [
    [
      'no DOM, no Node types (ES2022 lib only)',
      { ...esm, lib: ['lib.es2022.d.ts'], types: [] },
      '{ aborted: false, addEventListener() {} }',
    ],
    ['DOM lib', { ...esm, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [] }, 'new AbortController().signal'],
    [
      'Node types, NodeNext modules',
      {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        lib: ['lib.es2022.d.ts'],
        types: ['node'],
        typeRoots: [path.join(root, 'node_modules/@types')],
      },
      'AbortSignal.timeout(10)',
    ],
    [
      'older target (ES2020), DOM lib',
      { ...esm, target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ES2020, lib: ['lib.es2020.d.ts', 'lib.dom.d.ts'], types: [] },
      'new AbortController().signal',
    ],
  ];

  it.each(cases)('%s', (label, options, signal) => {
    const dir = mkdtempSync(path.join(tmp, 'compat-'));
    copyFileSync(path.join(vendorDir, 'awaitguard-lock.ts'), path.join(dir, 'awaitguard-lock.ts'));
    const consumer = path.join(dir, 'consumer.ts');
    writeFileSync(consumer, consumerSource(signal));
    if (options.module === ts.ModuleKind.NodeNext) writeFileSync(path.join(dir, 'package.json'), '{"type":"module"}');
    const program = ts.createProgram([path.join(dir, 'awaitguard-lock.ts'), consumer], {
      ...strictest,
      ...options,
      outDir: path.join(dir, 'out'),
    });
    const emitted = program.emit();
    const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics].map(
      (d) => `${d.file ? path.basename(d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
    );
    expect({ label, diagnostics }).toEqual({ label, diagnostics: [] });
  });
});
