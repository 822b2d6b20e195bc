#!/usr/bin/env node
// CI-scale benchmark: awaitguard against ESLint's require-atomic-updates on a corpus of 20 MB or more.
//
//   node bench/ci.mjs [--rounds N] [--no-warmup] [--regenerate] [--size-mb N] [--timeout SECONDS]
//                     [--only IDS] [--json]
//
// Four commands, each a child process (so each pays Node's start-up and module loading), with the working
// directory at the repository root (dist/cli.js stands for a copy of it taken at the start, see below):
//   cold-jobs-1     node dist/cli.js check <corpus> --format json --output <tmp> --jobs 1
//   cold-all-cores  node dist/cli.js check <corpus> --format json --output <tmp> --jobs <availableParallelism>
//   warm-cache      node dist/cli.js check <corpus> --format json --output <tmp> --cache --cache-location <tmp>
//                   (default jobs; one unmeasured priming run with the same flags fills the cache first)
//   eslint          node node_modules/eslint/bin/eslint.js --config <tmp>/eslint.config.mjs --format json
//                   --output-file <tmp> <corpus>   (only `require-atomic-updates` with @typescript-eslint/parser)
// They run in rotating order for N rounds after one warm-up round. Wall time is measured here; peak memory
// (maxRSS, the whole process with its worker threads) and CPU time come from bench/peak-rss.mjs, preloaded
// with `--import`. Prints median wall time, median CPU time and peak RSS per command, the ratios and goals.
// Exit code 0 after a complete measurement, 2 when a child fails; the goals are judged in the output.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { dirname, extname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { SUPPORTED, walk } from './files.mjs';
import { GENERATOR_VERSION, generateCorpus } from './generate-corpus.mjs';
import { killAfter } from './child.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(HERE);
const CLI = join(ROOT, 'dist', 'cli.js');
const ESLINT = join(ROOT, 'node_modules', 'eslint', 'bin', 'eslint.js');
const PRELOAD = join(HERE, 'peak-rss.mjs');
const SEED = 20241125;
const DEFAULT_SIZE_MB = 20;
const GOALS = { eslintOverCold: 3, coldOverWarm: 10, rssOverEslint: 0.5 };
const USAGE = `usage: node bench/ci.mjs [--rounds N] [--no-warmup] [--regenerate] [--size-mb N] [--timeout SECONDS] [--only IDS] [--json]
  --rounds N         measured rounds (default 3)
  --no-warmup        skip the warm-up round
  --regenerate       rebuild the corpus even if it exists
  --size-mb N        corpus size (default ${DEFAULT_SIZE_MB}; another size gets its own folder, for quick trials)
  --timeout SECONDS  kill a child that runs longer and exit with 2 (default 900)
  --only IDS         comma-separated subset of cold-jobs-1, cold-all-cores, warm-cache, eslint
  --json             print the raw numbers as JSON on stdout (progress goes to stderr)`;

// ---- options

const opts = { rounds: 3, warmup: true, regenerate: false, sizeMb: DEFAULT_SIZE_MB, timeoutSec: 900, only: undefined, json: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const value = () => {
    const v = process.argv[++i];
    if (v === undefined) fail(`${a} needs a value`);
    return v;
  };
  if (a === '--rounds') opts.rounds = Number(value());
  else if (a === '--no-warmup') opts.warmup = false;
  else if (a === '--regenerate') opts.regenerate = true;
  else if (a === '--size-mb') opts.sizeMb = Number(value());
  else if (a === '--timeout') opts.timeoutSec = Number(value());
  else if (a === '--only') opts.only = value().split(',').map((s) => s.trim()).filter(Boolean);
  else if (a === '--json') opts.json = true;
  else if (a === '--help' || a === '-h') {
    console.log(USAGE);
    process.exit(0);
  } else fail(`unknown argument ${a} (try --help)`);
}
if (!(Number.isInteger(opts.rounds) && opts.rounds >= 1)) fail('--rounds must be a positive integer');
if (!(opts.timeoutSec > 0)) fail('--timeout must be a positive number of seconds');
if (!(opts.sizeMb > 0)) fail('--size-mb must be a positive number');

// With --json, stdout carries only the JSON document.
const log = opts.json ? (...xs) => console.error(...xs) : (...xs) => console.log(...xs);
let lineOpen = false;
const progress = (s) => {
  lineOpen = !s.endsWith('\n');
  (opts.json ? process.stderr : process.stdout).write(s);
};

