import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadModule, type FastParser, type LoadedModule, type Program, type ProjectHost } from '../engine/index.js';
import { ProjectFiles } from './projectFiles.js';
import { isDirectory } from './discover.js';
import { exportedSurface } from './packageExports.js';
import { readRegularFile } from './readFile.js';
import { packageRootOf } from './runtimeHome.js';
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
  /** Project folder -> its files, for `mentioning`. */
  private readonly projects = new Map<string, ProjectFiles>();
  /** package.json file -> what it says its package is, for `inLibrary` and `inApplication`. */
  private readonly packageKinds = new Map<string, 'library' | 'application' | null>();
  /** package.json file -> what code outside the project can import of its package (`publicEntries`). */
  private readonly surfaces = new Map<string, { files: string[]; folders: string[] } | null>();

  /** How each module was when read: the hash of an open document's text, or the file's size and modification time. */
  private readonly stamps = new Map<string, string>();

  /**
   * `revalidate`: a long-lived process (the language server, an ESLint run in an editor) looks at each module
   * again on every load and reads it anew when it changed; a CLI run takes the project as it was when it started.
   * `onMentionsListed`: a long-lived process (the language server) lists a project in the background rather than
   * while it analyses an edit: until it is listed, `mentioning` answers nothing (and the result depends on the
   * answer to come), and this is called with the project's folder once it is.
   */
  constructor(
    private readonly parser: FastParser | undefined,
    private readonly options: { overlay?: (file: string) => string | undefined; revalidate?: boolean; onMentionsListed?: (root: string) => void } = {},
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
   * The modules of the project `from` belongs to (its monorepo, or else its package) that name `word`. What the
   * answer rests on is kept as a dependency of its own (`mentionsKey`): the list of files that name the word.
   */
  mentioning(from: string, word: string): LoadedModule[] | undefined {
    const fromFile = from.startsWith('file:') ? fileURLToPath(from) : from;
    const files = this.filesMentioning(fromFile, word);
    if (!files) return undefined;
    const targets = this.edges.get(fromFile)!;
    const found: LoadedModule[] = [];
    for (const file of files) {
      const loaded = this.resolve([file]);
      if (!loaded) continue;
      targets.add(file);
      this.used?.add(file);
      found.push(loaded);
    }
    return found;
  }

  /**
   * The files of `from`'s project that name `word`, parsing none of them: enough to ask whether any module but
   * `from` names it. The answer is a dependency of `from` like `mentioning`'s.
   */
  filesMentioning(from: string, word: string): string[] | undefined {
    const fromFile = from.startsWith('file:') ? fileURLToPath(from) : from;
    const root = this.workspaces.rootFor(fromFile) ?? packageRootOf(path.dirname(fromFile));
    if (root === undefined) return undefined;
    let project = this.projects.get(root);
    if (!project) this.projects.set(root, (project = new ProjectFiles(root, this.options.overlay)));
    const key = mentionsKey(root, word);
    const notify = this.options.onMentionsListed;
    if (notify && !project.listed) {
      this.hashes.set(key, 'listing');
      this.used?.add(key);
      project.listSoon(() => notify(root));
      return undefined;
    }
    const files = project.mentioning(word);
    if (!files) return undefined;
    this.hashes.set(key, hash(files.join('\n')));
    this.used?.add(key);
    let targets = this.edges.get(fromFile);
    if (!targets) this.edges.set(fromFile, (targets = new Set()));
    targets.add(key);
    return files;
  }

  inLibrary(from: string): boolean {
    return this.packageKind(from) === 'library';
  }

  inApplication(from: string): boolean {
    return this.packageKind(from) === 'application';
  }

  publicEntries(from: string): { modules: LoadedModule[]; folders: string[] } | undefined {
    const found = this.manifestFact(from, this.surfaces, (root, text) => this.traceSurface(root, text));
    if (!found?.fact) return undefined;
    // The answer rests on the entry modules the manifest names too, each read as it is now.
    const modules: LoadedModule[] = [];
    for (const file of found.fact.files) {
      const module = this.resolve([file]);
      if (!module) return undefined;
      found.targets.add(file);
      this.used?.add(file);
      modules.push(module);
    }
    return { modules, folders: found.fact.folders };
  }

  /** The entry modules' files and the open folders `exportedSurface` finds in a manifest, in the checkout; null when one is not there. */
  private traceSurface(root: string, manifest: string): { files: string[]; folders: string[] } | null {
    let pkg: unknown;
    try {
      pkg = JSON.parse(manifest);
    } catch {
      return null;
    }
    const surface = pkg && typeof pkg === 'object' && !Array.isArray(pkg) ? exportedSurface(pkg as Record<string, unknown>) : null;
    if (!surface) return null;
    const files: string[] = [];
    for (const entry of surface.modules) {
      const found = this.resolve([...new Set(entry.flatMap((rel) => candidates(path.join(root, rel))))]);
      if (!found) return null;
      files.push(found.fileName);
    }
    const folders: string[] = [];
    for (const entry of surface.folders) {
      const found = entry.map((rel) => path.join(root, rel)).find((dir) => isDirectory(dir));
      if (found === undefined) return null;
      folders.push(path.join(found, path.sep));
    }
    return { files, folders };
  }

  /**
   * What the package.json of `from`'s package says it is. The manifest is a dependency of the result like a
   * module it loaded: making a package private, or giving it `types`, changes what its findings are.
   */
  private packageKind(from: string): 'library' | 'application' | null {
    return this.manifestFact(from, this.packageKinds, (_root, text) => packageKindOf(text))?.fact ?? null;
  }

  /**
   * A fact read from the package.json of `from`'s package, kept in `table` by manifest and read anew when the
   * manifest changed (`revalidate`); the manifest becomes a dependency of `from`, and `targets` is where more can
   * be added. Undefined when no package.json is above `from`; a fact of null when it cannot be read.
   */
  private manifestFact<T>(from: string, table: Map<string, T | null>, compute: (root: string, text: string) => T | null): { fact: T | null; targets: Set<string> } | undefined {
    const fromFile = from.startsWith('file:') ? fileURLToPath(from) : from;
    const root = packageRootOf(path.dirname(fromFile));
    if (root === undefined) return undefined;
    const manifest = path.join(root, 'package.json');
    if (this.options.revalidate && table.has(manifest) && this.stampOf(manifest) !== this.stamps.get(manifest)) this.invalidate(manifest);
    let fact = table.get(manifest);
    if (fact === undefined) {
      const text = this.read(manifest);
      fact = text === undefined ? null : compute(root, text);
      table.set(manifest, fact);
      if (text !== undefined) this.hashes.set(manifest, hash(text));
      if (this.options.revalidate) this.stamps.set(manifest, this.stampOf(manifest) ?? '');
    }
    this.used?.add(manifest);
    let targets = this.edges.get(fromFile);
    if (!targets) this.edges.set(fromFile, (targets = new Set()));
    targets.add(manifest);
    return { fact, targets };
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
    // A file that starts or stops naming a word changes what `mentioning` answered for it.
    for (const [root, project] of this.projects) for (const word of project.update(file)) gone.add(mentionsKey(root, word));
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
      this.packageKinds.delete(f);
      this.surfaces.delete(f);
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

/**
 * Has any of the files a result depended on changed (or gone) since it was read, or has the list of files that
 * name a word it asked about (`mentionsKey`) changed? `mentioning` answers the latter; without it such a result
 * counts as changed.
 */
export function dependenciesChanged(
  consulted: Readonly<Record<string, string>>,
  read: (file: string) => string | undefined,
  mentioning?: (root: string, word: string) => string[] | undefined,
): boolean {
  for (const [file, was] of Object.entries(consulted)) {
    const asked = mentionsOf(file);
    if (asked) {
      const files = mentioning?.(asked.root, asked.word);
      if (!files || hash(files.join('\n')) !== was) return true;
      continue;
    }
    const text = read(file);
    if (text === undefined || hash(text) !== was) return true;
  }
  return false;
}

const MENTIONS = 'mentions:';

/** The dependency a `mentioning` answer adds: which files of the project at `root` name `word`. */
export function mentionsKey(root: string, word: string): string {
  return MENTIONS + JSON.stringify([root, word]);
}

/** The project folder a `mentionsKey` dependency is about, or null for a file. */
export function mentionsRoot(key: string): string | null {
  return mentionsOf(key)?.root ?? null;
}

function mentionsOf(key: string): { root: string; word: string } | null {
  if (!key.startsWith(MENTIONS)) return null;
  const [root, word] = JSON.parse(key.slice(MENTIONS.length)) as [string, string];
  return { root, word };
}

/**
 * What a package.json says its package is: a library when it declares what importers get (`types`, `typings`,
 * `exports`, `module`, `publishConfig`); an application when it is private, or runs (`main`, `bin`) without
 * declaring any of those; unknown when it says neither (`{ "name": "app", "type": "module" }`).
 */
function packageKindOf(manifest: string): 'library' | 'application' | null {
  try {
    const pkg = JSON.parse(manifest) as Record<string, unknown>;
    if (['types', 'typings', 'exports', 'module', 'publishConfig'].some((k) => pkg[k] !== undefined)) return 'library';
    return pkg.private === true || pkg.main !== undefined || pkg.bin !== undefined ? 'application' : null;
  } catch {
    return null;
  }
}
