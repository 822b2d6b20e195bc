import { countResults, describeFiles, plural, UNUSED_DIRECTIVE_ID, type FileResult } from './report.js';
import { interleavingTable } from '../shared/interleavingTable.js';

/** How many findings the summary lists one by one, each with how it happens; the counts cover them all. */
export const SUMMARY_FINDINGS = 25;

/**
 * `--summary FILE`: a Markdown summary of the run, appended to FILE, for a CI job's page (GitHub's
 * `$GITHUB_STEP_SUMMARY`): the counts per rule and severity, the files checked, the files that could not be, and
 * the first findings, each with its interleaving folded under it (a reviewer sees how the race happens without
 * leaving the pull request).
 */
export function jobSummary(results: readonly FileResult[], notes: readonly string[]): string {
  const counts = countResults(results);
  const perRule = new Map<string, { error: number; warning: number; info: number }>();
  const add = (rule: string, severity: 'error' | 'warning' | 'info'): void => {
    const row = perRule.get(rule) ?? { error: 0, warning: 0, info: 0 };
    row[severity]++;
    perRule.set(rule, row);
  };
  for (const r of results) {
    for (const f of r.findings) add(f.ruleId, f.severity);
    for (const u of r.unusedDirectives ?? []) add(UNUSED_DIRECTIVE_ID, u.severity);
  }
  const total = counts.errorCount + counts.warningCount + counts.infoCount;
  let out = '### awaitguard\n\n';
  out += total === 0 ? 'No findings.\n\n' : `**${plural(total, 'finding')}**: ${plural(counts.errorCount, 'error')}, ${plural(counts.warningCount, 'warning')}, ${counts.infoCount} info.\n\n`;
  if (perRule.size > 0) {
    out += '| Rule | Errors | Warnings | Info |\n| --- | ---: | ---: | ---: |\n';
    for (const [rule, n] of [...perRule].sort((a, b) => a[0].localeCompare(b[0]))) out += `| \`${rule}\` | ${n.error} | ${n.warning} | ${n.info} |\n`;
    out += '\n';
  }
  out += `${describeFiles(counts)}.\n`;
  const unreadable = results.filter((r) => r.parseError || r.readError !== undefined || r.internalError !== undefined);
  if (unreadable.length > 0) {
    out += `\nNot analysed: ${unreadable.map((r) => `\`${r.relPath}\` (${r.parseError ? `syntax error, line ${r.parseError.line}` : r.readError !== undefined ? 'unreadable' : 'internal error'})`).join(', ')}.\n`;
  }
  out += findingsList(results);
  for (const note of notes) out += `\n${note}\n`;
  return `${out}\n`;
}

function findingsList(results: readonly FileResult[]): string {
  const all = results.flatMap((r) => r.findings.map((f) => ({ file: r.relPath, f })));
  if (all.length === 0) return '';
  let out = '\n#### Findings\n\n';
  for (const { file, f } of all.slice(0, SUMMARY_FINDINGS)) {
    out += `- \`${file}:${f.range.start.line}\` **${f.ruleId}** (${f.severity}): ${f.message.replace(/\r?\n/g, ' ')}\n`;
    if (f.interleaving) {
      // Blank lines around the table: GitHub reads Markdown inside <details> only then.
      const table = interleavingTable(f.interleaving, (s) => String(s.range.start.line)).map((l) => (l === '' ? '' : `  ${l}`));
      out += `\n  <details><summary>How it happens</summary>\n\n${table.join('\n')}\n\n  </details>\n\n`;
    }
  }
  if (all.length > SUMMARY_FINDINGS) out += `\n…and ${plural(all.length - SUMMARY_FINDINGS, 'more finding')} (see the report).\n`;
  return out;
}
