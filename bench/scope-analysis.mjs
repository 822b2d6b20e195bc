#!/usr/bin/env node
// Scope analysis is the costliest step of the engine after parsing (about a fifth of an editor analysis of a
// 9,000-line file). This times the scope analyser the engine uses, @typescript-eslint/scope-manager (`lib: []`,
// as src/engine/scope.ts calls it), against eslint-scope on the same trees in one run, eslint-scope given only
// the keys that hold values (types skipped, as a TypeScript-unaware analyser must), so it does less work than
// scope-manager. oxc-parser, the other candidate, builds scopes only to report semantic errors and hands none
// over (its bindings return the tree, the module record, comments and errors). Trees are parsed as the CLI
// parses them (oxc), once, before the timing; only files with `async` or `await` count, as only they are
// analysed. A tree eslint-scope cannot take (TypeScript syntax it does not know) is counted, not timed.
//
//   node bench/scope-analysis.mjs DIR... [--rounds N] [--engine dist/engine.js]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { walk } from './files.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args.splice(at, 2)[1] : fallback;
};
const enginePath = path.resolve(option('--engine', path.join(ROOT, 'dist', 'engine.js')));
const rounds = Number(option('--rounds', '5'));
const dirs = args;
if (dirs.length === 0 || !(rounds > 0)) {
  console.error('usage: node bench/scope-analysis.mjs DIR... [--rounds N] [--engine dist/engine.js]');
  process.exit(2);
}
const require = createRequire(path.join(ROOT, 'package.json'));
const oxc = require('oxc-parser');
const { analyze: scopeManager } = require('@typescript-eslint/scope-manager');
const { visitorKeys } = require('@typescript-eslint/visitor-keys');
// eslint-scope comes with eslint (a devDependency): resolved from there, so the bench adds no dependency.
const eslintScope = createRequire(require.resolve('eslint'))('eslint-scope');
const { oxcOptions, oxcAccepts, programFromOxc } = await import(pathToFileURL(enginePath).href);

const TYPE_KEYS = new Set(['typeAnnotation', 'typeParameters', 'typeArguments', 'returnType', 'superTypeArguments', 'implements', 'extends', 'decorators']);
const TYPE_DECLARATIONS = new Set(['TSInterfaceDeclaration', 'TSTypeAliasDeclaration', 'TSDeclareFunction']);
const valueKeys = Object.fromEntries(Object.entries(visitorKeys).map(([type, keys]) => [type, TYPE_DECLARATIONS.has(type) ? [] : (keys ?? []).filter((k) => !TYPE_KEYS.has(k))]));

const trees = [];
let lines = 0;
for (const dir of dirs) {
  for (const file of walk(path.resolve(dir)).sort()) {
    const text = readFileSync(file, 'utf8');
    if (!/\b(async|await)\b/.test(text)) continue;
    const result = oxc.parseSync(file, text, oxcOptions(file));
    if (!oxcAccepts(result, text)) continue;
    trees.push(programFromOxc(result, text));
    lines += text.split('\n').length;
  }
}

const sourceType = (ast) => (ast.sourceType === 'module' ? 'module' : 'script');
const analysers = {
  'scope-manager': (ast) => scopeManager(ast, { sourceType: sourceType(ast), lib: [] }),
  'eslint-scope (value keys only)': (ast) => eslintScope.analyze(ast, { ecmaVersion: 2025, sourceType: sourceType(ast), childVisitorKeys: valueKeys, fallback: 'none' }),
};
// eslint-scope throws on a tree it cannot take: such trees are left out of both sides, so both time the same work.
const failed = new Set();
for (const ast of trees) {
  try {
    analysers['eslint-scope (value keys only)'](ast);
  } catch (err) {
    if (failed.size === 0 && process.env.DEBUG) console.error(err);
    failed.add(ast);
  }
}
const timed = trees.filter((t) => !failed.has(t));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
for (const name of Object.keys(analysers)) results[name] = [];
// Warm-up, then rounds that alternate the analysers so that a busy spell of the machine hits both.
for (let round = 0; round <= rounds; round++) {
  for (const [name, run] of Object.entries(analysers)) {
    const start = performance.now();
    for (const ast of timed) run(ast);
    if (round > 0) results[name].push(performance.now() - start);
  }
}

console.log(`trees        ${timed.length} files with async code, ${lines.toLocaleString('en-US')} lines (${failed.size} more eslint-scope could not take), parsed by oxc; Node ${process.version}`);
console.log(`rounds       ${rounds} after one warm-up, alternating`);
const base = median(results['scope-manager']);
for (const [name, times] of Object.entries(results)) {
  const m = median(times);
  console.log(`${name.padEnd(32)} ${m.toFixed(0).padStart(6)} ms median   ${(m / base).toFixed(2)}× scope-manager`);
}
