import type { Finding, SourceRange, UnusedDirective } from '../../engine/index.js';
import { countResults, type Report } from '../report.js';
import { textEdits } from '../unifiedDiff.js';

/** Bumped when the shape below changes incompatibly. */
export const JSON_FORMAT_VERSION = 1;

/**
 * Machine-readable report. Each finding keeps the engine's `range` as is (ESTree: 1-based lines, 0-based columns,
 * [start, end) offsets) and adds ESLint-style 1-based `line`/`column`/`endLine`/`endColumn` (end exclusive);
 * fixes are summarised as `fixCount`. Every analysed file has an entry, clean ones with `findings: []`.
 */
export function formatJson(report: Report): string {
  const counts = countResults(report.results);
  const output = {
    version: report.version,
    formatVersion: JSON_FORMAT_VERSION,
    results: report.results.map((r) => ({
      filePath: r.relPath,
      ...(r.kind ? { kind: r.kind } : {}),
      ...(r.parseError ? { parseError: { ...r.parseError } } : {}),
      ...(r.readError !== undefined ? { readError: r.readError } : {}),
      ...(r.internalError !== undefined ? { internalError: r.internalError } : {}),
      ...(r.skipped !== undefined ? { skipped: r.skipped } : {}),
      ...(r.generated !== undefined ? { generated: r.generated } : {}),
      ...(r.fixError !== undefined ? { fixError: r.fixError } : {}),
      findings: r.findings.map(jsonFinding),
      ...(r.unusedDirectives ? { unusedDirectives: r.unusedDirectives.map(jsonDirective) } : {}),
      // --fix-dry-run: the edits that turn the file into `output` (offsets into the file as it is), as ESLint's `output`.
      ...(r.fixPreview ? { fixedCount: r.fixed ?? 0, fixEdits: textEdits(r.fixPreview.before, r.fixPreview.after), output: r.fixPreview.after } : {}),
    })),
    summary: {
      errorCount: counts.errorCount,
      warningCount: counts.warningCount,
      infoCount: counts.infoCount,
      fileCount: counts.fileCount,
      filesByKind: counts.filesByKind,
      parseErrorCount: counts.parseErrorCount,
      readErrorCount: counts.readErrorCount,
      internalErrorCount: counts.internalErrorCount,
      skippedCount: counts.skippedCount,
      generatedBy: counts.generatedBy,
      fixErrorCount: counts.fixErrorCount,
    },
  };
  return JSON.stringify(output, null, 2) + '\n';
}

function jsonFinding(f: Finding) {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    message: f.message,
    confidence: f.confidence,
    ...oneBased(f.range),
    ...(f.location !== undefined ? { location: f.location } : {}),
    range: f.range,
    related: f.related.map((r) => ({ message: r.message, ...oneBased(r.range), range: r.range })),
    ...(f.interleaving
      ? {
          interleaving: {
            actors: f.interleaving.actors,
            steps: f.interleaving.steps.map((s) => ({ actor: s.actor, text: s.text, ...oneBased(s.range), range: s.range })),
            outcome: f.interleaving.outcome,
          },
        }
      : {}),
    fixCount: f.fixes.length,
  };
}

/** An unused disable directive (present with --report-unused-disable-directives); `fix` removes it. */
function jsonDirective(u: UnusedDirective) {
  return { severity: u.severity, message: u.message, ...oneBased(u.range), range: u.range, fix: u.fix };
}

function oneBased(range: SourceRange) {
  return {
    line: range.start.line,
    column: range.start.column + 1,
    endLine: range.end.line,
    endColumn: range.end.column + 1,
  };
}
