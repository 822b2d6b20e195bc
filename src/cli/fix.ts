import { existsSync, lstatSync, mkdirSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import type { CreatedFile } from '../engine/index.js';
import { DEFAULT_FIX_OPTIONS, type FixOptions } from '../fixes/index.js';
import { UsageError } from '../shared/errors.js';
import { displayPath, isInside, landsInside, realPathOf, toPosix } from '../shared/paths.js';
import { readRegularFile } from '../shared/readFile.js';
import { readTemplate } from '../shared/vendorTemplates.js';

/** A file as it was read for the analysis: the text without its BOM, and the bytes to compare with later. */
export interface SourceFile {
  text: string;
  bom: boolean;
  bytes: Buffer;
}

/**
 * Writes the fixed text of `file` unless doing so could lose or misplace something; returns why it did not.
 * The checks run just before the write, so a file saved meanwhile or made read-only meanwhile is left alone.
 */
export function writeFixedFile(file: string, source: SourceFile, fixedText: string, roots: readonly string[], cwd: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(file);
    const why = whyNotWritable(real, roots, cwd) ?? (readRegularFile(real).equals(source.bytes) ? undefined : 'changed on disk during the run');
    if (why !== undefined) return why;
    // The analysis never sees the BOM; the file keeps it.
    writeFileSync(real, (source.bom ? '\ufeff' : '') + fixedText);
    return undefined;
  } catch (err) {
    return `cannot be written (${fsErrorMessage(err)})`;
  }
}

function whyNotWritable(real: string, roots: readonly string[], cwd: string): string | undefined {
  if (!roots.some((root) => isInside(real, root))) return `a symbolic link to ${displayPath(real, cwd)}, outside the checked folders`;
  // Root may write anything; a file the user marked read-only is still not ours to change.
  if ((statSync(real).mode & 0o222) === 0) return 'read-only';
  return undefined;
}

function fsErrorMessage(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOENT') return 'the file no longer exists';
  return err instanceof Error ? err.message : String(err);
}

/**
 * The folders `--fix` may write in: the real paths of the checked paths (a glob's static base), or of cwd.
 * A file reached through a link into any other place is reported, not rewritten.
 */
export function fixRoots(cwd: string, paths: readonly string[]): string[] {
  const roots: string[] = [];
  for (const arg of paths.length > 0 ? paths : ['.']) {
    let abs = path.resolve(cwd, arg);
    if (!existsSync(abs)) {
      const scan = picomatch.scan(toPosix(arg));
      abs = path.resolve(cwd, scan.isGlob && scan.base !== '' ? scan.base : '.');
    }
    roots.push(realPathOf(abs));
  }
  return roots;
}

/**
 * `vendorPath` is checked against the real project root, so a linked folder on the way (`src -> /elsewhere`)
 * cannot take the runtime copy out of the project. Checked before any file is fixed: a fix must not import a
 * runtime that will not be written.
 */
export function checkVendorPath(fix: Partial<FixOptions>, cwd: string): void {
  const options = { ...DEFAULT_FIX_OPTIONS, ...fix };
  if (options.runtime !== 'vendor') return;
  const target = path.resolve(options.projectRoot, options.vendorPath);
  const why = outsideRoot(target, options.projectRoot, cwd);
  if (why !== undefined) throw new UsageError(`"fix.vendorPath" (${options.vendorPath}) ${why}; --fix writes nothing there`);
}

/** Why a file created at `target` would land outside `root`, or undefined when it stays inside. */
function outsideRoot(target: string, root: string, cwd: string): string | undefined {
  if (landsInside(target, root)) return undefined;
  const realFolder = realPathOf(path.dirname(target));
  return `leads to ${displayPath(path.join(realFolder, path.basename(target)), cwd)}, outside the project root ${displayPath(root, cwd)}`;
}

export interface VendoredFiles {
  /** Paths written. */
  written: string[];
  /** Paths not written, with why. */
  refused: { path: string; why: string }[];
}

/** Writes the vendored runtime copies the fixes import that do not exist yet, never through a link or outside its root. */
export function createVendoredFiles(files: readonly CreatedFile[], rootOf: (file: string) => string, cwd: string): VendoredFiles {
  const out: VendoredFiles = { written: [], refused: [] };
  for (const f of files) {
    // The project's own copy, or a link to one.
    if (existsSync(f.path)) continue;
    const why = isLink(f.path) ? 'a symbolic link to a missing file is there' : outsideRoot(f.path, rootOf(f.path), cwd);
    if (why !== undefined) {
      out.refused.push({ path: f.path, why });
      continue;
    }
    try {
      mkdirSync(path.dirname(f.path), { recursive: true });
      // `wx`: never through a link that appeared meanwhile, never over a file.
      writeFileSync(f.path, readTemplate(f.template), { flag: 'wx' });
      out.written.push(f.path);
    } catch (err) {
      out.refused.push({ path: f.path, why: fsErrorMessage(err) });
    }
  }
  return out;
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The folder `vendorPath` is relative to: the config's folder, else the nearest package.json's, else cwd. */
export function projectRoot(cwd: string, configFile: string | undefined, configDir: string): string {
  if (configFile) return configDir;
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return cwd;
  }
}
