// Runs the engine over the fixture corpus in test/fixtures.
//
// Layout and markers: see test/fixtureCorpus.ts. A file's reported `line:rule` pairs must equal its
// markers exactly, so an extra finding in a racy file fails just like a missing one.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as Engine from '../../src/engine/index.js';
import type { AnalysisResult, Finding } from '../../src/engine/index.js';
import { DEFAULT_CONFIG } from '../../src/engine/config.js';
import { conventionalFileKind } from '../../src/engine/fileKinds.js';
import { RULE_IDS, type RuleId } from '../../src/engine/rules/meta.js';
import { ruleMeta } from '../../src/engine/rules/index.js';
import { DiskProject } from '../../src/shared/projectHost.js';
import {
  collectFixtures,
  EXTENSIONS,
  FIXTURES,
  GROUPS,
  isFixtureFile,
  ROOT,
  SAFE_ONLY_GROUPS,
  walk,
  type Fixture,
} from '../fixtureCorpus.js';

/** Top-level entries of test/fixtures that are not fixture groups. */
const SUPPORT_ENTRIES = ['types', 'modules', 'tsconfig.json'];

const MIN_RACY_MARKERS = 70;
const MIN_SAFE_CASES = 70;
const MIN_PER_RULE = 8;

// The engine is imported lazily so that the corpus checks below still run (and report) while the
// engine does not load.
let enginePromise: Promise<typeof Engine> | undefined;
function loadEngine(): Promise<typeof Engine> {
  enginePromise ??= import('../../src/engine/index.js');
  return enginePromise;
}

const fixtures = collectFixtures();

const key = (line: number, ruleId: string): string => `${line}:${ruleId}`;
const sortedSet = (items: string[]): string[] => [...new Set(items)].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));

function describeFindings(result: AnalysisResult): string {
  if (result.findings.length === 0) return 'no findings';
  return result.findings
    .map((f) => `  ${key(f.range.start.line, f.ruleId)} ${f.location ?? ''} — ${f.message}`)
    .join('\n');
}

function lineCount(text: string): number {
  return text.split(/\r?\n/).length;
}

function checkFindingShape(fixture: Fixture, finding: Finding): void {
  const where = `${fixture.rel}:${finding.range.start.line} ${finding.ruleId}`;
  const lines = lineCount(fixture.text);
  expect(finding.message.trim(), `${where}: empty message`).not.toBe('');
  expect(finding.range.start.line, `${where}: primary line out of range`).toBeGreaterThanOrEqual(1);
  expect(finding.range.start.line, `${where}: primary line out of range`).toBeLessThanOrEqual(lines);
  const [start, end] = finding.range.offset;
  expect(start >= 0 && start < end && end <= fixture.text.length, `${where}: bad offsets [${start}, ${end})`).toBe(true);
  // Lost updates and check-then-act are about a shared location: they must name it.
  if (finding.ruleId === 'lost-update' || finding.ruleId === 'check-then-act') {
    expect(finding.location, `${where}: no shared location`).toBeTruthy();
  }
  if (finding.location !== undefined) {
    expect(finding.location.trim(), `${where}: empty location`).not.toBe('');
    expect(finding.message, `${where}: message does not mention ${finding.location}`).toContain(finding.location);
  }
  expect(finding.related.length, `${where}: no related location`).toBeGreaterThanOrEqual(1);
  for (const related of finding.related) {
    expect(related.message.trim(), `${where}: related location without a message`).not.toBe('');
    expect(related.range.start.line, `${where}: related line out of range`).toBeGreaterThanOrEqual(1);
    expect(related.range.start.line, `${where}: related line out of range`).toBeLessThanOrEqual(lines);
  }
}

/**
 * The interleaving behind a finding (issue: show the interleaving): two or more actors, each with a step; every
 * step at a real place of the fixture (non-blank code), at the finding itself or at one of its related
 * locations, so the timeline and the diagnostic tell the same story; each actor's steps in source order (but an
 * expression ends after its parts, and a called method may be defined anywhere); the harm, the finding's own line, among the steps.
 */
