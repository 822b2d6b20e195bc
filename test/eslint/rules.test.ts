// Every rule of the plugin under @typescript-eslint/rule-tester, with its cases taken from the fixture corpus:
// a file under safe/, and a racy file without a marker for the rule, is a valid case; a racy file with
// markers for the rule is an invalid case that expects exactly those lines. Each expected error lists the
// suggestions the plugin must offer: the engine's fixes for that finding (its own run, here in the test)
// minus the awaitguard-disable one, preferred first, each with the text it must produce. The rule tester
// also re-parses every suggestion's output and fails on a syntax error.
import { RuleTester, type InvalidTestCase, type RunTests, type ValidTestCase } from '@typescript-eslint/rule-tester';
import * as espree from 'espree';
import { afterAll, describe, it } from 'vitest';
import { RULE_IDS, ruleMeta, type Finding, type FixKind, type RuleId } from '../../src/engine/index.js';
import plugin from '../../src/eslint/index.js';
import { analyzeWithFixes, applyEdits } from '../../src/fixes/index.js';
import { collectFixtures, FIXTURES, type Fixture } from '../fixtureCorpus.js';
import { DiskProject } from '../../src/shared/projectHost.js';
import { JS_FILE } from './lint.js';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

/** The suggestion messageId for each kind of engine fix; null: not offered in ESLint. */
const SUGGESTION_ID: Record<FixKind, string | null> = {
  'lock-wrap': 'guardWithLock',
  'share-in-flight': 'shareInFlight',
  'semaphore-limit': 'limitWithSemaphore',
  'ignore-stale-run': 'ignoreStaleRun',
  'abort-stale-run': 'abortStaleRun',
  'generation-guard': 'generationGuard',
  'register-first': 'registerFirst',
  'clear-on-failure': 'clearOnFailure',
  suppress: null,
};

/** The messageId each rule reports under: its descriptor's. */
const reportId = (ruleId: RuleId): string => ruleMeta(ruleId).messageId;

const fixtures = collectFixtures();

const isTs = (file: string): boolean => /\.[cm]?ts$/.test(file);

/**
 * The engine's findings as the plugin's default settings ask for them (runtime: 'package'), from the engine's own
 * parse: the suggestions ESLint offers must be the edits the CLI and the editor would make.
 */
const engineFindings = new Map<Fixture, Finding[]>(
  fixtures.map((f) => [f, analyzeWithFixes(f.text, f.abs, { fix: { runtime: 'package' }, project: new DiskProject(undefined) }).findings]),
);

function languageOptions(fixture: Fixture): ValidTestCase<[]>['languageOptions'] {
  return { parserOptions: { ecmaFeatures: { jsx: !isTs(fixture.rel) } } };
}

function expectedError(fixture: Fixture, ruleId: RuleId, line: number, nth: number): InvalidTestCase<string, []>['errors'][number] {
  const finding = engineFindings.get(fixture)!.filter((f) => f.ruleId === ruleId && f.range.start.line === line)[nth];
  if (!finding) return { messageId: reportId(ruleId), line };
  const fixes = [...finding.fixes].sort((a, b) => Number(b.preferred === true) - Number(a.preferred === true));
  const suggestions = fixes.flatMap((fix) => {
    const messageId = SUGGESTION_ID[fix.kind];
    return messageId ? [{ messageId, output: applyEdits(fixture.text, fix.edits) }] : [];
  });
  return {
    messageId: reportId(ruleId),
    line,
    column: finding.range.start.column + 1,
    endLine: finding.range.end.line,
    endColumn: finding.range.end.column + 1,
    suggestions,
  };
}

function casesFor(ruleId: RuleId, corpus: readonly Fixture[]): RunTests<string, []> {
  const valid: ValidTestCase<[]>[] = [];
  const invalid: InvalidTestCase<string, []>[] = [];
  for (const fixture of corpus) {
    const base = { name: fixture.rel, code: fixture.text, filename: fixture.rel, languageOptions: languageOptions(fixture) };
    // `(low)` markers are below the plugin's default minConfidence.
    const lines = fixture.markers.filter((m) => m.ruleId === ruleId && !m.low).map((m) => m.line).sort((a, b) => a - b);
    if (lines.length === 0) {
      valid.push(base);
      continue;
    }
    // Two markers for one rule on one line are its first and second finding there.
    invalid.push({ ...base, errors: lines.map((line, i) => expectedError(fixture, ruleId, line, i - lines.indexOf(line))) });
  }
  return { valid, invalid };
}

// rule-tester 8.72 carries its own copy of @typescript-eslint/utils, whose rule type has private members
// that the plugin's (8.73) cannot match; the objects are what ESLint runs either way.
type TesterRule = Parameters<RuleTester['run']>[1];
const rules = plugin.rules as unknown as Record<RuleId, TesterRule>;

describe('with typescript-eslint parser, every fixture', () => {
  // Linted from test/fixtures, as a project of its own: the plugin reads the modules a fixture imports
  // (test/fixtures/modules) from there, and the fixtures are its source files, not tests.
  const tester = new RuleTester({ languageOptions: { parserOptions: { tsconfigRootDir: FIXTURES } } });
  for (const ruleId of RULE_IDS) tester.run(ruleId, rules[ruleId], casesFor(ruleId, fixtures));
});

describe('with espree (ESLint default parser), every JavaScript fixture', () => {
  const tester = new RuleTester({ languageOptions: { parser: espree, parserOptions: { tsconfigRootDir: FIXTURES } } });
  const js = fixtures.filter((f) => JS_FILE.test(f.rel));
  it('has JavaScript fixtures, racy and safe', () => {
    if (!js.some((f) => f.kind === 'racy') || !js.some((f) => f.kind === 'safe')) throw new Error('no JavaScript fixtures');
  });
  for (const ruleId of RULE_IDS) tester.run(ruleId, rules[ruleId], casesFor(ruleId, js));
});
