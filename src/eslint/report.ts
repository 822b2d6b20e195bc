import type { RuleContext, RuleListener, SuggestionReportDescriptor } from '@typescript-eslint/utils/ts-eslint';
import type { RuleId } from '../engine/index.js';
import { findingsFor } from './analysis.js';
import { suggestionFor, type SuggestionId } from './suggestions.js';

/**
 * The listener of every awaitguard rule: at the end of the file, report the engine's findings of rule `id`
 * under `messageId`, the engine's one-sentence message as its data, and the fixes of the kinds the rule
 * declares as suggestions. Suggestions, not autofixes: a lock changes behaviour, so a person picks it.
 */
export function reportFindings<M extends string, S extends SuggestionId>(
  context: Readonly<RuleContext<M | S, readonly unknown[]>>,
  id: RuleId,
  messageId: M,
  suggestionIds: readonly S[],
): RuleListener {
  const offered = new Set<SuggestionId>(suggestionIds);
  return {
    'Program:exit'() {
      for (const finding of findingsFor(context)) {
        if (finding.ruleId !== id) continue;
        const suggest: SuggestionReportDescriptor<M | S>[] = [];
        // ESLint has no preferred suggestion; listing it first puts the configured lock style on top.
        const fixes = [...finding.fixes].sort((a, b) => Number(b.preferred === true) - Number(a.preferred === true));
        for (const fix of fixes) {
          const suggestion = suggestionFor(fix);
          if (!suggestion || !offered.has(suggestion.messageId)) continue;
          suggest.push({
            messageId: suggestion.messageId as S,
            data: suggestion.data,
            // ESLint merges the edits of one suggestion into a single replacement; the engine's do not overlap.
            fix: (fixer) => fix.edits.map((edit) => fixer.replaceTextRange(edit.offset, edit.text)),
          });
        }
        const { start, end } = finding.range;
        context.report({
          loc: { start, end },
          messageId,
          data: { message: finding.message },
          suggest,
        });
      }
    },
  };
}
