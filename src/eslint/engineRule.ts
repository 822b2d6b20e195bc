import { ruleMeta, type RuleId } from '../engine/index.js';
import { createRule } from './createRule.js';
import { reportFindings } from './report.js';
import { suggestionMessages, type SuggestionId } from './suggestions.js';

/**
 * An ESLint rule that reports the engine's findings of rule `id` under `messageId`, offering the fixes of the
 * kinds in `suggestions`. Every awaitguard rule is one: the analysis lives in the engine, shared by all five.
 */
export function engineRule<M extends string, S extends SuggestionId>(id: RuleId, messageId: M, suggestions: readonly S[]) {
  const meta = ruleMeta(id);
  return createRule({
    name: meta.id,
    meta: {
      type: 'problem',
      docs: { description: meta.shortDescription, recommended: true },
      // A rule whose only engine fix is an awaitguard-disable comment has none: ESLint users write eslint-disable.
      ...(suggestions.length > 0 ? { hasSuggestions: true } : {}),
      schema: [],
      defaultOptions: [],
      messages: { [messageId]: '{{message}}', ...suggestionMessages(suggestions) } as Record<M | S, string>,
    },
    create: (context) => reportFindings(context, meta.id, messageId, suggestions),
  });
}
