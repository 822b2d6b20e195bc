// Bundles each front end into dist/ so the published package runs without a TypeScript step.
import * as esbuild from 'esbuild';
import { chmod } from 'node:fs/promises';

const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
};

const builds = [
  // The CLI is ESM like the package; a banner gives bundled CJS deps a `require`.
  {
    ...common,
    entryPoints: { cli: 'src/cli/main.ts' },
    outdir: 'dist',
    format: 'esm',
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __agCreateRequire } from 'node:module'; const require = __agCreateRequire(import.meta.url);",
    },
  },
  {
    ...common,
    entryPoints: { engine: 'src/engine/index.ts' },
    outdir: 'dist',
    format: 'esm',
    banner: {
      js: "import { createRequire as __agCreateRequire } from 'node:module'; const require = __agCreateRequire(import.meta.url);",
    },
  },
];

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
  await chmod('dist/cli.js', 0o755);
}
