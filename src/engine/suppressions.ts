import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { LineIndex } from './lines.js';
import type { RuleId } from './rules/meta.js';

/*
 * ESLint-style directives:
 *   // awaitguard-disable-next-line lost-update -- why
 *   // awaitguard-disable-line
 *   /* awaitguard-disable check-then-act *\/ … /* awaitguard-enable *\/
 * No rule list means every rule. A team that already lints writes ESLint's own directives, naming the plugin's
 * rules (`// eslint-disable-next-line awaitguard/lost-update`): they count here too, so the CLI, the editor and
 * the plugin agree. An `eslint-…` directive that names none of awaitguard's rules (or no rule at all) is ESLint's
 * business and is ignored.
 */

const DIRECTIVE = /^\s*(awaitguard|eslint)-(disable-next-line|disable-line|disable|enable)(?=\s|$)([^]*)$/;
const PLUGIN_PREFIX = 'awaitguard/';

/** Can `text` hold a directive? Parsers skip collecting comments when it cannot (a third of typescript-estree's parse). */
export function mayHoldDirective(text: string): boolean {
  return text.includes('awaitguard-') || text.includes(PLUGIN_PREFIX);
}

type DirectiveKind = 'disable-next-line' | 'disable-line' | 'disable' | 'enable';

/** One directive comment, as written. */
export interface Directive {
  comment: TSESTree.Comment;
  /** `awaitguard` or `eslint`: how the directive is spelled. */
  tool: 'awaitguard' | 'eslint';
  kind: DirectiveKind;
  /** awaitguard's rule ids it names (without the `awaitguard/` prefix); null: every rule. */
  rules: string[] | null;
  /** Every entry of its rule list as written, in order, including other plugins' rules of an `eslint-` directive. */
  written: string[];
  /** The reason after ` -- `, as written (with its separator), or ''. */
  reason: string;
}

interface Span {
  from: number;
  to: number;
  rules: Set<string> | null;
  directive: Directive;
}

/** Sorted, disjoint, inclusive line intervals: `[from0, to0, from1, to1, …]`. */
type Lines = number[];

/**
 * Answers "is this rule off on this line" in O(log n) per finding: a file can hold tens of thousands of
 * findings and of directives, so neither side may be scanned once per element of the other. Which directive did
 * the suppressing is looked up only for suppressed findings, and only when unused directives are reported.
 */
export class Suppressions {
  /** For directives that name no rule. */
  private readonly all: Lines;
  private readonly byRule = new Map<string, Lines>();
  private readonly spans: Span[];
  readonly directives: Directive[];
  private readonly track: boolean;
  /** Per directive, the rules it suppressed a finding of ('*' for a directive naming no rule). */
  private readonly used = new Map<Directive, Set<string>>();

  /**
   * `track`: remember which directives suppressed something (see `unused`). `eslint`: whether `eslint-…`
   * directives count; ESLint applies them itself to the plugin's problems, and counts one as used only when the
   * plugin reported the problem it suppresses.
   */
  constructor(comments: readonly TSESTree.Comment[], lines: LineIndex, options: { track?: boolean; eslint?: boolean } = {}) {
    this.track = options.track ?? false;
    this.directives = parseDirectives(comments).filter((d) => d.tool === 'awaitguard' || options.eslint !== false);
    this.spans = directiveSpans(this.directives, lines);
    const everyRule: Span[] = [];
    const perRule = new Map<string, Span[]>();
    for (const span of this.spans) {
      if (span.rules === null) everyRule.push(span);
      else for (const rule of span.rules) pushTo(perRule, rule, span);
    }
    this.all = mergeSpans(everyRule);
    for (const [rule, spans] of perRule) this.byRule.set(rule, mergeSpans(spans));
  }

  isSuppressed(rule: RuleId, line: number): boolean {
    const suppressed = covers(this.all, line) || covers(this.byRule.get(rule), line);
    if (suppressed && this.track) {
      // ESLint counts a finding as used by every directive that covers it.
      for (const span of this.spans) {
        if (line < span.from || line > span.to || (span.rules !== null && !span.rules.has(rule))) continue;
        let set = this.used.get(span.directive);
        if (!set) this.used.set(span.directive, (set = new Set()));
        set.add(span.rules === null ? '*' : rule);
      }
    }
    return suppressed;
  }

  /** The disable directives (and the rules of each) that suppressed nothing; needs `track`. */
  unused(): { directive: Directive; rules: string[] | null }[] {
    const out: { directive: Directive; rules: string[] | null }[] = [];
    for (const d of this.directives) {
      if (d.kind === 'enable') continue;
      const used = this.used.get(d);
      if (d.rules === null) {
        if (!used) out.push({ directive: d, rules: null });
        continue;
      }
      const idle = d.rules.filter((r) => !used?.has(r));
      if (idle.length > 0) out.push({ directive: d, rules: idle });
    }
    return out;
  }
}

function parseDirectives(comments: readonly TSESTree.Comment[]): Directive[] {
  const out: Directive[] = [];
  for (const comment of comments) {
    const m = DIRECTIVE.exec(comment.value);
    if (!m) continue;
    const tool = m[1] as Directive['tool'];
    const kind = m[2] as DirectiveKind;
    const [list, reason] = splitReason(m[3]!);
    const written = list
      .split(/[\s,]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    let rules: string[] | null;
    if (tool === 'eslint') {
      rules = written.filter((r) => r.startsWith(PLUGIN_PREFIX)).map((r) => r.slice(PLUGIN_PREFIX.length));
      if (rules.length === 0) continue;
    } else {
      rules = written.length === 0 ? null : written.map((r) => (r.startsWith(PLUGIN_PREFIX) ? r.slice(PLUGIN_PREFIX.length) : r));
    }
    out.push({ comment, tool, kind, rules, written, reason });
  }
  return out;
}

/** `lost-update, check-then-act -- why` -> [`lost-update, check-then-act`, ` -- why`]. */
function splitReason(rest: string): [string, string] {
  const m = /(^|\s)--(\s|$)/.exec(rest);
  if (!m) return [rest, ''];
  return [rest.slice(0, m.index), rest.slice(m.index)];
}

/** The line spans the directives turn rules off in; an unclosed `disable` runs to the end of the file. */
function directiveSpans(directives: readonly Directive[], lines: LineIndex): Span[] {
  const spans: Span[] = [];
  const open = new OpenDisables();
  for (const directive of directives) {
    const { comment: c, kind } = directive;
    const rules = directive.rules === null ? null : new Set(directive.rules);
    const line = lines.line(c.range[0]);
    const endLine = lines.line(c.range[1]);
    if (kind === 'disable-next-line') spans.push({ from: endLine + 1, to: endLine + 1, rules, directive });
    else if (kind === 'disable-line') spans.push({ from: line, to: line, rules, directive });
    else if (kind === 'disable') open.add({ from: line, to: Number.MAX_SAFE_INTEGER, rules, directive });
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
