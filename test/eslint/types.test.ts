// The shipped declaration (types/eslint-plugin.d.ts) must describe the real plugin: `tsc -p .` checks the
// assignments below, and a typed eslint.config.ts must accept the recommended config.
import type { Linter } from 'eslint';
import { describe, expect, it } from 'vitest';
import type declared from '../../types/eslint-plugin.js';
import type { AwaitguardSettings } from '../../types/eslint-plugin.js';
import plugin from '../../src/eslint/index.js';

const typed: typeof declared = plugin;
const settings: AwaitguardSettings = { lockClasses: ['Gate'], fix: { lockStyle: 'runExclusive', runtime: 'async-mutex', semaphorePermits: 4 } };
const config: Linter.Config[] = [typed.configs.recommended, { settings: { awaitguard: settings } }];

describe('declared types', () => {
  it('name the real rules and config', () => {
    expect(Object.keys(typed.rules).sort()).toEqual(Object.keys(plugin.rules).sort());
    expect(config[0]!.name).toBe('awaitguard/recommended');
  });
});
