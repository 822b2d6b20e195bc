#!/usr/bin/env node
// Does the cost of one file grow linearly with its findings? Measured in one run.
//
//   node bench/findings-scaling.mjs [--base N] [--scales 1,2,4,8] [--shapes a,b] [--modes a,b] [--timeout SECONDS] [--cli FILE]
//   node bench/findings-scaling.mjs --write DIR [--base N] [--scales …] [--shapes …]   (only writes the files, to profile one:
//                                   node --cpu-prof dist/cli.js check DIR/functions-8.ts)
//
// For each shape of racy code it writes files with base × scale findings, runs the built CLI on each
// (`node dist/cli.js check FILE`, in each mode), and prints the time per finding relative to the 1× file.
// Linear work keeps the ratio near 1 (below it, as start-up is spread over more findings); quadratic work
// makes it grow with the scale (about 8 at 8×). A tiny clean file's time (start-up) is subtracted first.
// Needs a build (`npm run build`).
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { killAfter } from './child.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
let CLI = join(ROOT, 'dist', 'cli.js');

/** Each returns the text of a file with exactly `n` findings. */
const SHAPES = {
  // One lost update per function: n functions, n findings (each named by its function).
  functions: (n) => lines('let x = 0;\nasync function g() {}\n', n, (i) => `async function f${i}() { const v = x; await g(); x = v + 1; }`),
  // n lost updates in one function: n awaits and n reads alive in one walk.
  'one-function': (n) => lines('let x = 0;\nasync function g() {}\nasync function f() {\n', n, (i) => `  { const v${i} = x; await g(); x = v${i} + 1; }`) + '}\n',
  // Methods of one class: check-then-act on a keyed cache.
  methods: (n) =>
    lines('async function load(k: string) { return k; }\nclass Cache {\n  private map = new Map<string, string>();\n', n, (i) =>
      `  async get${i}(k: string) { if (!this.map.has(k)) { const v = await load(k); this.map.set(k, v); } return this.map.get(k); }`,
    ) + '}\n',
  // Every other race suppressed by a directive: n findings, n suppressions.
  suppressed: (n) =>
    lines('let x = 0;\nasync function g() {}\n', n, (i) =>
      `async function f${i}() { const v = x; await g(); x = v + 1; }\n// awaitguard-disable-next-line lost-update -- benchmark\nasync function s${i}() { const v = x; await g(); x = v + 1; }`,
    ),
};

/** CLI arguments per mode; `fix` rewrites its file, so it runs on a fresh copy. */
const MODES = {
  stylish: [],
  json: ['--format', 'json'],
  sarif: ['--format', 'sarif'],
  github: ['--format', 'github'],
  'baseline-write': ['--baseline-write', 'BASELINE'],
  fix: ['--fix'],
};

function lines(head, n, line) {
  const out = [head];
  for (let i = 0; i < n; i++) out.push(line(i), '\n');
  return out.join('');
}

const opts = { base: 2500, scales: [1, 2, 4, 8], shapes: Object.keys(SHAPES), modes: ['stylish', 'sarif', 'fix'], timeoutSec: 600, write: undefined };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const value = () => process.argv[++i] ?? fail(`${a} needs a value`);
  if (a === '--base') opts.base = Number(value());
  else if (a === '--scales') opts.scales = value().split(',').map(Number);
  else if (a === '--shapes') opts.shapes = value().split(',');
  else if (a === '--modes') opts.modes = value().split(',');
  else if (a === '--timeout') opts.timeoutSec = Number(value());
  else if (a === '--cli') CLI = value();
  else if (a === '--write') opts.write = value();
  else if (a === '--help' || a === '-h') {
    console.log(`usage: node bench/findings-scaling.mjs [--base N] [--scales 1,2,4,8] [--shapes ${Object.keys(SHAPES).join(',')}]`);
    console.log(`                                       [--modes ${Object.keys(MODES).join(',')}] [--timeout SECONDS] [--cli FILE]`);
    console.log('--cli: the built CLI to measure (default dist/cli.js), e.g. an older build to compare with');
    console.log('--write DIR: only write the generated files into DIR (to profile one by hand)');
    process.exit(0);
  } else fail(`unknown argument ${a} (try --help)`);
}
if (!(Number.isInteger(opts.base) && opts.base >= 1)) fail('--base must be a positive integer');
if (!opts.scales.every((s) => Number.isInteger(s) && s >= 1) || opts.scales[0] !== 1) fail('--scales must be positive integers starting with 1');
for (const s of opts.shapes) if (!SHAPES[s]) fail(`unknown shape ${s}`);
for (const m of opts.modes) if (!MODES[m]) fail(`unknown mode ${m}`);
if (!(opts.timeoutSec > 0)) fail('--timeout must be a positive number of seconds');
if (opts.write !== undefined) {
  mkdirSync(opts.write, { recursive: true });
  for (const shape of opts.shapes) for (const scale of opts.scales) writeFileSync(join(opts.write, `${shape}-${scale}.ts`), SHAPES[shape](opts.base * scale));
  process.exit(0);
}
if (!existsSync(CLI)) fail(`${CLI} does not exist: run \`npm run build\` first`);

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

