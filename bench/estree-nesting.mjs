#!/usr/bin/env node
// Does a typescript-estree parse grow linearly with nesting? Measured in one run, against typescript-estree alone.
//
//   node bench/estree-nesting.mjs [--depths 1000,2000,4000,8000] [--shapes jsx,strings,numbers,generics,generic-lines]
//
// typescript-estree takes every identifier's, string's and number's text with `node.getText()`, which walks to
// the root: N² steps for N levels. src/engine/parse.ts remembers that walk for one parse
// (src/engine/sourceFileMemo.ts). For each shape and depth this prints the time of `parseSource` (ours) and of
// `estree.parse` alone, and each one's time per level relative to the smallest depth: near 1 is linear, growing
// with depth (about 8 at 8×) is quadratic. `generic-lines` is not nested: its "depth" is the number of lines,
// each with two generic references. Runs the TypeScript sources through esbuild; no build needed.
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import * as esbuild from 'esbuild';

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

const SHAPES = {
  jsx: (n) => `export const x = ${'<a title={'.repeat(n)}0${'} />'.repeat(n)};\n`,
  strings: (n) => `export const x = ${'f("s", '.repeat(n)}0${')'.repeat(n)};\n`,
  numbers: (n) => `export const x = ${'[1, '.repeat(n)}0${']'.repeat(n)};\n`,
  // The closing `>` of each type argument list is searched from the root (src/engine/nextTokenNearby.ts):
  // quadratic in nesting, and in the number of generic references even without nesting.
  generics: (n) => `type T = ${'Array<\n'.repeat(n)}number${'>'.repeat(n)};\n`,
  'generic-lines': (n) => Array.from({ length: n }, (_, i) => `let a${i}: Array<number> = f<string>(x);`).join('\n'),
};

function parseArgs(argv) {
  const o = { depths: [1000, 2000, 4000, 8000], shapes: Object.keys(SHAPES) };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--depths') o.depths = argv[++i].split(',').map(Number);
    else if (argv[i] === '--shapes') o.shapes = argv[++i].split(',');
    else throw new Error(`unknown option ${argv[i]}`);
  }
  for (const s of o.shapes) if (!SHAPES[s]) throw new Error(`unknown shape ${s}; known: ${Object.keys(SHAPES).join(', ')}`);
  return o;
}

async function measure({ bundle, shapes, depths }) {
  const { parseSource } = await import(bundle);
  const estree = createRequire(path.join(ROOT, 'package.json'))('@typescript-eslint/typescript-estree');
  const plain = (text) => estree.parse(text, { filePath: 'a.tsx', jsx: true, loc: true, range: true, errorOnUnknownASTType: false, suppressDeprecatedPropertyWarnings: true });
  const ours = (text) => {
    const r = parseSource(text, 'a.tsx');
    if (!r.ok) throw new Error(r.error.message);
  };
  const time = (fn, text) => {
    fn(text); // warm-up
    const t = performance.now();
    fn(text);
    return performance.now() - t;
  };
  const rows = [];
  for (const shape of shapes) {
    for (const depth of depths) {
      const text = SHAPES[shape](depth);
      // Alternate which side goes first, so a drift in the machine's load does not favour one.
      const a = depth % 2 === 0 ? [time(ours, text), time(plain, text)] : [time(plain, text), time(ours, text)].reverse();
      rows.push({ shape, depth, ours: a[0], plain: a[1] });
    }
  }
  return rows;
}

if (isMainThread) {
  const o = parseArgs(process.argv.slice(2));
  const bundle = path.join(ROOT, '.cache', 'bench', `estree-nesting-${process.pid}.mjs`);
  await esbuild.build({ entryPoints: [path.join(ROOT, 'src', 'engine', 'parse.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: bundle, logLevel: 'warning' });
  // Deep trees need a deep stack: the parse runs on a thread with one, as the CLI's parse thread does.
  const rows = await new Promise((resolve, reject) => {
    const w = new Worker(fileURLToPath(import.meta.url), { workerData: { bundle: pathToFileURL(bundle).href, shapes: o.shapes, depths: o.depths }, resourceLimits: { stackSizeMb: 1024 } });
    w.once('message', resolve);
    w.once('error', reject);
  });
  const { rmSync } = await import('node:fs');
  rmSync(bundle, { force: true });
  console.log('shape         depth   ours ms  alone ms   ours/level×  alone/level×');
  for (const shape of o.shapes) {
    const mine = rows.filter((r) => r.shape === shape);
    const base = mine[0];
    for (const r of mine) {
      const rel = (ms, b) => ((ms / r.depth) / (b / base.depth)).toFixed(2);
      console.log(`${shape.padEnd(13)} ${String(r.depth).padStart(6)} ${r.ours.toFixed(0).padStart(9)} ${r.plain.toFixed(0).padStart(9)} ${rel(r.ours, base.ours).padStart(13)} ${rel(r.plain, base.plain).padStart(13)}`);
    }
  }
} else {
  parentPort.postMessage(await measure(workerData));
}
