#!/usr/bin/env node
// Precision on real code: runs the built CLI on snapshots of real repositories (bench/real/repos.json: name and
// revision, never their code) and scores its findings against verdicts judged by reading the code
// (bench/real/verdicts.json). Run by hand where the snapshots are present; CI cannot fetch them.
//
//   node bench/real/run.mjs [--repos a/b,c/d] [--cli FILE] [--out FILE] [--sample N --seed S [--uniform]] [--sample-out FILE]
//   node bench/real/run.mjs --score FILE    (scores the findings an earlier --out wrote against today's verdicts, running nothing)
//
// For each repository it extracts the recorded revision's source files from its mirror (/work/.mirror/<owner>+<name>/repo, or
// $AWAITGUARD_MIRROR/<owner>+<name>/repo; made by the search tool's `fetch`) into $AWAITGUARD_REAL_CACHE, runs
// `awaitguard check --format json` from the snapshot's root (so its .gitignore applies, as for a new user), and
// prints: findings per rule, per kind of file (source, test, benchmark, script: src/engine/fileKinds.ts) and per
// 10k lines; then the judged sample: how many judged findings still appear, by verdict, and the judged-false
// ones by name. `--sample N` also writes N not-yet-judged findings, drawn with a seeded shuffle and spread evenly over the rules (or, with `--uniform`, drawn plainly, so rules count as often as they fire), with their code
// around them, for judging (--sample-out, default $TMPDIR/awaitguard-real/sample.json). Snapshots are kept in
// $AWAITGUARD_REAL_CACHE (default $TMPDIR/awaitguard-real). `--out` writes every finding as JSON, low-confidence ones included (each carries its confidence).
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mulberry32 } from '../generate-corpus.mjs';
import { keyOf, matchVerdicts } from './verdicts.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const HERE = path.join(ROOT, 'bench', 'real');
// Outside the project: its .gitignore (which ignores .cache/) would hide the snapshots from the CLI.
const CACHE = process.env.AWAITGUARD_REAL_CACHE ?? path.join(os.tmpdir(), 'awaitguard-real');
const MIRROR = process.env.AWAITGUARD_MIRROR ?? '/work/.mirror';

function parseArgs(argv) {
  const o = { repos: undefined, cli: path.join(ROOT, 'dist', 'cli.js'), out: undefined, score: undefined, sample: 0, seed: 1, sampleOut: path.join(CACHE, 'sample.json') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = () => {
      if (argv[i + 1] === undefined) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--repos') o.repos = v().split(',');
    else if (a === '--cli') o.cli = path.resolve(v());
    else if (a === '--out') o.out = path.resolve(v());
    else if (a === '--score') o.score = path.resolve(v());
    else if (a === '--sample') o.sample = Number(v());
    else if (a === '--seed') o.seed = Number(v());
    else if (a === '--sample-out') o.sampleOut = path.resolve(v());
    else if (a === '--uniform') o.uniform = true;
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

/** What a check needs from a snapshot: source files, the files that say which to skip or how to configure, and the monorepo workspace manifests. */
const WANTED = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$|(^|\/)(\.gitignore|package\.json|awaitguard\.config\.json|pnpm-workspace\.yaml|lerna\.json)$/;
/** Written into `.complete`: a snapshot made with an older WANTED is extracted again. */
const SNAPSHOT_FORMAT = 'wanted: 2 (workspace manifests)';

/** The folder of a repository's snapshot at its recorded revision ({ name, rev } of repos.json), extracted or not. */
export function snapshotDir(repo) {
  return path.join(CACHE, `${repo.name.replace('/', '+')}@${repo.rev.slice(0, 12)}`);
}

/** Whether that folder holds a complete extraction of the current format (other scripts only read snapshots). */
export function snapshotReady(repo) {
  const stamp = path.join(snapshotDir(repo), '.complete');
  return existsSync(stamp) && readFileSync(stamp, 'utf8').includes(SNAPSHOT_FORMAT);
}

/**
 * The snapshot's folder, extracted once per revision; null when the mirror is missing. Blob by blob, not with
 * `git archive`: a mirror may lack some blobs (large images), and `git archive` stops at the first one.
 */
function snapshot(repo) {
  const slug = repo.name.replace('/', '+');
  const dir = snapshotDir(repo);
  const stamp = path.join(dir, '.complete');
  if (snapshotReady(repo)) return dir;
  const git = path.join(MIRROR, slug, 'repo');
  if (!existsSync(git)) return null;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tree = spawnSync('git', ['-C', git, 'ls-tree', '-r', '-z', repo.rev], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (tree.status !== 0) throw new Error(`${repo.name}: git ls-tree ${repo.rev} failed: ${tree.stderr.trim()}`);
  const entries = tree.stdout
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode, type, sha] = line.slice(0, tab).split(' ');
      return { mode, type, sha, file: line.slice(tab + 1) };
    })
    .filter((e) => e.type === 'blob' && e.mode !== '120000' && WANTED.test(e.file) && !e.file.split('/').includes('node_modules'));
  const batch = spawnSync('git', ['-C', git, 'cat-file', '--batch'], { input: entries.map((e) => e.sha).join('\n') + '\n', maxBuffer: 2 ** 31 });
  const out = batch.stdout;
  let at = 0;
  let missing = 0;
  for (const e of entries) {
    const nl = out.indexOf(10, at);
    const header = out.subarray(at, nl).toString('utf8');
    at = nl + 1;
    if (header.endsWith(' missing')) {
      missing++;
      continue;
    }
    const size = Number(header.split(' ')[2]);
    const target = path.join(dir, e.file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, out.subarray(at, at + size));
    at += size + 1;
  }
  if (missing > 0) process.stderr.write(`[real] ${repo.name}: ${missing} of ${entries.length} files are missing from the mirror and were skipped\n`);
  writeFileSync(stamp, `${repo.rev}\n${SNAPSHOT_FORMAT}\n`);
  return dir;
}

function runCli(cli, dir) {
  const out = path.join(CACHE, `report-${process.pid}.json`);
  const t = Date.now();
  const r = spawnSync(process.execPath, [cli, 'check', '.', '--format', 'json', '--min-confidence', 'low', '--output', out], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30, timeout: 30 * 60_000 });
  const ms = Date.now() - t;
  if (r.status !== 0 && r.status !== 1) throw new Error(`CLI exited ${r.status} ${r.signal ?? ''} in ${dir}: ${(r.stderr ?? '').slice(0, 400)}`);
  const report = JSON.parse(readFileSync(out, 'utf8'));
  rmSync(out, { force: true });
  return { report, ms };
}

