import type { RuleMeta } from '../engine/index.js';
import { createRule } from './createRule.js';
import { reportFindings } from './report.js';
import { suggestionMessages, SUGGESTION_FOR_KIND } from './suggestions.js';

/**
 * The ESLint rule of an engine rule, from its descriptor: it reports the engine's findings of that rule under
 * the descriptor's messageId and offers its kinds of fix as suggestions. Every awaitguard rule is one: the
 * analysis lives in the engine, shared by all of them.
 */
export function engineRule(meta: RuleMeta) {
  const messageId = meta.messageId;
  const suggestions = meta.fixKinds.map((kind) => SUGGESTION_FOR_KIND[kind]);
  return createRule({
    name: meta.id,
    meta: {
      type: 'problem',
      docs: { description: meta.shortDescription, recommended: true },
      // A rule whose only engine fix is an awaitguard-disable comment has none: ESLint users write eslint-disable.
      ...(suggestions.length > 0 ? { hasSuggestions: true } : {}),
      schema: [],
      defaultOptions: [],
      messages: { [messageId]: '{{message}}', ...suggestionMessages(suggestions) } as Record<string, string>,
    },
    create: (context) => reportFindings(context, meta.id, messageId, suggestions),
  });
}
