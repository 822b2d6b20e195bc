/*
 * The settings a project (awaitguard.config.json), an editor (awaitguard.* settings) or an ESLint config
 * (settings.awaitguard) can give, as data. The config file's validation, the language server's settings, the
 * ESLint plugin's settings and the fixes' defaults read them from here; package.json's
 * contributes.configuration and types/eslint-plugin.d.ts are checked against them by a test
 * (test/engine/settingsSchema.test.ts).
 */

export const SEVERITIES = ['off', 'info', 'warning', 'error'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** How a fix guards a critical section. */
export const LOCK_STYLES = ['try-finally', 'runExclusive', 'await-using'] as const;
export type LockStyle = (typeof LOCK_STYLES)[number];

/** Where the `Lock` and `Semaphore` that fixes use come from. */
export const RUNTIMES = ['vendor', 'package', 'async-mutex'] as const;
export type Runtime = (typeof RUNTIMES)[number];

/** The settings of quick fixes that a project can set in its configuration. */
export interface FixSettings {
  lockStyle?: LockStyle;
  runtime?: Runtime;
  vendorPath?: string;
  semaphorePermits?: number;
}

export const FIX_SETTING_KEYS = ['lockStyle', 'runtime', 'vendorPath', 'semaphorePermits'] as const satisfies readonly (keyof FixSettings)[];

export const FIX_DEFAULTS: Required<FixSettings> = {
  lockStyle: 'try-finally',
  runtime: 'vendor',
  vendorPath: 'src/awaitguard-lock.ts',
  semaphorePermits: 8,
};

export function isOneOf<T extends string>(value: unknown, allowed: readonly T[]): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

/** A vendored runtime stays in the project: a relative path that never climbs out (`..`) of it. */
export function isProjectPath(value: unknown): value is string {
  if (typeof value !== 'string' || value === '') return false;
  if (/^([\\/]|[A-Za-z]:)/.test(value)) return false;
  return !value.split(/[\\/]/).includes('..');
}

export function isPositiveInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1;
}
