import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Finding, ParseError } from '../engine/index.js';
import { isDirectory } from '../shared/discover.js';
import { displayPath } from '../shared/paths.js';
import { errorMessage, hashText, MAX_FILE_BYTES, readSource } from './checkFile.js';
import type { FileResult } from './report.js';

/** Where `--cache` keeps its file when `--cache-location` is not given, relative to the working folder. */
export const DEFAULT_CACHE_DIR = path.join('node_modules', '.cache', 'awaitguard');
const CACHE_FILE_NAME = 'check-cache.json';
const FORMAT = 1;

interface CacheEntry {
  hash: string;
  findings: Finding[];
  parseError?: ParseError;
}

interface CacheFile {
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
 * build and settings are the ones that wrote them. A missing, unreadable or stale cache is just empty.
 */
export class ResultCache {
  private readonly entries: Map<string, CacheEntry>;

  private constructor(
    readonly file: string,
    private readonly cwd: string,
    private readonly tool: string,
    private readonly settings: string,
    entries: Record<string, CacheEntry>,
  ) {
    this.entries = new Map(Object.entries(entries));
  }

  static open(file: string, cwd: string, tool: string, settings: string): ResultCache {
    let entries: Record<string, CacheEntry> = {};
    try {
      const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheFile>;
      if (data.format === FORMAT && data.tool === tool && data.settings === settings && typeof data.files === 'object' && data.files) {
        entries = data.files;
      }
    } catch {
      // No cache yet, or one that cannot be used: start over.
    }
    return new ResultCache(file, cwd, tool, settings, entries);
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
    const result: FileResult = { path: file, relPath: key, findings: entry.findings };
    if (entry.parseError) result.parseError = entry.parseError;
    if (entry.findings.length > 0) result.text = text;
    return result;
  }

  /** Records a freshly checked file; results that depend on more than the text (read errors, crashes) are not kept. */
  store(result: FileResult, contentHash: string | undefined): void {
    const key = displayPath(result.path, this.cwd);
    if (contentHash === undefined || result.readError || result.internalError || result.skipped) {
      this.entries.delete(key);
      return;
    }
    const entry: CacheEntry = { hash: contentHash, findings: result.findings };
    if (result.parseError) entry.parseError = result.parseError;
    this.entries.set(key, entry);
  }

  /** Writes the cache (atomically, so a killed run leaves the old one); returns an error message on failure. */
  save(): string | undefined {
    const files: Record<string, CacheEntry> = {};
    for (const [key, entry] of this.entries) {
      // Entries of deleted files would only grow the cache.
      if (existsSync(path.resolve(this.cwd, key))) files[key] = entry;
    }
    const data: CacheFile = { format: FORMAT, tool: this.tool, settings: this.settings, files };
    const temp = `${this.file}.${process.pid}.tmp`;
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
