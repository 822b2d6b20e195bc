import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { FILE_KINDS, isOneOf, type FileKind, type Finding, type ParseError, type UnusedDirective } from '../engine/index.js';
import { isDirectory } from '../shared/discover.js';
import { UsageError } from '../shared/errors.js';
import { displayPath } from '../shared/paths.js';
import { ProjectFiles } from '../shared/projectFiles.js';
import { dependenciesChanged } from '../shared/projectHost.js';
import { errorMessage, hashText, MAX_FILE_BYTES, readSource } from './checkFile.js';
import type { FileResult } from './report.js';

/** Where `--cache` keeps its file when `--cache-location` is not given, relative to the working folder. */
export const DEFAULT_CACHE_DIR = path.join('node_modules', '.cache', 'awaitguard');
const CACHE_FILE_NAME = 'check-cache.json';
const FORMAT = 1;
/** The first property of every cache file, so even a damaged one is known to be ours. */
const MARKER = 'check-cache';
/** How a cache file begins: with the marker, or (written before the marker existed) with format and tool. */
const OWN_FILE_START = /^\s*\{\s*"(?:awaitguard"\s*:\s*"check-cache"|format"\s*:\s*\d+\s*,\s*"tool"\s*:)/;

interface CacheEntry {
  hash: string;
  findings: Finding[];
  unusedDirectives?: UnusedDirective[];
  parseError?: ParseError;
  kind?: FileKind;
  /** Other files the findings rest on (modules whose functions were looked into), by absolute path, with their hash. */
  dependencies?: Record<string, string>;
  /** The fix options the findings' fixes were made with; absent when they carry none. */
  fixes?: string;
}

interface CacheFile {
  awaitguard: typeof MARKER;
  format: number;
  /** Build of awaitguard that wrote it. */
  tool: string;
  /** Hash of everything besides the text that decides a file's findings (the effective config). */
  settings: string;
  /** By path relative to the working folder. */
  files: Record<string, CacheEntry>;
}

/**
 * `--cache-location`: a folder (an existing one, or a path ending in a separator) holds `check-cache.json`;
 * anything else is the cache file itself.
 */
export function resolveCacheFile(cwd: string, location: string | undefined): string {
  const target = path.resolve(cwd, location ?? DEFAULT_CACHE_DIR);
  const isFolder = location === undefined || /[\\/]$/.test(location) || isDirectory(target);
  return isFolder ? path.join(target, CACHE_FILE_NAME) : target;
}

/**
 * Results of earlier runs, trusted for a file only when its text hashes the same and the run's awaitguard
 * build and settings are the ones that wrote them. A missing or stale cache is just empty, a malformed one
 * too (with a warning); a location that holds anything but an awaitguard cache is refused, never replaced.
 */
export class ResultCache {
  private readonly entries: Map<string, CacheEntry>;
  /** The projects whose files an entry's findings asked which of them name a word, listed once per run. */
  private readonly projects = new Map<string, ProjectFiles>();
  private readonly mentioning = (root: string, word: string): string[] | undefined => {
    let project = this.projects.get(root);
    if (!project) this.projects.set(root, (project = new ProjectFiles(root)));
    return project.mentioning(word);
  };

  private constructor(
    readonly file: string,
    private readonly cwd: string,
    private readonly tool: string,
    private readonly settings: string,
    entries: Record<string, CacheEntry>,
    private readonly fixes: string | undefined,
    /** Why the cache that was there is not used, when it is malformed. */
    readonly warning?: string,
  ) {
    this.entries = new Map(Object.entries(entries));
  }

  /**
   * Throws a UsageError when `file` is something awaitguard must not replace.
   * `fixes`: the run's findings carry fixes made with these options (a format that shows them); for it, an entry
   * with findings made without them, or with others, is a miss. Entries without findings serve every run, so
   * switching formats keeps nearly all of the cache.
   */
  static open(file: string, cwd: string, tool: string, settings: string, fixes?: string): ResultCache {
    const found = inspectLocation(file);
    if (found.kind === 'foreign') {
      throw new UsageError(`cannot use ${displayPath(file, cwd)} as the cache: ${found.why}; awaitguard replaces only a cache file it wrote`);
    }
    // An empty file (`mktemp`) holds nothing to lose.
    if (found.kind === 'absent' || found.text.trim() === '') return new ResultCache(file, cwd, tool, settings, {}, fixes);
    const read = readCache(found.text);
    if (typeof read === 'string') {
      const warning = `ignoring the malformed cache ${displayPath(file, cwd)} (${read}); it is rebuilt`;
      return new ResultCache(file, cwd, tool, settings, {}, fixes, warning);
    }
    const current = read.format === FORMAT && read.tool === tool && read.settings === settings;
    return new ResultCache(file, cwd, tool, settings, current ? read.files : {}, fixes);
  }

  /**
   * The cached result of `file` if its current text is the one the entry was made from.
   * Anything unusual (unreadable, too large, changed) is a miss, left to the real check to report.
   */
  lookup(file: string): FileResult | undefined {
    const key = displayPath(file, this.cwd);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    let text: string;
    try {
      if (statSync(file).size > MAX_FILE_BYTES) return undefined;
      text = readSource(file);
    } catch {
      return undefined;
    }
    if (hashText(text) !== entry.hash) return undefined;
    // A run that shows fixes needs them made with its options; any other run ignores what an entry carries.
    if (this.fixes !== undefined && entry.findings.length > 0 && entry.fixes !== this.fixes) return undefined;
    if (entry.dependencies && dependenciesChanged(entry.dependencies, readIfPossible, this.mentioning)) return undefined;
    const result: FileResult = { path: file, relPath: key, findings: entry.findings };
    if (entry.kind) result.kind = entry.kind;
    if (entry.parseError) result.parseError = entry.parseError;
    if (entry.unusedDirectives) result.unusedDirectives = entry.unusedDirectives;
    if (entry.findings.length > 0 || (entry.unusedDirectives?.length ?? 0) > 0) result.text = text;
    return result;
  }

  /** Records a freshly checked file; results that depend on more than the text (read errors, crashes) are not kept. */
  store(result: FileResult, contentHash: string | undefined, dependencies?: Record<string, string>): void {
    const key = displayPath(result.path, this.cwd);
    if (contentHash === undefined || result.readError || result.internalError || result.skipped) {
      this.entries.delete(key);
      return;
    }
    const entry: CacheEntry = { hash: contentHash, findings: result.findings };
    if (this.fixes !== undefined && result.findings.length > 0) entry.fixes = this.fixes;
    if (dependencies) entry.dependencies = dependencies;
    if (result.kind) entry.kind = result.kind;
    if (result.parseError) entry.parseError = result.parseError;
    if (result.unusedDirectives) entry.unusedDirectives = result.unusedDirectives;
    this.entries.set(key, entry);
  }

  /** Writes the cache (atomically, so a killed run leaves the old one); returns an error message on failure. */
  save(): string | undefined {
    const files: Record<string, CacheEntry> = {};
    for (const [key, entry] of this.entries) {
      // Entries of deleted files would only grow the cache.
      if (existsSync(path.resolve(this.cwd, key))) files[key] = entry;
    }
    const data: CacheFile = { awaitguard: MARKER, format: FORMAT, tool: this.tool, settings: this.settings, files };
    const temp = `${this.file}.${process.pid}.tmp`;
    // Something may have been put there during the run.
    const found = inspectLocation(this.file);
    if (found.kind === 'foreign') return `something else took its place during the run (${found.why}); not replaced`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(temp, JSON.stringify(data));
      renameSync(temp, this.file);
      return undefined;
    } catch (err) {
      return errorMessage(err);
    }
  }
}

