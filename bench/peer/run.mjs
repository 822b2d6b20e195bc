#!/usr/bin/env node
// A peer's test suite that nobody here wrote: ESLint's own cases for `require-atomic-updates`, run through
// awaitguard. Which of the cases ESLint must stay quiet on does awaitguard report, and which of those it reports
// does awaitguard miss?
//
//   node bench/peer/run.mjs [--all] [--json]
//
// The cases are read from a snapshot of eslint/eslint (its test file, evaluated with a stand-in RuleTester that
// only records them), at the revision below: `fetch` brings the repository to /work/.mirror/eslint+eslint/repo.
// No case is copied into this repository. Each case is analysed as a `.js` file by dist/engine.js, at every
// confidence; a case counts as reported when any lost-update or check-then-act finding comes out.
// `--all` lists every case with its outcome, not only the disagreements. Needs a build (`npm run build`).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SNAPSHOT = { repo: 'eslint/eslint', rev: 'c27bc926e496985eb7911c09eb60914b2e4b5d0f', file: 'tests/lib/rules/require-atomic-updates.js' };
const MIRROR = process.env.AWAITGUARD_MIRROR ?? '/work/.mirror';
const RULES = new Set(['lost-update', 'check-then-act']);

const all = process.argv.includes('--all');
const json = process.argv.includes('--json');

/** The valid and invalid cases of the test file, as ESLint's RuleTester would receive them. */
function readCases() {
  const git = path.join(MIRROR, SNAPSHOT.repo.replace('/', '+'), 'repo');
  if (!existsSync(git)) {
    console.error(`missing snapshot: ${SNAPSHOT.repo} (fetch github:${SNAPSHOT.repo}; expected a bare repository at ${git})`);
    process.exit(2);
  }
  const source = execFileSync('git', ['-C', git, 'show', `${SNAPSHOT.rev}:${SNAPSHOT.file}`], { encoding: 'utf8' });
  let captured;
  class RuleTester {
    run(_name, _rule, cases) {
      captured = cases;
    }
  }
  const sandbox = { require: (id) => (id.includes('rule-tester') ? RuleTester : {}), module: {}, exports: {}, console };
  vm.runInNewContext(source, sandbox, { filename: SNAPSHOT.file });
  if (!captured) throw new Error(`${SNAPSHOT.file}: no ruleTester.run(...) call found`);
  const code = (c) => (typeof c === 'string' ? { code: c } : c);
  return { valid: captured.valid.map(code), invalid: captured.invalid.map(code) };
}

const engine = path.join(ROOT, 'dist', 'engine.js');
if (!existsSync(engine)) {
  console.error('dist/engine.js is missing: run npm run build');
  process.exit(2);
}
const { analyze, DEFAULT_CONFIG } = await import(engine);
const config = { ...DEFAULT_CONFIG, minConfidence: 'low' };
const { valid, invalid } = readCases();

const outcome = (c) => {
  const result = analyze(c.code, 'case.js', { config });
  const found = result.findings.filter((f) => RULES.has(f.ruleId));
  return { code: c.code, options: c.options, reported: found.length > 0, findings: found.map((f) => `${f.ruleId}@${f.range.start.line}:${f.range.start.column + 1} (${f.confidence})`), parseError: result.parseError?.message };
};
const v = valid.map(outcome);
const inv = invalid.map((c) => ({ ...outcome(c), expected: (c.errors ?? []).length }));
const falseAlarms = v.filter((o) => o.reported);
const missed = inv.filter((o) => !o.reported);

if (json) {
  console.log(JSON.stringify({ snapshot: SNAPSHOT, valid: v, invalid: inv }, null, 2));
} else {
  const show = (o) => `  ${o.code.replace(/\s+/g, ' ').trim()}${o.options ? `   options ${JSON.stringify(o.options)}` : ''}${o.findings.length ? `\n      -> ${o.findings.join(', ')}` : ''}${o.parseError ? `\n      parse error: ${o.parseError}` : ''}`;
  console.log(`${SNAPSHOT.repo}@${SNAPSHOT.rev.slice(0, 12)} ${SNAPSHOT.file}: ${valid.length} valid, ${invalid.length} invalid cases\n`);
  console.log(`valid cases reported (ESLint stays quiet): ${falseAlarms.length} of ${v.length}`);
  for (const o of all ? v : falseAlarms) console.log(`${o.reported ? '!' : ' '}${show(o)}`);
  console.log(`\ninvalid cases reported: ${inv.length - missed.length} of ${inv.length}`);
  for (const o of all ? inv : missed) console.log(`${o.reported ? ' ' : '-'}${show(o)}`);
}
