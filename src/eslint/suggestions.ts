import type { Fix, FixKind } from '../engine/index.js';

/**
 * One suggestion message per kind of fix in src/fixes. Each template, filled with the fix's data, spells out the
 * fix's own title, so the light bulb reads the same in ESLint as in the editor extension.
 */
export const SUGGESTION_MESSAGES = {
  guardWithLock: 'Guard {{location}} with a {{lock}} ({{style}})',
  shareInFlight: 'Share the in-flight promise instead of starting a second {{operation}}',
  limitWithSemaphore: 'Limit concurrency with a Semaphore({{permits}})',
  ignoreStaleRun: 'Ignore stale runs with an `{{flag}}` flag set in the effect cleanup',
  abortStaleRun: "Abort stale runs: pass an AbortController's signal to fetch and abort it in the effect cleanup",
  generationGuard: 'Skip the write when `{{teardown}}()` ran during the await (a generation counter)',
  registerFirst: 'Register the handler for `{{key}}` before sending the request',
  clearOnFailure: 'Clear `{{target}}` when the work fails too',
} as const;

export type SuggestionId = keyof typeof SUGGESTION_MESSAGES;

/** The suggestion each kind of engine fix becomes; a suppression has none (ESLint users write eslint-disable). */
export const SUGGESTION_FOR_KIND: Record<Exclude<FixKind, 'suppress'>, SuggestionId> = {
  'lock-wrap': 'guardWithLock',
  'share-in-flight': 'shareInFlight',
  'semaphore-limit': 'limitWithSemaphore',
  'ignore-stale-run': 'ignoreStaleRun',
  'abort-stale-run': 'abortStaleRun',
  'generation-guard': 'generationGuard',
  'register-first': 'registerFirst',
  'clear-on-failure': 'clearOnFailure',
};

export interface Suggestion {
  messageId: SuggestionId;
  data: Record<string, string>;
}

/**
 * The suggestion a fix becomes, or undefined for a fix ESLint has its own way for: "Disable <rule> for this
 * line" writes an awaitguard-disable comment, where ESLint users (and the VS Code ESLint extension's own quick
 * fix) write eslint-disable.
 */
export function suggestionFor(fix: Fix): Suggestion | undefined {
  switch (fix.kind) {
    case 'lock-wrap':
      return { messageId: SUGGESTION_FOR_KIND[fix.kind], data: { location: fix.data.location, lock: fix.data.lock, style: fix.data.style } };
    case 'share-in-flight':
      return { messageId: SUGGESTION_FOR_KIND[fix.kind], data: { operation: fix.data.operation } };
    case 'semaphore-limit':
      return { messageId: SUGGESTION_FOR_KIND[fix.kind], data: { permits: String(fix.data.permits) } };
    case 'ignore-stale-run':
      return { messageId: SUGGESTION_FOR_KIND[fix.kind], data: { flag: fix.data.flag } };
    case 'abort-stale-run':
      return { messageId: SUGGESTION_FOR_KIND[fix.kind], data: {} };
    case 'generation-guard':
      return { messageId: SUGGESTION_FOR_KIND[fix.kind], data: { teardown: fix.data.teardown } };
    case 'register-first':
      return { messageId: SUGGESTION_FOR_KIND[fix.kind], data: { key: fix.data.key } };
    case 'clear-on-failure':
      return { messageId: SUGGESTION_FOR_KIND[fix.kind], data: { target: fix.data.target } };
    case 'suppress':
      return undefined;
  }
}

/** The messages of the suggestions a rule offers, for its `meta.messages`. */
export function suggestionMessages<S extends SuggestionId>(ids: readonly S[]): Record<S, string> {
  const messages = {} as Record<S, string>;
  for (const id of ids) messages[id] = SUGGESTION_MESSAGES[id];
  return messages;
}