function readIfPossible(file: string): string | undefined {
  try {
    return readSource(file);
  } catch {
    return undefined;
  }
}

type Location = { kind: 'absent' } | { kind: 'ours'; text: string } | { kind: 'foreign'; why: string };

/** What is at the cache's path: nothing, a cache file (maybe damaged), or something that is not awaitguard's to replace. */
function inspectLocation(file: string): Location {
  let isFile: boolean;
  try {
    isFile = lstatSync(file).isFile();
  } catch {
    return { kind: 'absent' };
  }
  // Never opened unless it is a regular file: a FIFO would block, a device would be read.
  if (!isFile) return { kind: 'foreign', why: 'it is not a regular file' };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return { kind: 'foreign', why: `it cannot be read to tell whether it is a cache (${errorMessage(err)})` };
  }
  if (text.trim() === '' || OWN_FILE_START.test(text)) return { kind: 'ours', text };
  return { kind: 'foreign', why: 'it is not an awaitguard cache' };
}

/** The cache file's data, or why it is malformed. */
function readCache(text: string): Omit<CacheFile, 'awaitguard'> | string {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (!isObject(data) || typeof data.format !== 'number' || typeof data.tool !== 'string' || typeof data.settings !== 'string' || !isObject(data.files)) {
    return 'not the shape of a cache file';
  }
  // Entries of another format are not looked at: they are dropped anyway.
  if (data.format === FORMAT) {
    for (const [key, entry] of Object.entries(data.files)) if (!isEntry(entry)) return `the entry of ${key} is not the shape of a cached result`;
  }
  return data as unknown as CacheFile;
}

// A cached result goes to the formatters as is, so it must have every field they read.
function isEntry(e: unknown): e is CacheEntry {
  return isObject(e) && typeof e.hash === 'string' && Array.isArray(e.findings) && e.findings.every(isFinding) && (e.parseError === undefined || isParseError(e.parseError)) && (e.kind === undefined || isOneOf(e.kind, FILE_KINDS)) && (e.fixes === undefined || typeof e.fixes === 'string') && (e.unusedDirectives === undefined || (Array.isArray(e.unusedDirectives) && e.unusedDirectives.every(isUnusedDirective)));
}

function isUnusedDirective(u: unknown): boolean {
  return (
    isObject(u) &&
    (u.severity === 'error' || u.severity === 'warning' || u.severity === 'info') &&
    typeof u.message === 'string' &&
    typeof u.whole === 'boolean' &&
    isRange(u.range) &&
    Array.isArray(u.fix) &&
    u.fix.every((e) => isObject(e) && typeof e.text === 'string' && Array.isArray(e.offset) && e.offset.length === 2 && e.offset.every(Number.isInteger))
  );
}

function isFinding(f: unknown): boolean {
  return (
    isObject(f) &&
    typeof f.ruleId === 'string' &&
    (f.severity === 'error' || f.severity === 'warning' || f.severity === 'info') &&
    typeof f.message === 'string' &&
    isRange(f.range) &&
    (f.location === undefined || typeof f.location === 'string') &&
    (f.context === undefined || typeof f.context === 'string') &&
    Array.isArray(f.related) &&
    f.related.every((r) => isObject(r) && typeof r.message === 'string' && isRange(r.range)) &&
    Array.isArray(f.fixes)
  );
}

function isRange(r: unknown): boolean {
  return isObject(r) && isPosition(r.start) && isPosition(r.end) && Array.isArray(r.offset) && r.offset.length === 2 && r.offset.every(Number.isInteger);
}

function isPosition(p: unknown): boolean {
  return isObject(p) && Number.isInteger(p.line) && Number.isInteger(p.column);
}

function isParseError(p: unknown): boolean {
  return isObject(p) && typeof p.message === 'string' && Number.isInteger(p.line) && Number.isInteger(p.column);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
