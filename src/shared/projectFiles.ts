import path from 'node:path';
import { conventionalFileKind, generatedByPath } from '../engine/index.js';
import { discoverFiles } from './discover.js';
import { readRegularFile } from './readFile.js';

/** A project with more source files than this, or more text, is not listed: the scans would cost more than they save. */
const MAX_FILES = 20_000;
const MAX_BYTES = 96 * 1024 * 1024;
const MAX_FILE_BYTES = 2 * 1024 * 1024;
/** How many files `listSoon` reads before it lets other work run. */
const SLICE = 100;

/**
 * The source files of one project folder (its .gitignore applied; tests, benchmarks and generated code left
 * out), read once, for the question of which of them name a word. Kept for a run; an editor tells it of edits.
 */
export class ProjectFiles {
  /** undefined: not listed yet; null: too large to list. */
  private files: Map<string, string | null> | null | undefined;
  private readonly answers = new Map<string, string[]>();
  /** Listing in the background (`listSoon`): who to tell when it is done. */
  private waiting: (() => void)[] | null = null;

  /** `overlay`: the text of files open in an editor, which wins over the disk. */
  constructor(
    readonly root: string,
    private readonly overlay?: (file: string) => string | undefined,
  ) {}

  private read(file: string): string | undefined {
    return this.overlay?.(file) ?? readText(file);
  }

  /** Has the project been listed (or found too large to be)? */
  get listed(): boolean {
    return this.files !== undefined;
  }

  /**
   * Lists the project a slice of files at a time, between other work (a language server keeps answering while a
   * large workspace is read), and calls `ready` when done. `mentioning` answers only once it is.
   */
  listSoon(ready: () => void): void {
    if (this.files !== undefined) return ready();
    if (this.waiting) {
      this.waiting.push(ready);
      return;
    }
    this.waiting = [ready];
    let listing: string[] | null;
    try {
      listing = discoverFiles({ cwd: this.root, paths: ['.'], include: [], exclude: [], configDir: this.root }).files.filter((f) => listed(path.relative(this.root, f)));
    } catch {
      listing = null;
    }
    const files = new Map<string, string | null>();
    let bytes = 0;
    const done = (result: Map<string, string | null> | null): void => {
      this.files = result;
      const waiting = this.waiting ?? [];
      this.waiting = null;
      for (const w of waiting) w();
    };
    if (listing === null || listing.length > MAX_FILES) return done(null);
    const all = listing;
    let next = 0;
    const slice = (): void => {
      for (const end = Math.min(next + SLICE, all.length); next < end; next++) {
        const text = this.read(all[next]!) ?? null;
        bytes += text?.length ?? 0;
        if (bytes > MAX_BYTES) return done(null);
        files.set(all[next]!, text);
      }
      if (next < all.length) setImmediate(slice);
      else done(files);
    };
    setImmediate(slice);
  }

  /** The files whose text names `word` as an identifier, sorted; undefined when the project cannot be listed. */
  mentioning(word: string): string[] | undefined {
    const known = this.answers.get(word);
    if (known) return known;
    if (this.waiting) return undefined;
    const files = this.list();
    if (!files) return undefined;
    const found: string[] = [];
    const pattern = wordPattern(word);
    for (const [file, text] of files) if (text !== null && text.includes(word) && pattern.test(text)) found.push(file);
    this.answers.set(word, found);
    return found;
  }

  /**
   * `file` changed (or appeared): it is read anew at the next question. Answers it no longer agrees with are
   * dropped, and their words returned.
   */
  update(file: string): string[] {
    if (!this.files || !isInside(file, this.root) || !listed(path.relative(this.root, file))) return [];
    const text = this.read(file) ?? null;
    this.files.set(file, text);
    const changed: string[] = [];
    for (const [word, found] of this.answers) {
      const names = text !== null && text.includes(word) && wordPattern(word).test(text);
      if (names !== found.includes(file)) {
        changed.push(word);
        this.answers.delete(word);
      }
    }
    return changed;
  }

  private list(): Map<string, string | null> | null {
    if (this.files !== undefined) return this.files;
    let listing: string[];
    try {
      listing = discoverFiles({ cwd: this.root, paths: ['.'], include: [], exclude: [], configDir: this.root }).files;
    } catch {
      return (this.files = null);
    }
    const files = new Map<string, string | null>();
    let bytes = 0;
    for (const file of listing) {
      if (!listed(path.relative(this.root, file))) continue;
      if (files.size >= MAX_FILES) return (this.files = null);
      const text = this.read(file) ?? null;
      bytes += text?.length ?? 0;
      if (bytes > MAX_BYTES) return (this.files = null);
      files.set(file, text);
    }
    return (this.files = files);
  }
}

/** Source, scripts and examples show how the project runs; tests, benchmarks and generated code do not. */
function listed(relative: string): boolean {
  const rel = relative.split(path.sep).join('/');
  if (generatedByPath(rel) !== null) return false;
  const kind = conventionalFileKind(rel, { generated: false });
  return kind !== 'test' && kind !== 'benchmark';
}

function wordPattern(word: string): RegExp {
  return new RegExp(`(?<![\\w$#])${word.replace(/[$]/g, '\\$')}(?![\\w$])`);
}

function isInside(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

function readText(file: string): string | undefined {
  try {
    const text = readRegularFile(file, MAX_FILE_BYTES).toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
}
