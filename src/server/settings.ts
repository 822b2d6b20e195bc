import { existsSync } from 'node:fs';
import path from 'node:path';
import {
  ConfigError,
  DEFAULT_CONFIG,
  FIX_DEFAULTS,
  LOCK_STYLES,
  RUNTIMES,
  SEVERITIES,
  isOneOf,
  isPositiveInteger,
  isProjectPath,
  isRuleId,
  validateConfig,
  type AwaitguardConfig,
  type RuleId,
  type Severity,
} from '../engine/index.js';
import type { FixOptions } from '../fixes/index.js';
import { readRegularFile } from '../shared/readFile.js';

export const RUN_MODES = ['onType', 'onSave'] as const;

/** The `awaitguard.*` settings, as VS Code (or any LSP client) sends them. */
export interface ClientSettings {
  enable: boolean;
  rules: Record<string, Severity>;
  debounce: number;
  /** `onType`: analyse as the file is edited (after `debounce`); `onSave`: when it is saved (and opened). */
  run: (typeof RUN_MODES)[number];
  include: string[];
  exclude: string[];
  lockClasses: string[];
  /** KB (1024 bytes); a larger file is not analysed. */
  maxFileSize: number;
  /** Report disable directives that suppress nothing; `off` leaves it to the project's configuration. */
  reportUnusedDisableDirectives: Severity;
  fix: {
    lockStyle: FixOptions['lockStyle'];
    runtime: FixOptions['runtime'];
    vendorPath: string;
    semaphorePermits: number;
  };
}

export const DEFAULT_SETTINGS: ClientSettings = {
  enable: true,
  rules: {},
  debounce: 200,
  run: 'onType',
  include: [],
  exclude: [],
  lockClasses: [],
  maxFileSize: 2048,
  reportUnusedDisableDirectives: 'off',
  fix: { ...FIX_DEFAULTS },
};

/** Fills missing or malformed settings with defaults, so a bad settings.json never stops analysis. */
export function normalizeSettings(raw: unknown): ClientSettings {
  const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const fix = (typeof r.fix === 'object' && r.fix !== null ? r.fix : {}) as Record<string, unknown>;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const rules: Record<string, Severity> = {};
  if (typeof r.rules === 'object' && r.rules !== null) {
    for (const [id, sev] of Object.entries(r.rules as Record<string, unknown>)) {
      if (isRuleId(id) && isOneOf(sev, SEVERITIES)) rules[id] = sev;
    }
  }
  const oneOf = <T extends string>(v: unknown, allowed: readonly T[], dflt: T): T => (isOneOf(v, allowed) ? v : dflt);
  const d = DEFAULT_SETTINGS;
  return {
    enable: typeof r.enable === 'boolean' ? r.enable : d.enable,
    rules,
    debounce: typeof r.debounce === 'number' && r.debounce >= 0 && r.debounce <= 10_000 ? r.debounce : d.debounce,
    run: oneOf(r.run, RUN_MODES, d.run),
    include: strings(r.include),
    exclude: strings(r.exclude),
    lockClasses: strings(r.lockClasses),
    maxFileSize: typeof r.maxFileSize === 'number' && Number.isInteger(r.maxFileSize) && r.maxFileSize >= 1 ? r.maxFileSize : d.maxFileSize,
    reportUnusedDisableDirectives: oneOf(r.reportUnusedDisableDirectives, SEVERITIES, d.reportUnusedDisableDirectives),
    fix: {
      lockStyle: oneOf(fix.lockStyle, LOCK_STYLES, d.fix.lockStyle),
      runtime: oneOf(fix.runtime, RUNTIMES, d.fix.runtime),
      // Same rule as the config file: a relative path inside the project (workspace settings are not trusted to write elsewhere).
      vendorPath: isProjectPath(fix.vendorPath) ? fix.vendorPath : d.fix.vendorPath,
      semaphorePermits: isPositiveInteger(fix.semaphorePermits) ? fix.semaphorePermits : d.fix.semaphorePermits,
    },
  };
}

export interface EffectiveConfig {
  config: AwaitguardConfig;
  fix: Partial<FixOptions>;
  /** A problem with awaitguard.config.json, to show once; analysis goes on with the settings alone. */
  configError?: string;
}

/**
 * The workspace folder's awaitguard.config.json (or package.json "awaitguard" key) and the editor
 * settings combined: rule severities set in the editor win; fix settings in the project's file win, so
 * quick fixes write what `awaitguard check --fix` writes. Only JSON is read, never executed.
 */
export function effectiveConfig(settings: ClientSettings, folder: string | undefined): EffectiveConfig {
  let fileConfig: AwaitguardConfig = DEFAULT_CONFIG;
  let configError: string | undefined;
  if (folder) {
    try {
      fileConfig = readFolderConfig(folder) ?? DEFAULT_CONFIG;
    } catch (err) {
      configError = err instanceof Error ? err.message : String(err);
    }
  }
  const rules: Partial<Record<RuleId, Severity>> = { ...fileConfig.rules, ...(settings.rules as Partial<Record<RuleId, Severity>>) };
  const config: AwaitguardConfig = {
    rules,
    include: settings.include.length > 0 ? settings.include : fileConfig.include,
    exclude: [...fileConfig.exclude, ...settings.exclude],
    lockClasses: [...fileConfig.lockClasses, ...settings.lockClasses],
    // Where code lives and how sure a finding must be are the project's, as the CLI reads them.
    ...(fileConfig.fileKinds ? { fileKinds: fileConfig.fileKinds } : {}),
    ...(fileConfig.rulesByKind ? { rulesByKind: fileConfig.rulesByKind } : {}),
    ...(fileConfig.minConfidence ? { minConfidence: fileConfig.minConfidence } : {}),
  };
  // The editor can ask for unused directives where the project does not; it cannot turn off what the project reports.
  const unused = settings.reportUnusedDisableDirectives !== 'off' ? settings.reportUnusedDisableDirectives : fileConfig.reportUnusedDisableDirectives;
  if (unused !== undefined) config.reportUnusedDisableDirectives = unused;
  // The project's own fix settings win over the editor's defaults, so the editor writes what --fix writes.
  const fix: Partial<FixOptions> = {
    ...settings.fix,
    ...fileConfig.fix,
    projectRoot: folder ?? '/',
  };
  return configError === undefined ? { config, fix } : { config, fix, configError };
}

function readFolderConfig(folder: string): AwaitguardConfig | null {
  const file = path.join(folder, 'awaitguard.config.json');
  if (existsSync(file)) return validateConfig(parseJson(file), file);
  const pkg = path.join(folder, 'package.json');
  if (existsSync(pkg)) {
    const json = parseJson(pkg) as Record<string, unknown> | null;
    if (json && typeof json === 'object' && 'awaitguard' in json) return validateConfig(json.awaitguard, `${pkg} ("awaitguard" key)`);
  }
  return null;
}

function parseJson(file: string): unknown {
  let text: string;
  try {
    // Not readFileSync: a FIFO by the config's name would block the server in open() for good.
    text = readRegularFile(file).toString('utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read (${err instanceof Error ? err.message : String(err)})`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`${file}: invalid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}
