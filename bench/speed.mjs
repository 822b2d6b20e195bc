#!/usr/bin/env node
// Issue 14's speed figures in one run: the benchmarks below run one after another as child processes, each with
// `--json`; their text goes by as they run, and one table of every figure, next to the issue's targets, ends the run.
//
//   node bench/speed.mjs [--rounds N] [--edits N] [--only SECTIONS] [--timeout SECONDS]
//
// Sections (all by default; `--only cli-real,editor` picks some):
//   cli-real    node bench/check.mjs --json --jobs 1 --rounds N --dir <snapshot of typeorm/typeorm>
//               CLI against bench/parse-only.mjs (oxc, bare parse), CPU and wall, on a real repository at the
//               revision of bench/real/repos.json (snapshot extracted by bench/real/run.mjs)
//   cli-corpus  node bench/check.mjs --json --jobs 1 --rounds N      the same on the generated corpus, bench/corpus/
//   eslint      node bench/ci.mjs --json --rounds N --only cold-jobs-1,eslint
//               ESLint's require-atomic-updates against awaitguard --jobs 1 on the 20 MB generated corpus, under
//               this `node` and again under Node 24 from .cache/e2e when it is there (oxc raw transfer)
//   editor      node bench/lsp.mjs --json --edits N --file <file> [--vsix awaitguard-linux-x64.vsix]
//               didChange -> diagnostics (debounce 0), code actions, first analysis and peak memory for the
//               3,000-line SeedlessOnboardingController.ts of MetaMask/core and the 9,018-line src/client.ts of
//               matrix-js-sdk, each with the CLI's server (dist/server.js) and with the server the .vsix ships;
//               under Node 24 from .cache/e2e when it is there (as VS Code's extension host: oxc raw transfer),
//               else under this `node`
//
//   --rounds N         measured rounds of check.mjs and ci.mjs (default 2; each also runs one warm-up round)
//   --edits N          measured edits of each lsp.mjs run (default 40, after its 10 warm-up edits)
//   --only SECTIONS    comma-separated subset of cli-real, cli-corpus, eslint, editor
//   --timeout SECONDS  the longest one benchmark script may run (default 1200); it is killed after that, its rows
//                      are marked failed and the run goes on. Passed on as the script's own --timeout.
//
// A missing snapshot (extract it with `node bench/real/run.mjs --repos <name>`) or .vsix (`npm run package`) skips
// its rows with a message. AWAITGUARD_BENCH_VSIX=FILE measures another package (the universal awaitguard.vsix). Exit code 0 when everything present was measured, 2 when a script failed or timed out
// or an argument is wrong; the targets are judged in the table, not by the exit code. Needs a build (`npm run build`).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { killAfter } from './child.mjs';
import { snapshotDir, snapshotReady } from './real/run.mjs';
import { paths as e2ePaths } from '../scripts/e2e/provision.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(HERE);
const VSIX = process.env.AWAITGUARD_BENCH_VSIX ? resolve(process.env.AWAITGUARD_BENCH_VSIX) : join(ROOT, 'awaitguard-linux-x64.vsix');
const DIST = { cli: join(ROOT, 'dist', 'cli-run.js'), server: join(ROOT, 'dist', 'server.js') };
const SECTIONS = ['cli-real', 'cli-corpus', 'eslint', 'editor'];
const REAL_REPO = 'typeorm/typeorm';
const EDITOR_FILES = [
  { repo: 'MetaMask/core', path: 'packages/seedless-onboarding-controller/src/SeedlessOnboardingController.ts', maxP95Ms: 50 },
  { repo: 'matrix-org/matrix-js-sdk', path: 'src/client.ts', maxP95Ms: 80, maxFirstMs: 250 },
];
// Issue 14's targets.
const TARGETS = { cliOverParseCpu: 1.8, eslintOverAwaitguardCpu: 6, codeActionP95Ms: 30 };
const USAGE = `usage: node bench/speed.mjs [--rounds N] [--edits N] [--only SECTIONS] [--timeout SECONDS]
  --rounds N         measured rounds of check.mjs and ci.mjs (default 2)
  --edits N          measured edits of each lsp.mjs run (default 40)
  --only SECTIONS    comma-separated subset of ${SECTIONS.join(', ')}
  --timeout SECONDS  the longest one benchmark script may run (default 1200)`;

// ---- options

