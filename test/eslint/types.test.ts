// The shipped declaration (types/eslint-plugin.d.ts) must describe the real plugin: `tsc -p .` checks the
// assignments and type equalities below, and a typed eslint.config.ts must accept the recommended config.
import type { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import { RULE_IDS, type RuleId } from '../../src/engine/index.js';
import plugin from '../../src/eslint/index.js';
import type declared from '../../types/eslint-plugin.js';
import type { AwaitguardSettings, RuleId as DeclaredRuleId } from '../../types/eslint-plugin.js';

/** True only when A and B are the same type (neither wider nor narrower). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

const typed: typeof declared = plugin;
// The declared rule ids are the registry's, no more and no fewer.
const sameIds: Equal<DeclaredRuleId, RuleId> = true;
const settings: AwaitguardSettings = { lockClasses: ['Gate'], fix: { lockStyle: 'runExclusive', runtime: 'async-mutex', semaphorePermits: 4 } };
const config: Linter.Config[] = [typed.configs.recommended, { settings: { awaitguard: settings } }];

describe('declared types', () => {
  it('name the registry rules and the recommended config', () => {
    expect(sameIds).toBe(true);
    expect(Object.keys(typed.rules)).toEqual(RULE_IDS);
    expect(config[0]!.name).toBe('awaitguard/recommended');
    expect(Object.keys(config[0]!.rules ?? {})).toEqual(RULE_IDS.map((id) => `awaitguard/${id}`));
  });
});
