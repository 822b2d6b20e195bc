#!/usr/bin/env node
// Long fuzzing campaign against the built CLI and language server (the harness lives in test/fuzz/).
//
//   npm run fuzz -- [--cases N] [--seed N] [--start I] [--only I,J,…] [--out DIR] [--batch N] [--max-depth N]
//                   [--oracles default,estree,jobs,fix,compile,run,fix-estree,lsp] [--lsp N] [--no-minimize]
//                   [--keep] [--no-snapshot] [--print]
//
// Cases are mutations of test/fixtures/** and examples/** (token deletion and duplication, bracket imbalance,
// nesting amplification of every construct up to 50,000 levels), each a pure function of (seed, index). Each is
// checked with both parsers, `--jobs 2`, `--fix` (then parsed, type-checked and run), and in the language
// server. Each new kind of failure is minimized and written under --out (default .cache/fuzz/, git-ignored):
// <kind>/<seed>-<index>.min.<ext> (minimized), .orig.<ext> (as generated) and .json (what failed, how to replay);
// summary.json and summary.md list every failure. Builds dist/ first when it is older than src/, then tests a
// copy of it (other people rebuilding dist/ mid-campaign do not change what is tested).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function parseArgs(argv) {
  const o = { cases: 1000, seed: undefined, start: 0, only: undefined, out: path.join(ROOT, '.cache', 'fuzz'), batch: 16, maxDepth: 50_000, oracles: undefined, lsp: 3, minimize: true, keep: false, snapshot: true, print: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const int = () => {
      const v = value();
      if (!/^\d+$/.test(v)) throw new Error(`${a} needs a whole number, got ${v}`);
      return Number(v);
    };
    if (a === '--cases') o.cases = int();
    else if (a === '--seed') o.seed = int();
    else if (a === '--start') o.start = int();
    else if (a === '--only') o.only = value().split(',').map((s) => Number(s));
    else if (a === '--out') o.out = path.resolve(value());
    else if (a === '--batch') o.batch = Math.max(1, int());
    else if (a === '--max-depth') o.maxDepth = Math.max(1, int());
    else if (a === '--oracles') o.oracles = value().split(',');
    else if (a === '--lsp') o.lsp = int();
    else if (a === '--no-minimize') o.minimize = false;
    else if (a === '--keep') o.keep = true;
    else if (a === '--no-snapshot') o.snapshot = false;
    else if (a === '--print') o.print = true;
    else if (a === '-h' || a === '--help') {
      process.stdout.write(readUsage());
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  o.seed ??= Math.floor(Math.random() * 2 ** 31);
  return o;
}

/** The comment at the top of this file. */
function readUsage() {
  const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
  const end = lines.findIndex((l) => !l.startsWith('//'));
  return lines.slice(0, end).map((l) => l.replace(/^\/\/ ?/, '')).join('\n') + '\n';
}

function newest(p) {
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  let n = s.mtimeMs;
  for (const name of readdirSync(p)) n = Math.max(n, newest(path.join(p, name)));
  return n;
}

/** dist/ as the tests build it: `node esbuild.js` when dist/cli.js or dist/server.js is missing or older than src/. */
function ensureBuilt() {
  const built = ['cli.js', 'server.js'].map((f) => path.join(ROOT, 'dist', f));
  const fresh = built.every((f) => existsSync(f) && statSync(f).mtimeMs >= newest(path.join(ROOT, 'src')));
  if (fresh && existsSync(path.join(ROOT, 'dist', 'runtime', 'vendor'))) return;
  process.stderr.write('[fuzz] dist/ is older than src/: building\n');
  for (const script of ['esbuild.js', 'scripts/build-runtime.mjs']) {
    const r = spawnSync(process.execPath, [script], { cwd: ROOT, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`node ${script} failed`);
  }
}

function git(...args) {
  const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const buildDir = path.join(ROOT, '.cache', 'fuzz-build');
  mkdirSync(buildDir, { recursive: true });
  const harness = path.join(buildDir, `harness-${process.pid}.mjs`);
  await esbuild.build({
    stdin: { contents: "export * from './campaign.ts'; export { loadSeeds } from './seeds.ts'; export { generateCase } from './generate.ts'; export { killAll } from './process.ts';", resolveDir: path.join(ROOT, 'test', 'fuzz'), loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: harness,
    logLevel: 'warning',
  });
  const h = await import(pathToFileURL(harness).href);
  rmSync(harness, { force: true });
  const seeds = h.loadSeeds(ROOT);

  if (o.print) {
    for (const i of o.only ?? [o.start]) {
      const c = h.generateCase(seeds, o.seed, i, { maxDepth: o.maxDepth });
      process.stderr.write(`[fuzz] seed ${o.seed} index ${i}: ${c.kind}: ${c.description}\n`);
      process.stdout.write(c.text);
    }
    return;
  }

  ensureBuilt();
  let dist = path.join(ROOT, 'dist');
  if (o.snapshot) {
    // Inside the repository, so the copy still resolves node_modules (oxc-parser, typescript) as dist/ does.
    const snap = mkdtempSync(path.join(buildDir, 'dist-'));
    cpSync(path.join(ROOT, 'dist'), path.join(snap, 'dist'), { recursive: true, filter: (f) => !f.endsWith('.map') });
    dist = path.join(snap, 'dist');
  }

  // Outside any project: --fix vendors its runtime under the nearest package.json.
  const work = mkdtempSync(path.join(os.tmpdir(), 'awaitguard-fuzz-'));
  mkdirSync(o.out, { recursive: true });
  const head = `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'src').length > 0 ? ' + uncommitted src/ changes' : ''}`;
  const header = { seed: o.seed, start: o.start, cases: o.only ? o.only.length : o.cases, maxDepth: o.maxDepth, build: head, dist, startedAt: new Date().toISOString() };
  process.stderr.write(`[fuzz] seed ${o.seed}, cases ${o.only ? o.only.join(',') : `${o.start}..${o.start + o.cases - 1}`}, build ${head}, out ${o.out}\n`);
  const interrupted = (signal) => {
    h.killAll();
    if (!o.keep) rmSync(work, { recursive: true, force: true });
    if (o.snapshot) rmSync(path.dirname(dist), { recursive: true, force: true });
    process.stderr.write(`[fuzz] ${signal}: stopped; the summary so far is in ${path.join(o.out, 'summary.md')}\n`);
    process.exit(130);
  };
  process.on('SIGINT', interrupted);
  process.on('SIGTERM', interrupted);
  const summarize = (stats, failures) => writeSummary(o.out, header, stats, failures, h.formatFailure);
  try {
    const result = await h.runCampaign({
      tools: { root: ROOT, cli: path.join(dist, 'cli.js'), server: path.join(dist, 'server.js') },
      seeds,
      seed: o.seed,
      start: o.start,
      cases: o.cases,
      ...(o.only ? { only: o.only } : {}),
      batch: o.batch,
      maxDepth: o.maxDepth,
      ...(o.oracles ? { oracles: o.oracles } : {}),
      jobsEvery: 2,
      fixEstreeEvery: 2,
      lspPerBatch: o.lsp,
      minimize: o.minimize,
      out: o.out,
      work,
      keep: o.keep,
      log: (line) => process.stderr.write(line + '\n'),
      onBatch: summarize,
    });
    summarize(result.stats, result.failures);
    process.stderr.write(`[fuzz] done: ${result.stats.cases} cases, ${result.failures.length} failures; see ${path.join(o.out, 'summary.md')}\n`);
    process.exitCode = result.failures.length > 0 ? 1 : 0;
  } finally {
    if (!o.keep) rmSync(work, { recursive: true, force: true });
    if (o.snapshot) rmSync(path.dirname(dist), { recursive: true, force: true });
  }
}

function writeSummary(out, header, stats, failures, formatFailure) {
  const groups = new Map();
  for (const f of failures) {
    const g = groups.get(f.signature) ?? { signature: f.signature, kind: f.kind, mode: f.mode, category: f.category, count: 0, byConstruct: {}, repros: [], examples: [] };
    g.count++;
    const key = f.construct ?? f.caseKind;
    g.byConstruct[key] = (g.byConstruct[key] ?? 0) + 1;
    if (f.repro) g.repros.push(path.relative(out, f.repro));
    if (g.examples.length < 5) g.examples.push(formatFailure(f));
    groups.set(f.signature, g);
  }
  const json = { ...header, stats, failureKinds: [...groups.values()], failures };
  writeFileSync(path.join(out, 'summary.json'), JSON.stringify(json, null, 2) + '\n');
  const md = [
    `# awaitguard fuzz: seed ${header.seed}, build ${header.build}`,
    '',
    `${stats.cases} cases in ${Math.round(stats.ms / 1000)} s, ${stats.cliRuns} CLI runs.`,
    '',
    `Cases by kind: ${Object.entries(stats.byKind).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    `Constructs: ${Object.entries(stats.byConstruct).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    `Checked: ${Object.entries(stats.checked).map(([k, v]) => `${k} ${v}`).join(', ')}; --fix changed ${stats.fixChanged}; with findings ${stats.withFindings}.`,
    '',
    `## ${groups.size} failure kinds, ${failures.length} failures`,
    '',
    ...[...groups.values()].flatMap((g) => [
      `### ${g.kind} [${g.mode}${g.category ? ' ' + g.category : ''}]: ${g.count}`,
      '',
      `By construct: ${Object.entries(g.byConstruct).map(([k, v]) => `${k} ${v}`).join(', ')}`,
      '',
      ...(g.repros.length ? [`Repros: ${g.repros.join(', ')}`, ''] : []),
      ...g.examples.map((e) => `- ${e}`),
      '',
    ]),
  ];
  writeFileSync(path.join(out, 'summary.md'), md.join('\n'));
}

main().catch((err) => {
  process.stderr.write(`[fuzz] ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 2;
});
