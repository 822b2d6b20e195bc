import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModule, type FastParser, type LoadedModule, type Program, type ProjectHost } from '../engine/index.js';
import { readRegularFile } from './readFile.js';
import { WorkspacePackages } from './workspaces.js';

/** A module larger than this is not consulted (its facts would cost more than they save). */
const MAX_MODULE_BYTES = 2 * 1024 * 1024;

/** Extensions tried for a specifier without one, in the order TypeScript's resolver prefers them. */
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
/** `./x.js` in TypeScript source names `./x.ts`: what each emitted extension may have been written as. */
const SOURCE_OF: Record<string, string[]> = { '.js': ['.ts', '.tsx'], '.jsx': ['.tsx'], '.mjs': ['.mts'], '.cjs': ['.cts'] };

/**
 * The project as the files on disk show it: a module a checked file imports by a relative path, or from another
 * package of the same monorepo (see `WorkspacePackages`), is read, parsed and kept for the rest of the run.
 * Other packages (bare specifiers) are outside the project.
 * `overlay` gives the text of files that are open in an editor, which wins over the disk.
 */
export class DiskProject implements ProjectHost {
  private readonly modules = new Map<string, LoadedModule | null>();
  private readonly missing = new Set<string>();
  /** Every file read, by path, with the hash of its text. */
  private readonly hashes = new Map<string, string>();
  /** Which modules were loaded on behalf of which file: what a memoized fact about a module may rest on. */
  private readonly edges = new Map<string, Set<string>>();
  private used: Set<string> | null = null;
  private readonly workspaces = new WorkspacePackages();

  /** How each module was when read: the hash of an open document's text, or the file's size and modification time. */
  private readonly stamps = new Map<string, string>();

  /**
   * `revalidate`: a long-lived process (the language server, an ESLint run in an editor) looks at each module
   * again on every load and reads it anew when it changed; a CLI run takes the project as it was when it started.
   */
  constructor(
    private readonly parser: FastParser | undefined,
    private readonly options: { overlay?: (file: string) => string | undefined; revalidate?: boolean } = {},
  ) {}

  load(from: string, specifier: string): LoadedModule | undefined {
    // The language server names a document by its URI.
    const fromFile = from.startsWith('file:') ? fileURLToPath(from) : from;
    const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..';
    // A bare specifier is a package: outside the project, unless it names a package of the same monorepo.
    const bases = relative ? [path.resolve(path.dirname(fromFile), specifier)] : this.workspaces.candidates(fromFile, specifier);
    const found = this.resolve([...new Set(bases.flatMap(candidates))]);
    if (found) {
      let targets = this.edges.get(fromFile);
      if (!targets) this.edges.set(fromFile, (targets = new Set()));
      targets.add(found.fileName);
      this.used?.add(found.fileName);
    }
    return found;
  }

  /**
   * Runs `analyse` and returns, with its result, the files it depended on (with the hash of the text read):
   * the modules it loaded, and what those modules' facts were computed from when they were loaded earlier.
   */
  track<T>(analyse: () => T): { result: T; dependencies: Record<string, string> } {
    const used = new Set<string>();
    this.used = used;
    let result: T;
    try {
      result = analyse();
    } finally {
      this.used = null;
    }
    const closure = new Set<string>();
    const visit = (file: string): void => {
      if (closure.has(file)) return;
      closure.add(file);
      for (const next of this.edges.get(file) ?? []) visit(next);
    };
    for (const file of used) visit(file);
    const dependencies: Record<string, string> = {};
    for (const file of closure) {
      const h = this.hashes.get(file);
      if (h !== undefined) dependencies[file] = h;
    }
    return { result, dependencies };
  }

  private resolve(files: readonly string[]): LoadedModule | undefined {
    for (const candidate of files) {
      if (this.options.revalidate && this.modules.has(candidate) && this.stampOf(candidate) !== this.stamps.get(candidate)) this.invalidate(candidate);
      const known = this.modules.get(candidate);
      if (known !== undefined) return known ?? undefined;
      if (this.missing.has(candidate)) continue;
      const text = this.read(candidate);
      if (text === undefined) {
        this.missing.add(candidate);
        continue;
      }
      this.hashes.set(candidate, hash(text));
      if (this.options.revalidate) this.stamps.set(candidate, this.stampOf(candidate) ?? '');
      const ast = parsedOrNothing(text, candidate, this.parser);
      const loaded = ast ? { fileName: candidate, ast } : null;
      this.modules.set(candidate, loaded);
      return loaded ?? undefined;
    }
    return undefined;
  }

  /**
   * Forgets what was read of `file` and of every module whose facts may rest on it (those that loaded it,
   * directly or not): the next load reads them anew. The files affected are returned.
   */
  invalidate(file: string): Set<string> {
    const gone = new Set<string>([file]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [from, targets] of this.edges) {
        if (gone.has(from) || ![...targets].some((t) => gone.has(t))) continue;
        gone.add(from);
        grew = true;
      }
    }
    for (const f of gone) {
      this.modules.delete(f);
      this.hashes.delete(f);
      this.stamps.delete(f);
      this.edges.delete(f);
    }
    this.missing.clear();
    return gone;
  }

  private stampOf(file: string): string | undefined {
    const open = this.options.overlay?.(file);
    if (open !== undefined) return 'open:' + hash(open);
    try {
      const st = statSync(file);
      return `disk:${st.size}:${st.mtimeMs}`;
    } catch {
      return undefined;
    }
  }

  private read(file: string): string | undefined {
    const open = this.options.overlay?.(file);
    if (open !== undefined) return open;
    try {
      const text = readRegularFile(file, MAX_MODULE_BYTES).toString('utf8');
      return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    } catch {
      return undefined;
    }
  }
}

/**
 * A module that cannot be consulted (it does not parse, or is nested too deeply to index) is simply not
 * looked into: the file being analysed must not fail because of a module it imports.
 */
function parsedOrNothing(text: string, file: string, parser: FastParser | undefined): Program | undefined {
  try {
    return loadModule(text, file, parser);
  } catch {
    return undefined;
  }
}

/** The files a resolved specifier may name: itself, its TypeScript source, with an extension added, its index. */
function candidates(base: string): string[] {
  const ext = path.extname(base);
  const out: string[] = [];
  const sources = SOURCE_OF[ext];
  if (sources) out.push(...sources.map((s) => base.slice(0, -ext.length) + s));
  if (EXTENSIONS.includes(ext)) out.push(base);
  out.push(...EXTENSIONS.map((e) => base + e));
  out.push(...EXTENSIONS.map((e) => path.join(base, 'index' + e)));
  return out;
}

export function hash(text: string): string {
  return createHash('sha1').update(text).digest('base64url');
}

/** Has any of the files a result depended on changed (or gone) since it was read? */
export function dependenciesChanged(consulted: Readonly<Record<string, string>>, read: (file: string) => string | undefined): boolean {
  for (const [file, was] of Object.entries(consulted)) {
    const text = read(file);
    if (text === undefined || hash(text) !== was) return true;
  }
  return false;
}
