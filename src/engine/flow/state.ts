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
}

export interface State {
  passed: AwaitSet;
  holds: Holds;
  taint: Map<Variable, ReadFact[]>;
  aliases: Map<Variable, string>;
  /** Local variables bound to the release function or guard of an acquire: variable -> lock key. */
  releasers: Map<Variable, string>;
  checks: Check[];
  exited: boolean;
}

export const NO_DEPS: ReadFact[] = [];

export function initialState(holds: Holds): State {
  return { passed: AwaitSet.EMPTY, holds, taint: new Map(), aliases: new Map(), releasers: new Map(), checks: [], exited: false };
}

export function cloneState(s: State): State {
  return {
    passed: s.passed,
    holds: s.holds,
    taint: new Map(s.taint),
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
  const taint = new Map(a.taint);
  for (const [v, deps] of b.taint) {
    const prev = taint.get(v);
    taint.set(v, prev && prev !== deps ? unionFacts(prev, deps) : deps);
  }
  const aliases = new Map([...a.aliases].filter(([k, v]) => b.aliases.get(k) === v));
  const releasers = new Map([...a.releasers, ...b.releasers]);
  const checks = a.checks.filter((c) => b.checks.includes(c));
  return { passed, holds, taint, aliases, releasers, checks, exited: a.exited && b.exited };
}

/** `a` then the facts of `b` not in it: paths that meet again must not double what they carry. */
function unionFacts(a: ReadFact[], b: ReadFact[]): ReadFact[] {
  const seen = new Set(a);
  const out = [...a];
  for (const f of b) if (!seen.has(f)) out.push(f);
  return out;
}

/** Do two points share a lock hold (so nothing another call does under that lock can come between them)? */
export function shareHold(a: Holds, b: Holds): boolean {
  for (const [k, v] of a) if (b.get(k) === v) return true;
  return false;
}
