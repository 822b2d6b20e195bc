// What a user gets from the plugin's suggestions on the racy fixtures, through ESLint itself: every
// suggestion is one of the engine's fixes (its description is the fix's title, never the awaitguard-disable
// one), and the text it produces, linted again, has one finding fewer for that rule and none more for any.
import type { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import type { RuleId } from '../../src/engine/index.js';
import { analyzeWithFixes } from '../../src/fixes/index.js';
import { collectFixtures } from '../fixtureCorpus.js';
import { applySuggestion, JS_FILE, lint, type ParserName } from './lint.js';

const racy = collectFixtures().filter((f) => f.kind === 'racy');

function countByRule(messages: readonly Linter.LintMessage[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of messages) if (m.ruleId) counts.set(m.ruleId, (counts.get(m.ruleId) ?? 0) + 1);
  return counts;
}

/** The titles of the engine's fixes for the finding ESLint reported as `message`, without the suppression. */
function engineTitles(code: string, filename: string, message: Linter.LintMessage): string[] {
  const ruleId = message.ruleId!.replace(/^awaitguard\//, '') as RuleId;
  const finding = analyzeWithFixes(code, filename, { fix: { runtime: 'package' } }).findings.find(
    (f) => f.ruleId === ruleId && f.range.start.line === message.line && f.range.start.column + 1 === message.column,
  );
  return (finding?.fixes ?? []).filter((f) => f.kind !== 'suppress').map((f) => f.title);
}

describe.each<ParserName>(['typescript-eslint', 'espree'])('suggestions with %s', (parser) => {
  const corpus = racy.filter((f) => parser === 'typescript-eslint' || JS_FILE.test(f.rel));

  it.each(corpus.map((f) => [f.rel, f] as const))('%s', (_name, fixture) => {
    const before = lint(fixture.text, fixture.rel, { parser });
    expect(before.filter((m) => m.fatal)).toEqual([]);
    const beforeCounts = countByRule(before);
    for (const message of before) {
      const suggestions = message.suggestions ?? [];
      expect(suggestions.map((s) => s.desc).sort()).toEqual(engineTitles(fixture.text, fixture.rel, message).sort());
      for (const suggestion of suggestions) {
        const where = `${fixture.rel}:${message.line} ${message.ruleId}: ${suggestion.desc}`;
        const after = lint(applySuggestion(fixture.text, suggestion), fixture.rel, { parser });
        expect(after.filter((m) => m.fatal), where).toEqual([]);
        const afterCounts = countByRule(after);
        expect(afterCounts.get(message.ruleId!) ?? 0, `${where}: still reported`).toBeLessThan(beforeCounts.get(message.ruleId!)!);
        for (const [rule, n] of afterCounts) expect(n, `${where}: new ${rule} finding`).toBeLessThanOrEqual(beforeCounts.get(rule) ?? 0);
      }
    }
  });

  it('has suggestions to check at all', () => {
    const offered = corpus.flatMap((f) => lint(f.text, f.rel, { parser }).flatMap((m) => m.suggestions ?? []));
    // A floor, far under the corpus's count, so that a plugin offering nothing cannot pass the checks above.
    expect(offered.length).toBeGreaterThan(parser === 'espree' ? 20 : 100);
  });
});
