#!/usr/bin/env node
// Two runs of the precision harness side by side: what a change to the engine did on real code.
//
//   node bench/real/compare.mjs BEFORE.json AFTER.json [--list]
//
// BEFORE and AFTER are files written by `node bench/real/run.mjs --out FILE`. It prints, per set of repositories
// (the tuned ones, then each fresh set apart, since those are the out-of-sample checks), the findings shown by
// default and the judged ones still shown, by verdict; then every finding that appeared or disappeared, with its
// verdict when it has one (`--list` prints unjudged ones too; by default they are counted per rule).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { keyOf, matchVerdicts } from './verdicts.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const files = args.filter((a) => !a.startsWith('--'));
if (files.length !== 2) {
  process.stderr.write('usage: node bench/real/compare.mjs BEFORE.json AFTER.json [--list]\n');
  process.exit(2);
}
const listAll = args.includes('--list');
const [before, after] = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
const { repos } = JSON.parse(readFileSync(path.join(HERE, 'repos.json'), 'utf8'));
const { verdicts } = JSON.parse(readFileSync(path.join(HERE, 'verdicts.json'), 'utf8'));
const setOf = new Map(repos.map((r) => [r.name, r.set ?? 'tuned']));
const shown = (run) => run.filter((f) => f.confidence !== 'low');
const ran = new Set([...before, ...after].map((f) => f.repo));

const count = (list, verdict) => list.filter((v) => v.verdict === verdict).length;
function summary(run, set) {
  const mine = shown(run).filter((f) => setOf.get(f.repo) === set);
  const judged = verdicts.filter((v) => setOf.get(v.repo) === set && ran.has(v.repo));
  const still = [...matchVerdicts(judged, mine)];
  const nar = count(still, 'not-a-race');
  const pct = still.length ? ` (${Math.round((nar / still.length) * 100)}% not a race)` : '';
  return `${String(mine.length).padStart(5)} shown; judged still shown ${String(still.length).padStart(3)}: ${count(still, 'real')}/${count(still, 'harmless')}/${nar}${pct}`;
}

const sets = [...new Set([...ran].map((r) => setOf.get(r) ?? 'tuned'))].sort((a, b) => (a === 'tuned' ? -1 : b === 'tuned' ? 1 : a.localeCompare(b, 'en', { numeric: true })));
console.log('set            before                                                   after');
for (const set of sets) console.log(`${set.padEnd(14)} ${summary(before, set).padEnd(56)} ${summary(after, set)}`);
console.log('(judged: real/harmless/not a race)');

// Identity across engine versions ignores the line (edits elsewhere in a file move it); confidence is part of it,
// so a finding moved to or from low shows as gone or new in what a user sees.
const ident = (f) => `${keyOf(f)}|${f.confidence === 'low' ? 'low' : 'shown'}`;
const verdictByKey = new Map(verdicts.map((v) => [keyOf(v), v]));
function changes(from, to) {
  const left = new Map();
  for (const f of to) left.set(ident(f), (left.get(ident(f)) ?? 0) + 1);
  const out = [];
  for (const f of from) {
    const n = left.get(ident(f)) ?? 0;
    if (n > 0) left.set(ident(f), n - 1);
    else out.push(f);
  }
  return out;
}
for (const [title, list] of [
  ['gone', changes(before, after)],
  ['new', changes(after, before)],
]) {
  const visible = list.filter((f) => f.confidence !== 'low');
  console.log(`\n${title} (shown by default): ${visible.length}; at low: ${list.length - visible.length}`);
  const unjudged = {};
  for (const f of list) {
    const v = verdictByKey.get(keyOf(f));
    if (v || listAll) console.log(`  ${(v?.verdict ?? '?').padEnd(10)} ${f.confidence === 'low' ? 'low ' : '    '} ${f.rule.padEnd(21)} ${f.repo} ${f.file}:${f.line}  ${f.code.slice(0, 80)}`);
    else unjudged[`${f.rule}${f.confidence === 'low' ? ' (low)' : ''}`] = (unjudged[`${f.rule}${f.confidence === 'low' ? ' (low)' : ''}`] ?? 0) + 1;
  }
  const rest = Object.entries(unjudged);
  if (rest.length) console.log(`  unjudged: ${rest.map(([k, n]) => `${k} ${n}`).join(', ')}`);
}
