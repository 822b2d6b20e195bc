#!/usr/bin/env node
// Analysis cost against bare parsing, measured in one run.
//
//   node bench/check.mjs [--rounds N] [--no-warmup] [--parse-only] [--regenerate] [--timeout SECONDS] [--dir DIR]
//                        [--jobs N] [--json]
//
// `--dir DIR` measures on a real repository's snapshot instead (both sides run from DIR; the CLI honours its
// .gitignore and skips generated files unparsed, the parse-only side parses every file: both counts are shown).
// `--jobs N` passes `--jobs N` to the CLI (by default it gets none: one worker thread per core, fewer for small
// runs); parse-only always runs on one thread, so `--jobs 1` compares like with like.
// `--json` prints one JSON object on stdout (medians of both sides, the ratios, peak memory, files, findings) and
// sends the text, progress included, to stderr.
//
// (a) node bench/parse-only.mjs bench/corpus     — read + parse of every file as the CLI parses (oxc, typescript-estree on errors), nothing else
// (b) node dist/cli.js check bench/corpus --format json --output <tmp>
// Both run as child processes, alternating, for several rounds (the order flips every round so drift in
// the machine's state does not favour one side). Prints medians of wall and CPU time, the ratio
// analysis/parse, each side's peak memory (max RSS), and the corpus size and findings.
// Needs a build (`npm run bench` builds first). Generates bench/corpus/ when it is missing.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setInterval, clearInterval } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { GENERATOR_VERSION, generateCorpus } from './generate-corpus.mjs';
import { killAfter } from './child.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(HERE);
const CORPUS = join(HERE, 'corpus');
const CLI = join(ROOT, 'dist', 'cli.js');
const PARSE_ONLY = join(HERE, 'parse-only.mjs');
const TIME = '/usr/bin/time';
const TARGET_RATIO = 1.3;

const USAGE = 'usage: node bench/check.mjs [--rounds N] [--no-warmup] [--parse-only] [--regenerate] [--timeout SECONDS] [--dir DIR] [--jobs N] [--json]';
const opts = { rounds: 5, warmup: true, parseOnly: false, regenerate: false, timeoutSec: 600, dir: undefined, jobs: undefined, json: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--rounds') opts.rounds = Number(process.argv[++i]);
  else if (a === '--no-warmup') opts.warmup = false;
  else if (a === '--parse-only') opts.parseOnly = true;
  else if (a === '--regenerate') opts.regenerate = true;
  else if (a === '--timeout') opts.timeoutSec = Number(process.argv[++i]);
  else if (a === '--dir') opts.dir = process.argv[++i];
  else if (a === '--jobs') opts.jobs = Number(process.argv[++i]);
  else if (a === '--json') opts.json = true;
  else if (a === '--help' || a === '-h') {
    console.log(USAGE);
    process.exit(0);
  } else {
    console.error(`unknown argument ${a} (try --help)`);
    process.exit(2);
  }
}
if (!(Number.isInteger(opts.rounds) && opts.rounds >= 1)) fail('--rounds must be a positive integer');
if (!(opts.timeoutSec > 0)) fail('--timeout must be a positive number of seconds');
if (opts.jobs !== undefined && !(Number.isInteger(opts.jobs) && opts.jobs >= 1)) fail('--jobs must be a positive integer');
if (opts.dir !== undefined && !existsSync(opts.dir)) fail(`--dir ${opts.dir} does not exist`);

// With --json, stdout carries only the JSON object; the text goes to stderr.
const log = opts.json ? (...xs) => console.error(...xs) : (...xs) => console.log(...xs);
const progress = (s) => (opts.json ? process.stderr : process.stdout).write(s);

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

// ---- corpus

