import path from 'node:path';
import { conventionalFileKind, generatedByPath, namePattern } from '../engine/index.js';
import { discoverFiles } from './discover.js';
import { isInside, toPosix } from './paths.js';
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
    const reading = this.startReading();
    const slice = (): void => {
      if (reading && this.readSome(reading, SLICE) === 'more') return void setImmediate(slice);
      this.files = reading && reading.bytes <= MAX_BYTES ? reading.files : null;
      const waiting = this.waiting ?? [];
      this.waiting = null;
      for (const w of waiting) w();
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
    const pattern = namePattern(word);
    for (const [file, text] of files) if (text !== null && text.includes(word) && pattern.test(text)) found.push(file);
    this.answers.set(word, found);
    return found;
  }

  /**
   * `file` changed (or appeared): it is read anew at the next question. Answers it no longer agrees with are
   * dropped, and their words returned.
   */
  update(file: string): string[] {
    if (!this.files || file === this.root || !isInside(file, this.root) || !listed(path.relative(this.root, file))) return [];
    const text = this.read(file) ?? null;
    this.files.set(file, text);
    const changed: string[] = [];
    for (const [word, found] of this.answers) {
      const names = text !== null && text.includes(word) && namePattern(word).test(text);
      if (names !== found.includes(file)) {
        changed.push(word);
        this.answers.delete(word);
      }
    }
    return changed;
  }

  private list(): Map<string, string | null> | null {
    if (this.files !== undefined) return this.files;
    const reading = this.startReading();
    if (reading) this.readSome(reading, Infinity);
    return (this.files = reading && reading.bytes <= MAX_BYTES ? reading.files : null);
  }

  /** The files to read (null when the project cannot be listed, or has too many), none read yet. */
  private startReading(): Reading | null {
    try {
      const all = discoverFiles({ cwd: this.root, paths: ['.'], include: [], exclude: [], configDir: this.root }).files.filter((f) => listed(path.relative(this.root, f)));
      return all.length > MAX_FILES ? null : { all, next: 0, files: new Map(), bytes: 0 };
    } catch {
      return null;
    }
  }

  /** Reads up to `count` more files: 'more' when some are left, 'done' when all are read or the text is too much. */
  private readSome(reading: Reading, count: number): 'more' | 'done' {
    for (const end = Math.min(reading.next + count, reading.all.length); reading.next < end; reading.next++) {
      const file = reading.all[reading.next]!;
      const text = this.read(file) ?? null;
      reading.bytes += text?.length ?? 0;
      if (reading.bytes > MAX_BYTES) return 'done';
      reading.files.set(file, text);
    }
    return reading.next < reading.all.length ? 'more' : 'done';
  }
}

interface Reading {
  all: string[];
  next: number;
  files: Map<string, string | null>;
  bytes: number;
}

/** Source, scripts and examples show how the project runs; tests, benchmarks and generated code do not. */
function listed(relative: string): boolean {
  const rel = toPosix(relative);
  if (generatedByPath(rel) !== null) return false;
  const kind = conventionalFileKind(rel, { generated: false });
  return kind !== 'test' && kind !== 'benchmark';
}

function readText(file: string): string | undefined {
  try {
    const text = readRegularFile(file, MAX_FILE_BYTES).toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
}
