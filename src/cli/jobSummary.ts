import { countResults, describeFiles, plural, UNUSED_DIRECTIVE_ID, type FileResult } from './report.js';

/**
 * `--summary FILE`: a Markdown summary of the run, appended to FILE, for a CI job's page (GitHub's
 * `$GITHUB_STEP_SUMMARY`): the counts per rule and severity, the files checked, and the files that could not be.
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
  for (const note of notes) out += `\n${note}\n`;
  return `${out}\n`;
}
