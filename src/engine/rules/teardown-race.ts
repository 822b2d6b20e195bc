import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { enclosingFunction, forEachNode, isFunction, memberName, unwrap, type Node } from '../ast.js';
import { callsAbort, mentionsSignal } from '../abortSignals.js';
import { AwaitSet } from '../awaitSet.js';
import type { SharedWrite } from '../flow/index.js';
import { classMemberOf, isLifecycleField, isNothing, isTeardownName, revives, teardownsOf, thisPath, type Teardown } from '../lifecycle.js';
import { COLLECTION_INSERTS } from '../locations.js';
import type { FunctionNode } from '../scope.js';
import type { FlowRule, RuleReport } from './rule.js';
import { line, yieldPhrase } from './text.js';

/*
 * An operation of an object awaits, and while it is suspended another operation of the same object tears it down
 * (`leave()`, `stop()`, `close()`, `dispose()`). When the first resumes it acts as if nothing happened: it puts a
 * camera feed into the list `leave()` just emptied, starts the poller `stop()` just cleared, marks the object
 * joined again. The resource outlives the object, or the object comes back to life after its owner ended it.
 * Quiet when the operation looks at the object's state again after its last await (a flag or state field the
 * teardown sets, the field it resets, a generation counter), when the teardown first waits for operations in
 * flight, and when both run under one lock.
 */

export const teardownRace: FlowRule<'teardown-race'> = {
  meta: {
    id: 'teardown-race',
    shortDescription: 'After an await, an operation stores a resource or revives state that a teardown method (stop, close, leave, dispose) may have reset meanwhile.',
    fullDescription:
      'Reports a write after an await, in a method of a class, to a field that another method of the class resets when it tears the object down (stop, close, leave, dispose, destroy, disconnect, or any method that sets a closed/stopped/left state), with no check of the object state after the await. If the teardown runs while the operation is suspended, the write brings back what the teardown removed: a timer, connection or feed that is never released, or a state that says the object is alive after it ended.',
    defaultSeverity: 'warning',
    docsPath: 'docs/rules/teardown-race.md',
    messageId: 'teardownRace',
    fixKinds: [],
    confidenceIn: { test: 'low' },
  },
  observe() {
    const reports: RuleReport[] = [];
    const seen = new Set<Node>();
    return {
      write(w) {
        if (seen.has(w.node) || !w.path.startsWith('this.')) return;
        const found = raceWithTeardown(w);
        if (!found) return;
        seen.add(w.node);
        reports.push(report(w, found));
      },
      reports: () => reports,
    };
  },
};

interface Found {
  teardown: Teardown;
  /** Where the teardown resets or ends what the write touches. */
  reset: Node;
  /** The write sets the object's state back to a live one. */
  revived: boolean;
  yielded: Node;
}

function raceWithTeardown(w: SharedWrite): Found | null {
  const operation = operationOf(w.node);
  if (!operation) return null;
  const { body, name } = operation;
  if (isTeardownName(name)) return null;
  const all = teardownsOf(body);
  // A teardown the operation runs itself (`await this.stopTimers()` before starting new ones) is one of its steps.
  const { calls: own, writes } = ownEffects(operation.fn);
  // A teardown that awaits the promise the operation keeps in a field (`await this.starting`) waits for it to end.
  const teardowns = all.filter((t) => t.name !== name && !own.has(t.name) && !t.refuses && ![...t.awaits].some((p) => writes.has(p) || keepsPromiseOf(body, p, name)));
  if (teardowns.length === 0) return null;
  const yielded = w.yieldedSince(AwaitSet.EMPTY);
  if (!yielded) return null;
  const written = liveWrite(w);
  if (!written) return null;
  for (const t of teardowns) {
    const reset = resetOf(t, w, written);
    if (!reset) continue;
    if (rechecked(w, all, yielded.node) || sharesLock(w, t)) return null;
    return { teardown: t, reset: reset.node, revived: reset.revived, yielded: yielded.node };
  }
  return null;
}

/** Some method of the class stores the promise of a call of method `name` in `path` (`this.connecting ??= this.establish()`). */
function keepsPromiseOf(body: TSESTree.ClassBody, path: string, name: string): boolean {
  let found = false;
  forEachNode(body, (n) => {
    if (found) return false;
    if (n.type === 'AssignmentExpression' && n.left.type === 'MemberExpression' && thisPath(n.left) === path) {
      forEachNode(n.right, (m) => {
        if (m.type === 'CallExpression') {
          const callee = unwrap(m.callee);
          if (callee.type === 'MemberExpression' && unwrap(callee.object).type === 'ThisExpression' && memberName(callee) === name) found = true;
        }
        return !found;
      });
    }
    return !found;
  });
  return found;
}

