import type { Variable } from '@typescript-eslint/scope-manager';
import type { Node } from '../ast.js';
import { AwaitSet } from '../awaitSet.js';

/*
 * The abstract state the walker carries through one async function, at one program point: which await points
 * may have passed, which lock holds are in force, which shared reads each local's value derives from, and
 * which conditions on shared state still guard the code. Paths that branch copy it; paths that meet join it.
 */

/** Lock key -> the number of the hold in force (a read and a write share a critical section when they share a hold). */
export type Holds = ReadonlyMap<string, number>;

/** A read of shared state: where, and what had happened by then. */
export interface ReadFact {
  path: string;
  node: Node;
  passed: AwaitSet;
  holds: Holds;
  /** The read this one re-states with more awaits counted as passed (see `mergeStates`). */
  base?: ReadFact;
  /**
   * `current.items` of `const current = this.state`: the reads the alias was taken from. A field read through it
   * is live only while nothing replaces the object the alias holds (see `write`).
   */
  through?: ReadFact[];
}

export interface AwaitPoint {
  id: number;
  node: Node;
}

/** A condition on shared state, guarding the code after it until a write acts on it or it is dropped. */
export interface Check {
  node: Node;
  reads: ReadFact[];
  /** Paths of `reads` no write has acted on yet. */
  open: Set<string>;
  /** An observer closed it for good: a branch that leaves does not reopen it. */
  closed?: boolean;
  /** Paths a branch that left closed (a write of them, or a re-check), reopened for the code after it. */
  reopened?: Set<string>;
  /** It exits early (`if (cached) return cached;`), so it guards the rest of the block, not a branch. */
  guardsRest?: boolean;
  /**
   * A loop's own test, in force for its body (`while (queue.length > 0) queue.shift()`): a fresh look at the state
   * before each pass, which leaves older checks open (a `break` can leave with only them in force); a body that
   * acts on it is a loop draining what it tests, not a check-then-act.
   */
  loopTest?: boolean;
}

/**
 * The key, in `fieldTaint`, that marks a local made from an object literal (`entry` + SHAPED): its fields hold
 * what the literal gave each, and a field it did not name holds nothing read.
 */
export const SHAPED = '.{}';

export interface State {
  passed: AwaitSet;
  holds: Holds;
  taint: Map<Variable, ReadFact[]>;
  /** `ctx.session = await store.get(key)`: what a field of a local or parameter object holds, by its text. */
  fieldTaint: Map<string, ReadFact[]>;
  aliases: Map<Variable, string>;
  /** Local variables bound to the release function or guard of an acquire: variable -> lock key. */
  releasers: Map<Variable, string>;
  checks: Check[];
  exited: boolean;
}

export const NO_DEPS: ReadFact[] = [];

export function initialState(holds: Holds): State {
  return { passed: AwaitSet.EMPTY, holds, taint: new Map(), fieldTaint: new Map(), aliases: new Map(), releasers: new Map(), checks: [], exited: false };
}

export function cloneState(s: State): State {
  return {
    passed: s.passed,
    holds: s.holds,
    taint: new Map(s.taint),
    fieldTaint: new Map(s.fieldTaint),
    aliases: new Map(s.aliases),
    releasers: new Map(s.releasers),
    checks: [...s.checks],
    exited: s.exited,
  };
}

/** Joins the states of two paths that meet; an exited path contributes nothing. */
export function mergeStates(a: State, b: State): State {
  if (a.exited && !b.exited) return b;
  if (b.exited && !a.exited) return a;
  const passed = a.passed.union(b.passed);
  const holds = new Map<string, number>();
  for (const [k, v] of a.holds) if (b.holds.get(k) === v) holds.set(k, v);
  // An await on one path cannot have run after a read that only the other path made: `if (c) await x; else
  // v = this.a;` then `this.a = v + 1` writes what it read without yielding. Such a read is carried on with
  // the other path's awaits counted as passed before it.
  const onlyA = a.passed.minus(b.passed);
  const onlyB = b.passed.minus(a.passed);
  const taint = mergeTaint(a.taint, b.taint, onlyA, onlyB);
  const fieldTaint = a.fieldTaint.size === 0 && b.fieldTaint.size === 0 ? a.fieldTaint : mergeTaint(a.fieldTaint, b.fieldTaint, onlyA, onlyB);
  // A local is read field by field only when both paths made it from a literal.
  for (const k of fieldTaint.keys()) if (k.endsWith(SHAPED) && !(a.fieldTaint.has(k) && b.fieldTaint.has(k))) fieldTaint.delete(k);
  const aliases = new Map([...a.aliases].filter(([k, v]) => b.aliases.get(k) === v));
  const releasers = new Map([...a.releasers, ...b.releasers]);
  const checks = a.checks.filter((c) => b.checks.includes(c));
  return { passed, holds, taint, fieldTaint, aliases, releasers, checks, exited: a.exited && b.exited };
}

