import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Finding } from '../engine/index.js';
import { displayPath } from '../shared/paths.js';
import { UsageError } from '../shared/errors.js';
import { readRegularFile } from '../shared/readFile.js';
import { errorMessage } from './checkFile.js';
import { parseJson } from './json.js';
import type { FileResult } from './report.js';

/**
 * A baseline records accepted findings so CI can fail on new races only. An entry is keyed by rule, file and
 * a hash of the enclosing function's name and the reported code, never by line number: an edit elsewhere in
 * the file leaves it matching, while changing the racy statement itself (or moving it to another function)
 * makes the finding new again.
 */
export interface BaselineEntry {
  rule: string;
  /** Relative to the baseline file's folder, forward slashes. */
  file: string;
  /** For people reading the file: the enclosing function and the shared location. Not part of the key. */
  context?: string;
  location?: string;
  hash: string;
  /** Identical findings in the same function (rare) are counted rather than listed twice. */
  count: number;
}

interface BaselineFile {
  awaitguardBaseline: 1;
  findings: BaselineEntry[];
}

export interface BaselineOutcome {
  /** The results without the findings the baseline accepts. */
  results: FileResult[];
  matched: number;
  /** Baseline entries (counting repeats) that matched nothing: fixed, deleted or changed code. */
  unmatched: number;
}

export function findingHash(finding: Finding, text: string | undefined): string {
  const code = text === undefined ? '' : text.slice(finding.range.offset[0], finding.range.offset[1]).replace(/\s+/g, ' ').trim();
  return createHash('sha1')
    .update(`${finding.ruleId}\n${finding.context ?? ''}\n${finding.location ?? ''}\n${code}`)
    .digest('hex')
    .slice(0, 16);
}

function keyOf(rule: string, file: string, hash: string): string {
  return `${rule}\u0000${file}\u0000${hash}`;
}

