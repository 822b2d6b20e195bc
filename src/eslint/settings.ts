import { ConfigError, DEFAULT_CONFIG, FIX_DEFAULTS, LOCK_STYLES, RUNTIMES, isOneOf, isPositiveInteger, validateConfig, type AwaitguardConfig, type LockStyle, type Runtime } from '../engine/index.js';
import type { FixOptions } from '../fixes/index.js';

/**
 * `settings.awaitguard` in a flat config. Rules and severities are ESLint's business, so only what the
 * engine needs beyond them is here; `fix.runtime` has no `vendor`, because a suggestion cannot create the
 * file the vendored runtime lives in.
 */
export interface PluginSettings {
  lockClasses?: string[];
  /** The least sure finding reported: `medium` by default, as in the CLI. */
  minConfidence?: AwaitguardConfig['minConfidence'];
  fix?: {
    lockStyle?: LockStyle;
    runtime?: Exclude<Runtime, 'vendor'>;
    semaphorePermits?: number;
  };
}

export interface ResolvedSettings {
  config: AwaitguardConfig;
  fix: Partial<FixOptions>;
  /** Equal for equal settings: analyses are shared between rules that see the same settings. */
  key: string;
}

/** A suggestion edits one file: it cannot create the vendored runtime. */
const SUGGESTION_RUNTIMES = RUNTIMES.filter((r): r is Exclude<Runtime, 'vendor'> => r !== 'vendor');
const WHERE = 'settings.awaitguard';

/** Reads and checks `settings.awaitguard`; throws a ConfigError that names the bad setting. */
export function resolveSettings(settings: Readonly<Record<string, unknown>>): ResolvedSettings {
  const raw = settings.awaitguard ?? {};
  const top = object(raw, WHERE, ['lockClasses', 'fix', 'minConfidence']);
  const lockClasses = top.lockClasses === undefined ? [] : stringList(top.lockClasses, `${WHERE}.lockClasses`);
  const fixRaw = top.fix === undefined ? {} : object(top.fix, `${WHERE}.fix`, ['lockStyle', 'runtime', 'semaphorePermits']);
  const lockStyle = oneOf(fixRaw.lockStyle, `${WHERE}.fix.lockStyle`, LOCK_STYLES) ?? FIX_DEFAULTS.lockStyle;
  const runtime = oneOf(fixRaw.runtime, `${WHERE}.fix.runtime`, SUGGESTION_RUNTIMES) ?? 'package';
  const fix: Partial<FixOptions> = {
    lockStyle,
    runtime,
    // Picking `await-using` says the project's TypeScript has it; nothing else here can tell.
    allowAwaitUsing: lockStyle === 'await-using',
  };
  if (fixRaw.semaphorePermits !== undefined) fix.semaphorePermits = permits(fixRaw.semaphorePermits);
  // Every rule on at its default severity: ESLint decides which findings are reported and how.
  // Checked as awaitguard.config.json checks it.
  const { minConfidence } = validateConfig({ minConfidence: top.minConfidence }, WHERE);
  const config: AwaitguardConfig = { ...DEFAULT_CONFIG, lockClasses, ...(minConfidence ? { minConfidence } : {}) };
  return { config, fix, key: JSON.stringify([lockClasses, fix, minConfidence]) };
}

function fail(setting: string, what: string, value: unknown, hint = ''): never {
  throw new ConfigError(`awaitguard: ${setting} must be ${what}, got ${describe(value)}${hint}`);
}

function object(value: unknown, setting: string, keys: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(setting, 'an object', value);
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) throw new ConfigError(`awaitguard: unknown setting ${setting}.${key} (known: ${keys.join(', ')})`);
  }
  return value as Record<string, unknown>;
}

function stringList(value: unknown, setting: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail(setting, 'an array of class names', value);
  return [...(value as string[])];
}

function oneOf<T extends string>(value: unknown, setting: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (isOneOf(value, allowed)) return value;
  const hint = value === 'vendor' ? ' (a suggestion cannot create the vendored runtime file; `awaitguard check --fix` can)' : '';
  return fail(setting, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, value, hint);
}

function permits(value: unknown): number {
  if (!isPositiveInteger(value)) fail(`${WHERE}.fix.semaphorePermits`, 'a positive integer', value);
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