/** The methods of its class that `fn` calls (`this.m(…)`), and the `this` fields it assigns. */
function ownEffects(fn: FunctionNode): { calls: Set<string>; writes: Set<string> } {
  const calls = new Set<string>();
  const writes = new Set<string>();
  forEachNode(fn.body, (n) => {
    if (n.type === 'CallExpression') {
      const callee = unwrap(n.callee);
      if (callee.type === 'MemberExpression' && unwrap(callee.object).type === 'ThisExpression') {
        const m = memberName(callee);
        if (m !== null) calls.add(m);
      }
    } else if (n.type === 'AssignmentExpression' && n.left.type === 'MemberExpression') {
      const path = thisPath(n.left);
      if (path !== null) writes.add(path);
    }
    return true;
  });
  return { calls, writes };
}

/** The class method the code of `node` runs as part of: its own body, or a promise callback it chains. */
function operationOf(node: Node): { body: TSESTree.ClassBody; name: string; fn: FunctionNode } | null {
  let fn = enclosingFunction(node);
  while (fn) {
    const member = classMemberOf(fn);
    if (member) return { body: member.body, name: member.name, fn };
    // A callback the method waits for or chains runs as part of it; one handed to a timer or an emitter runs apart.
    const call = fn.parent;
    if (call?.type !== 'CallExpression' || !runsInline(call, fn)) return null;
    fn = enclosingFunction(call);
  }
  return null;
}

const INLINE_CALLS = new Set(['then', 'catch', 'finally', 'forEach', 'map', 'runExclusive', 'run', 'acquire', 'use']);

function runsInline(call: TSESTree.CallExpression, fn: FunctionNode): boolean {
  const callee = unwrap(call.callee);
  if (!call.arguments.includes(fn as TSESTree.CallExpressionArgument)) return false;
  return callee.type === 'MemberExpression' && INLINE_CALLS.has(memberName(callee) ?? '');
}

/** What a write puts in its field: a value that is something (not `null`, `[]`, a delete), or a revived state. */
function liveWrite(w: SharedWrite): { field: string; value: Node | null } | null {
  const n = w.node;
  if (n.type === 'AssignmentExpression') {
    if (n.operator !== '=' || n.left.type !== 'MemberExpression' || isNothing(n.right)) return null;
    const value = unwrap(n.right);
    if (value.type === 'Literal' && (value.value === false || value.value === 0 || value.value === '')) {
      return revives(memberName(n.left) ?? '', value) ? { field: memberName(n.left) ?? '', value } : null;
    }
    return { field: memberName(n.left) ?? '', value };
  }
  if (n.type === 'CallExpression' && w.kind === 'collection') {
    const callee = unwrap(n.callee);
    const method = callee.type === 'MemberExpression' ? memberName(callee) : null;
    return method !== null && COLLECTION_INSERTS.has(method) ? { field: '', value: null } : null;
  }
  return null;
}

/**
 * Where teardown `t` takes away what the write puts back: it empties the collection the write adds to, forgets or
 * clears the timer of the field the write assigns, or marks the object ended where the write revives it.
 */
function resetOf(t: Teardown, w: SharedWrite, written: { field: string; value: Node | null }): { node: Node; revived: boolean } | null {
  const reset = t.resets.get(w.path);
  if (reset) {
    const kinds = reset.kinds;
    if (w.kind === 'collection') {
      // Adding to a collection the teardown empties; not calling a method on an object it closes (`this.store.set`).
      if (!kinds.has('disposesEach') && !kinds.has('empties') && !kinds.has('forgets')) return null;
      return { node: reset.node, revived: false };
    } else {
      return { node: reset.node, revived: false };
    }
  }
  const ended = t.ends.get(w.path);
  // `this.state = 'joined'` after `leave()` set `'left'`: the object is alive again.
  if (ended && written.value !== null && revives(written.field, written.value)) return { node: ended.node, revived: true };
  return null;
}