export function buildBaseline(results: readonly FileResult[], baselineFile: string): BaselineFile {
  const dir = path.dirname(baselineFile);
  const entries = new Map<string, BaselineEntry>();
  for (const result of results) {
    const file = displayPath(result.path, dir);
    for (const finding of result.findings) {
      const hash = findingHash(finding, result.text);
      const key = keyOf(finding.ruleId, file, hash);
      const existing = entries.get(key);
      if (existing) {
        existing.count++;
        continue;
      }
      entries.set(key, {
        rule: finding.ruleId,
        file,
        ...(finding.context !== undefined ? { context: finding.context } : {}),
        ...(finding.location !== undefined ? { location: finding.location } : {}),
        hash,
        count: 1,
      });
    }
  }
  // Sorted so the file diffs well in review.
  const findings = [...entries.values()].sort(
    (a, b) => compare(a.file, b.file) || compare(a.rule, b.rule) || compare(a.context ?? '', b.context ?? '') || compare(a.hash, b.hash),
  );
  return { awaitguardBaseline: 1, findings };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function writeBaseline(baselineFile: string, baseline: BaselineFile): void {
  try {
    mkdirSync(path.dirname(baselineFile), { recursive: true });
    writeFileSync(baselineFile, `${JSON.stringify(baseline, null, 2)}\n`);
  } catch (err) {
    throw new UsageError(`cannot write the baseline ${baselineFile}: ${errorMessage(err)}`);
  }
}

export function readBaseline(baselineFile: string, shownAs: string): BaselineFile {
  let text: string;
  try {
    text = readRegularFile(baselineFile).toString('utf8'); // not a plain read: a FIFO would block it forever
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'the file does not exist (create it with --baseline-write)' : errorMessage(err);
    throw new UsageError(`cannot read the baseline ${shownAs}: ${why}`);
  }
  let data: unknown;
  try {
    data = parseJson(text);
  } catch (err) {
    throw new UsageError(`the baseline ${shownAs} is not valid JSON: ${errorMessage(err)}`);
  }
  const findings = (data as Partial<BaselineFile> | null)?.findings;
  if (typeof data !== 'object' || data === null || (data as Partial<BaselineFile>).awaitguardBaseline !== 1 || !Array.isArray(findings)) {
    throw new UsageError(`the baseline ${shownAs} is not an awaitguard baseline (expected {"awaitguardBaseline": 1, "findings": [...]})`);
  }
  findings.forEach((entry: Partial<BaselineEntry>, i) => {
    const ok =
      typeof entry === 'object' &&
      entry !== null &&
      typeof entry.rule === 'string' &&
      typeof entry.file === 'string' &&
      typeof entry.hash === 'string' &&
      (entry.count === undefined || (Number.isSafeInteger(entry.count) && entry.count > 0));
    if (!ok) throw new UsageError(`the baseline ${shownAs} has an invalid entry at findings[${i}] (needs rule, file, hash and a positive count)`);
  });
  return data as BaselineFile;
}

/**
 * `--baseline-prune`: the baseline without what no longer occurs, and nothing added. An entry is cut down to the
 * number of findings that still match it, and dropped at none; entries for files this run did not look at (and
 * that still exist) are kept as they are, as `applyBaseline` does not count them stale.
 */
export function pruneBaseline(results: readonly FileResult[], baseline: BaselineFile, baselineFile: string): { baseline: BaselineFile; removed: number } {
  const dir = path.dirname(baselineFile);
  const occurring = new Map<string, number>();
  for (const result of results) {
    const file = displayPath(result.path, dir);
    for (const finding of result.findings) {
      const key = keyOf(finding.ruleId, file, findingHash(finding, result.text));
      occurring.set(key, (occurring.get(key) ?? 0) + 1);
    }
  }
  const checked = new Set(results.map((r) => displayPath(r.path, dir)));
  let removed = 0;
  const findings: BaselineEntry[] = [];
  for (const entry of baseline.findings) {
    const count = entry.count ?? 1;
    if (!checked.has(entry.file) && existsSync(path.resolve(dir, entry.file))) {
      findings.push(entry);
      continue;
    }
    const key = keyOf(entry.rule, entry.file, entry.hash);
    const kept = Math.min(count, occurring.get(key) ?? 0);
    occurring.set(key, (occurring.get(key) ?? 0) - kept);
    removed += count - kept;
    if (kept > 0) findings.push({ ...entry, count: kept });
  }
  return { baseline: { awaitguardBaseline: 1, findings }, removed };
}

/** Drops the findings the baseline accepts; each entry accepts as many identical findings as its count. */
export function applyBaseline(results: readonly FileResult[], baseline: BaselineFile, baselineFile: string): BaselineOutcome {
  const dir = path.dirname(baselineFile);
  const remaining = new Map<string, number>();
  for (const entry of baseline.findings) {
    const key = keyOf(entry.rule, entry.file, entry.hash);
    const count = entry.count ?? 1;
    remaining.set(key, (remaining.get(key) ?? 0) + count);
  }
  let matched = 0;
  const checked = new Set(results.map((r) => displayPath(r.path, dir)));
  const filtered = results.map((result) => {
    if (result.findings.length === 0) return result;
    const file = displayPath(result.path, dir);
    const findings = result.findings.filter((finding) => {
      const key = keyOf(finding.ruleId, file, findingHash(finding, result.text));
      const left = remaining.get(key) ?? 0;
      if (left === 0) return true;
      remaining.set(key, left - 1);
      matched++;
      return false;
    });
    return findings.length === result.findings.length ? result : { ...result, findings };
  });
  // An entry for a file this run did not look at (`check src/a.ts`) is not stale; one for a deleted file is.
  let unmatched = 0;
  for (const entry of baseline.findings) {
    const left = remaining.get(keyOf(entry.rule, entry.file, entry.hash)) ?? 0;
    if (left === 0) continue;
    remaining.set(keyOf(entry.rule, entry.file, entry.hash), 0);
    if (checked.has(entry.file) || !existsSync(path.resolve(dir, entry.file))) unmatched += left;
  }
  return { results: filtered, matched, unmatched };
}