let currentChild; // the benchmark script running now, killed with its process group on an interrupt
const opts = { rounds: 2, edits: 40, only: SECTIONS, timeoutSec: 1200 };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  const value = () => {
    const v = process.argv[++i];
    if (v === undefined) fail(`${a} needs a value`);
    return v;
  };
  if (a === '--rounds') opts.rounds = Number(value());
  else if (a === '--edits') opts.edits = Number(value());
  else if (a === '--only') opts.only = value().split(',').map((s) => s.trim()).filter(Boolean);
  else if (a === '--timeout') opts.timeoutSec = Number(value());
  else if (a === '--help' || a === '-h') {
    console.log(USAGE);
    process.exit(0);
  } else fail(`unknown argument ${a} (try --help)`);
}
if (!(Number.isInteger(opts.rounds) && opts.rounds >= 1)) fail('--rounds must be a positive integer');
if (!(Number.isInteger(opts.edits) && opts.edits >= 1)) fail('--edits must be a positive integer');
if (!(opts.timeoutSec > 0)) fail('--timeout must be a positive number of seconds');
const unknown = opts.only.filter((s) => !SECTIONS.includes(s));
if (unknown.length) fail(`--only: unknown section ${unknown.join(', ')} (known: ${SECTIONS.join(', ')})`);
if (opts.only.length === 0) fail('--only selects no section');
const wanted = (section) => opts.only.includes(section);

