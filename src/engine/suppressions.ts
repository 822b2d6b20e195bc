import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { LineIndex } from './lines.js';
import type { RuleId } from './rules/meta.js';

/*
 * ESLint-style directives:
 *   // awaitguard-disable-next-line lost-update -- why
 *   // awaitguard-disable-line
 *   /* awaitguard-disable check-then-act *\/ … /* awaitguard-enable *\/
 * No rule list means every rule.
 */

const DIRECTIVE = /^\s*awaitguard-(disable-next-line|disable-line|disable|enable)\b([^]*)$/;

interface Span {
  from: number;
  to: number;
  rules: Set<string> | null;
}

export class Suppressions {
  private readonly spans: Span[] = [];

  constructor(comments: readonly TSESTree.Comment[], lines: LineIndex) {
    const open: { line: number; rules: Set<string> | null }[] = [];
    for (const c of comments) {
      const m = DIRECTIVE.exec(c.value);
      if (!m) continue;
      const kind = m[1]!;
      const rules = parseRules(m[2]!);
      const line = lines.line(c.range[0]);
      const endLine = lines.line(c.range[1]);
      if (kind === 'disable-next-line') this.spans.push({ from: endLine + 1, to: endLine + 1, rules });
      else if (kind === 'disable-line') this.spans.push({ from: line, to: line, rules });
      else if (kind === 'disable') open.push({ line, rules });
      else {
        // enable closes the matching disables (all of them when it names no rule).
        for (let i = open.length - 1; i >= 0; i--) {
          const o = open[i]!;
          if (rules === null || o.rules === null || [...rules].some((r) => o.rules!.has(r))) {
            this.spans.push({ from: o.line, to: line, rules: o.rules });
            open.splice(i, 1);
          }
        }
      }
    }
    for (const o of open) this.spans.push({ from: o.line, to: Number.MAX_SAFE_INTEGER, rules: o.rules });
  }

  isSuppressed(rule: RuleId, line: number): boolean {
    return this.spans.some((s) => line >= s.from && line <= s.to && (s.rules === null || s.rules.has(rule)));
  }
}

function parseRules(rest: string): Set<string> | null {
  const withoutReason = rest.split(/\s--\s|^--\s/)[0] ?? '';
  const ids = withoutReason
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return ids.length === 0 ? null : new Set(ids);
}
