import type { ReportedSeverity, SourceRange, TextEdit } from './findings.js';
import type { LineIndex } from './lines.js';
import type { Directive, Suppressions } from './suppressions.js';

/**
 * A disable directive that suppressed nothing (ESLint's `--report-unused-disable-directives`): it hides
 * nothing today and would hide the next real race on that line. Its fix deletes the directive, or only the
 * rules of its list that suppressed nothing.
 */
export interface UnusedDirective {
  range: SourceRange;
  severity: ReportedSeverity;
  message: string;
  /** Removes the directive (its whole line when nothing else is on it), or the unused rules from its list. */
  fix: TextEdit[];
  /** Whether `fix` removes the whole directive; false when rules of its list that did suppress something stay. */
  whole: boolean;
}

export function unusedDirectives(suppressions: Suppressions, text: string, lines: LineIndex, severity: ReportedSeverity): UnusedDirective[] {
  return suppressions.unused().map(({ directive, rules }) => {
    const [start, end] = directive.comment.range;
    const name = `${directive.tool}-${directive.kind}`;
    const from = rules === null ? '' : ` from ${rules.map((r) => `'${spelled(directive, r)}'`).join(' or ')}`;
    const fix = removal(directive, rules, text);
    return {
      range: { start: lines.position(start), end: lines.position(end), offset: [start, end] },
      severity,
      message: `Unused ${name} directive (no problems were reported${from}).`,
      fix: [fix.edit],
      whole: fix.whole,
    };
  });
}

/** How the directive wrote rule `id`: `lost-update`, or `awaitguard/lost-update`. */
function spelled(directive: Directive, id: string): string {
  return directive.written.find((w) => w === id || w === `awaitguard/${id}`) ?? id;
}

function removal(directive: Directive, unused: string[] | null, text: string): { edit: TextEdit; whole: boolean } {
  const { comment } = directive;
  const idle = new Set(unused?.map((id) => spelled(directive, id)));
  const kept = unused === null ? [] : directive.written.filter((w) => !idle.has(w));
  if (kept.length > 0) {
    const lead = /^\s*/.exec(comment.value)![0];
    const value = `${lead}${directive.tool}-${directive.kind} ${kept.join(', ')}${directive.reason}`;
    const rewritten = comment.type === 'Line' ? `//${value}` : `/*${value}${/\s$/.test(comment.value) && !/\s$/.test(value) ? ' ' : ''}*/`;
    return { edit: { offset: [comment.range[0], comment.range[1]], text: rewritten }, whole: false };
  }
  return { edit: wholeComment(comment.range, text), whole: true };
}

/**
 * The comment and what only it needs: its whole line (with the line break) when nothing else is on it, else the
 * comment and the blanks before it (`run(); // awaitguard-disable-line`).
 */
function wholeComment([start, end]: [number, number], text: string): TextEdit {
  let lineStart = start;
  while (lineStart > 0 && (text[lineStart - 1] === ' ' || text[lineStart - 1] === '\t')) lineStart--;
  let lineEnd = end;
  while (lineEnd < text.length && (text[lineEnd] === ' ' || text[lineEnd] === '\t')) lineEnd++;
  const startsLine = lineStart === 0 || text[lineStart - 1] === '\n' || text[lineStart - 1] === '\r';
  const endsLine = lineEnd === text.length || text[lineEnd] === '\n' || text[lineEnd] === '\r';
  const removed = (from: number, to: number, replacement = ''): TextEdit => ({ offset: [from, to], text: replacement });
  if (startsLine && endsLine) {
    if (text.startsWith('\r\n', lineEnd)) return removed(lineStart, lineEnd + 2);
    if (lineEnd < text.length) return removed(lineStart, lineEnd + 1);
    // The last line: take the break before it instead, so the file does not end in a blank line it did not have.
    if (lineStart > 0) return removed(text[lineStart - 2] === '\r' && text[lineStart - 1] === '\n' ? lineStart - 2 : lineStart - 1, lineEnd);
    return removed(lineStart, lineEnd);
  }
  if (startsLine) return removed(start, lineEnd);
  if (endsLine) return removed(lineStart, end);
  // Code on both sides (`a /* awaitguard-disable-line */ b`): one blank stays between them, so no two tokens merge.
  return removed(lineStart, lineEnd, ' ');
}