/** What each local holds where two paths meet: both paths' reads, each re-stated with the other path's awaits. */
function mergeTaint<K>(a: Map<K, ReadFact[]>, b: Map<K, ReadFact[]>, onlyA: AwaitSet, onlyB: AwaitSet): Map<K, ReadFact[]> {
  const taint = new Map<K, ReadFact[]>();
  for (const [v, deps] of a) {
    const other = b.get(v);
    taint.set(v, other === deps ? deps : other ? unionFacts(rebase(deps, other, onlyB), rebase(other, deps, onlyA)) : rebase(deps, NO_DEPS, onlyB));
  }
  for (const [v, deps] of b) if (!a.has(v)) taint.set(v, rebase(deps, NO_DEPS, onlyA));
  return taint;
}

/** `facts`, where those not also in `shared` count `awaits` (of a path they were not on) as passed before them. */
function rebase(facts: ReadFact[], shared: readonly ReadFact[], awaits: AwaitSet): ReadFact[] {
  if (awaits.isEmpty) return facts;
  const inShared = new Set(shared);
  let out: ReadFact[] | undefined;
  facts.forEach((f, i) => {
    if (inShared.has(f)) return;
    const g = restate(f, awaits);
    if (g === f) return;
    out ??= facts.slice();
    out[i] = g;
  });
  return out ?? facts;
}

// Per read (facts belong to one analysis, and go with it): its re-statements, one per distinct set of awaits,
// so paths that meet again carry the same objects and do not multiply them (nested loops merge many times).
const restatements = new WeakMap<ReadFact, ReadFact[]>();

/** `f`, with `awaits` counted as passed before it: a read that, on its path, happened after them. */
export function restate(f: ReadFact, awaits: AwaitSet): ReadFact {
  const passed = f.passed.union(awaits);
  if (passed.equals(f.passed)) return f;
  const base = f.base ?? f;
  let list = restatements.get(base);
  if (!list) restatements.set(base, (list = []));
  for (const g of list) if (g.passed.equals(passed)) return g;
  // What a field read through an alias was taken from happened on the same path, before it: the awaits of the
  // other path count for it too, not those this path passed between the two reads.
  const g: ReadFact = { ...base, passed, base };
  if (base.through) {
    const other = passed.minus(base.passed);
    g.through = base.through.map((t) => restate(t, other));
  }
  list.push(g);
  return g;
}

/**
 * `a` then the facts of `b` not in it: paths that meet again must not double what they carry. One read that the
 * two paths re-stated differently (each counting the other's awaits as passed) is carried on once, counting as
 * passed only the awaits both did: an await either path ran after it may have run after it. Kept apart, the
 * copies of one read doubled at every `if` after it (2^n copies after n branches with awaits).
 */
function unionFacts(a: ReadFact[], b: ReadFact[]): ReadFact[] {
  const seen = new Set(a);
  const byBase = new Map<ReadFact, number>();
  const out = [...a];
  a.forEach((f, i) => byBase.set(f.base ?? f, i));
  for (const f of b) {
    if (seen.has(f)) continue;
    const base = f.base ?? f;
    const at = byBase.get(base);
    if (at === undefined) {
      byBase.set(base, out.length);
      out.push(f);
      continue;
    }
    const other = out[at]!;
    out[at] = restate(base, other.passed.minus(other.passed.minus(f.passed)));
  }
  return out;
}

/** Do two points share a lock hold (so nothing another call does under that lock can come between them)? */
export function shareHold(a: Holds, b: Holds): boolean {
  for (const [k, v] of a) if (b.get(k) === v) return true;
  return false;
}
