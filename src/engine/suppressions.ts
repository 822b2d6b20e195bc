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

/** Sorted, disjoint, inclusive line intervals: `[from0, to0, from1, to1, …]`. */
type Lines = number[];

/**
 * Answers "is this rule off on this line" in O(log n) per finding: a file can hold tens of thousands of
 * findings and of directives, so neither side may be scanned once per element of the other.
 */
export class Suppressions {
  /** For directives that name no rule. */
  private readonly all: Lines;
  private readonly byRule = new Map<string, Lines>();

  constructor(comments: readonly TSESTree.Comment[], lines: LineIndex) {
    const everyRule: Span[] = [];
    const perRule = new Map<string, Span[]>();
    for (const span of directiveSpans(comments, lines)) {
      if (span.rules === null) everyRule.push(span);
      else for (const rule of span.rules) pushTo(perRule, rule, span);
    }
    this.all = mergeSpans(everyRule);
    for (const [rule, spans] of perRule) this.byRule.set(rule, mergeSpans(spans));
  }

  isSuppressed(rule: RuleId, line: number): boolean {
    return covers(this.all, line) || covers(this.byRule.get(rule), line);
  }
}

/** The line spans the directives turn rules off in; an unclosed `disable` runs to the end of the file. */
function directiveSpans(comments: readonly TSESTree.Comment[], lines: LineIndex): Span[] {
  const spans: Span[] = [];
  const open = new OpenDisables();
  for (const c of comments) {
    const m = DIRECTIVE.exec(c.value);
    if (!m) continue;
    const kind = m[1]!;
    const rules = parseRules(m[2]!);
    const line = lines.line(c.range[0]);
    const endLine = lines.line(c.range[1]);
    if (kind === 'disable-next-line') spans.push({ from: endLine + 1, to: endLine + 1, rules });
    else if (kind === 'disable-line') spans.push({ from: line, to: line, rules });
    else if (kind === 'disable') open.add({ from: line, to: Number.MAX_SAFE_INTEGER, rules });
    else for (const o of open.close(rules)) spans.push({ ...o, to: line });
  }
  return spans.concat(open.remaining());
}

/**
 * `disable` directives not yet closed. An `enable` closes the matching ones (all of them when it names no rule):
 * those naming no rule, and those sharing a rule with it. Indexed by rule so an `enable` looks only at what it
 * closes; a span closed through one rule is dropped lazily from its other rules' lists.
 */
class OpenDisables {
  private readonly everyRule: Span[] = [];
  private readonly perRule = new Map<string, Span[]>();
  private readonly closed = new Set<Span>();
  private readonly order: Span[] = [];

  add(span: Span): void {
    this.order.push(span);
    if (span.rules === null) this.everyRule.push(span);
    else for (const rule of span.rules) pushTo(this.perRule, rule, span);
  }

  close(rules: Set<string> | null): Span[] {
    const lists = rules === null ? [this.everyRule, ...this.perRule.values()] : [this.everyRule, ...[...rules].map((r) => this.perRule.get(r) ?? [])];
    const closing: Span[] = [];
    for (const list of lists) {
      for (const span of list) {
        if (this.closed.has(span)) continue;
        this.closed.add(span);
        closing.push(span);
      }
      list.length = 0;
    }
    return closing;
  }

  remaining(): Span[] {
    return this.order.filter((s) => !this.closed.has(s));
  }
}

function pushTo(map: Map<string, Span[]>, key: string, span: Span): void {
  const list = map.get(key);
  if (list) list.push(span);
  else map.set(key, [span]);
}

function mergeSpans(spans: Span[]): Lines {
  const sorted = [...spans].sort((a, b) => a.from - b.from);
  const merged: Lines = [];
  for (const { from, to } of sorted) {
    const last = merged.length - 1;
    if (last > 0 && from <= merged[last]! + 1) merged[last] = Math.max(merged[last]!, to);
    else merged.push(from, to);
  }
  return merged;
}

function covers(intervals: Lines | undefined, line: number): boolean {
  if (!intervals) return false;
  // The last interval starting at or before `line`.
  let lo = 0;
  let hi = intervals.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (intervals[2 * mid]! <= line) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && line <= intervals[2 * (lo - 1) + 1]!;
}

function parseRules(rest: string): Set<string> | null {
  const withoutReason = rest.split(/\s--\s|^--\s/)[0] ?? '';
  const ids = withoutReason
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return ids.length === 0 ? null : new Set(ids);
}