const TIME = '/usr/bin/time';
// CPU time (user + system, from GNU time) is steadier than wall time on a shared machine; wall time without it.
const haveTime = existsSync(TIME) && !process.env.AWAITGUARD_BENCH_NO_TIME;

/** Runs the CLI; resolves with its CPU time in ms (wall time without GNU time). Exit codes 0 and 1 (findings) are success. */
function runCli(args, cwd) {
  return new Promise((resolve, reject) => {
    const timeFile = join(dir, 'time.txt');
    const argv = [CLI, 'check', ...args];
    const started = performance.now();
    const child = haveTime
      ? spawn(TIME, ['-f', '%U %S', '-o', timeFile, process.execPath, ...argv], { cwd, stdio: ['ignore', 'ignore', 'pipe'], detached: true })
      : spawn(process.execPath, argv, { cwd, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const timer = killAfter(child, opts.timeoutSec);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      timer.cancel();
      const wallMs = performance.now() - started;
      if (timer.fired) return reject(new Error(`timed out after ${opts.timeoutSec} s: check ${args.join(' ')}`));
      if (code !== 0 && code !== 1) return reject(new Error(`exit code ${code}: check ${args.join(' ')}\n${stderr}`));
      if (!haveTime) return resolve(wallMs);
      // GNU time prepends "Command exited with non-zero status N" when the command fails.
      const [user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').pop().split(' ').map(Number);
      resolve((user + sys) * 1000);
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'awaitguard-scaling-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

async function main() {
  writeFileSync(join(dir, 'clean.ts'), 'export const x = 1;\n');
  const startup = Math.min(await runCli(['clean.ts'], dir), await runCli(['clean.ts'], dir));
  console.log(`base ${opts.base} findings; ${haveTime ? 'CPU' : 'wall'} time; start-up ${fmtMs(startup)} (subtracted); per-finding time relative to 1×\n`);
  console.log(['shape', 'mode', ...opts.scales.map((s) => `${s}×`.padStart(16))].join('  '));
  for (const shape of opts.shapes) {
    const files = opts.scales.map((scale) => {
      const file = `${shape}-${scale}.ts`;
      writeFileSync(join(dir, file), SHAPES[shape](opts.base * scale));
      return { scale, file, bytes: readFileSync(join(dir, file)).length };
    });
    for (const mode of opts.modes) {
      const cells = [];
      let unit;
      for (const { scale, file } of files) {
        const target = mode === 'fix' ? `fix-${file}` : file;
        if (mode === 'fix') copyFileSync(join(dir, file), join(dir, target));
        const args = MODES[mode].map((a) => (a === 'BASELINE' ? `${target}.baseline.json` : a));
        const ms = await runCli([...args, target], dir);
        const perFinding = Math.max(ms - startup, 0) / scale;
        unit ??= perFinding;
        const ratio = unit > 0 ? (perFinding / unit).toFixed(2) : '—';
        cells.push(`${fmtMs(ms)} ${ratio.padStart(5)}`.padStart(16));
      }
      console.log([shape.padEnd(12).slice(0, 12), mode.padEnd(14), ...cells].join('  '));
    }
    const sizes = files.map((f) => `${f.scale}×: ${(f.bytes / 1e6).toFixed(2)} MB`).join(', ');
    const found = await countFindings(files[0].file);
    const check = found === opts.base ? '' : ` — expected ${opts.base}: the shape no longer measures what it says`;
    console.log(`${''.padEnd(12)}  (${sizes}; ${found} findings at 1×${check})`);
  }
}

/** The findings the CLI reports for `file`, from its JSON report. */
async function countFindings(file) {
  const out = join(dir, 'count.json');
  await runCli(['--format', 'json', '--output', out, file], dir);
  return JSON.parse(readFileSync(out, 'utf8')).results.reduce((n, r) => n + r.findings.length, 0);
}

function fmtMs(ms) {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

main().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exit(2);
});
