import { existsSync, readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { isSupportedFile } from '../engine/index.js';
import { UsageError } from './errors.js';
import { compileGlob } from './glob.js';
import { NotReadableError, readRegularFile } from './readFile.js';
import { ancestors, displayPath, isInside, toPosix } from './paths.js';

/** Folders never entered, whatever .gitignore says. */
const ALWAYS_SKIPPED = new Set(['node_modules', '.git']);

/** A larger .gitignore is not applied (git itself gives up at 100 MB); its patterns would be tried on every path. */
export const MAX_GITIGNORE_BYTES = 1024 * 1024;

export interface DiscoverOptions {
  cwd: string;
  /** As given on the command line; empty means the working folder. */
  paths: readonly string[];
  /** Config globs, relative to `configDir`. */
  include: readonly string[];
  exclude: readonly string[];
  configDir: string;
  /** Names the config in messages ("excluded by awaitguard.config.json"). */
  configSource?: string;
}

export interface DiscoverResult {
  /** Absolute paths, deduplicated, sorted by their display path. */
  files: string[];
  /** One line each, for stderr: explicitly named files that were skipped, folders that could not be read. */
  warnings: string[];
}

/**
 * Expands command-line paths to the files to analyse.
 * - a file is taken as is (with a warning and skipped when ignored or not a supported type, like ESLint's "File ignored");
 * - a folder is walked, honouring .gitignore files (root and nested), config include/exclude, and skipping node_modules/.git;
 * - a path that does not exist but is a glob is matched under its static base folder (the same filters apply);
 * - anything else is a UsageError naming the path.
 */
export function discoverFiles(options: DiscoverOptions): DiscoverResult {
  const d = new Discovery(options);
  const paths = options.paths.length > 0 ? options.paths : ['.'];
  for (const p of paths) d.addPath(p);
  const files = [...d.found.keys()].sort(compareStrings).map((k) => d.found.get(k)!);
  return { files, warnings: d.warnings };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type Verdict = { skip: false } | { skip: true; why: string };
const KEEP: Verdict = { skip: false };

class Discovery {
  /** display path -> absolute path */
  readonly found = new Map<string, string>();
  readonly warnings: string[] = [];
  private readonly cwd: string;
  private readonly gitignores: GitIgnores;
  private readonly configFilter: ConfigFilter;

  constructor(private readonly options: DiscoverOptions) {
    this.cwd = path.resolve(options.cwd);
    this.gitignores = new GitIgnores(this.cwd, (message) => this.warnings.push(message));
    this.configFilter = new ConfigFilter(options);
  }

  addPath(arg: string): void {
    const abs = path.resolve(this.cwd, arg);
    let stats: Stats | undefined;
    try {
      stats = statSync(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new UsageError(`cannot access ${arg}: ${(err as Error).message}`);
    }
    if (stats?.isDirectory()) {
      const verdict = abs === this.cwd ? KEEP : this.explicitVerdict(abs, true);
      if (verdict.skip) {
        this.warnings.push(`${displayPath(abs, this.cwd)}: folder ignored (${verdict.why}), skipped`);
        return;
      }
      this.walk(abs, () => true);
      return;
    }
    if (stats) {
      if (!stats.isFile()) {
        this.warnings.push(`${arg}: not a regular file, skipped`);
        return;
      }
      const shown = displayPath(abs, this.cwd);
      if (!isSupportedFile(abs)) {
        this.warnings.push(`${shown}: not a supported file type (TypeScript or JavaScript source, not .d.ts), skipped`);
        return;
      }
      const verdict = this.explicitVerdict(abs, false);
      if (verdict.skip) {
        this.warnings.push(`${shown}: file ignored (${verdict.why}), skipped`);
        return;
      }
      this.add(abs);
      return;
    }
    const scan = picomatch.scan(toPosix(arg));
    if (!scan.isGlob) throw new UsageError(`no such file or folder: ${arg}`);
    const base = path.resolve(this.cwd, scan.base === '' ? '.' : scan.base);
    if (!isDirectory(base)) throw new UsageError(`no files match the pattern "${arg}" (no folder ${displayPath(base, this.cwd)})`);
    const isMatch = compileGlob(scan.glob);
    const { matched, kept } = this.walk(base, (abs) => isMatch(toPosix(path.relative(base, abs))));
    if (matched === 0) throw new UsageError(`no files match the pattern "${arg}"`);
    if (kept === 0) throw new UsageError(`all files matching the pattern "${arg}" are ignored`);
  }

  private add(abs: string): void {
    this.found.set(displayPath(abs, this.cwd), abs);
  }

  /**
   * Walks `dir`; adds supported, not-ignored files for which `accept` holds.
   * Counts the supported files `accept` matched before and after ignore rules (to tell "no match" from "all ignored").
   */
  private walk(root: string, accept: (abs: string) => boolean): { matched: number; kept: number } {
    let matched = 0;
    let kept = 0;
    const gitRoot = this.gitignores.rootForDir(root);
    const stack = [root];
    while (stack.length > 0) {
      const dir = stack.pop()!;
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch (err) {
        this.warnings.push(`${displayPath(dir, this.cwd)}: cannot read folder (${(err as Error).message}), skipped`);
        continue;
      }
      const subdirs: string[] = [];
      for (const entry of entries) {
        if (ALWAYS_SKIPPED.has(entry.name)) continue;
        const abs = path.join(dir, entry.name);
        let isDir = entry.isDirectory();
        let isFile = entry.isFile();
        if (entry.isSymbolicLink()) {
          // Follow links to files; do not follow links to folders (cycles, and trees outside the project).
          try {
            const target = statSync(abs);
            isFile = target.isFile();
          } catch {
            isFile = false;
          }
          isDir = false;
        }
        if (isDir) {
          if (!this.gitignores.ignored(abs, true, gitRoot) && !this.configFilter.excluded(abs)) subdirs.push(abs);
        } else if (isFile && isSupportedFile(entry.name) && accept(abs)) {
          matched++;
          if (!this.gitignores.ignored(abs, false, gitRoot) && this.configFilter.included(abs) && !this.configFilter.excluded(abs)) {
            this.add(abs);
            kept++;
          }
        }
      }
      // Depth-first in name order; the final list is sorted anyway.
      subdirs.sort(compareStrings).reverse();
      for (const sub of subdirs) stack.push(sub); // not push(...subdirs): a huge folder would overflow the stack
    }
    return { matched, kept };
  }

  /** Why an explicitly named file or folder is skipped, if it is. */
  private explicitVerdict(abs: string, isDir: boolean): Verdict {
    const root = this.gitignores.rootForDir(isDir ? abs : path.dirname(abs));
    const rel = path.relative(root, abs);
    if (rel !== '' && !rel.startsWith('..') && rel.split(path.sep).some((s) => ALWAYS_SKIPPED.has(s))) {
      return { skip: true, why: 'node_modules and .git are always skipped' };
    }
    const gitignore = this.gitignores.explicitlyIgnoredBy(abs, isDir, root);
    if (gitignore !== undefined) return { skip: true, why: `matches a pattern in ${displayPath(gitignore, this.cwd)}` };
    const source = this.options.configSource ?? 'the configuration';
    if (this.configFilter.excluded(abs)) return { skip: true, why: `matches "exclude" in ${source}` };
    if (!isDir && !this.configFilter.included(abs)) return { skip: true, why: `not matched by "include" in ${source}` };
    return KEEP;
  }
}

export function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * .gitignore files with git's precedence: each file's patterns are relative to its folder, deeper files override
 * shallower ones, and nothing inside an ignored folder can be re-included (the walk never enters it).
 * The root is the nearest folder with `.git`; outside a repository, the working folder (or the walked path itself
 * when it lies outside the working folder), so .gitignore files above the project are not applied.
 */
class GitIgnores {
  private readonly byDir = new Map<string, { ig: Ignore; file: string } | null>();
  private readonly repoRoots = new Map<string, string | null>();
  private readonly ignorecase = process.platform === 'win32' || process.platform === 'darwin';

  constructor(
    private readonly cwd: string,
    private readonly warn: (message: string) => void,
  ) {}

  /** The folder whose .gitignore is the outermost one that applies to paths in `dir`. */
  rootForDir(dir: string): string {
    const repo = this.repoRoot(dir);
    if (repo !== null) return repo;
    return isInside(dir, this.cwd) ? this.cwd : dir;
  }

  /** For a path met while walking (its folders were already checked on the way down). */
  ignored(abs: string, isDir: boolean, root: string): boolean {
    return this.decide(abs, isDir, root) !== undefined;
  }

  /** For a path named on the command line: its parent folders count too. Returns the deciding .gitignore. */
  explicitlyIgnoredBy(abs: string, isDir: boolean, root: string): string | undefined {
    const chain: string[] = [];
    for (const dir of ancestors(path.dirname(abs))) {
      if (!isInside(dir, root) || dir === root) break;
      chain.push(dir);
    }
    for (const dir of chain.reverse()) {
      const by = this.decide(dir, true, root);
      if (by !== undefined) return by;
    }
    return this.decide(abs, isDir, root);
  }

  /** The .gitignore that ignores `abs` given the files between `root` and its folder, or undefined. */
  private decide(abs: string, isDir: boolean, root: string): string | undefined {
    const dirs: string[] = [];
    for (const dir of ancestors(path.dirname(abs))) {
      if (!isInside(dir, root)) break;
      dirs.push(dir);
      if (dir === root) break;
    }
    let decidedBy: string | undefined;
    for (const dir of dirs.reverse()) {
      const entry = this.load(dir);
      if (entry === null) continue;
      const rel = toPosix(path.relative(dir, abs)) + (isDir ? '/' : '');
      if (rel === '/' || !ignore.isPathValid(rel.replace(/\/$/, ''))) continue;
      const result = entry.ig.test(rel);
      if (result.ignored) decidedBy = entry.file;
      else if (result.unignored) decidedBy = undefined;
    }
    return decidedBy;
  }

  private load(dir: string): { ig: Ignore; file: string } | null {
    let entry = this.byDir.get(dir);
    if (entry === undefined) {
      entry = null;
      const file = path.join(dir, '.gitignore');
      const text = this.read(file);
      if (text !== undefined) entry = { ig: ignore({ ignorecase: this.ignorecase }).add(text), file };
      this.byDir.set(dir, entry);
    }
    return entry;
  }

  /** The text of a .gitignore; undefined when there is none, or it is not applied (with a warning saying why). */
  private read(file: string): string | undefined {
    try {
      return readRegularFile(file, MAX_GITIGNORE_BYTES).toString('utf8');
    } catch (err) {
      if (err instanceof NotReadableError) {
        const what = err.reason === 'too-large' ? `larger than 1 MB (${(err.size / (1024 * 1024)).toFixed(1)} MB)` : err.message;
        this.warn(`${displayPath(file, this.cwd)}: ${what}, not applied`);
      }
      // Otherwise there is none here, or it is unreadable: git would not apply it either.
      return undefined;
    }
  }

  private repoRoot(start: string): string | null {
    const cached = this.repoRoots.get(start);
    if (cached !== undefined) return cached;
    let found: string | null = null;
    for (const dir of ancestors(start)) {
      if (existsSync(path.join(dir, '.git'))) {
        found = dir;
        break;
      }
    }
    this.repoRoots.set(start, found);
    return found;
  }
}

/**
 * Config `include`/`exclude`: globs (see `compileGlob`) relative to the config's folder. A pattern without "/" matches a
 * file or folder name at any depth (like .gitignore); a pattern that matches a folder covers everything inside it.
 */
class ConfigFilter {
  private readonly include: PathMatcher | undefined;
  private readonly exclude: PathMatcher | undefined;
  private readonly dir: string;

  constructor(options: DiscoverOptions) {
    this.dir = path.resolve(options.cwd, options.configDir);
    this.include = PathMatcher.compile(options.include);
    this.exclude = PathMatcher.compile(options.exclude);
  }

  /** A file is included when `include` is empty, or it or one of its folders (below the config folder) matches. */
  included(abs: string): boolean {
    if (this.include === undefined) return true;
    const segments = this.segments(abs);
    return segments !== undefined && this.include.matches(segments);
  }

  /** A file or folder is excluded when it or one of its folders (below the config folder) matches `exclude`. */
  excluded(abs: string): boolean {
    if (this.exclude === undefined) return false;
    const segments = this.segments(abs);
    return segments !== undefined && this.exclude.matches(segments);
  }

  /** Path segments relative to the config folder; undefined outside it. */
  private segments(abs: string): string[] | undefined {
    const rel = path.relative(this.dir, abs);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return toPosix(rel).split('/');
  }
}

class PathMatcher {
  private constructor(
    private readonly byName: ((name: string) => boolean) | undefined,
    private readonly byPath: ((rel: string) => boolean) | undefined,
  ) {}

  static compile(globs: readonly string[]): PathMatcher | undefined {
    const normalized = globs.map(normalizeGlob).filter((g) => g !== '');
    if (normalized.length === 0) return undefined;
    const names = normalized.filter((g) => !g.includes('/'));
    const paths = normalized.filter((g) => g.includes('/'));
    return new PathMatcher(anyOf(names), anyOf(paths));
  }

  /** True when some prefix of `segments` (a folder on the way, or the whole path) matches. */
  matches(segments: readonly string[]): boolean {
    for (let i = 1; i <= segments.length; i++) {
      if (this.byName?.(segments[i - 1]!)) return true;
      if (this.byPath?.(segments.slice(0, i).join('/'))) return true;
    }
    return false;
  }
}

/** Matches what one of `globs` matches; undefined for none. */
function anyOf(globs: readonly string[]): ((path: string) => boolean) | undefined {
  if (globs.length === 0) return undefined;
  const matchers = globs.map((g) => compileGlob(g, { dot: true }));
  return (path) => matchers.some((m) => m(path));
}

function normalizeGlob(glob: string): string {
  let g = glob.trim();
  if (g.startsWith('./')) g = g.slice(2);
  if (g.endsWith('/')) g = g.slice(0, -1);
  return g;
}

/** Whether config `include`/`exclude` select a file, as `discoverFiles` decides for the files it walks (for open editors). */
export function selectedByConfig(abs: string, include: readonly string[], exclude: readonly string[], configDir: string): boolean {
  const filter = new ConfigFilter({ cwd: configDir, paths: [], include, exclude, configDir });
  return filter.included(abs) && !filter.excluded(abs);
}
