/*
 * Glob matching whose cost is bounded by (path length) × (pattern length), whatever the pattern (times a
 * segment's length for each `!(…)`).
 *
 * A backtracking regex (what picomatch compiles to) takes time exponential in the number of wildcards
 * on a name that almost matches: `*a*a*a*a*a*a*a*a*b` spent 23 s on one file name. Here a pattern is
 * compiled to a nondeterministic automaton and run on all its states at once (Thompson's construction),
 * so each character of the path is looked at once per state.
 *
 * Syntax (picomatch's, which the config documented): `*` and `?` within one path segment, `**` as a whole
 * segment for any number of segments (`a/**` also matches `a`), `[abc]`, `[a-z]`, `[!a]`/`[^a]`,
 * `[[:alpha:]]`, `{a,b}` (nestable, may hold `/`), `{1..5}` and `{a..e}`, extglobs `@(a|b)`, `?(a)`,
 * `*(a)`, `+(a)`, `!(a)` (anything in a segment but `a`), `\` to escape, and a leading `!` to negate the
 * whole pattern. Without `dot`, `*`, `?`, `**` and `!(…)` do not match a `.` that starts a segment.
 */

export interface GlobOptions {
  /** Wildcards match names that start with a dot. */
  dot?: boolean;
}

/**
 * Brace groups holding `/` or `**` are spelled out into whole patterns, at most this many; past it the rest
 * stay alternatives within one pattern (where a `**` inside acts as `*`), so no pattern costs more.
 */
const MAX_EXPANSIONS = 64;

export function compileGlob(pattern: string, options: GlobOptions = {}): (path: string) => boolean {
  let negated = false;
  let body = pattern;
  while (body.startsWith('!') && !body.startsWith('!(')) {
    negated = !negated;
    body = body.slice(1);
  }
  if (body.startsWith('./')) body = body.slice(2);
  const dot = options.dot === true;
  const alternatives = expandStructuralBraces(body).map((alt) => matcher(new Parser(alt).parse(), dot));
  return (path) => alternatives.some((m) => m(path)) !== negated;
}

/** Literal text at either end is checked first: most paths fail there, without running the automaton. */
function matcher(glob: Glob, dot: boolean): (path: string) => boolean {
  const items = glob.kind === 'seq' ? glob.items : [glob];
  const literalAt = (k: number) => (items[k]?.kind === 'char' ? items[k].test.literal : undefined);
  let head = 0;
  while (literalAt(head) !== undefined) head++;
  const prefix = items.slice(0, head).map((_, k) => literalAt(k)).join('');
  if (head === items.length) return (path) => path === prefix;
  let tail = items.length;
  while (tail > head && literalAt(tail - 1) !== undefined) tail--;
  const suffix = items.slice(tail).map((_, k) => literalAt(tail + k)).join('');
  const m = compile(glob);
  const run = bitMatcher(m, dot) ?? ((path: string) => matches(m, path, dot));
  return (path) => path.startsWith(prefix) && path.endsWith(suffix) && run(path);
}

// ---- syntax ------------------------------------------------------------------------------------

type Glob =
  | { kind: 'seq'; items: Glob[] }
  | { kind: 'alt'; options: Glob[] }
  | { kind: 'repeat'; item: Glob; min: 0 | 1; many: boolean }
  | { kind: 'not'; item: Glob }
  | { kind: 'char'; test: CharTest }
  | { kind: 'star' }
  | { kind: 'globstar'; form: 'prefix' | 'suffix' | 'all' };

/** `wild`: a wildcard, so it does not match a dot that starts a segment (without the `dot` option). */
interface CharTest {
  wild: boolean;
  has: (c: string) => boolean;
  /** The one character it matches, if it is a literal. */
  literal?: string;
}

const literal = (ch: string): Glob => ({ kind: 'char', test: { wild: false, has: (c) => c === ch, literal: ch } });
const SLASH = literal('/');

