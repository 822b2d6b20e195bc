// Bundles each front end into dist/ so the published package runs without a TypeScript step.
import * as esbuild from 'esbuild';
import { chmod } from 'node:fs/promises';
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const watch = process.argv.includes('--watch');

// typescript-estree's internal node-utils module, which src/engine/nextTokenNearby.ts patches for the length
// of a parse. The package does not export it, so the path is resolved here, to the very file its converter
// requires: one module in the bundle, the one the converter reads `findNextToken` from.
const estreeInternals = {
  name: 'awaitguard-estree-internals',
  setup(build) {
    const entry = createRequire(import.meta.url).resolve('@typescript-eslint/typescript-estree');
    build.onResolve({ filter: /^@typescript-eslint\/typescript-estree\/dist\/node-utils\.js$/ }, () => ({
      path: realpathSync(path.join(path.dirname(entry), 'node-utils.js')),
    }));
  },
};

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // typescript is a dependency, not bundled: loading it from node_modules keeps start-up fast.
  external: ['typescript'],
  plugins: [estreeInternals],
};

// ESM output still hosts CommonJS dependencies that expect require/__filename/__dirname.
const cjsShim =
  "import { createRequire as __agCreateRequire } from 'node:module'; import { fileURLToPath as __agFileURLToPath } from 'node:url'; import { dirname as __agDirname } from 'node:path';" +
  ' const require = __agCreateRequire(import.meta.url); const __filename = __agFileURLToPath(import.meta.url); const __dirname = __agDirname(__filename);';

const builds = [
  // The CLI is ESM like the package; a banner gives bundled CJS deps a `require`.
  // The launcher: tiny, so the main thread starts fast; it runs dist/cli-run.js on a thread with a large stack.
  {
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    format: 'esm',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...common,
    entryPoints: { 'cli-run': 'src/cli/runThread.ts' },
    outdir: 'dist',
    format: 'esm',
    banner: { js: cjsShim },
  },
  {
    ...common,
    entryPoints: { engine: 'src/engine/index.ts' },
    outdir: 'dist',
    format: 'esm',
    banner: {
      js: cjsShim,
    },
  },
];

// The language server runs under plain Node (stdio for any editor, IPC for VS Code). Two builds of it:
// - dist/server.js, the npm package's `awaitguard-lsp`: like the CLI, typescript comes from node_modules;
// - dist/vscode/server.js, the one the .vsix ships: self-contained (typescript included), because the .vsix
//   carries no node_modules but oxc's binding; minified to start faster.
builds.push(
  {
    ...common,
    entryPoints: { server: 'src/server/main.ts' },
    outdir: 'dist',
    format: 'esm',
    banner: { js: '#!/usr/bin/env node\n' + cjsShim },
  },
  {
    ...common,
    entryPoints: { server: 'src/server/main.ts' },
    outdir: 'dist/vscode',
    format: 'esm',
    external: [],
    minify: true,
    banner: { js: '#!/usr/bin/env node\n' + cjsShim },
  },
);

// The plugin analyses the tree ESLint has parsed and never calls the engine's own parser, so its bundle
// leaves out typescript-estree and what it pulls in (typescript itself among them); a call would throw.
const withoutParser = {
  name: 'awaitguard-without-parser',
  setup(build) {
    build.onResolve({ filter: /^@typescript-eslint\/typescript-estree(\/dist\/node-utils\.js)?$/ }, () => ({ path: 'typescript-estree', namespace: 'without-parser' }));
    build.onLoad({ filter: /.*/, namespace: 'without-parser' }, () => ({
      contents: "export function parse() { throw new Error('awaitguard/eslint-plugin analyses the tree ESLint parsed and has no parser of its own'); }",
      loader: 'js',
    }));
  },
};

// The ESLint plugin, for flat config: `import awaitguard from 'awaitguard/eslint-plugin'`.
builds.push({
  ...common,
  entryPoints: { 'eslint-plugin': 'src/eslint/index.ts' },
  outdir: 'dist',
  format: 'esm',
  // The host's ESLint, should the plugin ever import it at run time: one copy, the user's.
  external: [...common.external, 'eslint'],
  plugins: [withoutParser],
  banner: { js: cjsShim },
});

// The VS Code client: CommonJS, as the extension host loads it; `vscode` is provided by the host.
builds.push({
  ...common,
  entryPoints: { extension: 'src/extension/main.ts' },
  outfile: 'dist/extension.cjs',
  format: 'cjs',
  external: ['vscode'],
  minify: true,
});

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  await chmod('dist/cli.js', 0o755);
  await chmod('dist/server.js', 0o755);
}
