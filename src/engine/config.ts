import { CONFIDENCES, type Confidence } from './findings.js';
import { FILE_KINDS, type FileKind } from './fileKinds.js';
import { RULE_IDS, isRuleId, type RuleId } from './rules/meta.js';
import { didYouMean } from './didYouMean.js';
import {
  FIX_SETTING_KEYS,
  LOCK_STYLES,
  RUNTIMES,
  SEVERITIES,
  isOneOf,
  isPositiveInteger,
  isProjectPath,
  type FixSettings,
  type Severity,
} from './settingsSchema.js';

export type { FixSettings, Severity } from './settingsSchema.js';

export interface AwaitguardConfig {
  /** Severity per rule; a rule missing here uses its default. */
  rules: Partial<Record<RuleId, Severity>>;
  /** Globs (relative to the config's folder) of files to analyse; empty means every supported file. */
  include: string[];
  /** Globs of files to skip, on top of `.gitignore` and `node_modules`. */
  exclude: string[];
  /** Extra class names whose instances are locks (`new KeyedMutex()` -> `KeyedMutex`). */
  lockClasses: string[];
  /** How quick fixes and `--fix` write code. */
  fix?: FixSettings;
  /**
   * Globs (relative to the project root) of files of each kind, checked before the path conventions of
   * `conventionalFileKind`: `{ "test": ["qa/**"], "source": ["src/testing/**"] }`.
   */
  fileKinds?: Partial<Record<FileKind, string[]>>;
  /** Severity per rule in one kind of file, over the rule's default for that kind: `{ "test": { "unbounded-concurrency": "warning" } }`. */
  rulesByKind?: Partial<Record<FileKind, Partial<Record<RuleId, Severity>>>>;
  /** Findings below this confidence are not reported (default `medium`). */
  minConfidence?: Confidence;
  /**
   * Check generated, vendored and minified files like hand-written ones (by default they are skipped: see
   * `generatedByPath` and `generatedByContent`).
   */
  includeGenerated?: boolean;
  /**
   * Do generators that yield work to a runner (redux-saga, co) and async generators give up control at `yield`?
   * Default true; false for code bases whose generators are only iterators.
   */
  generatorsSuspend?: boolean;
  /**
   * Report disable directives (`awaitguard-disable…`, `eslint-disable… awaitguard/<rule>`) that suppress nothing,
   * at this severity (ESLint's `reportUnusedDisableDirectives`). Default `off`.
   */
  reportUnusedDisableDirectives?: Severity;
}

export const DEFAULT_CONFIG: AwaitguardConfig = { rules: {}, include: [], exclude: [], lockClasses: [] };

/** A configuration the user wrote wrong; `message` names the source and the cause. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const KNOWN_KEYS = ['$schema', 'rules', 'include', 'exclude', 'lockClasses', 'fix', 'fileKinds', 'rulesByKind', 'minConfidence', 'includeGenerated', 'generatorsSuspend', 'reportUnusedDisableDirectives'];

/**
 * Checks a parsed JSON value and returns a complete config.
 * `source` names where the value came from (a file, or a package.json key) for the error message.
 */
