// The settings schema is data in the engine (src/engine/settingsSchema.ts); what is written out by hand elsewhere
// (the VS Code settings in package.json, the ESLint plugin's types) must say the same.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIX_DEFAULTS, FIX_SETTING_KEYS, LOCK_STYLES, RUNTIMES, SEVERITIES, isProjectPath, validateConfig } from '../../src/engine/index.js';
import { DEFAULT_FIX_OPTIONS } from '../../src/fixes/index.js';
import { DEFAULT_SETTINGS, normalizeSettings } from '../../src/server/settings.js';
import { resolveSettings } from '../../src/eslint/settings.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { enum?: string[]; default?: unknown; minimum?: number; properties?: Record<string, { enum?: string[] }> }> } };
};
const settings = pkg.contributes.configuration.properties;
const dts = readFileSync(path.join(ROOT, 'types', 'eslint-plugin.d.ts'), 'utf8');

/** The string literals of a union type written for `key` in the .d.ts (`lockStyle?: 'a' | 'b';`). */
function unionOf(key: string): string[] {
  const m = new RegExp(`\\b${key}\\?: ([^;]+);`).exec(dts);
  if (!m) throw new Error(`no ${key} in types/eslint-plugin.d.ts`);
  return m[1]!.split('|').map((s) => s.trim().replace(/^'|'$/g, ''));
}

describe('package.json contributes.configuration', () => {
  it('fix settings: one per schema key, with the schema values and defaults', () => {
    expect(Object.keys(settings).filter((k) => k.startsWith('awaitguard.fix.')).map((k) => k.slice('awaitguard.fix.'.length))).toEqual([...FIX_SETTING_KEYS]);
    expect(settings['awaitguard.fix.lockStyle']).toMatchObject({ enum: [...LOCK_STYLES], default: FIX_DEFAULTS.lockStyle });
    expect(settings['awaitguard.fix.runtime']).toMatchObject({ enum: [...RUNTIMES], default: FIX_DEFAULTS.runtime });
    expect(settings['awaitguard.fix.vendorPath']).toMatchObject({ default: FIX_DEFAULTS.vendorPath });
    expect(settings['awaitguard.fix.semaphorePermits']).toMatchObject({ default: FIX_DEFAULTS.semaphorePermits, minimum: 1 });
  });

  it('every rule severity offers the schema severities', () => {
    const rules = settings['awaitguard.rules']!.properties!;
    expect(Object.keys(rules).length).toBeGreaterThan(0);
    for (const rule of Object.values(rules)) expect(rule.enum).toEqual([...SEVERITIES]);
  });

  it('editor-only settings default as the server does', () => {
    for (const key of ['enable', 'debounce', 'run', 'maxFileSize', 'reportUnusedDisableDirectives'] as const) expect(settings[`awaitguard.${key}`]?.default).toEqual(DEFAULT_SETTINGS[key]);
  });
});

describe('the front ends read the schema', () => {
  it('the ESLint plugin types and settings offer the schema styles, and the runtimes a suggestion can use', () => {
    expect(unionOf('lockStyle')).toEqual([...LOCK_STYLES]);
    expect(unionOf('runtime')).toEqual(RUNTIMES.filter((r) => r !== 'vendor'));
    for (const lockStyle of LOCK_STYLES) expect(resolveSettings({ awaitguard: { fix: { lockStyle } } }).fix.lockStyle).toBe(lockStyle);
    expect(() => resolveSettings({ awaitguard: { fix: { runtime: 'vendor' } } })).toThrow(/cannot create the vendored runtime/);
  });

  it('defaults agree: the fixes, the server and the config file', () => {
    expect(DEFAULT_FIX_OPTIONS).toMatchObject(FIX_DEFAULTS);
    expect(DEFAULT_SETTINGS.fix).toEqual(FIX_DEFAULTS);
    expect(normalizeSettings({}).fix).toEqual(FIX_DEFAULTS);
  });

  it('the config file and the editor accept and refuse the same values', () => {
    const cases: [string, unknown][] = [
      ['lockStyle', 'runExclusive'],
      ['lockStyle', 'mutex'],
      ['runtime', 'async-mutex'],
      ['runtime', 'npm'],
      ['vendorPath', 'lib/lock.ts'],
      ['vendorPath', '../outside.ts'],
      ['vendorPath', '/abs.ts'],
      ['vendorPath', 'C:\\\\x.ts'],
      ['semaphorePermits', 4],
      ['semaphorePermits', 0],
      ['semaphorePermits', 2.5],
    ];
    for (const [key, value] of cases) {
      let accepted = true;
      try {
        validateConfig({ fix: { [key]: value } }, 'test');
      } catch {
        accepted = false;
      }
      const editor = (normalizeSettings({ fix: { [key]: value } }).fix as Record<string, unknown>)[key];
      expect(editor === value, `${key} = ${JSON.stringify(value)}`).toBe(accepted);
    }
    expect(isProjectPath('a/../../b')).toBe(false);
    expect(isProjectPath('a..b/lock.ts')).toBe(true);
  });
});