function fail(message) {
  console.error(`bench/speed: ${message}`);
  killCurrent();
  process.exit(2);
}
/** Stops the running script's process group; SIGTERM, so ci.mjs removes its copy of the build and its temporary files. */
function killCurrent() {
  if (currentChild?.exitCode === null && currentChild.signalCode === null) {
    try {
      process.kill(-currentChild.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}
process.on('SIGINT', () => fail('interrupted'));
process.on('SIGTERM', () => fail('terminated'));

// ---- what is there to measure

if (!existsSync(DIST.cli) || !existsSync(DIST.server)) fail('dist/ lacks cli-run.js or server.js: run `npm run build` first');
const sha1 = (file) => (existsSync(file) ? createHash('sha1').update(readFileSync(file)).digest('hex').slice(0, 12) : 'missing');
const buildAtStart = { cli: sha1(DIST.cli), server: sha1(DIST.server) };

const { repos } = JSON.parse(readFileSync(join(HERE, 'real', 'repos.json'), 'utf8'));
/** { name, rev, dir, ready } for a repository of repos.json. */
function snapshotOf(name) {
  const repo = repos.find((r) => r.name === name);
  if (!repo) fail(`bench/real/repos.json has no ${name}`);
  return { name, rev: repo.rev, dir: snapshotDir(repo), ready: snapshotReady(repo) };
}
const realRepo = snapshotOf(REAL_REPO);
const editorFiles = EDITOR_FILES.map((f) => {
  const snap = snapshotOf(f.repo);
  const file = join(snap.dir, f.path);
  return { ...f, snap, file, present: snap.ready && existsSync(file) };
});
const haveVsix = existsSync(VSIX);
const node24 = e2ePaths().node;
const editorNode = existsSync(node24) ? node24 : process.execPath;
const editorNodeVersion = editorNode === process.execPath ? process.version : spawnSync(editorNode, ['--version'], { encoding: 'utf8' }).stdout.trim();

// ---- running one benchmark script

let relayAtLineStart = true;
/** Copies a child's text to stdout, indented, so it reads as part of its section. */
function relay(chunk) {
  let out = '';
  for (const piece of String(chunk).split(/(?<=\n)/)) {
    if (relayAtLineStart && piece !== '') out += '    ';
    out += piece;
    relayAtLineStart = piece.endsWith('\n');
  }
  process.stdout.write(out);
}

/**
 * Runs `<node> <script> ...args` from the repository root; its stderr (the human text) goes by indented, its
 * stdout must be one JSON document. Resolves with { json, ms } or { error, ms }; never rejects.
 */
function runScript(node, script, args) {
  return new Promise((resolve) => {
    const started = performance.now();
    // detached: the child leads its own process group, so a timeout kills it with everything it started.
    const child = spawn(node, [join(HERE, script), ...args, '--timeout', String(opts.timeoutSec)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    currentChild = child;
    let stdout = '';
    let stderrTail = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => {
      stderrTail = (stderrTail + d).slice(-4000);
      relay(d);
    });
    // A little longer than the script's own --timeout, so its own message normally explains what stopped.
    const timeout = killAfter(child, opts.timeoutSec + 30);
    let settled = false;
    const done = (result) => {
      if (settled) return;
      settled = true;
      timeout.cancel();
      currentChild = undefined;
      if (!relayAtLineStart) relay('\n');
      resolve({ ...result, ms: performance.now() - started });
    };
    child.on('error', (err) => done({ error: `could not start ${script}: ${err.message}` }));
    child.on('close', (code, signal) => {
      if (timeout.fired) return done({ error: `${script} ran longer than ${opts.timeoutSec} s and was killed` });
      if (code !== 0) {
        // The scripts end with "bench: <why>" or "bench/lsp: <why>" (lsp.mjs then prints the server's stderr).
        const lines = stderrTail.trim().split('\n');
        const why = lines.map((l) => /\bbench(\/\w+)?: .*/.exec(l)?.[0]).filter(Boolean).pop() ?? lines.pop();
        return done({ error: `${script} exited with ${signal ?? code}${why ? `: ${why.trim()}` : ''}` });
      }
      try {
        done({ json: JSON.parse(stdout) });
      } catch {
        done({ error: `${script} printed no JSON on stdout (${stdout.length} bytes)` });
      }
    });
  });
}

// ---- the figures: one row each in the table at the end

const rows = [];
const failures = [];
const skips = [];
const heading = (text) => rows.push({ heading: text });
/** A figure: label, its value as text, the target as text and whether it is met (undefined: no target). */
const figure = (label, value, target, met) => rows.push({ label, value, target: target ?? '', met });
const skipped = (label, why, target) => rows.push({ label, value: why, target: target ?? '', met: undefined, missing: true });

const ratioText = (x) => (typeof x === 'number' && Number.isFinite(x) ? `${x.toFixed(2)}×` : 'n/a');
const msText = (x) => (typeof x !== 'number' || !Number.isFinite(x) ? 'n/a' : x < 10 ? `${x.toFixed(1)} ms` : `${Math.round(x)} ms`);
const sText = (x) => (typeof x === 'number' ? `${(x / 1000).toFixed(2)} s` : 'n/a');
const short = (rev) => rev.slice(0, 12);

function section(title) {
  console.log('');
  console.log(`== ${title}`);
}
function failed(title, result, labels) {
  failures.push(`${title}: ${result.error}`);
  console.log(`  FAILED: ${result.error}`);
  for (const [label, target] of labels) skipped(label, 'failed', target);
}

async function cliRatio(id, title, label, extraArgs) {
  section(`${id}: ${title}`);
  const r = await runScript(process.execPath, 'check.mjs', ['--json', '--jobs', '1', '--rounds', String(opts.rounds), ...extraArgs]);
  const target = id === 'cli-real' ? `≤ ${TARGETS.cliOverParseCpu}×` : undefined;
  if (r.error) return failed(id, r, [[`${label}, CPU`, target]]);
  const j = r.json;
  const met = target ? j.ratio.cpu <= TARGETS.cliOverParseCpu : undefined;
  const n = (x) => x.toLocaleString('en-US');
  const files = j.files.checkedByCli === j.files.parsed ? `${n(j.files.parsed)} files` : `${n(j.files.checkedByCli)} files checked, ${n(j.files.parsed)} parsed`;
  const perRound = opts.rounds > 1 ? ` (per-round ${ratioText(j.ratio.wallPerRound)})` : '';
  figure(`${label}, CPU`, ratioText(j.ratio.cpu), target, met);
  figure(
    `  wall${perRound}; CPU ${sText(j.cli.medianCpuMs)} / ${sText(j.parseOnly.medianCpuMs)}; ${files}, ${(j.files.bytes / 1048576).toFixed(1)} MB, ${n(j.findings.total)} findings`,
    ratioText(j.ratio.wall),
  );
  console.log(`  (${sText(r.ms)})`);
}

// ---- the run

const loadBefore = loadavg();
const cores = availableParallelism();
const runStart = performance.now();
const head = (text) => console.log(text);
head('issue 14 speed figures (bench/speed.mjs)');
head(`load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')} (1, 5, 15 min) on ${cores} CPUs before the run`);
head(`build        dist/cli-run.js ${buildAtStart.cli}, dist/server.js ${buildAtStart.server} (sha1)`);
head(
  `node         ${process.version} for check.mjs and ci.mjs${editorNode !== process.execPath ? ` (ci.mjs again under ${editorNodeVersion})` : ''}; editor rows under ` +
    (editorNode === process.execPath
      ? `this node, ${process.version} (Node 24 not found at ${relative(ROOT, node24)}: oxc by JSON transfer, not as VS Code runs it)`
      : `${editorNodeVersion} (${relative(ROOT, editorNode)}), as VS Code's extension host: oxc raw transfer`),
);
const snapshots = [...(wanted('cli-real') ? [realRepo] : []), ...(wanted('editor') ? editorFiles.map((f) => f.snap) : [])];
for (const s of snapshots) {
  head(`snapshot     ${s.name} ${s.rev}: ${s.ready ? s.dir : `MISSING (${s.dir}); extract it with \`node bench/real/run.mjs --repos ${s.name}\``}`);
}
if (wanted('editor')) {
  if (haveVsix) {
    const older = statSync(VSIX).mtimeMs < statSync(DIST.server).mtimeMs;
    head(`package      ${basename(VSIX)}, ${new Date(statSync(VSIX).mtimeMs).toISOString().slice(0, 16).replace('T', ' ')} UTC${older ? ' (older than dist/server.js: `npm run package` to measure the current build)' : ''}`);
  } else {
    head(`package      ${relative(ROOT, VSIX)} is missing: the packaged editor rows are skipped (build it with \`npm run package\`)`);
  }
}
head(`note         CPU ratios are steadier than wall times on this noisy ${cores}-CPU VM: wall times include waiting for a CPU`);

if (wanted('cli-real')) {
  const label = `CLI / oxc parse-only, ${realRepo.name}@${short(realRepo.rev)}`;
  if (!realRepo.ready) {
    section(`cli-real: skipped, the snapshot of ${realRepo.name} is missing (${realRepo.dir})`);
    skips.push(`${realRepo.name} snapshot`);
    skipped(`${label}, CPU`, 'skipped', `≤ ${TARGETS.cliOverParseCpu}×`);
  } else {
    await cliRatio('cli-real', `CLI --jobs 1 against parse-only on ${realRepo.name} at ${realRepo.rev}`, label, ['--dir', realRepo.dir]);
  }
}
if (wanted('cli-corpus')) {
  await cliRatio('cli-corpus', 'CLI --jobs 1 against parse-only on the generated corpus (bench/corpus/)', 'CLI / oxc parse-only, generated corpus', []);
}
if (wanted('eslint')) {
  // Both tools under this node (Node 20: oxc hands its tree over as JSON), and again under Node 24 when it is there
  // (raw transfer, as on Node 22 and later, which CI runners and VS Code run now that Node 20 is past its end of life).
  const runtimes = [{ node: process.execPath, version: process.version }, ...(editorNode !== process.execPath ? [{ node: editorNode, version: editorNodeVersion }] : [])];
  for (const { node, version } of runtimes) {
    section(`eslint: ESLint require-atomic-updates against awaitguard check --jobs 1 (bench/ci.mjs), both under Node ${version}`);
    const r = await runScript(node, 'ci.mjs', ['--json', '--rounds', String(opts.rounds), '--only', 'cold-jobs-1,eslint']);
    const label = `ESLint / awaitguard --jobs 1, 20 MB corpus, Node ${version}, CPU`;
    const target = `≥ ${TARGETS.eslintOverAwaitguardCpu}×`;
    if (r.error) failed('eslint', r, [[label, target]]);
    else {
      const ratio = r.json.ratios.eslintOverColdJobs1;
      const cmd = r.json.commands;
      figure(label, ratioText(ratio.cpu), target, ratio.cpu >= TARGETS.eslintOverAwaitguardCpu);
      figure(`  wall; CPU ${sText(cmd.eslint.medianCpuMs)} / ${sText(cmd['cold-jobs-1'].medianCpuMs)}`, ratioText(ratio.value));
      console.log(`  (${sText(r.ms)})`);
    }
  }
}
if (wanted('editor')) {
  const servers = [
    { id: 'cli-server', title: "the CLI's server, dist/server.js", args: [] },
    { id: 'packaged', title: `the packaged server, ${basename(VSIX)}`, args: ['--vsix', VSIX], missing: haveVsix ? undefined : `${relative(ROOT, VSIX)} is missing (build it with \`npm run package\`)` },
  ];
  for (const server of servers) {
    heading(`editor: ${server.title}, Node ${editorNodeVersion}, debounce 0, ${opts.edits} edits`);
    for (const f of editorFiles) {
      const name = `${basename(f.path)} (${f.repo})`;
      const p95Target = `p95 ≤ ${f.maxP95Ms} ms`;
      const caTarget = `p95 ≤ ${TARGETS.codeActionP95Ms} ms`;
      const firstTarget = f.maxFirstMs ? `≤ ${f.maxFirstMs} ms` : undefined;
      const labels = [
        [`  ${name}: edit median / p95`, p95Target],
        ['    code action after an edit, median / p95', caTarget],
        ['    code action again on that version', undefined],
        ['    first analysis', firstTarget],
      ];
      const why = !f.present ? `the snapshot of ${f.repo} is missing (${f.file})` : server.missing;
      if (why) {
        section(`editor, ${server.id}, ${basename(f.path)}: skipped, ${why}`);
        skips.push(`${server.id} ${basename(f.path)}`);
        for (const [label, target] of labels) skipped(label, 'skipped', target);
        continue;
      }
      section(`editor, ${server.id}, ${basename(f.path)} of ${f.repo}@${short(f.snap.rev)} (bench/lsp.mjs under Node ${editorNodeVersion})`);
      const r = await runScript(editorNode, 'lsp.mjs', ['--json', '--edits', String(opts.edits), '--file', f.file, ...server.args]);
      if (r.error) {
        failed(`editor ${server.id} ${basename(f.path)}`, r, labels);
        continue;
      }
      const j = r.json;
      const ca = j.codeAction;
      // The light bulb's first request on a fresh version is what a user waits for; a repeat is served from a cache.
      const first = j.codeActionAfterEdit;
      const parser = j.parser ? `${j.parser.name}${/raw transfer/.test(j.parser.detail) ? ', raw transfer' : /json/i.test(j.parser.detail) ? ', JSON transfer' : ''}` : 'parser not reported';
      figure(`  ${name}, ${j.file.lines.toLocaleString('en-US')} lines: edit median / p95`, `${msText(j.didChange.medianMs)} / ${msText(j.didChange.p95Ms)}`, p95Target, j.didChange.p95Ms <= f.maxP95Ms);
      if (first) figure('    code action after an edit, median / p95', `${msText(first.medianMs)} / ${msText(first.p95Ms)}`, caTarget, first.p95Ms <= TARGETS.codeActionP95Ms);
      else skipped('    code action after an edit, median / p95', 'n/a (no finding)', caTarget);
      if (ca) figure('    code action again on that version', `${msText(ca.medianMs)} / ${msText(ca.p95Ms)}`);
      else skipped('    code action again on that version', 'n/a (no finding)');
      figure('    first analysis', msText(j.firstAnalysisMs), firstTarget, f.maxFirstMs ? j.firstAnalysisMs <= f.maxFirstMs : undefined);
      figure(`    peak memory; ${parser}; ${j.file.findings} finding${j.file.findings === 1 ? '' : 's'}`, j.peakMemoryMb === null ? 'n/a' : `${Math.round(j.peakMemoryMb)} MB`);
      console.log(`  (${sText(r.ms)})`);
    }
  }
}

// ---- the table

const runMs = performance.now() - runStart;
const body = rows.filter((r) => !r.heading);
const W = Math.max(...body.map((r) => r.label.length), 10) + 2;
const V = Math.max(...body.map((r) => r.value.length), 5) + 2;
const T = Math.max(...body.map((r) => r.target.length), 6) + 2;
const judged = (r) => (r.missing || r.met === undefined ? '' : r.met ? 'met' : 'NOT met');
console.log('');
console.log(`== summary (load average ${loadBefore[0].toFixed(2)} before the run, ${cores} CPUs; ${opts.rounds} round${opts.rounds === 1 ? '' : 's'}, ${opts.edits} edits; took ${sText(runMs)})`);
console.log('');
console.log(`${'figure'.padEnd(W)}${'value'.padEnd(V)}target`);
for (const r of rows) {
  if (r.heading) console.log(r.heading);
  else console.log(`${r.label.padEnd(W)}${r.value.padEnd(V)}${r.target.padEnd(T)}${judged(r)}`.trimEnd());
}
const targeted = body.filter((r) => r.target);
const met = targeted.filter((r) => !r.missing && r.met === true).length;
const notMet = targeted.filter((r) => !r.missing && r.met === false).length;
const open = targeted.length - met - notMet;
console.log('');
console.log(`issue 14's targets: ${met} met, ${notMet} NOT met${open ? `, ${open} not measured` : ''}`);
const buildAtEnd = { cli: sha1(DIST.cli), server: sha1(DIST.server) };
if (buildAtEnd.cli !== buildAtStart.cli || buildAtEnd.server !== buildAtStart.server) {
  console.log(`note: dist/ was rebuilt during the run (now cli-run.js ${buildAtEnd.cli}, server.js ${buildAtEnd.server}): rows may mix two builds`);
}
if (loadBefore[0] > cores / 2) console.log(`note: the load average was ${loadBefore[0].toFixed(1)} on ${cores} CPUs at the start: read the CPU ratios, not the wall times`);
console.log(`note: CPU ratios are steadier than wall times on this noisy ${cores}-CPU VM; editor latencies are wall times and include waiting for a CPU`);
if (skips.length) console.log(`skipped (missing input): ${skips.join(', ')}`);
if (failures.length) {
  console.log(`FAILED: ${failures.join('; ')}`);
  process.exit(2);
}
