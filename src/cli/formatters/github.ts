import type { Finding, Interleaving } from '../../engine/index.js';
import { UNUSED_DIRECTIVE_ID, type FormatOptions, type Report } from '../report.js';

/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`), one per finding; the runner turns them into
 * annotations on the run and the pull request. Paths are relative to the working folder, which GitHub resolves
 * against the workspace: run awaitguard from the repository root.
 */
export function formatGithub(report: Report, { explain }: Partial<FormatOptions> = {}): string {
  const lines: string[] = [];
  for (const r of report.results) {
    if (r.parseError) {
      lines.push(
        command('error', { file: r.relPath, line: r.parseError.line, col: r.parseError.column + 1, title: 'awaitguard(parsing error)' }, `Parsing error: ${r.parseError.message}`),
      );
    }
    if (r.readError !== undefined) lines.push(command('error', { file: r.relPath, title: 'awaitguard' }, `Cannot read file: ${r.readError}`));
    if (r.internalError !== undefined) {
      lines.push(command('error', { file: r.relPath, title: 'awaitguard(internal error)' }, `Internal error while analysing this file: ${r.internalError}`));
    }
    if (r.skipped !== undefined) lines.push(command('notice', { file: r.relPath, title: 'awaitguard' }, `File skipped: ${r.skipped}`));
    if (r.fixError !== undefined) lines.push(command('warning', { file: r.relPath, title: 'awaitguard' }, `File not fixed: ${r.fixError}`));
    for (const f of r.findings) lines.push(findingCommand(r.relPath, f, explain === true));
    for (const u of r.unusedDirectives ?? []) {
      const kind = u.severity === 'error' ? 'error' : u.severity === 'warning' ? 'warning' : 'notice';
      lines.push(command(kind, { file: r.relPath, line: u.range.start.line, col: u.range.start.column + 1, title: `awaitguard(${UNUSED_DIRECTIVE_ID})` }, u.message));
    }
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

function findingCommand(file: string, f: Finding, explain: boolean): string {
  const { start, end } = f.range;
  const props: Record<string, string | number> = { file, line: start.line };
  // GitHub only honours columns when the annotation stays on one line.
  if (start.line === end.line) {
    props.col = start.column + 1;
    props.endLine = end.line;
    props.endColumn = Math.max(end.column + 1, start.column + 1);
  } else {
    props.endLine = end.line;
  }
  props.title = `awaitguard(${f.ruleId})`;
  const related = f.related.map((r) => `\n↳ ${r.range.start.line}:${r.range.start.column + 1} ${r.message}`).join('');
  const kind = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'notice';
  return command(kind, props, f.message + related + (explain && f.interleaving ? steps(f.interleaving) : ''));
}

/** An annotation is not monospaced: the interleaving as a numbered list of steps rather than a table. */
function steps(timeline: Interleaving): string {
  const list = timeline.steps.map((s, i) => `\n${i + 1}. ${timeline.actors[s.actor]!.id}, line ${s.range.start.line}: ${s.text}`).join('');
  return `\n\nInterleaving (${timeline.actors.map((a) => `${a.id}: ${a.label}`).join('; ')}):${list}\n→ ${timeline.outcome}`;
}

function command(kind: 'error' | 'warning' | 'notice', props: Record<string, string | number>, message: string): string {
  const list = Object.entries(props)
    .map(([k, v]) => `${k}=${escapeProperty(String(v))}`)
    .join(',');
  return `::${kind} ${list}::${escapeData(message)}`;
}

/** @actions/core `escapeData`. */
export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** @actions/core `escapeProperty`. */
export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
