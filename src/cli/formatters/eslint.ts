import { ruleMeta, type Finding, type Fix, type SourceRange } from '../../engine/index.js';
import { applyEdits } from '../../fixes/index.js';
import type { FileResult, Report } from '../report.js';

/*
 * ESLint's `json` formatter shape (`eslint -f json`): an array of `LintResult`s, one per file, with absolute
 * `filePath`s, 1-based lines and columns, `severity` 1 (warning) or 2 (error), and the counts ESLint adds up. Tools
 * that read ESLint's JSON (review bots, quality dashboards) take awaitguard's findings as they take the ESLint
 * plugin's: rule ids are `awaitguard/<rule>`, fixes are `suggestions` and never an autofix, exactly as the
 * plugin reports them. A parse error is a fatal message with no rule id, an unused directive a message with no
 * rule id, as ESLint reports its own.
 */

interface EslintMessage {
  ruleId: string | null;
  severity: 1 | 2;
  message: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  messageId?: string;
  nodeType: null;
  fatal?: true;
  fix?: { range: [number, number]; text: string };
  suggestions?: { desc: string; fix: { range: [number, number]; text: string } }[];
}

export function formatEslint(report: Report): string {
  return JSON.stringify(report.results.map(lintResult)) + '\n';
}

function lintResult(r: FileResult) {
  const messages: EslintMessage[] = [];
  if (r.parseError) {
    messages.push({ ruleId: null, fatal: true, severity: 2, message: `Parsing error: ${r.parseError.message}`, line: r.parseError.line, column: r.parseError.column + 1, nodeType: null });
  }
  for (const problem of [r.readError && `Cannot read file: ${r.readError}`, r.internalError && `Internal error while analysing this file: ${r.internalError}`]) {
    if (problem) messages.push({ ruleId: null, fatal: true, severity: 2, message: problem, line: 0, column: 0, nodeType: null });
  }
  for (const f of r.findings) messages.push(findingMessage(f, r.text));
  for (const u of r.unusedDirectives ?? []) {
    messages.push({ ruleId: null, severity: u.severity === 'error' ? 2 : 1, message: u.message, ...positions(u.range), nodeType: null, fix: merged(u.fix, r.text)! });
  }
  messages.sort((a, b) => a.line - b.line || a.column - b.column);
  const count = (severity: 1 | 2, fixable = false) => messages.filter((m) => m.severity === severity && (!fixable || m.fix !== undefined)).length;
  return {
    filePath: r.path,
    messages,
    suppressedMessages: [],
    errorCount: count(2),
    fatalErrorCount: messages.filter((m) => m.fatal).length,
    warningCount: count(1),
    fixableErrorCount: count(2, true),
    fixableWarningCount: count(1, true),
    ...(messages.length > 0 && r.text !== undefined ? { source: r.text } : {}),
    usedDeprecatedRules: [],
  };
}

function findingMessage(f: Finding, text: string | undefined): EslintMessage {
  const suggestions = f.fixes.flatMap((fix) => suggestion(fix, text));
  return {
    ruleId: `awaitguard/${f.ruleId}`,
    // ESLint has no "info"; the plugin reports at whatever ESLint severity the user configured, warn by default.
    severity: f.severity === 'error' ? 2 : 1,
    message: f.message,
    ...positions(f.range),
    messageId: ruleMeta(f.ruleId).messageId,
    nodeType: null,
    ...(suggestions.length > 0 ? { suggestions } : {}),
  };
}

/** What the plugin offers as a suggestion: the engine's fixes but the disable comment (ESLint has its own), and only those that need no new file. */
function suggestion(fix: Fix, text: string | undefined): EslintMessage['suggestions'] & object {
  if (fix.kind === 'suppress' || (fix.createFiles?.length ?? 0) > 0) return [];
  const one = merged(fix.edits, text);
  return one ? [{ desc: fix.title, fix: one }] : [];
}

/** ESLint's form of a fix: one replacement of the span the edits cover, as ESLint merges a fixer's edits. */
function merged(edits: readonly { offset: [number, number]; text: string }[], text: string | undefined): { range: [number, number]; text: string } | undefined {
  if (text === undefined || edits.length === 0) return undefined;
  const start = Math.min(...edits.map((e) => e.offset[0]));
  const end = Math.max(...edits.map((e) => e.offset[1]));
  const shifted = edits.map((e) => ({ offset: [e.offset[0] - start, e.offset[1] - start] as [number, number], text: e.text }));
  return { range: [start, end], text: applyEdits(text.slice(start, end), shifted) };
}

function positions(range: SourceRange) {
  return { line: range.start.line, column: range.start.column + 1, endLine: range.end.line, endColumn: range.end.column + 1 };
}
