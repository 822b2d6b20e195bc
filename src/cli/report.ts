import type { FileKind, Finding, ParseError, RuleMeta, UnusedDirective } from '../engine/index.js';

/** What happened to one file. At most one of parseError / readError / internalError / skipped is set. */
export interface FileResult {
  /** Absolute path. */
  path: string;
  /** Relative to the working folder, forward slashes (absolute if on another drive). */
  relPath: string;
  /** Where its code lives (source, test, benchmark, script, generated): rules weigh findings by it. */
  kind?: FileKind;
  /** Sorted by position, then rule id. */
  findings: Finding[];
  /** Disable directives that suppressed nothing, when they are reported (`--report-unused-disable-directives`). */
  unusedDirectives?: UnusedDirective[];
  parseError?: ParseError;
  /** The file could not be read (permission denied, a folder, vanished). */
  readError?: string;
  /** The engine threw: a bug in awaitguard, not in the user's code. */
  internalError?: string;
  /** Not analysed on purpose (too large). */
  skipped?: string;
  /**
   * Not analysed because nobody here wrote it: why (`vendored`, `minified`, `generated marker`, …; `fileKinds`
   * when the project's globs say so). Such a file is counted as `generated`, not as skipped.
   */
  generated?: string;
  /** With --fix: how many fixes were applied and written (with --fix-dry-run: would be). */
  fixed?: number;
  /** With --fix-dry-run: the text before and after the fixes, for files the fixes change. */
  fixPreview?: { before: string; after: string };
  /** With --fix: why fixes found for this file were not written (read-only, a link out of the tree, changed meanwhile). */
  fixError?: string;
  /** With --fix: findings that have a fix the fix loop could not apply (it would not remove them, or a pass limit). */
  unfixed?: number;
  /** Source text, kept for files with findings (SARIF fingerprints hash the reported lines). */
  text?: string;
}

/** How front ends name an unused disable directive where a rule id is expected (SARIF, GitHub annotations). */
export const UNUSED_DIRECTIVE_ID = 'unused-disable-directive';

export interface Report {
  cwd: string;
  version: string;
  /** Every file considered, in output order. */
  results: FileResult[];
  /** Every rule the engine has, in ALL_RULES order (SARIF lists them all; ruleIndex points into this). */
  rules: RuleMeta[];
}

export interface FormatOptions {
  color: boolean;
  /** `--explain`: the stylish format prints each finding's interleaving. */
  explain?: boolean;
}

export type Formatter = (report: Report, options: FormatOptions) => string;

export interface Counts {
  errorCount: number;
  warningCount: number;
  infoCount: number;
  fileCount: number;
  /** Files checked, by where their code lives. */
  filesByKind: Partial<Record<FileKind, number>>;
  parseErrorCount: number;
  readErrorCount: number;
  internalErrorCount: number;
  skippedCount: number;
  /** Files not analysed as generated, by the reason. */
  generatedBy: Record<string, number>;
  /** Files whose fixes were not written; they do not change the exit code (their findings do). */
  fixErrorCount: number;
}

export function countResults(results: readonly FileResult[]): Counts {
  const counts: Counts = {
    errorCount: 0,
    warningCount: 0,
    infoCount: 0,
    fileCount: results.length,
    filesByKind: {},
    parseErrorCount: 0,
    readErrorCount: 0,
    internalErrorCount: 0,
    skippedCount: 0,
    generatedBy: {},
    fixErrorCount: 0,
  };
  for (const r of results) {
    if (r.parseError) counts.parseErrorCount++;
    if (r.readError !== undefined) counts.readErrorCount++;
    if (r.internalError !== undefined) counts.internalErrorCount++;
    if (r.skipped !== undefined) counts.skippedCount++;
    if (r.generated !== undefined) counts.generatedBy[r.generated] = (counts.generatedBy[r.generated] ?? 0) + 1;
    if (r.fixError !== undefined) counts.fixErrorCount++;
    if (r.kind) counts.filesByKind[r.kind] = (counts.filesByKind[r.kind] ?? 0) + 1;
    for (const f of [...r.findings, ...(r.unusedDirectives ?? [])]) {
      if (f.severity === 'error') counts.errorCount++;
      else if (f.severity === 'warning') counts.warningCount++;
      else counts.infoCount++;
    }
  }
  return counts;
}

/**
 * `1,024 files checked: 900 source, 120 test, 4 script; 12 generated files skipped (9 minified, 3 vendored)`.
 * Generated files are not counted as checked.
 */
export function describeFiles(counts: Counts): string {
  const generated = Object.values(counts.generatedBy).reduce((a, b) => a + b, 0);
  const kinds = Object.entries(counts.filesByKind).flatMap(([k, n]) => {
    const checked = k === 'generated' ? n - generated : n;
    return checked > 0 ? [`${checked} ${k}`] : [];
  });
  const checked = `${plural(counts.fileCount - generated, 'file')} checked${kinds.length > 0 ? `: ${kinds.join(', ')}` : ''}`;
  if (generated === 0) return checked;
  const reasons = Object.entries(counts.generatedBy).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([why, n]) => `${n} ${why}`);
  return `${checked}; ${plural(generated, 'generated file')} skipped (${reasons.join(', ')}; --include-generated checks them)`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
