#!/usr/bin/env node
// oxc hands its tree over either as JSON (any Node) or by raw transfer (its own memory, Node 22 and later on
// 64-bit; what src/shared/fastParser.ts uses where it can). This analyses every file under the given folders
// both ways and checks that the findings are identical, with the time each way took in the same run. Run it
// with Node 22 or later (the e2e run does, with the Node 24 it provisions); under Node 20 it says raw transfer
// is not supported and exits 2.
//
//   node bench/oxc-transfer.mjs DIR... [--engine dist/engine.js]
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const at = args.indexOf('--engine');
const enginePath = at >= 0 ? path.resolve(args.splice(at, 2)[1]) : path.join(ROOT, 'dist', 'engine.js');
const dirs = args;
if (dirs.length === 0) {
  console.error('usage: node bench/oxc-transfer.mjs DIR... [--engine dist/engine.js]');
  process.exit(2);
}
const oxc = createRequire(path.join(ROOT, 'package.json'))('oxc-parser');
if (!oxc.rawTransferSupported()) {
  console.error(`oxc raw transfer is not supported on Node ${process.version} (${process.arch}): run this with Node 22 or later`);
  process.exit(2);
}
const { analyze, oxcOptions, programFromOxc } = await import(pathToFileURL(enginePath).href);

const files = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) walk(p);
    else if (e.isFile() && /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/.test(e.name)) files.push(p);
  }
};
for (const d of dirs) walk(d);

const viaJson = (text, file) => programFromOxc(oxc.parseSync(file, text, oxcOptions(file)), text);
const viaRaw = (text, file) => programFromOxc(oxc.parseSync(file, text, { ...oxcOptions(file), experimentalRawTransfer: true }), text);
const outcome = (text, file, parser) => {
  try {
    return JSON.stringify(analyze(text, file, { parser }));
  } catch (err) {
    return `error: ${err instanceof Error ? err.message : String(err)}`;
  }
};

let jsonMs = 0;
let rawMs = 0;
const differing = [];
for (const [i, file] of files.entries()) {
  const text = readFileSync(file, 'utf8');
  // Alternate which goes first, so warm-up and drift fall on both alike.
  const order = i % 2 === 0 ? [viaJson, viaRaw] : [viaRaw, viaJson];
  const results = new Map();
  for (const parser of order) {
    const t0 = performance.now();
    results.set(parser, outcome(text, file, parser));
    const ms = performance.now() - t0;
    if (parser === viaJson) jsonMs += ms;
    else rawMs += ms;
  }
  if (results.get(viaJson) !== results.get(viaRaw)) differing.push(path.relative(process.cwd(), file));
}
console.log(`${files.length} files, Node ${process.version}: analysis with JSON transfer ${jsonMs.toFixed(0)} ms, raw transfer ${rawMs.toFixed(0)} ms (ratio ${(rawMs / jsonMs).toFixed(2)})`);
if (differing.length > 0) {
  console.log(`findings differ in ${differing.length} files:\n  ${differing.slice(0, 20).join('\n  ')}`);
  process.exit(1);
}
console.log('findings identical in every file');
