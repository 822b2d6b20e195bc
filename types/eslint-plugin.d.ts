// Types of `awaitguard/eslint-plugin`, for typed eslint.config.ts files. The plugin itself is bundled JavaScript.
import type { ESLint, Linter, Rule } from 'eslint';

/** The ids of awaitguard's rules. */
export type RuleId = 'lost-update' | 'check-then-act' | 'lock-leak' | 'unawaited-acquire' | 'unbounded-concurrency' | 'teardown-race' | 'register-after-send' | 'effect-stale-update';

/** `settings.awaitguard` in a flat config, shared by every awaitguard rule. */
export interface AwaitguardSettings {
  /** Extra class names whose instances are locks (`new ResourceGuard()`). */
  lockClasses?: string[];
  /** The least sure finding reported; `medium` by default, as in the CLI. */
  minConfidence?: 'low' | 'medium' | 'high';
  fix?: {
    lockStyle?: 'try-finally' | 'runExclusive' | 'await-using';
    runtime?: 'package' | 'async-mutex';
    semaphorePermits?: number;
  };
}

declare const plugin: ESLint.Plugin & {
  meta: { name: string; version: string };
  rules: Record<RuleId, Rule.RuleModule>;
  configs: { recommended: Linter.Config };
};

export default plugin;
