import { statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, DEFAULT_CONFIG, validateConfig, type AwaitguardConfig } from '../engine/index.js';
import { JsonSyntaxError, parseJson } from './json.js';
import { ancestors, displayPath } from '../shared/paths.js';
import { NotReadableError, readRegularFile } from '../shared/readFile.js';

export const CONFIG_FILE_NAME = 'awaitguard.config.json';
export const PACKAGE_JSON_KEY = 'awaitguard';

export interface LoadedConfig {
  config: AwaitguardConfig;
  /** The folder `include`/`exclude` globs are relative to: the config file's folder, or the working folder. */
  dir: string;
  /** Absolute path of the file the configuration came from; undefined when none was found. */
  file?: string;
  /** How messages name the source: `awaitguard.config.json`, `package.json "awaitguard" key`. */
  source?: string;
}

/**
 * Finds and validates the configuration. Only ever parses JSON: a workspace file is never executed.
 * `explicit` is `--config FILE` (relative to `cwd`); otherwise the search walks up from `cwd` and stops at the first
 * folder with `awaitguard.config.json` or a package.json that has an `"awaitguard"` key.
 * Throws ConfigError with a message that names the file.
 */
export function loadConfig(cwd: string, explicit?: string): LoadedConfig {
  if (explicit !== undefined) {
    const file = path.resolve(cwd, explicit);
    const shown = displayPath(file, cwd);
    if (path.basename(file) === 'package.json') {
      const pkg = readJsonFile(file, shown, true);
      const raw = packageKey(pkg);
      if (raw === undefined) throw new ConfigError(`${shown}: no "${PACKAGE_JSON_KEY}" key to read the configuration from`);
      return fromRaw(raw, file, `${shown} "${PACKAGE_JSON_KEY}" key`);
    }
    return fromRaw(readJsonFile(file, shown, true), file, shown);
  }

  for (const dir of ancestors(cwd)) {
    const configFile = path.join(dir, CONFIG_FILE_NAME);
    if (isFile(configFile)) {
      const shown = displayPath(configFile, cwd);
      return fromRaw(readJsonFile(configFile, shown, false), configFile, shown);
    }
    const pkgFile = path.join(dir, 'package.json');
    if (isFile(pkgFile)) {
      const shown = displayPath(pkgFile, cwd);
      const raw = packageKey(readJsonFile(pkgFile, shown, false));
      if (raw !== undefined) return fromRaw(raw, pkgFile, `${shown} "${PACKAGE_JSON_KEY}" key`);
    }
  }
  return { config: structuredClone(DEFAULT_CONFIG), dir: cwd };
}

function fromRaw(raw: unknown, file: string, source: string): LoadedConfig {
  return { config: validateConfig(raw, source), dir: path.dirname(file), file, source };
}

function packageKey(pkg: unknown): unknown {
  if (typeof pkg !== 'object' || pkg === null || Array.isArray(pkg)) return undefined;
  return Object.prototype.hasOwnProperty.call(pkg, PACKAGE_JSON_KEY) ? (pkg as Record<string, unknown>)[PACKAGE_JSON_KEY] : undefined;
}

function readJsonFile(file: string, shown: string, explicit: boolean): unknown {
  let text: string;
  try {
    // A FIFO named on the command line would block a plain read forever.
    text = readRegularFile(file).toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      err instanceof NotReadableError ? err.message
      : code === 'ENOENT' ? 'no such file'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : code === 'EISDIR' ? 'it is a folder'
      : (err as Error).message;
    throw new ConfigError(`${explicit ? 'cannot read the configuration file ' : 'cannot read '}${shown}: ${why}`);
  }
  try {
    return parseJson(text);
  } catch (err) {
    if (err instanceof JsonSyntaxError) throw new ConfigError(`${shown}: invalid JSON at line ${err.line}, column ${err.column}: ${err.reason}`);
    throw err;
  }
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
