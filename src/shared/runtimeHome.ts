import { existsSync } from 'node:fs';
import path from 'node:path';
import { FIX_DEFAULTS, type Runtime } from '../engine/index.js';
import { readRegularFile } from './readFile.js';

/*
 * Where the Lock/Semaphore a fix imports comes from, decided per fixed file from the project around it:
 * - the package the file belongs to (nearest package.json) is its project root: a vendored copy goes there, never
 *   under the folder awaitguard happened to run in, and each package of a monorepo gets its own;
 * - a package that already depends on `awaitguard` (itself, or the monorepo it sits in) imports
 *   `awaitguard/runtime` rather than gaining a copy;
 * - copies already in the package (any variant) are imported by files that can import them, so a project with
 *   TypeScript and CommonJS files does not collect a copy per language.
 * A runtime the configuration names explicitly is never second-guessed.
 */

const PACKAGE = 'awaitguard';
const VARIANTS = ['.ts', '.js', '.d.ts', '.cjs', '.d.cts'];

/** What of the fix options (fixes/options.ts) decides where the runtime comes from. */
interface RuntimeSettings {
  runtime?: Runtime;
  vendorPath?: string;
  projectRoot?: string;
  existingCopies?: readonly string[];
}

/** The folder of the nearest package.json at or above `dir`, if any. */
export function packageRootOf(dir: string): string | undefined {
  return DISK.packageRoot(dir);
}

/**
 * What deciding a runtime home asks the disk. A long-lived process (the language server) asks anew each time,
 * since a package.json may change under it; one CLI run asks once per folder (`memoizedLookups`): deciding it
 * for every file with a finding read each package.json from the file's folder up, on a 20 MB corpus 2% of the
 * run.
 */
export interface RuntimeLookups {
  /** The folder of the nearest package.json at or above `dir`. */
  packageRoot(dir: string): string | undefined;
  /** Does a package.json at or above `dir` depend on awaitguard (a monorepo's root for all its packages)? */
  installed(dir: string): boolean;
  exists(file: string): boolean;
}

const DISK: RuntimeLookups = {
  packageRoot(dir) {
    for (let d = dir; ; d = path.dirname(d)) {
      if (existsSync(path.join(d, 'package.json'))) return d;
      if (path.dirname(d) === d) return undefined;
    }
  },
  installed(dir) {
    for (let d = dir; ; d = path.dirname(d)) {
      if (dependsOnAwaitguard(d)) return true;
      if (path.dirname(d) === d) return false;
    }
  },
  exists: existsSync,
};

/** The disk as one run sees it: each question answered once. */
export function memoizedLookups(): RuntimeLookups {
  const memo = <T>(ask: (key: string) => T): ((key: string) => T) => {
    const known = new Map<string, T>();
    return (key) => {
      if (known.has(key)) return known.get(key)!;
      const answer = ask(key);
      known.set(key, answer);
      return answer;
    };
  };
  return { packageRoot: memo(DISK.packageRoot), installed: memo(DISK.installed), exists: memo(DISK.exists) };
}

/**
 * The fix options for `file`: `base` (the configuration's, with the run's project root as the fallback) with
 * the project root, runtime and existing copies its package gives. `explicitRuntime`: the configuration set
 * `fix.runtime`, which then stands.
 */
export function fixOptionsForFile<T extends RuntimeSettings>(file: string, base: T, explicitRuntime: boolean, disk: RuntimeLookups = DISK): T {
  const runtime = base.runtime ?? FIX_DEFAULTS.runtime;
  if (runtime !== 'vendor') return base;
  const root = disk.packageRoot(path.dirname(file)) ?? base.projectRoot ?? path.dirname(file);
  const vendorPath = base.vendorPath ?? FIX_DEFAULTS.vendorPath;
  if (!explicitRuntime && disk.installed(path.dirname(file))) return { ...base, runtime: 'package' };
  const stem = path.resolve(root, vendorPath).replace(/\.[mc]?[jt]sx?$/, '');
  const existingCopies = VARIANTS.map((ext) => stem + ext).filter((p) => disk.exists(p));
  return { ...base, projectRoot: root, ...(existingCopies.length > 0 ? { existingCopies } : {}) };
}

function dependsOnAwaitguard(root: string): boolean {
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(readRegularFile(path.join(root, 'package.json')).toString('utf8')) as Record<string, unknown>;
  } catch {
    return false;
  }
  if (pkg.name === PACKAGE) return false; // awaitguard's own checkout vendors like any project
  return ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'].some((field) => {
    const deps = pkg[field];
    return typeof deps === 'object' && deps !== null && PACKAGE in deps;
  });
}