function readManifest() {
  try {
    return JSON.parse(readFileSync(join(CORPUS, 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
}
const manifest = readManifest();
if (!opts.dir && (opts.regenerate || !manifest || manifest.generatorVersion !== GENERATOR_VERSION)) {
  log(`generating ${relative(ROOT, CORPUS)}/ …`);
  generateCorpus({ out: CORPUS, sizeMb: 6, seed: 20241125 });
}

if (!opts.parseOnly && !existsSync(CLI)) {
  fail(`${relative(ROOT, CLI)} does not exist: run \`npm run build\` first (\`npm run bench\` does both)`);
}

// ---- running a child with wall time, CPU time and peak RSS

// AWAITGUARD_BENCH_NO_TIME=1 forces the /proc polling path (for machines without GNU time).
const haveTime = existsSync(TIME) && !process.env.AWAITGUARD_BENCH_NO_TIME;

/**
 * Runs `node ...args` and resolves with { code, wallMs, cpuMs, maxRssKb, stdout, stderr }.
 * Peak RSS comes from GNU time (%M) when present, else from polling VmHWM in /proc/<pid>/status.
 */
function runNode(args, label) {
  return new Promise((resolve, reject) => {
    const timeFile = join(tmpdir(), `awaitguard-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
    const cmd = haveTime ? TIME : process.execPath;
    const argv = haveTime ? ['-f', '%e %U %S %M', '-o', timeFile, process.execPath, ...args] : args;
    const started = performance.now();
    // detached: the child leads its own process group, so a timeout can kill it and anything it started.
    const child = spawn(cmd, argv, { cwd: runDir, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let polledHwm = 0;
    const poll = haveTime
      ? undefined
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) polledHwm = Math.max(polledHwm, Number(m[1]));
          } catch {
            // the process already exited
          }
        }, 20);
    const timeout = killAfter(child, opts.timeoutSec);
    child.on('error', (err) => {
      timeout.cancel();
      if (poll) clearInterval(poll);
      reject(err);
    });
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - started;
      timeout.cancel();
      if (poll) clearInterval(poll);
      if (timeout.fired) {
        reject(new Error(`${label} did not finish within ${opts.timeoutSec} s and was killed`));
        return;
      }
      let cpuMs;
      let maxRssKb = polledHwm || undefined;
      if (haveTime) {
        try {
          const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
          // GNU time prepends "Command exited with non-zero status N" when the command fails.
          const [, user, sys, rss] = lines[lines.length - 1].split(' ').map(Number);
          cpuMs = (user + sys) * 1000;
          maxRssKb = rss;
        } catch {
          // no timing line: leave undefined
        }
        rmSync(timeFile, { force: true });
      }
      resolve({ code: signal ? 128 : code, wallMs, cpuMs, maxRssKb, stdout, stderr });
    });
  });
}

// ---- findings in the CLI's JSON report, whatever its exact shape

function countFindings(report) {
  const byRule = {};
  let total = 0;
  let filesInReport;
  const visit = (v, depth) => {
    if (depth > 8 || v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) visit(x, depth + 1);
      return;
    }
    if (typeof v.ruleId === 'string' && 'message' in v) {
      total++;
      byRule[v.ruleId] = (byRule[v.ruleId] ?? 0) + 1;
      return; // related locations inside a finding are not findings
    }
    for (const [k, x] of Object.entries(v)) {
      if (filesInReport === undefined && /^(files|fileCount|filesChecked|checkedFiles)$/.test(k)) {
        filesInReport = typeof x === 'number' ? x : Array.isArray(x) ? x.length : undefined;
      }
      visit(x, depth + 1);
    }
  };
  visit(report, 0);
  if (filesInReport === undefined && Array.isArray(report)) filesInReport = report.length;
  return { total, byRule, filesInReport };
}

// ---- the measurement

const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const max = (xs) => {
  const s = xs.filter((x) => typeof x === 'number');
  return s.length ? Math.max(...s) : undefined;
};
const sec = (ms) => (ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`);
const mb = (kb) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);

const reportFile = join(tmpdir(), `awaitguard-bench-${process.pid}.json`);
const corpusArg = opts.dir ? '.' : relative(ROOT, CORPUS) || '.';
const runDir = opts.dir ? resolve(opts.dir) : ROOT;

let parseInfo;
let findings;
let checkedFiles;
async function parseRun() {
  const r = await runNode([PARSE_ONLY, corpusArg], 'parse-only');
  if (r.code !== 0) throw new Error(`parse-only exited with ${r.code}:\n${r.stderr}`);
  parseInfo = JSON.parse(r.stdout.trim().split('\n').pop());
  return r;
}
async function cliRun() {
  rmSync(reportFile, { force: true });
  const jobs = opts.jobs === undefined ? [] : ['--jobs', String(opts.jobs)];
  const r = await runNode([CLI, 'check', corpusArg, '--format', 'json', '--output', reportFile, ...jobs], 'awaitguard check');
  // 0: no error-level findings, 1: findings over the threshold; anything else is a failure.
  if (r.code !== 0 && r.code !== 1) throw new Error(`awaitguard check exited with ${r.code}:\n${r.stderr || r.stdout}`);
  if (!existsSync(reportFile)) throw new Error(`awaitguard check wrote no report to ${reportFile}:\n${r.stderr || r.stdout}`);
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  findings = countFindings(report);
  checkedFiles = report.summary?.fileCount;
  return r;
}

const results = { parse: [], cli: [] };
const sides = opts.parseOnly ? [['parse', parseRun]] : [['parse', parseRun], ['cli', cliRun]];
const benchStart = performance.now();
const loadBefore = loadavg()[0];
try {
  if (opts.warmup) {
    progress('warm-up …');
    for (const [, run] of sides) await run();
    progress(' done\n');
  }
  for (let round = 1; round <= opts.rounds; round++) {
    const order = round % 2 ? sides : [...sides].reverse();
    const line = [];
    for (const [name, run] of order) {
      const r = await run();
      results[name].push(r);
      line.push(`${name} ${sec(r.wallMs)}`);
    }
    log(`round ${round}/${opts.rounds}: ${line.join(', ')}`);
  }
} catch (err) {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  rmSync(reportFile, { force: true });
  process.exit(2);
}
rmSync(reportFile, { force: true });

// ---- report

const p = {
  wall: median(results.parse.map((r) => r.wallMs)),
  cpu: median(results.parse.map((r) => r.cpuMs)),
  rss: max(results.parse.map((r) => r.maxRssKb)),
};
const c = {
  wall: median(results.cli.map((r) => r.wallMs)),
  cpu: median(results.cli.map((r) => r.cpuMs)),
  rss: max(results.cli.map((r) => r.maxRssKb)),
};

const ratio = opts.parseOnly ? undefined : c.wall / p.wall;
// Each round ran both sides back to back, so a per-round ratio cancels slow drift in the machine's load.
const paired = opts.parseOnly ? undefined : median(results.cli.map((r, i) => r.wallMs / results.parse[i].wallMs));
const cpuRatio = c.cpu !== undefined && p.cpu !== undefined ? c.cpu / p.cpu : undefined;
const rssRatio = p.rss !== undefined && c.rss !== undefined ? c.rss / p.rss : undefined;
// The 1-minute load average before the first child ran is other work on the machine (later samples include ours).
const cpus = availableParallelism();
const busy = loadBefore > cpus / 2;
const benchMs = performance.now() - benchStart;

log('');
log(
  `corpus     ${corpusArg}/: ${parseInfo.files} files, ${(parseInfo.bytes / 1048576).toFixed(2)} MB (${parseInfo.bytes} bytes)` +
    (parseInfo.parseErrors ? `, ${parseInfo.parseErrors} files that do not parse` : ''),
);
log(
  `rounds     ${opts.rounds}${opts.warmup ? ' (after 1 warm-up)' : ''}, alternating; ` +
    `${opts.jobs === undefined ? '' : `awaitguard check --jobs ${opts.jobs}; `}peak memory from ${haveTime ? 'GNU time %M' : '/proc/<pid>/status VmHWM'}`,
);
log('');
const row = (name, x) => `${name.padEnd(22)}${sec(x.wall).padStart(10)}${sec(x.cpu).padStart(12)}${mb(x.rss).padStart(12)}`;
log(`${''.padEnd(22)}${'wall med.'.padStart(10)}${'CPU med.'.padStart(12)}${'max RSS'.padStart(12)}`);
log(row('parse only', p));
if (!opts.parseOnly) {
  log(row('awaitguard check', c));
  if (opts.dir) log(`(the CLI checked ${checkedFiles} files: its file list honours .gitignore and skips generated code unparsed)`);
  log('');
  log(
    `ratio analysis/parse   ${ratio.toFixed(2)} wall (per-round median ${paired.toFixed(2)})` +
      `${cpuRatio === undefined ? '' : `, ${cpuRatio.toFixed(2)} CPU`}` +
      `  (target ≤ ${TARGET_RATIO.toFixed(2)}: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'})`,
  );
  if (rssRatio !== undefined) log(`memory analysis/parse  ${rssRatio.toFixed(2)}`);
  const rules = Object.entries(findings.byRule)
    .sort((a, b) => b[1] - a[1])
    .map(([id, n]) => `${id} ${n}`)
    .join(', ');
  log(`findings               ${findings.total}${rules ? ` (${rules})` : ''}`);
  if (findings.filesInReport !== undefined && findings.filesInReport !== parseInfo.files && findings.filesInReport < parseInfo.files) {
    log(`warning: the report mentions ${findings.filesInReport} files, the corpus has ${parseInfo.files}: some files were skipped`);
  }
}
if (busy) {
  log(
    `note: the load average was ${loadBefore.toFixed(1)} on ${cpus} CPUs before the run: wall times include waiting ` +
      'for a CPU, so the CPU ratio is the steadier figure; rerun on an idle machine for wall-clock numbers',
  );
}
log(`(bench took ${sec(benchMs)})`);

if (opts.json) {
  const side = (x, runs) => ({
    medianWallMs: x.wall === undefined ? null : Math.round(x.wall),
    medianCpuMs: x.cpu === undefined ? null : Math.round(x.cpu),
    maxRssKb: x.rss ?? null,
    runs: runs.map((r) => ({ wallMs: Math.round(r.wallMs), cpuMs: r.cpuMs === undefined ? null : Math.round(r.cpuMs), maxRssKb: r.maxRssKb ?? null })),
  });
  const out = {
    dir: opts.dir ? resolve(opts.dir) : relative(ROOT, CORPUS),
    files: { parsed: parseInfo.files, bytes: parseInfo.bytes, parseErrors: parseInfo.parseErrors, checkedByCli: opts.parseOnly ? null : (checkedFiles ?? null) },
    rounds: opts.rounds,
    warmup: opts.warmup,
    jobs: opts.jobs ?? null,
    machine: { cpus, node: process.version, loadAverageBefore: Number(loadBefore.toFixed(2)) },
    peakMemoryFrom: haveTime ? 'GNU time %M' : '/proc/<pid>/status VmHWM',
    parseOnly: side(p, results.parse),
    cli: opts.parseOnly ? null : side(c, results.cli),
    ratio: opts.parseOnly ? null : { cpu: cpuRatio ?? null, wall: ratio, wallPerRound: paired, rss: rssRatio ?? null },
    target: opts.parseOnly ? null : { wallRatio: TARGET_RATIO, met: ratio <= TARGET_RATIO },
    findings: opts.parseOnly ? null : { total: findings.total, byRule: findings.byRule },
    notes: busy ? [`the load average was ${loadBefore.toFixed(1)} on ${cpus} CPUs before the run: the CPU ratio is the steadier figure`] : [],
    benchMs: Math.round(benchMs),
  };
  console.log(JSON.stringify(out, null, 2));
}
