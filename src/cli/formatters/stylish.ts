import type { Interleaving, RelatedLocation } from '../../engine/index.js';
import { countResults, describeFiles, plural, type FormatOptions, type Report } from '../report.js';
import { unifiedDiff } from '../unifiedDiff.js';
import { timelineLines } from './timeline.js';

interface Row {
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'info' | 'skipped' | 'not fixed';
  message: string;
  ruleId: string;
  related: RelatedLocation[];
  interleaving?: Interleaving;
}

type Paint = (s: string) => string;

function palette(color: boolean): Record<'red' | 'green' | 'yellow' | 'blue' | 'cyan' | 'dim' | 'bold' | 'underline', Paint> {
  const sgr =
    (open: number, close: number): Paint =>
    (s) =>
      color && s !== '' ? `\u001b[${open}m${s}\u001b[${close}m` : s;
  return { red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), blue: sgr(34, 39), cyan: sgr(36, 39), dim: sgr(2, 22), bold: sgr(1, 22), underline: sgr(4, 24) };
}

/**
 * ESLint's stylish look: the file path, then one aligned row per problem
 * (`line:col  severity  message  rule-id`), the related locations under it, and a summary line.
 * Prints nothing when there is nothing to report.
 */
export function formatStylish(report: Report, { color, explain }: FormatOptions): string {
  const c = palette(color);
  // --fix-dry-run: what the fixes would change, as `git diff` shows it, before what would be left to report.
  let out = report.results.map((r) => (r.fixPreview ? colorDiff(unifiedDiff(r.relPath, r.fixPreview.before, r.fixPreview.after), c) : '')).join('');
  for (const r of report.results) {
    const rows: Row[] = [];
    if (r.parseError) {
      rows.push(row(r.parseError.line, r.parseError.column + 1, 'error', `Parsing error: ${r.parseError.message}`));
    }
    if (r.readError !== undefined) rows.push(row(0, 0, 'error', `Cannot read file: ${r.readError}`));
    if (r.internalError !== undefined) rows.push(row(0, 0, 'error', `Internal error while analysing this file: ${r.internalError}`));
    if (r.skipped !== undefined) rows.push(row(0, 0, 'skipped', `File skipped: ${r.skipped}`));
    if (r.fixError !== undefined) rows.push(row(0, 0, 'not fixed', `File not fixed: ${r.fixError}`));
    for (const f of r.findings) {
      rows.push({
        line: f.range.start.line,
        column: f.range.start.column + 1,
        severity: f.severity,
        // Like ESLint: no final period before the rule id.
        message: f.message.replace(/([^ ])\.$/u, '$1'),
        ruleId: f.ruleId,
        related: f.related,
        ...(explain && f.interleaving ? { interleaving: f.interleaving } : {}),
      });
    }
    // Like ESLint: an unused directive is nobody's rule, so it has no rule id.
    for (const u of r.unusedDirectives ?? []) rows.push(row(u.range.start.line, u.range.start.column + 1, u.severity, u.message.replace(/\.$/u, '')));
    if (rows.length === 0) continue;

    const lineWidth = widest(rows.map((x) => String(x.line).length));
    const columnWidth = widest(rows.map((x) => String(x.column).length));
    const severityWidth = widest(rows.map((x) => x.severity.length));
    const messageWidth = widest(rows.filter((x) => x.ruleId !== '').map((x) => x.message.length));
    const relatedIndent = ' '.repeat(2 + lineWidth + 1 + columnWidth + 2);

    out += `\n${c.underline(r.relPath)}\n`;
    for (const x of rows) {
      const position = c.dim(`${String(x.line).padStart(lineWidth)}:${String(x.column).padEnd(columnWidth)}`);
      const paint = x.severity === 'error' ? c.red : x.severity === 'warning' || x.severity === 'not fixed' ? c.yellow : x.severity === 'info' ? c.blue : c.dim;
      const severity = paint(x.severity) + ' '.repeat(severityWidth - x.severity.length);
      const message = x.ruleId === '' ? x.message : x.message.padEnd(messageWidth);
      out += `  ${position}  ${severity}  ${message}${x.ruleId === '' ? '' : `  ${c.dim(x.ruleId)}`}`.trimEnd() + '\n';
      for (const rel of x.related) {
        out += `${relatedIndent}${c.dim(`↳ ${rel.range.start.line}:${rel.range.start.column + 1}`)} ${rel.message}\n`;
      }
      if (x.interleaving) {
        out += `${relatedIndent}${c.bold('interleaving:')}\n`;
        for (const l of timelineLines(x.interleaving, c)) out += `${relatedIndent}  ${l}\n`;
        out += '\n';
      }
    }
  }

  const counts = countResults(report.results);
  const errors = counts.errorCount + counts.parseErrorCount + counts.readErrorCount + counts.internalErrorCount;
  const problems = errors + counts.warningCount + counts.infoCount;
  if (problems > 0) {
    const paint = errors > 0 ? c.red : counts.warningCount > 0 ? c.yellow : c.blue;
    const summary =
      `✖ ${plural(problems, 'problem')} ` +
      `(${plural(errors, 'error')}, ${plural(counts.warningCount, 'warning')}, ${plural(counts.infoCount, 'info')})`;
    out += `\n${c.bold(paint(summary))}\n${c.dim(describeFiles(counts))}\n`;
  }
  const notes: string[] = [];
  if (counts.skippedCount > 0) notes.push(`${plural(counts.skippedCount, 'file')} skipped`);
  if (counts.fixErrorCount > 0) notes.push(`${plural(counts.fixErrorCount, 'file')} not fixed`);
  if (notes.length > 0) out += `${problems > 0 ? '' : '\n'}${notes.join('\n')}\n`;
  return out;
}

/** Added lines green, removed red, hunk headers cyan, file headers bold; plain without color. */
function colorDiff(diff: string, c: ReturnType<typeof palette>): string {
  return diff.replace(/^.*$/gm, (line) => {
    if (line.startsWith('+++') || line.startsWith('---')) return c.bold(line);
    if (line.startsWith('@@')) return c.cyan(line);
    if (line.startsWith('+')) return c.green(line);
    if (line.startsWith('-')) return c.red(line);
    return line;
  });
}

function row(line: number, column: number, severity: Row['severity'], message: string): Row {
  return { line, column, severity, message, ruleId: '', related: [] };
}

/** Not `Math.max(...widths)`: a file with a hundred thousand findings would overflow the stack with its arguments. */
function widest(widths: readonly number[]): number {
  let max = 0;
  for (const w of widths) if (w > max) max = w;
  return max;
}
