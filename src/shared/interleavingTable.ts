import type { Interleaving, InterleavingStep } from '../engine/index.js';

/**
 * An interleaving as a Markdown table: a column for the line, one per concurrent call, a row per step in order
 * (its text in its call's column), then the outcome. `lineCell` writes a step's line (a link, where the front end
 * can make one). For hovers (the language server) and CI job summaries (the CLI).
 */
export function interleavingTable(timeline: Interleaving, lineCell: (step: InterleavingStep) => string): string[] {
  return [
    `| line | ${timeline.actors.map((a) => cell(a.label)).join(' | ')} |`,
    `|---:|${timeline.actors.map(() => '---').join('|')}|`,
    ...timeline.steps.map((s) => `| ${lineCell(s)} | ${timeline.actors.map((_, i) => (i === s.actor ? cell(s.text) : ' ')).join(' | ')} |`),
    '',
    `→ ${timeline.outcome}`,
  ];
}

/** GFM splits table cells at `|` before it reads code spans, so a `|` is escaped even inside one. */
function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