/**
 * The operation looks at the object again after the last await: a condition still in force at the write reads,
 * after that await, a lifecycle field (`closed`, `state`, …), a field some teardown of the class writes (its
 * flag, a generation counter it bumps, the field it resets), or an abort signal.
 */
function rechecked(w: SharedWrite, teardowns: readonly Teardown[], yieldedAt: Node): boolean {
  const watched = new Set<string>();
  for (const t of teardowns) for (const p of [...t.resets.keys(), ...t.ends.keys(), ...t.writes]) watched.add(p);
  // `if (this.stream) { stream.close(); return; }` asks whether another connect got there first; after a
  // teardown that empties the field the check passes. It says more when the field is a lifecycle field of its
  // own, or when no teardown empties it (`this.observers?.stop()` keeps the object there, so `if
  // (!this.observers)` still sees it).
  const emptied = teardowns.some((t) => {
    const kinds = t.resets.get(w.path)?.kinds;
    return kinds !== undefined && (kinds.has('forgets') || kinds.has('empties'));
  });
  if (emptied && !isLifecycleField(w.path.split('.')[1] ?? '')) watched.delete(w.path);
  for (const { reads } of w.checksInForce()) {
    for (const read of reads) {
      if (w.yieldedSince(read.passed) !== null) continue;
      const field = read.path.split('.')[1] ?? '';
      if (isLifecycleField(field) || [...watched].some((p) => read.path === p || read.path.startsWith(p + '.') || p.startsWith(read.path + '.'))) return true;
    }
  }
  return checksSignalAfter(w, yieldedAt) || abortable(yieldedAt, teardowns);
}

/** `await fetch(url, { signal: this.controller.signal })` with a teardown that aborts: the await itself ends with it. */
function abortable(yieldedAt: Node, teardowns: readonly Teardown[]): boolean {
  return mentionsSignal(yieldedAt) && teardowns.some((t) => callsAbort(t.method.body));
}

/** `if (signal.aborted) return` / `signal.throwIfAborted()` between the await and the write. */
function checksSignalAfter(w: SharedWrite, yieldedAt: Node): boolean {
  const fn = enclosingFunction(w.node);
  if (!fn) return false;
  let found = false;
  forEachNode(fn.body, (n) => {
    if (found || isFunction(n)) return false;
    if (n.range[1] <= yieldedAt.range[0] || n.range[0] >= w.node.range[0]) return n.range[1] > yieldedAt.range[0] && n.range[0] < w.node.range[0];
    if (n.type === 'MemberExpression' && ['aborted', 'throwIfAborted'].includes(memberName(n) ?? '')) found = true;
    return !found;
  });
  return found;
}

/** The write is under a lock the teardown takes too. */
function sharesLock(w: SharedWrite, t: Teardown): boolean {
  if (w.holds.size === 0) return false;
  const keys = new Set(w.holds.keys());
  let found = false;
  forEachNode(t.method.body, (n) => {
    if (found) return false;
    if (n.type === 'MemberExpression') {
      const path = thisPath(n);
      if (path !== null && keys.has(path)) found = true;
    } else if (n.type === 'Identifier' && keys.has(n.name)) found = true;
    return !found;
  });
  return found;
}

function report(w: SharedWrite, found: Found): RuleReport {
  const { teardown: t, reset, yielded, revived } = found;
  const field = '`' + w.path + '`';
  const teardown = '`' + t.name + '()`';
  const what = revived
    ? `it marks the object as ended (line ${line(reset)}), and line ${line(w.node)} then sets ${field} back to a live state`
    : `it resets ${field} (line ${line(reset)}), and line ${line(w.node)} then stores into it again what the teardown removed, which outlives the object`;
  return {
    anchor: w.node,
    message: `${field} is written after ${yieldPhrase(yielded)}, with no check that the object is still live: if ${teardown} runs meanwhile, ${what}; check the state again after the await (and release what was acquired)`,
    location: w.path,
    // Judged on 60 findings in real repositories, more than a third were not races: the facts that rule them out
    // are mostly outside the class (a caller that awaits setup before handing the object out, a teardown that
    // refuses in another module). Shown with --min-confidence low until it is right often enough by default.
    confidence: 'low',
    related: [
      { anchor: yielded, message: `the operation is suspended here; ${teardown} can run` },
      { anchor: reset, message: revived ? `${teardown} ends the object's life here` : `${teardown} resets ${field} here` },
    ],
  };
}
