// Builds the `awaitguard/runtime` export and the single-file copies a quick fix vendors into a
// user's project, all from one source of truth: src/runtime/index.ts.
//
//   node scripts/build-runtime.mjs                 dist/runtime/{index.js,index.cjs,index.d.ts,index.d.cts},
//                                                  dist/runtime/vendor/awaitguard-lock.{ts,js,cjs} (shipped,
//                                                  for quick fixes to copy) and the committed copies in
//                                                  src/runtime/vendor/
//   node scripts/build-runtime.mjs --check         exit 1 if the committed vendor files are out of date
//   node scripts/build-runtime.mjs --outdir DIR    build the package files into DIR instead of dist/runtime
//   node scripts/build-runtime.mjs --no-vendor     leave the committed copies in src/runtime/vendor/ alone
//   node scripts/build-runtime.mjs --vendor-dir D  write (or --check) the committed copies in D instead
import * as esbuild from 'esbuild';
import ts from 'typescript';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = path.join(root, 'src/runtime/index.ts');

function parseArgs(argv) {
  const options = {
    outdir: path.join(root, 'dist/runtime'),
    vendorDir: path.join(root, 'src/runtime/vendor'),
    vendor: true,
    check: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') options.check = true;
    else if (arg === '--no-vendor') options.vendor = false;
    else if (arg === '--outdir' && i + 1 < argv.length) options.outdir = path.resolve(argv[++i]);
    else if (arg === '--vendor-dir' && i + 1 < argv.length) options.vendorDir = path.resolve(argv[++i]);
    else throw new Error(`build-runtime: unknown argument ${JSON.stringify(arg)} (see the comment at the top)`);
  }
  return options;
}

const header = (ext) =>
  [
    `// awaitguard-lock.${ext}: Lock, Semaphore and BoundedSemaphore for async code, zero dependencies.`,
    '// A copy of the awaitguard runtime (the `awaitguard/runtime` export), MIT License.',
    '// Generated from src/runtime/index.ts by scripts/build-runtime.mjs; do not edit by hand.',
    "/* eslint-disable */ // vendored code: the project's lint rules do not apply",
    // A project that type-checks its JavaScript (checkJs) reads the types from the .d.ts twin instead.
    ...(ext === 'js' || ext === 'cjs' ? ['// @ts-nocheck'] : []),
    '',
  ].join('\n');

/** The vendored single files, as { fileName: text }. Pure: reads the source, writes nothing. */
async function vendorFiles() {
  const source = await readFile(SOURCE, 'utf8');
  const transpile = (module) =>
    ts.transpileModule(source, {
      fileName: 'awaitguard-lock.ts',
      reportDiagnostics: false,
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module,
        removeComments: false,
        newLine: ts.NewLineKind.LineFeed,
        useDefineForClassFields: true,
      },
    }).outputText;
  const declarations = ts.transpileDeclaration(source, {
    fileName: 'awaitguard-lock.ts',
    reportDiagnostics: false,
    compilerOptions: { newLine: ts.NewLineKind.LineFeed },
  }).outputText;
  return {
    'awaitguard-lock.ts': header('ts') + source,
    'awaitguard-lock.js': header('js') + transpile(ts.ModuleKind.ESNext),
    'awaitguard-lock.cjs': header('cjs') + transpile(ts.ModuleKind.CommonJS),
    'awaitguard-lock.d.ts': header('d.ts') + declarations,
    'awaitguard-lock.d.cts': header('d.cts') + declarations,
  };
}

async function writeVendor(dir) {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(await vendorFiles())) {
    await writeFile(path.join(dir, name), text);
  }
}

/** Names of vendor files that are missing or differ from what the source generates. */
async function staleVendorFiles(dir) {
  const stale = [];
  for (const [name, text] of Object.entries(await vendorFiles())) {
    const current = await readFile(path.join(dir, name), 'utf8').catch(() => undefined);
    if (current !== text) stale.push(name);
  }
  return stale;
}

function emitDeclarations(outdir) {
  const options = {
    declaration: true,
    emitDeclarationOnly: true,
    outDir: outdir,
    rootDir: path.dirname(SOURCE),
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    // The runtime must not depend on DOM or Node typings: build it with neither.
    lib: ['lib.es2022.d.ts'],
    types: [],
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    isolatedDeclarations: true,
    newLine: ts.NewLineKind.LineFeed,
  };
  const program = ts.createProgram([SOURCE], options);
  const result = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...result.diagnostics];
  if (diagnostics.length > 0) {
    const host = {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => root,
      getNewLine: () => '\n',
    };
    throw new Error(`build-runtime: declaration emit failed\n${ts.formatDiagnostics(diagnostics, host)}`);
  }
}

async function buildPackage(outdir) {
  await mkdir(outdir, { recursive: true });
  const common = {
    entryPoints: [SOURCE],
    bundle: true,
    platform: 'neutral',
    target: 'es2022',
    logLevel: 'warning',
    // Keep the published files readable; consumers' bundlers minify.
    minify: false,
  };
  await Promise.all([
    esbuild.build({ ...common, format: 'esm', outfile: path.join(outdir, 'index.js') }),
    esbuild.build({ ...common, format: 'cjs', outfile: path.join(outdir, 'index.cjs') }),
  ]);
  emitDeclarations(outdir);
  // Same declarations for `require`: a .d.cts so TypeScript (node16/nodenext) types it as CommonJS.
  const dts = await readFile(path.join(outdir, 'index.d.ts'), 'utf8');
  await writeFile(path.join(outdir, 'index.d.cts'), dts);
  // The single-file copies ship too (package "files" has dist/), for quick fixes to read at run time.
  await writeVendor(path.join(outdir, 'vendor'));
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  if (options.check) {
    const stale = await staleVendorFiles(options.vendorDir);
    if (stale.length > 0) {
      const relative = path.relative(root, options.vendorDir);
      const dir = relative.startsWith('..') ? options.vendorDir : relative;
      console.error(
        `build-runtime: missing or out of date in ${dir}: ${stale.join(', ')}. Run \`node scripts/build-runtime.mjs\`.`,
      );
      process.exitCode = 1;
    }
    return;
  }
  await buildPackage(options.outdir);
  if (options.vendor) await writeVendor(options.vendorDir);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
