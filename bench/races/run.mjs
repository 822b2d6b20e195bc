#!/usr/bin/env node
// Recall on real races: races that open-source projects fixed upstream (bench/races/races.json: repository, the
// fix commit and its parent, path and line spans, never their code). For each race it checks the racy file at
// the parent revision (is the race found?) and at the fix (is the fixed code quiet?). Run by hand where the
// snapshots are present (the search tool's `fetch` puts them under /work/.mirror/<owner>+<name>/repo, or
// $AWAITGUARD_MIRROR); CI cannot fetch them, so the script names the missing ones and goes on.
//
//   node bench/races/run.mjs [--cli FILE] [--min-confidence low|medium|high] [--set races|operations] [--verbose]
//
// `--set operations` checks bench/races/operations.json instead: races between two different operations of one
// object (teardown during an await, competing writers, act before register, React effects).
//
// A race is found when the CLI reports its rule on a line inside `span` (the racy function at `before`); found
// under another rule counts apart. It is flagged after the fix when the same rule is reported inside `spanAfter`,
// except on a line of `leftAfter`: a window the upstream fix left open, each with the reason it is still racy.
// The file is checked at its path in the repository (so its kind, source or test, is the one a user would get),
// on its own, or with the modules of `with` beside it (paths in the repository, taken at the same revision) when
// the race goes through a helper another module defines, as the CLI would find them in the project.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MIRROR = process.env.AWAITGUARD_MIRROR ?? '/work/.mirror';

function parseArgs(argv) {
  const o = { cli: path.join(ROOT, 'dist', 'cli.js'), minConfidence: undefined, verbose: false, set: 'races' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--cli') o.cli = path.resolve(argv[++i]);
    else if (a === '--min-confidence') o.minConfidence = argv[++i];
    else if (a === '--verbose') o.verbose = true;
    else if (a === '--set') o.set = argv[++i];
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

/** The file's text at a revision, or null when the mirror or the blob is missing. */
function fileAt(repo, rev, file) {
  const git = path.join(MIRROR, repo.replace('/', '+'), 'repo');
  if (!existsSync(git)) return null;
  const r = spawnSync('git', ['-C', git, 'show', `${rev}:${file}`], { maxBuffer: 1 << 28 });
  return r.status === 0 ? r.stdout : null;
}

/**
 * The findings the CLI reports for one file, checked at its repository path under a scratch root, with the
 * `modules` ({ file, text }) it imports written beside it.
 */
function findingsOf(o, file, text, modules = []) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'awaitguard-race-'));
  try {
    for (const m of [...modules, { file, text }]) {
      const target = path.join(dir, m.file);
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, m.text);
    }
    const out = path.join(dir, 'report.json');
    const args = [o.cli, 'check', file, '--format', 'json', '--output', out, ...(o.minConfidence ? ['--min-confidence', o.minConfidence] : [])];
    const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0 && r.status !== 1) throw new Error(`CLI exited ${r.status} on ${file}: ${(r.stderr ?? '').slice(0, 300)}`);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    return report.results.flatMap((res) => res.findings.map((f) => ({ rule: f.ruleId, line: f.line, message: f.message })));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const within = ([start, end]) => (f) => f.line >= start && f.line <= end;

function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!existsSync(o.cli)) throw new Error(`${o.cli} is missing: run npm run build first`);
  const { races } = JSON.parse(readFileSync(path.join(ROOT, 'bench', 'races', `${o.set}.json`), 'utf8'));
  const missing = new Set();
  const rows = [];
  for (const race of races) {
    const before = fileAt(race.repo, race.before, race.path);
    const after = fileAt(race.repo, race.fix, race.pathAfter ?? race.path);
    const modulesAt = (rev) => (race.with ?? []).map((file) => ({ file, text: fileAt(race.repo, rev, file) }));
    const withBefore = modulesAt(race.before);
    const withAfter = modulesAt(race.fix);
    if (before === null || after === null || [...withBefore, ...withAfter].some((m) => m.text === null)) {
      missing.add(race.repo);
      continue;
    }
    const inBefore = findingsOf(o, race.path, before, withBefore).filter(within(race.span));
    const inAfter = findingsOf(o, race.pathAfter ?? race.path, after, withAfter).filter(within(race.spanAfter));
    const found = inBefore.some((f) => f.rule === race.rule);
    const other = !found && inBefore.length > 0;
    // A window the fix left open, read and explained in the race's `leftAfter` ({ line, reason }), is the tool
    // being right about the fixed code, not noise; it is listed apart.
    const left = new Set((race.leftAfter ?? []).map((l) => l.line));
    const flagged = inAfter.filter((f) => f.rule === race.rule && !left.has(f.line));
    const leftOpen = inAfter.filter((f) => f.rule === race.rule && left.has(f.line));
    rows.push({ race, found, other, flagged, leftOpen, inBefore });
  }
  const pad = (s, n) => String(s).padEnd(n);
  console.log(`${pad('race', 58)} ${pad('shape', 16)} ${pad('rule', 22)} before  after`);
  for (const { race, found, other, flagged, leftOpen, inBefore } of rows) {
    const name = `${race.repo} ${race.path.split('/').pop()}:${race.line}`;
    const b = found ? 'found' : other ? `other` : 'MISSED';
    const left = leftOpen.length > 0 ? ` (left open by the fix: ${leftOpen.map((f) => f.line).join(',')})` : '';
    const a = (flagged.length === 0 ? 'quiet' : `FLAGGED ${flagged.map((f) => f.line).join(',')}`) + left;
    console.log(`${pad(name.slice(0, 58), 58)} ${pad(race.shape, 16)} ${pad(race.rule, 22)} ${pad(b, 7)} ${a}`);
    if (o.verbose && other) for (const f of inBefore) console.log(`    before ${f.rule} ${f.line}: ${f.message.slice(0, 140)}`);
    if (o.verbose) for (const f of flagged) console.log(`    after ${f.rule} ${f.line}: ${f.message.slice(0, 140)}`);
  }
  const total = rows.length;
  const found = rows.filter((r) => r.found).length;
  const other = rows.filter((r) => r.other).length;
  const flagged = rows.filter((r) => r.flagged.length > 0).length;
  console.log(`\nraces checked ${total} of ${races.length}: found before the fix ${found} (${total ? Math.round((100 * found) / total) : 0}%), found under another rule ${other}, flagged after the fix ${flagged}`);
  const byShape = {};
  for (const r of rows) {
    const s = (byShape[r.race.shape] ??= { total: 0, found: 0 });
    s.total++;
    if (r.found) s.found++;
  }
  console.log('by shape: ' + Object.entries(byShape).map(([k, v]) => `${k} ${v.found}/${v.total}`).join(', '));
  if (missing.size > 0) console.log(`missing snapshots (fetch them first): ${[...missing].join(', ')}`);
}

main();