class Parser {
  private i = 0;

  constructor(private readonly src: string) {}

  parse(): Glob {
    return this.sequence(() => false);
  }

  /** Items up to the end, or up to where `stop` says (it sees the next character). */
  private sequence(stop: (c: string) => boolean): Glob {
    const items: Glob[] = [];
    while (this.i < this.src.length && !stop(this.src[this.i]!)) items.push(this.item(items));
    return { kind: 'seq', items };
  }

  private item(before: Glob[]): Glob {
    const { src } = this;
    const c = src[this.i]!;
    const next = src[this.i + 1];
    if ('@?+*!'.includes(c) && next === '(' && this.closes(this.i + 1, '(', ')')) return this.extglob(c);
    if (c === '*' && next === '*' && this.atSegmentStart() && this.segmentEndsAt(this.i + 2)) return this.globstar(before);
    this.i++;
    if (c === '*') {
      while (src[this.i] === '*' && src[this.i + 1] !== '(') this.i++;
      return { kind: 'star' };
    }
    if (c === '?') return { kind: 'char', test: { wild: true, has: (x) => x !== '/' } };
    if (c === '[') return this.bracket() ?? literal('[');
    if (c === '{') return this.brace() ?? literal('{');
    if (c === '\\' && this.i < src.length) return literal(src[this.i++]!);
    return c === '/' ? SLASH : literal(c);
  }

  private atSegmentStart(): boolean {
    return this.i === 0 || this.src[this.i - 1] === '/';
  }

  private segmentEndsAt(at: number): boolean {
    return at === this.src.length || this.src[at] === '/';
  }

  /**
   * `**` as a whole segment. `a/**\/b` matches `a/b` too, and `a/**` matches `a`: the slash that follows
   * (or, at the end, the one before) belongs to the globstar.
   */
  private globstar(before: Glob[]): Glob {
    this.i += 2;
    if (this.i < this.src.length) {
      this.i++; // the '/' after it
      return { kind: 'globstar', form: 'prefix' };
    }
    if (before[before.length - 1] === SLASH) {
      before.pop();
      return { kind: 'globstar', form: 'suffix' };
    }
    return { kind: 'globstar', form: 'all' };
  }

  private extglob(kind: string): Glob {
    this.i += 2;
    const options = this.alternatives('|', ')');
    const item: Glob = options.length === 1 ? options[0]! : { kind: 'alt', options };
    if (kind === '@') return item;
    if (kind === '!') return { kind: 'not', item };
    if (kind === '?') return { kind: 'repeat', item, min: 0, many: false };
    return { kind: 'repeat', item, min: kind === '+' ? 1 : 0, many: true };
  }

  /** Alternatives separated by `sep` up to the closing `close`, which is consumed. */
  private alternatives(sep: string, close: string): Glob[] {
    const options: Glob[] = [];
    for (;;) {
      options.push(this.nested(sep, close));
      const c = this.src[this.i++];
      if (c === close || c === undefined) return options;
    }
  }

  /** A sequence inside a group: stops at `sep` or `close` at this nesting level. */
  private nested(sep: string, close: string): Glob {
    return this.sequence((c) => c === sep || c === close);
  }

  /** `{a,b}` or `{1..3}`; null (the `{` is literal) without a comma or range, or without a closing brace. */
  private brace(): Glob | null {
    const open = this.i - 1;
    if (!this.closes(open, '{', '}')) return null;
    const range = /^\{(-?\d+|[a-zA-Z])\.\.(-?\d+|[a-zA-Z])\}/.exec(this.src.slice(open));
    if (range) {
      const alternatives = rangeAlternatives(range[1]!, range[2]!);
      if (alternatives) {
        this.i = open + range[0].length;
        return { kind: 'alt', options: alternatives.map((s) => ({ kind: 'seq', items: [...s].map(literal) })) };
      }
    }
    const start = this.i;
    const options = this.alternatives(',', '}');
    if (options.length > 1) return { kind: 'alt', options };
    this.i = start;
    return null;
  }

