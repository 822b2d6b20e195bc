import type { Fix, FixKind } from '../engine/index.js';

/**
 * One suggestion message per kind of fix in src/fixes. Each template spells out the fix's own title, so the
 * light bulb reads the same in ESLint as in the editor extension.
 */
export const SUGGESTION_MESSAGES = {
  guardWithLock: 'Guard {{location}} with a Lock ({{style}})',
  shareInFlight: 'Share the in-flight promise instead of starting a second {{operation}}',
  limitWithSemaphore: 'Limit concurrency with a Semaphore({{permits}})',
} as const;

export type SuggestionId = keyof typeof SUGGESTION_MESSAGES;

/** The suggestion each kind of engine fix becomes; a suppression has none (ESLint users write eslint-disable). */
export const SUGGESTION_FOR_KIND: Record<Exclude<FixKind, 'suppress'>, SuggestionId> = {
  'lock-wrap': 'guardWithLock',
  'share-in-flight': 'shareInFlight',
  'semaphore-limit': 'limitWithSemaphore',
};

/** Parses a fix title back into its kind and data; the same wording as the templates above. */
const TITLES: readonly [SuggestionId, RegExp, readonly string[]][] = [
  ['guardWithLock', /^Guard (.+) with a Lock \((.+)\)$/, ['location', 'style']],
  ['shareInFlight', /^Share the in-flight promise instead of starting a second (.+)$/, ['operation']],
  ['limitWithSemaphore', /^Limit concurrency with a Semaphore\((\d+)\)$/, ['permits']],
];

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
  for (const [messageId, pattern, names] of TITLES) {
    const match = pattern.exec(fix.title);
    if (match) return { messageId, data: Object.fromEntries(names.map((name, i) => [name, match[i + 1]!])) };
  }
  return undefined;
}

/** The messages of the suggestions a rule offers, for its `meta.messages`. */
export function suggestionMessages<S extends SuggestionId>(ids: readonly S[]): Record<S, string> {
  const messages = {} as Record<S, string>;
  for (const id of ids) messages[id] = SUGGESTION_MESSAGES[id];
  return messages;
}
