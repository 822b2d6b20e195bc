// The registry: adding a rule is its file under rules/, its doc page (docs/rules/<id>.md, with `ts racy` and
// `ts safe` examples), its fixtures (test/fixtures/<id>/{racy,safe}/: at least 8 `// expect:` markers and 8 safe
// files, test/engine/fixtures.test.ts), and one entry below; then `npm run sync-rules` (scripts/sync-rule-lists.mjs)
// writes it into package.json, the .d.ts and the README (test/engine/registry.test.ts checks all of it).
import { checkThenAct } from './check-then-act.js';
import { lockLeak } from './lock-leak.js';
import { lostUpdate } from './lost-update.js';
import type { RuleMeta } from './meta.js';
import { effectStaleUpdate } from './effect-stale-update.js';
import { registerAfterSend } from './register-after-send.js';
import { teardownRace } from './teardown-race.js';
import { unawaitedAcquire } from './unawaited-acquire.js';
import { unboundedConcurrency } from './unbounded-concurrency.js';

export const ALL_RULES = [lostUpdate, checkThenAct, lockLeak, unawaitedAcquire, unboundedConcurrency, teardownRace, registerAfterSend, effectStaleUpdate] as const;

export type RuleId = (typeof ALL_RULES)[number]['meta']['id'];

export const RULE_IDS: readonly RuleId[] = ALL_RULES.map((r) => r.meta.id);

export function isRuleId(value: string): value is RuleId {
  return (RULE_IDS as readonly string[]).includes(value);
}

export function ruleMeta(id: RuleId): RuleMeta {
  return ALL_RULES.find((r) => r.meta.id === id)!.meta;
}