let tmp;
let buildCopy;
let currentChild;
function cleanUp() {
  if (currentChild?.exitCode === null) {
    try {
      process.kill(-currentChild.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  if (buildCopy) rmSync(buildCopy, { recursive: true, force: true });
}
function fail(message) {
  if (lineOpen) progress('\n');
  console.error(`bench: ${message}`);
  cleanUp();
  process.exit(2);
}
process.on('SIGINT', () => fail('interrupted'));
process.on('SIGTERM', () => fail('terminated'));

// ---- commands

const cores = availableParallelism();
const COMMANDS = [
  { id: 'cold-jobs-1', label: 'awaitguard check --jobs 1, cold', kind: 'awaitguard', flags: ['--jobs', '1'] },
  { id: 'cold-all-cores', label: `awaitguard check --jobs ${cores}, cold`, kind: 'awaitguard', flags: ['--jobs', String(cores)] },
  { id: 'warm-cache', label: 'awaitguard check --cache, warm', kind: 'awaitguard', flags: ['--cache', '--cache-location', '<cache>'] },
  { id: 'eslint', label: 'eslint (require-atomic-updates)', kind: 'eslint' },
];
const selected = opts.only ? COMMANDS.filter((c) => opts.only.includes(c.id)) : COMMANDS;
if (opts.only) {
  const unknown = opts.only.filter((id) => !COMMANDS.some((c) => c.id === id));
  if (unknown.length) fail(`--only: unknown command ${unknown.join(', ')} (known: ${COMMANDS.map((c) => c.id).join(', ')})`);
}
if (selected.length === 0) fail('--only selects no command');
const needsCli = selected.some((c) => c.kind === 'awaitguard');

// ---- prerequisites

// The measured build is a copy of dist/cli.js and dist/cli-run.js taken now, so a rebuild while the benchmark runs (several
// minutes) does not mix two builds, nor invalidate the warm cache, which is keyed by a hash of the bundle. The
// copy lies inside the repository (.cache/), so it finds awaitguard's package.json and node_modules as
// dist/cli.js does; the bundle starts its worker threads from its own file.
const sha1 = (file) => createHash('sha1').update(readFileSync(file)).digest('hex');
let cli;
let cliSha1;
let cliVersion;
if (needsCli) {
  if (!existsSync(CLI)) fail(`${relative(ROOT, CLI)} does not exist: run \`npm run build\` first (\`npm run bench:ci\` does both)`);
  mkdirSync(join(ROOT, '.cache'), { recursive: true });
  buildCopy = mkdtempSync(join(ROOT, '.cache', 'bench-ci-build-'));
  cli = join(buildCopy, 'cli.js');
  // The launcher starts the run bundle beside it.
  for (const name of ['cli.js', 'cli-run.js']) {
    const from = join(ROOT, 'dist', name);
    copyFileSync(from, join(buildCopy, name));
    if (existsSync(`${from}.map`)) copyFileSync(`${from}.map`, join(buildCopy, `${name}.map`));
  }
  cliSha1 = sha1(join(buildCopy, 'cli-run.js'));
  cliVersion = spawnSync(process.execPath, [cli, '--version'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const help = spawnSync(process.execPath, [cli, '--help'], { cwd: ROOT, encoding: 'utf8' });
  const text = `${help.stdout}${help.stderr}`;
  const missing = selected
    .filter((c) => c.kind === 'awaitguard')
    .flatMap((c) => c.flags.filter((f) => f.startsWith('--')))
    .filter((f, i, all) => all.indexOf(f) === i && !new RegExp(`${f}\\b`).test(text));
  if (missing.length) fail(`${relative(ROOT, CLI)} --help does not mention ${missing.join(', ')}: rebuild (\`node esbuild.js\`) with a version that has them`);
}
if (selected.some((c) => c.kind === 'eslint') && !existsSync(ESLINT)) fail(`${relative(ROOT, ESLINT)} does not exist: run \`npm install\``);

// ---- corpus

// Under .cache/ (git-ignored, and outside tsconfig's `include` and the lint run), not under bench/: a
// 20 MB folder of generated TypeScript in bench/ would be type-checked by `npm run typecheck` and linted by
// `npm run lint`.
const corpusDir = join(ROOT, '.cache', opts.sizeMb === DEFAULT_SIZE_MB ? 'bench-corpus-ci' : `bench-corpus-ci-${opts.sizeMb}mb`);
const corpusArg = relative(ROOT, corpusDir);

function readManifest() {
  try {
    return JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8'));
  } catch {
    return undefined;
  }
}
const manifest = readManifest();
const stale = !manifest
  ? 'missing'
  : manifest.generatorVersion !== GENERATOR_VERSION
    ? `made by generator version ${manifest.generatorVersion}`
    : manifest.sizeMb !== opts.sizeMb || manifest.seed !== SEED
      ? 'made with another size or seed'
      : opts.regenerate
        ? '--regenerate'
        : undefined;
if (stale) {
  progress(`generating ${corpusArg}/ (${stale}) …`);
  const t0 = performance.now();
  generateCorpus({ out: corpusDir, sizeMb: opts.sizeMb, seed: SEED });
  progress(` ${sec(performance.now() - t0)}\n`);
}

const corpusFiles = walk(corpusDir, []);
const corpus = { dir: corpusArg, files: corpusFiles.length, bytes: 0, byExtension: {}, seed: SEED, generatorVersion: GENERATOR_VERSION };
for (const f of corpusFiles) {
  corpus.bytes += statSync(f).size;
  const ext = extname(f).slice(1).toLowerCase();
  corpus.byExtension[ext] = (corpus.byExtension[ext] ?? 0) + 1;
}
if (corpus.files === 0) fail(`${corpusArg}/ holds no files to check`);
const extensions = Object.keys(corpus.byExtension).sort();

// ---- temporary files: ESLint's config, reports, usage records, the cache

tmp = mkdtempSync(join(tmpdir(), 'awaitguard-ci-'));
const cacheLocation = join(tmp, 'awaitguard-cache');
const eslintConfig = join(tmp, 'eslint.config.mjs');
const requireFromRoot = createRequire(join(ROOT, 'package.json'));
const parserUrl = pathToFileURL(requireFromRoot.resolve('@typescript-eslint/parser')).href;
// `--config` replaces the look-up of eslint.config.* (the repository's own config never loads), and its
// base path is the working directory, the repository root, which contains the corpus.
writeFileSync(
  eslintConfig,
  `// Generated by bench/ci.mjs: only require-atomic-updates, parsed by @typescript-eslint/parser.
import parser from ${JSON.stringify(parserUrl)};

export default [
  {
    files: ${JSON.stringify(SUPPORTED.map((ext) => `**/*${ext}`))},
    languageOptions: {
      parser,
      ecmaVersion: 'latest',
      sourceType: 'module',
      // awaitguard parses JavaScript with JSX enabled; .ts and .tsx follow the extension either way.
      parserOptions: { ecmaFeatures: { jsx: true } },
    },
    linterOptions: { reportUnusedDisableDirectives: 'off' },
    rules: { 'require-atomic-updates': 'error' },
  },
];
`,
);

function argvFor(cmd, reportFile) {
  if (cmd.kind === 'eslint') return [ESLINT, '--config', eslintConfig, '--format', 'json', '--output-file', reportFile, corpusArg];
  const flags = cmd.flags.map((f) => (f === '<cache>' ? cacheLocation : f));
  return [cli, 'check', corpusArg, '--format', 'json', '--output', reportFile, ...flags];
}
const shown = (cmd) =>
  ['node', ...argvFor(cmd, '<tmp>/report.json')]
    .map((a) =>
      a === cli ? '<copy of dist/cli.js>' : a.startsWith(tmp) ? `<tmp>/${relative(tmp, a)}` : a.startsWith(ROOT) ? relative(ROOT, a) : a,
    )
    .join(' ');

// ---- running one child

let runCounter = 0;
/** Runs `node --import peak-rss.mjs ...args`; resolves with { code, wallMs, cpuMs, maxRssKb, stderr }. */
function runNode(args, label) {
  return new Promise((resolve, reject) => {
    const usageFile = join(tmp, `usage-${++runCounter}.jsonl`);
    const started = performance.now();
    // detached: the child leads its own process group, so a timeout kills it and anything it started.
    const child = spawn(process.execPath, ['--import', pathToFileURL(PRELOAD).href, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
      env: { ...process.env, AWAITGUARD_BENCH_USAGE_FILE: usageFile },
    });
    currentChild = child;
    let output = '';
    const keep = (d) => {
      output = (output + d).slice(-20000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timeout = killAfter(child, opts.timeoutSec);
    child.on('error', (err) => {
      timeout.cancel();
      reject(err);
    });
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - started;
      timeout.cancel();
      currentChild = undefined;
      if (timeout.fired) {
        reject(new Error(`${label} did not finish within ${opts.timeoutSec} s and was killed`));
        return;
      }
      let usage;
      try {
        usage = readFileSync(usageFile, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l))
          .find((u) => u.pid === child.pid);
      } catch {
        // no record: the process died before its exit handlers ran
      }
      rmSync(usageFile, { force: true });
      resolve({ code: signal ? 128 : code, signal, wallMs, cpuMs: usage && usage.cpuUs / 1000, maxRssKb: usage?.maxRssKb, output });
    });
  });
}

// ---- checking what a child did

function tally(list, key) {
  const by = {};
  for (const x of list) by[x[key]] = (by[x[key]] ?? 0) + 1;
  return by;
}
const sameTally = (a, b) => JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

const findings = {}; // id -> { total, byRule, files }
function checkAwaitguardReport(cmd, report) {
  if (!report || !Array.isArray(report.results)) throw new Error(`${cmd.id}: the report has no "results" array`);
  const files = report.results.length;
  if (files !== corpus.files) throw new Error(`${cmd.id}: the report lists ${files} files, the corpus has ${corpus.files}`);
  const s = report.summary ?? {};
  const broken = ['parseErrorCount', 'readErrorCount', 'internalErrorCount', 'skippedCount'].filter((k) => s[k] > 0);
  if (broken.length) throw new Error(`${cmd.id}: ${broken.map((k) => `${k} ${s[k]}`).join(', ')} in the report's summary`);
  const all = report.results.flatMap((r) => r.findings ?? []);
  const found = { total: all.length, byRule: tally(all, 'ruleId'), files };
  // Every awaitguard run checks the same files with the same configuration: the findings must agree.
  for (const [otherId, other] of Object.entries(findings)) {
    if (otherId !== 'eslint' && otherId !== cmd.id && !sameTally(other.byRule, found.byRule)) {
      throw new Error(
        `${cmd.id} reported ${found.total} findings ${JSON.stringify(found.byRule)}, ` +
          `${otherId} ${other.total} ${JSON.stringify(other.byRule)}: the runs disagree`,
      );
    }
  }
  findings[cmd.id] = found;
}
function checkEslintReport(cmd, report) {
  if (!Array.isArray(report)) throw new Error('eslint: the JSON report is not an array of results');
  if (report.length !== corpus.files) {
    throw new Error(`eslint linted ${report.length} files, the corpus has ${corpus.files}: check the generated config's "files"`);
  }
  const messages = report.flatMap((r) => r.messages);
  const fatal = messages.filter((m) => m.fatal);
  if (fatal.length) throw new Error(`eslint could not parse ${fatal.length} files, first: ${fatal[0].message}`);
  const other = messages.filter((m) => m.ruleId !== 'require-atomic-updates');
  if (other.length) throw new Error(`eslint reported ${other.length} messages of other rules (${other[0].ruleId}): the config is not the only one applied`);
  findings[cmd.id] = { total: messages.length, byRule: tally(messages, 'ruleId'), files: report.length };
}

async function run(cmd, label = cmd.id) {
  const reportFile = join(tmp, `${cmd.id}.json`);
  rmSync(reportFile, { force: true });
  const r = await runNode(argvFor(cmd, reportFile), label);
  const tail = r.output.trim().split('\n').slice(-15).join('\n');
  // Both tools: 0 = clean, 1 = findings; anything else is a failure.
  if (r.code !== 0 && r.code !== 1) throw new Error(`${label} exited with ${r.signal ?? r.code}:\n${tail}`);
  if (!existsSync(reportFile)) throw new Error(`${label} wrote no report to ${reportFile}:\n${tail}`);
  if (r.maxRssKb === undefined) throw new Error(`${label} left no memory record (is bench/peak-rss.mjs loaded?)`);
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  rmSync(reportFile, { force: true });
  if (cmd.kind === 'eslint') checkEslintReport(cmd, report);
  else checkAwaitguardReport(cmd, report);
  return r;
}

// ---- the measurement

const results = Object.fromEntries(selected.map((c) => [c.id, []]));
const benchStart = performance.now();
const loadBefore = loadavg()[0];
try {
  const warm = selected.find((c) => c.id === 'warm-cache');
  if (warm) {
    progress('priming the cache …');
    const r = await run(warm, 'warm-cache (priming)');
    if (!existsSync(cacheLocation)) throw new Error(`the priming run wrote nothing at --cache-location ${cacheLocation}`);
    progress(` ${sec(r.wallMs)}\n`);
  }
  if (opts.warmup) {
    progress('warm-up:');
    for (const cmd of selected) {
      const r = await run(cmd, `${cmd.id} (warm-up)`);
      progress(` ${cmd.id} ${sec(r.wallMs)}`);
    }
    progress('\n');
  }
  for (let round = 0; round < opts.rounds; round++) {
    // Rotate the order each round, so no command always runs first, or always after the same one.
    const k = round % selected.length;
    const order = [...selected.slice(k), ...selected.slice(0, k)];
    progress(`round ${round + 1}/${opts.rounds}:`);
    for (const cmd of order) {
      const r = await run(cmd);
      results[cmd.id].push({ wallMs: r.wallMs, cpuMs: r.cpuMs, maxRssKb: r.maxRssKb });
      progress(` ${cmd.id} ${sec(r.wallMs)}`);
    }
    progress('\n');
  }
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}
const benchMs = performance.now() - benchStart;
cleanUp();

// ---- figures

function median(xs) {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  if (s.length === 0) return undefined;
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
function sec(ms) {
  return ms === undefined ? 'n/a' : `${(ms / 1000).toFixed(2)} s`;
}
const mb = (kb) => (kb === undefined ? 'n/a' : `${(kb / 1024).toFixed(0)} MB`);

const stats = {};
for (const cmd of selected) {
  const rs = results[cmd.id];
  stats[cmd.id] = {
    label: cmd.label,
    command: shown(cmd),
    medianWallMs: median(rs.map((r) => r.wallMs)),
    medianCpuMs: median(rs.map((r) => r.cpuMs)),
    peakRssKb: Math.max(...rs.map((r) => r.maxRssKb)),
    runs: rs.map((r) => ({ wallMs: Math.round(r.wallMs), cpuMs: Math.round(r.cpuMs), maxRssKb: r.maxRssKb })),
  };
}
const ratio = (a, b, key) => (stats[a] && stats[b] ? stats[a][key] / stats[b][key] : undefined);
/** A ratio of medians (wall, and CPU for information) or of peak RSS, with its goal if it has one. */
function timeRatio(id, text, a, b, goal) {
  return { id, text, value: ratio(a, b, 'medianWallMs'), cpu: ratio(a, b, 'medianCpuMs'), ...goal };
}
const atLeast = (n) => ({ goal: `≥ ${n}`, met: (v) => v >= n });
const below = (n) => ({ goal: `< ${n}`, met: (v) => v < n });
const ratios = [
  timeRatio('eslintOverColdJobs1', 'eslint / cold --jobs 1', 'eslint', 'cold-jobs-1', atLeast(GOALS.eslintOverCold)),
  timeRatio('coldJobs1OverWarm', 'cold --jobs 1 / warm --cache', 'cold-jobs-1', 'warm-cache', atLeast(GOALS.coldOverWarm)),
  timeRatio('coldJobs1OverAllCores', `cold --jobs 1 / cold --jobs ${cores}`, 'cold-jobs-1', 'cold-all-cores', {
    note: `speed-up on ${cores} CPUs, no goal`,
  }),
  { id: 'rssColdJobs1OverEslint', text: 'peak RSS cold --jobs 1 / eslint', value: ratio('cold-jobs-1', 'eslint', 'peakRssKb'), ...below(GOALS.rssOverEslint) },
  { id: 'rssAllCoresOverEslint', text: `peak RSS cold --jobs ${cores} / eslint`, value: ratio('cold-all-cores', 'eslint', 'peakRssKb'), ...below(GOALS.rssOverEslint) },
].filter((r) => r.value !== undefined);

const notes = [];
if (needsCli && existsSync(CLI) && sha1(CLI) !== cliSha1) {
  notes.push(`dist/cli.js was rebuilt during the run; the figures are for the build copied at the start (sha1 ${cliSha1.slice(0, 12)})`);
}
if (corpus.bytes < 20 * 1024 * 1024) notes.push(`the corpus is under the 20 MB the goals are stated for (--size-mb ${opts.sizeMb})`);
if (loadBefore > cores / 2) {
  notes.push(
    `the load average was ${loadBefore.toFixed(1)} on ${cores} CPUs before the run: wall times include waiting for a CPU ` +
      '(the CPU-time ratios are steadier, but do not show what parallelism buys); rerun on an idle machine',
  );
}

if (opts.json) {
  const out = {
    corpus,
    build: needsCli ? { version: cliVersion, sha1: cliSha1 } : undefined,
    machine: { cpus: cores, node: process.version, platform: process.platform, loadAverageBefore: Number(loadBefore.toFixed(2)) },
    rounds: opts.rounds,
    warmup: opts.warmup,
    commands: stats,
    ratios: Object.fromEntries(
      ratios.map((r) => [r.id, { value: r.value, ...(r.cpu !== undefined && { cpu: r.cpu }), ...(r.goal && { goal: r.goal, met: r.met(r.value) }) }]),
    ),
    findings,
    notes,
    benchMs: Math.round(benchMs),
  };
  console.log(JSON.stringify(out, null, 2));
} else {
  printReport();
}

function printReport() {
  const exts = extensions.map((e) => `${corpus.byExtension[e]} .${e}`).join(', ');
  log('');
  log(`corpus     ${corpusArg}/: ${corpus.files} files (${exts}), ${(corpus.bytes / 1048576).toFixed(2)} MB (${corpus.bytes} bytes), seed ${SEED}`);
  if (needsCli) log(`build      dist/cli.js ${cliVersion}, sha1 ${cliSha1.slice(0, 12)}, copied to .cache/ for the run`);
  log(`machine    ${cores} CPUs (os.availableParallelism), Node ${process.version}, load average ${loadBefore.toFixed(1)} before the run`);
  log(`rounds     ${opts.rounds}${opts.warmup ? ' after 1 warm-up' : ', no warm-up'}, rotating order; peak RSS = process.resourceUsage().maxRSS at exit`);
  log('');
  const W = 38;
  log(`${'command'.padEnd(W)}${'wall med.'.padStart(11)}${'CPU med.'.padStart(11)}${'peak RSS'.padStart(11)}`);
  for (const cmd of selected) {
    const s = stats[cmd.id];
    log(`${cmd.label.padEnd(W)}${sec(s.medianWallMs).padStart(11)}${sec(s.medianCpuMs).padStart(11)}${mb(s.peakRssKb).padStart(11)}`);
  }
  if (ratios.length) {
    log('');
    const RW = Math.max(...ratios.map((r) => r.text.length)) + 2;
    for (const r of ratios) {
      const judged = r.goal ? `goal ${r.goal}: ${r.met(r.value) ? 'met' : 'NOT met'}` : r.note;
      const cpu = r.cpu !== undefined ? `   (CPU time ${r.cpu.toFixed(2)})` : '';
      log(`${r.text.padEnd(RW)}${r.value.toFixed(2).padStart(6)}   ${judged}${cpu}`);
    }
  }
  log('');
  const rules = (byRule) =>
    Object.entries(byRule)
      .sort((a, b) => b[1] - a[1])
      .map(([id, n]) => `${id} ${n}`)
      .join(', ');
  const ag = findings['cold-jobs-1'] ?? findings['cold-all-cores'] ?? findings['warm-cache'];
  if (ag) {
    const runs = selected.filter((c) => c.kind === 'awaitguard').length;
    log(`findings   awaitguard ${ag.total} (${rules(ag.byRule)})${runs > 1 ? `, identical in ${runs === 2 ? 'both' : `all ${runs}`} awaitguard commands` : ''}`);
  }
  if (findings.eslint) log(`${ag ? '           ' : 'findings   '}eslint ${findings.eslint.total} require-atomic-updates, in ${findings.eslint.files} of ${corpus.files} files linted, no parse errors`);
  for (const n of notes) log(`note: ${n}`);
  log(`(bench took ${sec(benchMs)})`);
}