  /** `[...]`; null (the `[` is literal) when it is not closed. */
  private bracket(): Glob | null {
    const { src } = this;
    let j = this.i;
    const negate = src[j] === '!' || src[j] === '^';
    if (negate) j++;
    const tests: ((c: string) => boolean)[] = [];
    let first = true;
    while (j < src.length && (src[j] !== ']' || first)) {
      first = false;
      const posix = /^\[:([a-z]+):\]/.exec(src.slice(j));
      if (posix && POSIX[posix[1]!]) {
        tests.push(POSIX[posix[1]!]!);
        j += posix[0].length;
        continue;
      }
      let lo = src[j]!;
      if (lo === '\\' && j + 1 < src.length) lo = src[++j]!;
      j++;
      if (src[j] === '-' && j + 1 < src.length && src[j + 1] !== ']') {
        let hi = src[j + 1]!;
        j += 2;
        if (hi === '\\' && j < src.length) hi = src[j++]!;
        tests.push((c) => c >= lo && c <= hi);
      } else {
        const ch = lo;
        tests.push((c) => c === ch);
      }
    }
    if (j >= src.length) return null;
    this.i = j + 1;
    // As in picomatch, a bracket may match the dot that starts a name: only `*` and `?` are kept from it.
    return { kind: 'char', test: { wild: false, has: (c) => c !== '/' && tests.some((t) => t(c)) !== negate } };
  }

  /** Does the group opened at `at` close (respecting nesting and escapes)? */
  private closes(at: number, open: string, close: string): boolean {
    let depth = 0;
    for (let j = at; j < this.src.length; j++) {
      const c = this.src[j];
      if (c === '\\') j++;
      else if (c === open) depth++;
      else if (c === close && --depth === 0) return true;
    }
    return false;
  }
}