/** Seeded shuffle, so a sample can be drawn again. */
function shuffle(list, seed) {
  const rnd = mulberry32(seed);
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!o.score && !existsSync(o.cli)) throw new Error(`${o.cli} is missing: run npm run build first`);
  const { repos } = JSON.parse(readFileSync(path.join(HERE, 'repos.json'), 'utf8'));
  const verdicts = existsSync(path.join(HERE, 'verdicts.json')) ? JSON.parse(readFileSync(path.join(HERE, 'verdicts.json'), 'utf8')).verdicts : [];
  mkdirSync(CACHE, { recursive: true });
  const missing = [];
  const all = [];
  const lines = {};
  const rows = [];
  // An earlier run's findings, to score against verdicts judged since (its lines per kind are not known).
  if (o.score) {
    for (const f of JSON.parse(readFileSync(o.score, 'utf8'))) if (!o.repos || o.repos.includes(f.repo)) all.push(f);
    for (const name of new Set(all.map((f) => f.repo))) {
      const perRule = {};
      for (const f of all) if (f.repo === name && f.confidence !== 'low') perRule[f.rule] = (perRule[f.rule] ?? 0) + 1;
      rows.push({ repo: name, files: 0, ms: 0, perRule });
    }
  }
  const { conventionalFileKind: fileKindOf } = o.score ? {} : await import(pathToFileURL(path.join(path.dirname(o.cli), 'engine.js')).href);
  for (const repo of o.score ? [] : repos) {
    if (o.repos && !o.repos.includes(repo.name)) continue;
    const dir = snapshot(repo);
    if (!dir) {
      missing.push(repo.name);
      continue;
    }
    const { report, ms } = runCli(o.cli, dir);
    const perRule = {};
    let files = 0;
    for (const result of report.results) {
      files++;
      const rel = result.filePath;
      const kind = fileKindOf(rel);
      let text = '';
      try {
        text = readFileSync(path.join(dir, rel), 'utf8');
      } catch {
        // A file the report names but the snapshot lacks (cannot happen for a fresh run) counts no lines.
      }
      const fileLines = text.split('\n');
      lines[kind] = (lines[kind] ?? 0) + fileLines.length;
      for (const f of result.findings) {
        const finding = { repo: repo.name, file: rel, kind, rule: f.ruleId, line: f.line, confidence: f.confidence ?? null, code: (fileLines[f.line - 1] ?? '').trim().slice(0, 160), message: f.message };
        all.push(finding);
        if (finding.confidence !== 'low') perRule[f.ruleId] = (perRule[f.ruleId] ?? 0) + 1;
      }
    }
    rows.push({ repo: repo.name, files, ms, perRule });
  }

  // The CLI runs at --min-confidence low so that a real race demoted to low shows as demoted, not as lost; every
  // count below is of what a user sees by default (medium and up).
  const shown = all.filter((f) => f.confidence !== 'low');
  const rules = [...new Set(all.map((f) => f.rule))].sort();
  console.log(`repository                       files    time  ${rules.map((r) => r.padStart(22)).join('')}`);
  for (const r of rows) console.log(`${r.repo.padEnd(32)} ${String(r.files).padStart(5)} ${(r.ms / 1000).toFixed(1).padStart(6)}s ${rules.map((id) => String(r.perRule[id] ?? 0).padStart(22)).join('')}`);
  const kinds = Object.keys(lines).sort();
  console.log('\nfindings by kind of file (per 10k lines):');
  for (const kind of kinds) {
    const mine = shown.filter((f) => f.kind === kind);
    const byRule = rules.map((id) => `${id} ${mine.filter((f) => f.rule === id).length}`).join(', ');
    console.log(`  ${kind.padEnd(10)} ${String(lines[kind]).padStart(8)} lines  ${String(mine.length).padStart(5)} findings  ${((mine.length / lines[kind]) * 1e4).toFixed(2).padStart(7)} per 10k  (${byRule})`);
  }
  const total = Object.values(lines).reduce((a, b) => a + b, 0);
  if (total > 0) console.log(`  ${'all'.padEnd(10)} ${String(total).padStart(8)} lines  ${String(shown.length).padStart(5)} findings  ${((shown.length / total) * 1e4).toFixed(2).padStart(7)} per 10k`);
  if (all.some((f) => f.confidence)) {
    const conf = {};
    for (const f of all) conf[f.confidence ?? 'none'] = (conf[f.confidence ?? 'none'] ?? 0) + 1;
    console.log(`  confidence: ${Object.entries(conf).map(([k, v]) => `${k} ${v}`).join(', ')} (low is hidden by default and left out of every other count)`);
  }

  // The judged sample.
  const judgedRepos = new Set(rows.map((r) => r.repo));
  const relevant = verdicts.filter((v) => judgedRepos.has(v.repo));
  const matched = matchVerdicts(relevant, shown);
  const matchedLow = matchVerdicts(relevant.filter((v) => !matched.has(v)), all.filter((f) => f.confidence === 'low'));
  const stillReported = relevant.filter((v) => matched.has(v));
  const count = (list, verdict) => list.filter((v) => v.verdict === verdict).length;
  console.log(`\njudged: ${relevant.length} verdicts; still reported ${stillReported.length} (real ${count(stillReported, 'real')}, harmless ${count(stillReported, 'harmless')}, not a race ${count(stillReported, 'not-a-race')})`);
  // A consistency pass re-judged old verdicts by one written standard (JUDGING.md) and kept what they were; the
  // same findings counted by the verdicts as first given, so figures from before the pass stay comparable.
  if (stillReported.some((v) => v.verdictBefore)) {
    const first = stillReported.map((v) => ({ verdict: v.verdictBefore ?? v.verdict }));
    const changed = stillReported.filter((v) => v.verdictBefore && v.verdictBefore !== v.verdict).length;
    console.log(`  by the verdicts as first given (${changed} changed by a consistency pass, see JUDGING.md): real ${count(first, 'real')}, harmless ${count(first, 'harmless')}, not a race ${count(first, 'not-a-race')}`);
  }
  for (const rule of rules) {
    const mine = stillReported.filter((v) => v.rule === rule);
    const judged = relevant.filter((v) => v.rule === rule);
    if (judged.length === 0) continue;
    const ok = count(mine, 'real') + count(mine, 'harmless');
    console.log(`  ${rule.padEnd(22)} judged ${String(judged.length).padStart(3)}, still reported ${String(mine.length).padStart(3)}: real ${count(mine, 'real')}, harmless ${count(mine, 'harmless')}, not a race ${count(mine, 'not-a-race')}${mine.length ? `  (${Math.round((ok / mine.length) * 100)}% worth a look)` : ''}`);
  }
  // Each sample apart: the later ones were drawn after the engine was tuned on the earlier, so they are the
  // out-of-sample check.
  const sampleOf = (v) => v.sample ?? 'original';
  for (const sample of new Set(relevant.map(sampleOf))) {
    const mine = stillReported.filter((v) => sampleOf(v) === sample);
    if (mine.length === 0) continue;
    const pct = (n) => `${Math.round((n / mine.length) * 100)}%`;
    console.log(`  sample ${sample.padEnd(15)} still reported ${String(mine.length).padStart(3)}: real ${count(mine, 'real')}, harmless ${count(mine, 'harmless')}, not a race ${count(mine, 'not-a-race')}  (${pct(count(mine, 'real') + count(mine, 'harmless'))} worth a look, ${pct(count(mine, 'not-a-race'))} not a race)${weightedBy(mine)}`);
  }
  // A sample spread over the rules over-weights the rare ones: its rate, each rule weighted by how many findings
  // it has today in the repositories the sample was drawn from (the rules it judged none of left out).
  function weightedBy(mine) {
    const from = new Set(mine.map((v) => v.repo));
    let weight = 0;
    let wrong = 0;
    for (const rule of new Set(mine.map((v) => v.rule))) {
      const judgedHere = mine.filter((v) => v.rule === rule);
      const found = shown.filter((f) => f.rule === rule && from.has(f.repo)).length;
      weight += found;
      wrong += (count(judgedHere, 'not-a-race') / judgedHere.length) * found;
    }
    return weight > 0 ? `; weighted by rule frequency ${Math.round((wrong / weight) * 100)}% not a race` : '';
  }
  // The samples are drawn evenly over the rules; weighting each rule's judged rate by how many findings it has
  // estimates what a user sees on the whole output.
  let worthEstimate = 0;
  let estimated = 0;
  for (const rule of rules) {
    const mine = stillReported.filter((v) => v.rule === rule);
    const found = shown.filter((f) => f.rule === rule).length;
    if (mine.length === 0 || found === 0) continue;
    worthEstimate += ((count(mine, 'real') + count(mine, 'harmless')) / mine.length) * found;
    estimated += found;
  }
  if (estimated > 0) console.log(`  estimated over all ${estimated} findings of judged rules, weighting each rule by its count: ${Math.round((worthEstimate / estimated) * 100)}% worth a look`);
  const gone = relevant.filter((v) => !matched.has(v));
  const lostReal = gone.filter((v) => v.verdict === 'real' && !matchedLow.has(v));
  const lowReal = gone.filter((v) => v.verdict === 'real' && matchedLow.has(v));
  const listed = (list) => list.map((v) => `  ${v.repo} ${v.file}:${v.line} ${v.rule}: ${v.reason}`).join('\n');
  if (lowReal.length > 0) console.log(`\nREAL races reported only at low confidence (hidden by default): ${lowReal.length}\n${listed(lowReal)}`);
  if (lostReal.length > 0) console.log(`\nREAL races no longer reported at all (recall lost): ${lostReal.length}\n${listed(lostReal)}`);
  const falseLeft = stillReported.filter((v) => v.verdict === 'not-a-race');
  if (falseLeft.length > 0) console.log(`\njudged not a race, still reported: ${falseLeft.length}\n${falseLeft.map((v) => `  ${v.repo} ${v.file}:${v.line} ${v.rule}: ${v.reason}`).join('\n')}`);
  if (missing.length > 0) console.log(`\nmissing snapshots (fetch them with the search tool's fetch): ${missing.join(', ')}`);

  if (o.out) writeFileSync(o.out, JSON.stringify(all, null, 1) + '\n');
  if (o.sample > 0) {
    const judgedKeys = new Set(verdicts.map(keyOf));
    const unjudged = shuffle(shown.filter((f) => !judgedKeys.has(keyOf(f))), o.seed);
    // Stratified by rule, round-robin, so that rare rules get judged at all; or, with --uniform, a plain draw
    // whose rate is the one a user meets (the rules weighted by how often they fire).
    const byRule = new Map();
    for (const f of unjudged) byRule.set(f.rule, [...(byRule.get(f.rule) ?? []), f]);
    const pick = o.uniform ? unjudged.slice(0, o.sample) : [];
    for (let round = 0; !o.uniform && pick.length < o.sample && [...byRule.values()].some((l) => l.length > round); round++) {
      for (const list of byRule.values()) if (list[round] && pick.length < o.sample) pick.push(list[round]);
    }
    const withContext = pick.map((f) => {
      const dir = snapshot(repos.find((r) => r.name === f.repo));
      const text = readFileSync(path.join(dir, f.file), 'utf8').split('\n');
      return { ...f, path: path.join(dir, f.file), context: text.slice(Math.max(0, f.line - 25), f.line + 10).join('\n') };
    });
    writeFileSync(o.sampleOut, JSON.stringify(withContext, null, 1) + '\n');
    console.log(`\nwrote a sample of ${pick.length} unjudged findings (seed ${o.seed}) to ${o.sampleOut}`);
  }
}

// Run only when executed, so bench/speed.mjs can import the snapshot helpers.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`[real] ${err.stack ?? err}\n`);
    process.exit(2);
  });
}