export function validateConfig(raw: unknown, source: string): AwaitguardConfig {
  const fail = (what: string): never => {
    throw new ConfigError(`${source}: ${what}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    fail(`the configuration must be a JSON object, got ${describe(raw)}`);
  }
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!KNOWN_KEYS.includes(key)) {
      const hint = didYouMean(key, KNOWN_KEYS);
      fail(`unknown key "${key}"${hint || ` (expected one of ${KNOWN_KEYS.filter((k) => k !== '$schema').join(', ')})`}`);
    }
  }
  const rules: Partial<Record<RuleId, Severity>> = {};
  if (obj.rules !== undefined) {
    if (typeof obj.rules !== 'object' || obj.rules === null || Array.isArray(obj.rules)) {
      fail(`"rules" must be an object mapping rule ids to severities, got ${describe(obj.rules)}`);
    }
    for (const [id, value] of Object.entries(obj.rules as Record<string, unknown>)) {
      rules[checkRuleId(id, fail)] = checkSeverity(value, `rules["${id}"]`, fail);
    }
  }
  const config: AwaitguardConfig = {
    rules,
    include: stringList(obj.include, 'include', fail),
    exclude: stringList(obj.exclude, 'exclude', fail),
    lockClasses: stringList(obj.lockClasses, 'lockClasses', fail),
  };
  if (obj.fix !== undefined) config.fix = fixSettings(obj.fix, fail);
  if (obj.fileKinds !== undefined) {
    const kinds = kindMap(obj.fileKinds, 'fileKinds', 'lists of globs', fail);
    config.fileKinds = Object.fromEntries(kinds.map(([kind, v]) => [kind, stringList(v, `fileKinds.${kind}`, fail)]));
  }
  if (obj.rulesByKind !== undefined) {
    const kinds = kindMap(obj.rulesByKind, 'rulesByKind', 'rule severities', fail);
    config.rulesByKind = Object.fromEntries(
      kinds.map(([kind, v]) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`"rulesByKind.${kind}" must be an object mapping rule ids to severities, got ${describe(v)}`);
        return [kind, Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([id, sev]) => [checkRuleId(id, fail), checkSeverity(sev, `rulesByKind.${kind}["${id}"]`, fail)]))];
      }),
    );
  }
  if (obj.minConfidence !== undefined) {
    const min = obj.minConfidence;
    config.minConfidence = isOneOf(min, CONFIDENCES) ? min : fail(`"minConfidence" must be one of ${CONFIDENCES.join(', ')}, got ${describe(min)}`);
  }
  if (obj.includeGenerated !== undefined) {
    if (typeof obj.includeGenerated !== 'boolean') fail(`"includeGenerated" must be true or false, got ${describe(obj.includeGenerated)}`);
    config.includeGenerated = obj.includeGenerated as boolean;
  }
  if (obj.generatorsSuspend !== undefined) {
    if (typeof obj.generatorsSuspend !== 'boolean') fail(`"generatorsSuspend" must be true or false, got ${describe(obj.generatorsSuspend)}`);
    config.generatorsSuspend = obj.generatorsSuspend as boolean;
  }
  if (obj.reportUnusedDisableDirectives !== undefined) {
    config.reportUnusedDisableDirectives = checkSeverity(obj.reportUnusedDisableDirectives, '"reportUnusedDisableDirectives"', fail);
  }
  return config;
}

/** An object keyed by file kinds (source, test, benchmark, script, generated). */
function kindMap(raw: unknown, key: string, what: string, fail: (what: string) => never): [FileKind, unknown][] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`"${key}" must be an object mapping file kinds (${FILE_KINDS.join(', ')}) to ${what}, got ${describe(raw)}`);
  return Object.entries(raw as Record<string, unknown>).map(([kind, v]) => {
    if (!isOneOf(kind, FILE_KINDS)) fail(`"${key}" has an unknown file kind "${kind}" (expected one of ${FILE_KINDS.join(', ')})`);
    return [kind as FileKind, v];
  });
}

function fixSettings(raw: unknown, fail: (what: string) => never): FixSettings {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`"fix" must be an object, got ${describe(raw)}`);
  const obj = raw as Record<string, unknown>;
  const out: FixSettings = {};
  const oneOf = <T extends string>(key: string, allowed: readonly T[]): T | undefined => {
    const v = obj[key];
    if (v === undefined) return undefined;
    if (isOneOf(v, allowed)) return v;
    return fail(`"fix.${key}" must be one of ${allowed.join(', ')}, got ${describe(v)}`);
  };
  for (const key of Object.keys(obj)) {
    if (!(FIX_SETTING_KEYS as readonly string[]).includes(key)) fail(`unknown key "fix.${key}" (expected ${FIX_SETTING_KEYS.join(', ')})`);
  }
  const lockStyle = oneOf('lockStyle', LOCK_STYLES);
  if (lockStyle) out.lockStyle = lockStyle;
  const runtime = oneOf('runtime', RUNTIMES);
  if (runtime) out.runtime = runtime;
  if (obj.vendorPath !== undefined) {
    if (!isProjectPath(obj.vendorPath)) fail(`"fix.vendorPath" must be a relative path inside the project, got ${describe(obj.vendorPath)}`);
    out.vendorPath = obj.vendorPath;
  }
  if (obj.semaphorePermits !== undefined) {
    if (!isPositiveInteger(obj.semaphorePermits)) fail(`"fix.semaphorePermits" must be a positive integer, got ${describe(obj.semaphorePermits)}`);
    out.semaphorePermits = obj.semaphorePermits;
  }
  return out;
}

/** Parses one `--rule id=severity` argument. Throws ConfigError naming the argument. */
export function parseRuleOverride(arg: string): [RuleId, Severity] {
  const fail = (what: string): never => {
    throw new ConfigError(`--rule ${arg}: ${what}`);
  };
  const eq = arg.indexOf('=');
  if (eq < 0) fail('expected id=severity, e.g. lost-update=error');
  const id = checkRuleId(arg.slice(0, eq).trim(), fail);
  return [id, checkSeverity(arg.slice(eq + 1).trim(), 'severity', fail)];
}

function checkRuleId(id: string, fail: (what: string) => never): RuleId {
  if (!isRuleId(id)) {
    // `awaitguard/lost-update` is how the ESLint plugin names it.
    const bare = id.startsWith('awaitguard/') ? id.slice('awaitguard/'.length) : id;
    const hint = isRuleId(bare) ? ` (did you mean "${bare}"?)` : didYouMean(bare, RULE_IDS);
    fail(`unknown rule "${id}"${hint || ` (known rules: ${RULE_IDS.join(', ')})`}`);
  }
  return id as RuleId;
}

function checkSeverity(value: unknown, what: string, fail: (what: string) => never): Severity {
  if (isOneOf(value, SEVERITIES)) return value;
  return fail(`${what} must be one of ${SEVERITIES.join(', ')}, got ${describe(value)}`);
}

function stringList(value: unknown, key: string, fail: (what: string) => never): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    fail(`"${key}" must be an array of strings, got ${describe(value)}`);
  }
  return value as string[];
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