function checkInterleaving(fixture: Fixture, finding: Finding): void {
  const where = `${fixture.rel}:${finding.range.start.line} ${finding.ruleId}`;
  const timeline = finding.interleaving;
  expect(timeline, `${where}: no interleaving`).toBeDefined();
  if (!timeline) return;
  expect(timeline.actors.length, `${where}: fewer than two actors`).toBeGreaterThanOrEqual(2);
  for (const actor of timeline.actors) expect(actor.id.trim() !== '' && actor.label.trim() !== '', `${where}: an actor without id or label`).toBe(true);
  expect(timeline.steps.length, `${where}: fewer than three steps`).toBeGreaterThanOrEqual(3);
  expect(timeline.outcome.trim(), `${where}: no outcome`).not.toBe('');
  const lines = lineCount(fixture.text);
  const places = new Set([finding.range.start.line, ...finding.related.map((r) => r.range.start.line)]);
  timeline.actors.forEach((_, i) => expect(timeline.steps.some((s) => s.actor === i), `${where}: actor ${i} takes no step`).toBe(true));
  const last = new Map<number, { start: number; end: number; calls: boolean }>();
  for (const step of timeline.steps) {
    const at = `${where}: step "${step.text}" (line ${step.range.start.line})`;
    expect(step.actor >= 0 && step.actor < timeline.actors.length, `${at}: unknown actor`).toBe(true);
    expect(step.text.trim(), `${at}: no text`).not.toBe('');
    expect(step.range.start.line >= 1 && step.range.end.line <= lines, `${at}: outside the file`).toBe(true);
    const [start, end] = step.range.offset;
    expect(fixture.text.slice(start, end).trim(), `${at}: points at no code`).not.toBe('');
    expect(places.has(step.range.start.line), `${at}: neither the finding's line nor a related one (${[...places].join(', ')})`).toBe(true);
    const previous = last.get(step.actor);
    // `this.total += await f()` ends after the await inside it, `Promise.all(xs.map(…))` after the calls it starts.
    const encloses = previous !== undefined && start <= previous.start && previous.end <= end;
    // After "calls `addCall()`" the next step is in that method, wherever it is defined.
    expect(previous === undefined || previous.start <= start || encloses || previous.calls, `${at}: before the actor's previous step`).toBe(true);
    last.set(step.actor, { start, end, calls: /\bcalls `[^`]+\(\)`/.test(step.text) });
  }
  expect(timeline.steps.some((s) => s.range.start.line === finding.range.start.line), `${where}: the finding's line is not a step`).toBe(true);
  // The race itself: the second actor starts before the first is done (a leaked lock only hurts the calls after).
  if (finding.ruleId !== 'lock-leak') {
    const lastOfFirst = timeline.steps.map((s) => s.actor).lastIndexOf(0);
    const firstOfSecond = timeline.steps.findIndex((s) => s.actor === 1);
    expect(firstOfSecond, `${where}: the actors do not overlap`).toBeLessThan(lastOfFirst);
  }
}

describe('fixture corpus', () => {
  it('is laid out as <group>/<racy|safe>/ with known groups only', () => {
    const unexpected = readdirSync(FIXTURES).filter((name) => !GROUPS.includes(name) && !SUPPORT_ENTRIES.includes(name));
    expect(unexpected, 'unknown top-level entries in test/fixtures').toEqual([]);
    for (const group of GROUPS) {
      const kinds = readdirSync(join(FIXTURES, group)).sort();
      const allowed = (SAFE_ONLY_GROUPS as readonly string[]).includes(group) ? ['safe'] : ['racy', 'safe'];
      expect(kinds, `subfolders of ${group}`).toEqual(allowed);
      for (const kind of kinds) {
        const strays = walk(join(FIXTURES, group, kind)).filter((f) => !isFixtureFile(f));
        expect(strays.map((f) => relative(FIXTURES, f)), 'files the suite would not run').toEqual([]);
      }
    }
  });

  it('has well-formed markers: only in racy files, only known rule ids, at the end of a line', () => {
    for (const fixture of fixtures) {
      expect(fixture.malformed, `${fixture.rel}: malformed marker on lines`).toEqual([]);
      if (fixture.kind === 'safe') {
        expect(fixture.markers, `${fixture.rel}: safe files carry no markers`).toEqual([]);
      } else {
        expect(fixture.markers.length, `${fixture.rel}: a racy file needs at least one marker`).toBeGreaterThan(0);
      }
      for (const marker of fixture.markers) {
        expect(RULE_IDS as readonly string[], `${fixture.rel}:${marker.line}: unknown rule`).toContain(marker.ruleId);
      }
    }
  });

  it(`has at least ${MIN_RACY_MARKERS} racy markers, ${MIN_SAFE_CASES} safe cases and ${MIN_PER_RULE} of each per rule`, () => {
    const markers = fixtures.flatMap((f) => f.markers);
    const safe = fixtures.filter((f) => f.kind === 'safe');
    expect(markers.length).toBeGreaterThanOrEqual(MIN_RACY_MARKERS);
    expect(safe.length).toBeGreaterThanOrEqual(MIN_SAFE_CASES);
    for (const ruleId of RULE_IDS) {
      const racy = markers.filter((m) => m.ruleId === ruleId).length;
      const safeForRule = safe.filter((f) => f.group === ruleId).length;
      expect(racy, `racy markers for ${ruleId}`).toBeGreaterThanOrEqual(MIN_PER_RULE);
      expect(safeForRule, `safe files for ${ruleId}`).toBeGreaterThanOrEqual(MIN_PER_RULE);
    }
    for (const group of SAFE_ONLY_GROUPS) {
      expect(safe.filter((f) => f.group === group).length, `safe files for ${group}`).toBeGreaterThan(0);
    }
  });

  it('covers every supported extension in both racy and safe files', () => {
    for (const ext of EXTENSIONS) {
      for (const kind of ['racy', 'safe'] as const) {
        const count = fixtures.filter((f) => f.kind === kind && f.abs.endsWith(ext)).length;
        expect(count, `${kind} fixtures with ${ext}`).toBeGreaterThan(0);
      }
    }
  });

  it('type-checks: tsc -p test/fixtures exits 0', () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'lib', 'tsc.js');
    const run = spawnSync(process.execPath, [tsc, '-p', FIXTURES, '--pretty', 'false'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.error).toBeUndefined();
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
  }, 120_000);
});

for (const group of GROUPS) {
  describe(group, () => {
    const files = fixtures.filter((f) => f.group === group);

    it('has fixture files', () => {
      expect(files.length).toBeGreaterThan(0);
    });

    it.each(files)('$rel', async (fixture) => {
      const { analyze } = await loadEngine();
      // Fixtures import helpers from test/fixtures/modules, read as the CLI reads a project's modules.
      // At every confidence: a finding counts when it is shown by default, or when a `(low)` marker asks for it.
      const config = { ...DEFAULT_CONFIG, minConfidence: 'low' as const };
      // A fixture named like a test file (`test-helper-….ts`) is analysed as test code, as the CLI would take it.
      const kind = conventionalFileKind(basename(fixture.abs));
      const all = await analyze(fixture.text, fixture.abs, { project: new DiskProject(undefined), config, kind });
      const lowMarked = new Set(fixture.markers.filter((m) => m.low).map((m) => key(m.line, m.ruleId)));
      // A rule shown only on request (its ceiling is `low`) has no quieter level to demote to: in its own fixtures,
      // the safe twins must be quiet at `low` too, and the racy ones mark what it reports `(low)`.
      const onRequestOnly = (f: Finding): boolean => f.ruleId === fixture.group && ruleMeta(f.ruleId as RuleId).maxConfidence === 'low';
      const result = { ...all, findings: all.findings.filter((f) => f.confidence !== 'low' || lowMarked.has(key(f.range.start.line, f.ruleId)) || onRequestOnly(f)) };

      expect(result.parseError, `${fixture.rel} did not parse`).toBeUndefined();

      const expected = sortedSet(fixture.markers.map((m) => key(m.line, m.ruleId as RuleId)));
      const actual = sortedSet(result.findings.map((f) => key(f.range.start.line, f.ruleId)));
      expect(actual, `${fixture.rel} reported:\n${describeFindings(result)}`).toEqual(expected);
      for (const f of result.findings) {
        const marked = lowMarked.has(key(f.range.start.line, f.ruleId));
        expect(f.confidence === 'low', `${fixture.rel}:${f.range.start.line} ${f.ruleId} is ${f.confidence}; its marker says${marked ? '' : ' not'} (low)`).toBe(marked);
      }

      for (const finding of result.findings) {
        checkFindingShape(fixture, finding);
        checkInterleaving(fixture, finding);
      }
    });
  });
}
