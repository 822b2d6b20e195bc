import { checkThenAct } from './check-then-act.js';
import { lockLeak } from './lock-leak.js';
import { lostUpdate } from './lost-update.js';
import type { RuleId, RuleMeta } from './meta.js';
import type { Rule } from './rule.js';
import { unawaitedAcquire } from './unawaited-acquire.js';
import { unboundedConcurrency } from './unbounded-concurrency.js';

export const ALL_RULES: readonly Rule[] = [lostUpdate, checkThenAct, lockLeak, unawaitedAcquire, unboundedConcurrency];

export function ruleMeta(id: RuleId): RuleMeta {
  return ALL_RULES.find((r) => r.meta.id === id)!.meta;
}