const POSIX: Record<string, (c: string) => boolean> = {
  alnum: (c) => /[a-zA-Z0-9]/.test(c),
  alpha: (c) => /[a-zA-Z]/.test(c),
  ascii: (c) => c.charCodeAt(0) < 128,
  blank: (c) => c === ' ' || c === '\t',
  cntrl: (c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127,
  digit: (c) => c >= '0' && c <= '9',
  graph: (c) => c.charCodeAt(0) > 32 && c.charCodeAt(0) < 127,
  lower: (c) => c >= 'a' && c <= 'z',
  print: (c) => c.charCodeAt(0) >= 32 && c.charCodeAt(0) < 127,
  punct: (c) => /[!-/:-@[-`{-~]/.test(c),
  space: (c) => /\s/.test(c),
  upper: (c) => c >= 'A' && c <= 'Z',
  word: (c) => /\w/.test(c),
  xdigit: (c) => /[0-9a-fA-F]/.test(c),
};

/** `{1..3}`, `{a..e}`; null for a range too long to spell out (it is then taken literally). */
function rangeAlternatives(from: string, to: string): string[] | null {
  const numeric = /\d/.test(from) && /\d/.test(to);
  if (!numeric && (/\d/.test(from) || /\d/.test(to))) return null;
  const [a, b] = numeric ? [Number(from), Number(to)] : [from.charCodeAt(0), to.charCodeAt(0)];
  if (Math.abs(b - a) >= 1000) return null;
  const step = a <= b ? 1 : -1;
  const out: string[] = [];
  for (let v = a; v !== b + step; v += step) out.push(numeric ? String(v) : String.fromCharCode(v));
  return out;
}

/**
 * Whether `**` is a whole segment depends on the text around it, so brace groups that hold a `/` or a `**`
 * are spelled out first (`{src,test}/**` stays one pattern; `a/{b/**,c}` becomes two). Other groups stay
 * alternatives inside one automaton, which keeps `{a,b}{c,d}{e,f}…` linear instead of a product.
 */
function expandStructuralBraces(pattern: string): string[] {
  const done: string[] = [];
  let todo = [pattern];
  while (todo.length > 0) {
    const next: string[] = [];
    for (const p of todo) {
      const group = structuralGroup(p);
      const options = group ? group.options.map((o) => p.slice(0, group.start) + o + p.slice(group.end)) : [];
      if (!group || done.length + todo.length + next.length + options.length > MAX_EXPANSIONS) done.push(p);
      else next.push(...options);
    }
    todo = next;
  }
  return [...new Set(done)];
}

/** The first brace group with `/` or `**` inside, split at its top-level commas. */
function structuralGroup(p: string): { start: number; end: number; options: string[] } | null {
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '\\') {
      i++;
      continue;
    }
    if (p[i] !== '{') continue;
    const options: string[] = [];
    let depth = 0;
    let from = i + 1;
    for (let j = i; j < p.length; j++) {
      const c = p[j];
      if (c === '\\') j++;
      else if (c === '{') depth++;
      else if (c === ',' && depth === 1) {
        options.push(p.slice(from, j));
        from = j + 1;
      } else if (c === '}' && --depth === 0) {
        options.push(p.slice(from, j));
        const inner = p.slice(i + 1, j);
        if (options.length > 1 && (inner.includes('/') || inner.includes('**'))) return { start: i, end: j + 1, options };
        break;
      }
    }
  }
  return null;
}

// ---- automaton ---------------------------------------------------------------------------------

/**
 * States of the automaton, by index. `char` consumes one character; `split` and `jump` move without
 * consuming, `noDot` too unless a dot starts the segment here; `not` consumes any text within the segment
 * that its sub-automaton (from `sub`) does not match.
 */
type State =
  | { kind: 'char'; test: CharTest; out: number }
  | { kind: 'split'; a: number; b: number }
  | { kind: 'jump'; out: number }
  | { kind: 'noDot'; out: number }
  | { kind: 'not'; sub: number; out: number }
  | { kind: 'accept' };

interface Machine {
  states: State[];
  start: number;
}

/** A fragment under construction: its entry state, and the states whose `out` still points nowhere. */
interface Fragment {
  start: number;
  holes: { state: number; field: 'out' | 'a' | 'b' }[];
}

function compile(glob: Glob): Machine {
  const states: State[] = [];
  const add = (s: State): number => states.push(s) - 1;
  const patch = (f: Fragment, to: number): void => {
    for (const h of f.holes) (states[h.state] as unknown as Record<string, number>)[h.field] = to;
  };
  const jump = (): Fragment => {
    const s = add({ kind: 'jump', out: -1 });
    return { start: s, holes: [{ state: s, field: 'out' }] };
  };
  const char = (test: CharTest): Fragment => {
    const s = add({ kind: 'char', test, out: -1 });
    return { start: s, holes: [{ state: s, field: 'out' }] };
  };
  const seq = (parts: Fragment[]): Fragment => {
    if (parts.length === 0) return jump();
    for (let k = 0; k + 1 < parts.length; k++) patch(parts[k]!, parts[k + 1]!.start);
    return { start: parts[0]!.start, holes: parts[parts.length - 1]!.holes };
  };
  const alt = (a: Fragment, b: Fragment): Fragment => {
    const s = add({ kind: 'split', a: a.start, b: b.start });
    return { start: s, holes: [...a.holes, ...b.holes] };
  };
  /** `f*`: a split that either enters `f` (which loops back) or leaves. */
  const loop = (f: Fragment): Fragment => {
    const s = add({ kind: 'split', a: f.start, b: -1 });
    patch(f, s);
    return { start: s, holes: [{ state: s, field: 'b' }] };
  };
  const optional = (f: Fragment): Fragment => {
    const s = add({ kind: 'split', a: f.start, b: -1 });
    return { start: s, holes: [...f.holes, { state: s, field: 'b' }] };
  };
  const segment = (): Fragment => seq([char(SEGMENT_CHAR), loop(char(SEGMENT_CHAR))]);
  const slash = (): Fragment => char({ wild: false, has: (c) => c === '/' });

  const build = (g: Glob): Fragment => {
    switch (g.kind) {
      case 'seq':
        return seq(g.items.map(build));
      case 'alt':
        return g.options.map(build).reduce((a, b) => alt(a, b));
      case 'char':
        return char(g.test);
      case 'star': {
        // Without `dot`, `*.ts` must not match `.ts`: a star that starts a segment rules out a leading dot
        // even where it matches nothing.
        const s = add({ kind: 'noDot', out: -1 });
        return seq([{ start: s, holes: [{ state: s, field: 'out' }] }, loop(char(SEGMENT_CHAR))]);
      }
      case 'repeat': {
        if (!g.many) return optional(build(g.item));
        return g.min === 1 ? seq([build(g.item), loop(build(g.item))]) : loop(build(g.item));
      }
      case 'not': {
        const inner = build(g.item);
        patch(inner, add({ kind: 'accept' }));
        const s = add({ kind: 'not', sub: inner.start, out: -1 });
        return { start: s, holes: [{ state: s, field: 'out' }] };
      }
      case 'globstar':
        if (g.form === 'prefix') return loop(seq([segment(), slash()]));
        if (g.form === 'suffix') return loop(seq([slash(), segment()]));
        return optional(seq([segment(), loop(seq([slash(), segment()]))]));
    }
  };
  const whole = build(glob);
  patch(whole, add({ kind: 'accept' }));
  return { states, start: whole.start };
}

const SEGMENT_CHAR: CharTest = { wild: true, has: (c) => c !== '/' };

// ---- running -----------------------------------------------------------------------------------

function matches(m: Machine, path: string, dot: boolean): boolean {
  return endsOf(m, m.start, path, 0, path.length, dot).has(path.length);
}

/**
 * The same run for the common small automaton without `!(…)`: state sets as bits of one number, and each
 * state's closure worked out once (twice: where a dot starts a segment, `noDot` blocks).
 */
function bitMatcher(m: Machine, dot: boolean): ((path: string) => boolean) | undefined {
  if (m.states.length > 31 || m.states.some((s) => s.kind === 'not')) return undefined;
  const closures = [false, true].map((dotLed) => m.states.map((_, s) => closureBits(m, s, dotLed)));
  const accept = m.states.reduce((bits, st, s) => (st.kind === 'accept' ? bits | (1 << s) : bits), 0);
  const close = (bits: number, dotLed: boolean): number => {
    const table = closures[dotLed ? 1 : 0]!;
    let out = 0;
    for (let rest = bits; rest !== 0; rest &= rest - 1) out |= table[31 - Math.clz32(rest & -rest)]!;
    return out;
  };
  const dotLedAt = (path: string, i: number) => !dot && path[i] === '.' && (i === 0 || path[i - 1] === '/');
  return (path) => {
    let live = close(1 << m.start, dotLedAt(path, 0));
    for (let i = 0; i < path.length && live !== 0; i++) {
      const c = path[i]!;
      const dotLed = dotLedAt(path, i);
      let next = 0;
      for (let rest = live; rest !== 0; rest &= rest - 1) {
        const state = m.states[31 - Math.clz32(rest & -rest)]!;
        if (state.kind === 'char' && state.test.has(c) && !(state.test.wild && dotLed)) next |= 1 << state.out;
      }
      live = close(next, dotLedAt(path, i + 1));
    }
    return (live & accept) !== 0;
  };
}

/** The states reachable from `s` without consuming, as bits; `dotLed`: a dot starts a segment here. */
function closureBits(m: Machine, s: number, dotLed: boolean): number {
  let bits = 0;
  const stack = [s];
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (bits & (1 << t)) continue;
    bits |= 1 << t;
    const state = m.states[t]!;
    if (state.kind === 'jump' || (state.kind === 'noDot' && !dotLed)) stack.push(state.out);
    else if (state.kind === 'split') stack.push(state.a, state.b);
  }
  return bits;
}

/** What one run collects besides its live states. */
interface Run {
  /** Positions where an `accept` state was reached. */
  ends: Set<number>;
  /** States entered at a later position by a `not` (it consumed the text up to there). */
  later: Map<number, number[]>;
  /** The last position `later` holds states for. */
  lastLater: number;
  /** `seen[state] === mark`: the state is already in the closure being built. */
  seen: Int32Array;
  mark: number;
}

/**
 * The positions in `path` where the automaton, started in state `start` at `from`, can have matched up
 * to (an `accept` state reached), reading no further than `to`. All live states advance together, so this
 * costs (to - from) × states, plus the sub-runs of `not` states (one per state and position).
 */
function endsOf(m: Machine, start: number, path: string, from: number, to: number, dot: boolean): Set<number> {
  const run: Run = { ends: new Set(), later: new Map(), lastLater: -1, seen: new Int32Array(m.states.length), mark: 0 };
  let live: number[] = [start];
  for (let i = from; ; i++) {
    const pending = run.later.get(i);
    if (pending) live.push(...pending);
    const current = closure(m, live, path, i, to, dot, run);
    if (i === to || (current.length === 0 && run.lastLater <= i)) break;
    const c = path[i]!;
    const segmentStart = i === 0 || path[i - 1] === '/';
    live = [];
    for (const s of current) {
      const state = m.states[s] as Extract<State, { kind: 'char' }>;
      if (!state.test.has(c) || (state.test.wild && !dot && segmentStart && c === '.')) continue;
      live.push(state.out);
    }
  }
  return run.ends;
}

/** The `char` states reachable from `seeds` without consuming at position `i`. */
function closure(m: Machine, seeds: number[], path: string, i: number, to: number, dot: boolean, run: Run): number[] {
  const mark = ++run.mark;
  const out: number[] = [];
  const stack = seeds;
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (run.seen[s] === mark) continue;
    run.seen[s] = mark;
    const state = m.states[s]!;
    if (state.kind === 'char') out.push(s);
    else if (state.kind === 'accept') run.ends.add(i);
    else if (state.kind === 'jump') stack.push(state.out);
    else if (state.kind === 'noDot') {
      if (dot || path[i] !== '.' || (i > 0 && path[i - 1] !== '/')) stack.push(state.out);
    } else if (state.kind === 'split') stack.push(state.a, state.b);
    else {
      for (const j of negatedEnds(m, state.sub, path, i, to, dot)) {
        if (j === i) stack.push(state.out);
        else schedule(run, j, state.out);
      }
    }
  }
  return out;
}

/**
 * Where `!(p)` entered at `i` can end: any text within the segment that `p` does not match (the empty text
 * included), and without `dot`, never a `.` that starts the segment.
 */
function negatedEnds(m: Machine, sub: number, path: string, i: number, to: number, dot: boolean): number[] {
  let segmentEnd = path.indexOf('/', i);
  if (segmentEnd < 0 || segmentEnd > to) segmentEnd = to;
  if (!dot && path[i] === '.' && (i === 0 || path[i - 1] === '/')) segmentEnd = i;
  const excluded = endsOf(m, sub, path, i, segmentEnd, dot);
  const ends: number[] = [];
  for (let j = i; j <= segmentEnd; j++) if (!excluded.has(j)) ends.push(j);
  return ends;
}

function schedule(run: Run, at: number, state: number): void {
  const list = run.later.get(at);
  if (list) list.push(state);
  else run.later.set(at, [state]);
  run.lastLater = Math.max(run.lastLater, at);
}
