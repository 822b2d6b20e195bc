import type { Interleaving } from '../../engine/index.js';

/** How a timeline paints: the stylish palette's functions, or none. */
export interface TimelinePaint {
  bold: (s: string) => string;
  dim: (s: string) => string;
  cyan: (s: string) => string;
  yellow: (s: string) => string;
}

const PLAIN: TimelinePaint = { bold: (s) => s, dim: (s) => s, cyan: (s) => s, yellow: (s) => s };

/** A column is as wide as its widest cell, up to this; longer text wraps onto more lines of the same step. */
const MAX_COLUMN = 44;

/**
 * An interleaving as aligned text: a header with the line column and one column per actor, then one row per
 * step, in order, its text in its actor's column, then the outcome. Each returned line has no indent and no
 * newline; the caller indents.
 */
export function timelineLines(timeline: Interleaving, paint: TimelinePaint = PLAIN): string[] {
  const lineWidth = Math.max(4, ...timeline.steps.map((s) => String(s.range.start.line).length));
  const widths = timeline.actors.map((actor, i) =>
    Math.min(MAX_COLUMN, Math.max(actor.label.length, ...timeline.steps.filter((s) => s.actor === i).map((s) => s.text.length))),
  );
  const out: string[] = [];
  const cells = (texts: string[][], first: string): void => {
    const height = Math.max(1, ...texts.map((t) => t.length));
    for (let row = 0; row < height; row++) {
      const lead = row === 0 ? first : ' '.repeat(lineWidth);
      const parts = texts.map((t, i) => (t[row] ?? '').padEnd(widths[i]!));
      out.push(`${lead}  ${parts.join('  ')}`.trimEnd());
    }
  };
  const header = timeline.actors.map((a, i) => wrap(a.label, widths[i]!));
  const headerStart = out.length;
  cells(header, 'line'.padStart(lineWidth));
  for (let i = headerStart; i < out.length; i++) out[i] = paint.bold(out[i]!);
  for (const step of timeline.steps) {
    const texts = timeline.actors.map((_, i) => (i === step.actor ? wrap(step.text, widths[i]!) : []));
    const before = out.length;
    cells(texts, String(step.range.start.line).padStart(lineWidth));
    // The line number dim, the step in its actor's colour: the eye follows one call down its column.
    const colour = step.actor % 2 === 0 ? paint.cyan : paint.yellow;
    for (let i = before; i < out.length; i++) out[i] = paint.dim(out[i]!.slice(0, lineWidth)) + colour(out[i]!.slice(lineWidth));
  }
  out.push(`${' '.repeat(lineWidth)}  → ${timeline.outcome}`);
  return out;
}

/** Words onto lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    if (current === '') current = word;
    else if (current.length + 1 + word.length <= width) current += ' ' + word;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}
