import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeName, enclosingFunction, forEachNode, isFunction, memberName, unwrap, type Node } from '../ast.js';
import { callsAbort, mentionsSignal } from '../abortSignals.js';
import { AwaitSet } from '../awaitSet.js';
import type { MethodCall, SharedWrite } from '../flow/index.js';
import type { ReadFact } from '../flow/state.js';
import { classMemberOf, DISPOSING_CALLS, isCollectionClass, isLifecycleField, isNothing, isResetName, isTeardownName, revives, teardownsOf, thisPath, type Teardown } from '../lifecycle.js';
import { COLLECTION_INSERTS } from '../locations.js';
import { programOf } from '../modules.js';
import { callsOnFreshObjects } from '../freshObjects.js';
import { calledMethod, classOf, memberKeyName, privateMethodCalls } from '../summaries.js';
import type { FunctionNode } from '../scope.js';
import type { FlowRule, RuleReport } from './rule.js';
import { line, yieldPhrase } from './text.js';
import { functionLabel, type InterleavingDraft } from '../interleaving.js';

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
      'Reports a write after an await, in a method of a class, to a field that another method of the class resets when it tears the object down (stop, close, leave, dispose, destroy, disconnect, or any method that sets a closed/stopped/left state), with no check of the object state after the await. If the teardown runs while the operation is suspended, the write brings back what the teardown removed: a timer, connection or feed that is never released, or a state that says the object is alive after it ended. A reset method (reset, invalidate) that forgets what the object loaded is undone the same way: the operation stores what it loaded before the reset.',
    defaultSeverity: 'warning',
    docsPath: 'docs/rules/teardown-race.md',
    messageId: 'teardownRace',
    fixKinds: ['generation-guard'],
    confidenceIn: { test: 'low' },
    // Judged on 60 findings in real repositories, more than a third were not races: the facts that rule them out
    // are mostly outside the class (a caller that awaits setup before handing the object out, a teardown that
    // refuses in another module). Shown with --min-confidence low until it is right often enough by default.
    maxConfidence: 'low',
  },
  observe() {
    const reports: RuleReport[] = [];
    const seen = new Set<Node>();
    // One act reported per await it follows: the first call after it.
    const actsAfter = new Set<Node>();
    const considerAct = (c: MethodCall & { path: string }, call: string): void => {
      if (QUIET_CALLS.test(c.method) || QUIET_HOLDERS.test(c.path.split('.').pop() ?? '')) return;
      const found = actAfterStaleLook(c);
      if (!found || actsAfter.has(found.yielded) || seen.has(c.node)) return;
      const body = classOf(found.operation);
      if (body && holdsCollection(body, c.path)) return;
      actsAfter.add(found.yielded);
      seen.add(c.node);
      reports.push(actReport(c, call, found));
    };
    const consider = (w: Write): void => {
      if (seen.has(w.node) || !w.path.startsWith('this.')) return;
      const found = raceWithTeardown(w);
      if (!found) return;
      seen.add(w.node);
      reports.push(report(w, found));
    };
    return {
      write(w) {
        // Writes made inside a called method are followed from the call (`methodCall`), all of them.
        if (!w.via) consider(w);
      },
      methodCall(c) {
        // Most calls of a method come before any await: nothing to follow then.
        if (!c.yieldedSince(AwaitSet.EMPTY)) return;
        const method = calledMethod(unwrap((c.node as TSESTree.CallExpression).callee));
        if (!method) return;
        for (const made of writesThrough(method)) {
          consider({ path: made.path, kind: made.kind, node: c.node, via: made.node, steps: made.steps, holds: c.holds, checksInForce: c.checksInForce, yieldedSince: c.yieldedSince });
        }
      },
      memberCall(c) {
        // Calls on what a field holds; a call of the object's own method is followed for its writes instead.
        if (c.yieldedSince(AwaitSet.EMPTY)) considerAct(c, '`' + c.path + '.' + c.method + '()`');
      },
      reports: () => reports,
    };
  },
};

/** What the rule needs of a write: one the operation makes, or one a method it calls makes (`via`). */
type Write = Pick<SharedWrite, 'path' | 'node' | 'kind' | 'via' | 'holds' | 'checksInForce' | 'yieldedSince'> & { steps?: readonly Step[] };

/** One method on the way from the call to a write it makes, and where in it the way goes on (a call, or the write). */
interface Step {
  fn: FunctionNode;
  at: Node;
}

interface MadeWrite {
  path: string;
  node: Node;
  kind: SharedWrite['kind'];
  steps: readonly Step[];
}

/**
 * The `this` fields a method stores into, directly or through the methods of the class it calls: `setTrack(t)
 * { this.track = t; }`. Unlike the summaries the other rules use, a field the method tests first still counts
 * (`if (this.track) this.track.stop(); this.track = t`): that test asks about the old value, not about the
 * object's life.
 */
function writesThrough(method: FunctionNode): readonly MadeWrite[] {
  let known = writesMemo.get(method);
  if (!known) {
    known = [];
    writesMemo.set(method, known);
    collectWrites(method, known, [], new Set([method]));
  }
  return known;
}

const writesMemo = new WeakMap<FunctionNode, MadeWrite[]>();

function collectWrites(fn: FunctionNode, out: MadeWrite[], before: readonly Step[], seen: Set<FunctionNode>): void {
  forEachNode(fn.body, (n) => {
    if (isFunction(n)) return false;
    if (n.type === 'AssignmentExpression' && n.operator === '=' && n.left.type === 'MemberExpression') {
      const path = thisPath(n.left);
      if (path !== null) out.push({ path, node: n, kind: 'assign', steps: [...before, { fn, at: n }] });
    } else if (n.type === 'CallExpression') {
      const callee = unwrap(n.callee);
      if (callee.type !== 'MemberExpression') return true;
      const object = unwrap(callee.object);
      const name = memberName(callee);
      const path = object.type === 'MemberExpression' ? thisPath(object) : null;
      if (path !== null && name !== null && COLLECTION_INSERTS.has(name)) out.push({ path, node: n, kind: 'collection', steps: [...before, { fn, at: n }] });
      const helper = object.type === 'ThisExpression' ? calledMethod(callee) : null;
      if (helper && !seen.has(helper)) {
        seen.add(helper);
        collectWrites(helper, out, [...before, { fn, at: n }], seen);
      }
    }
    return true;
  });
}

/** An operation suspended at `yielded` while `teardown` can run. */
interface Race {
  /** The class member the act is part of. */
  operation: FunctionNode;
  teardown: Teardown;
  yielded: Node;
}

interface Found extends Race {
  /** Where the teardown resets or ends what the write touches. */
  reset: Node;
  /** The write sets the object's state back to a live one. */
  revived: boolean;
}

function raceWithTeardown(w: Write): Found | null {
  const operation = operationOf(w.node);
  if (!operation) return null;
  const { body, name } = operation;
  if (isTeardownName(name) || isResetName(name)) return null;
  const all = teardownsOf(body);
  const candidates = all.filter((t) => t.name !== name && !t.refuses);
  if (candidates.length === 0) return null;
  // The cheap tests first: most writes in a class with a teardown do not follow an await, or write no live value.
  const yielded = w.yieldedSince(AwaitSet.EMPTY);
  if (!yielded) return null;
  const written = liveWrite(w);
  if (!written) return null;
  for (const t of candidates) {
    const reset = resetOf(t, w, written);
    if (!reset || !racesWith(t, operation, w.steps)) continue;
    if (rechecked(w, all, yielded.node) || sharesLock(w, t) || (w.steps !== undefined && w.steps.some((step) => helperRechecks(step, w.path, all))) || undoneAfter(w, all)) return null;
    return { operation: operation.fn, teardown: t, reset: reset.node, revived: reset.revived, yielded: yielded.node };
  }
  return null;
}

const CACHE = /cache|cached|memo/i;

/**
 * Can teardown `t` run while the operation is suspended? Not when the operation runs it itself (`await
 * this.stopTimers()` before starting new ones: one of its steps), nor when it awaits the promise the operation
 * keeps in a field (`await this.starting`): it waits for the operation to end.
 */
function racesWith(t: Teardown, operation: { body: TSESTree.ClassBody; name: string; fn: FunctionNode }, steps: readonly Step[] = []): boolean {
  const { calls: own, writes } = ownEffects(operation.fn);
  // `_startTicker() { await this._stopTicker(); this.ticker = setInterval(…) }`: the method that writes runs it too.
  if (own.has(t.name) || steps.some((step) => ownEffects(step.fn).calls.has(t.name))) return false;
  if ([...t.awaits].some((p) => writes.has(p) || keepsPromiseOf(operation.body, p, operation.name) || everyCallerWrites(operation.fn, p))) return false;
  return !readiedBeforeHandedOut(operation.body, operation.name);
}

/**
 * `async #onPoll() { this.#working = true; try { await this.#process() } finally { this.#working = false } }`:
 * a private method only ever run by methods that set the flag a teardown waits on (`while (this.#working)
 * await delay(10)`) runs inside the flag's span too.
 */
function everyCallerWrites(fn: FunctionNode, path: string): boolean {
  const method = fn.parent;
  const calls = method?.type === 'MethodDefinition' ? privateMethodCalls(method) : null;
  if (!calls || calls.length === 0) return false;
  return calls.every((call) => {
    const caller = enclosingFunction(call);
    return caller !== null && caller !== fn && ownEffects(caller).writes.has(path);
  });
}

/**
 * `const channel = new SandboxChannel(opts); await channel.open(); return channel`: every call of the method in
 * the project is awaited on an object its caller has just made and not yet handed to anyone, so nothing else
 * holds the object to tear it down while the method waits. A method called any other way, or on an object
 * that was stored or used in between, may be running on an object others hold.
 */
function readiedBeforeHandedOut(body: TSESTree.ClassBody, name: string): boolean {
  if (isTeardownName(name)) return false;
  const calls = callsOnFreshObjects(body, name);
  return calls !== null && calls.length > 0 && calls.every((c) => c.awaited && !c.stored);
}

/** Some method of the class stores the promise of a call of method `name` in `path` (`this.connecting ??= this.establish()`). */
function keepsPromiseOf(body: TSESTree.ClassBody, path: string, name: string): boolean {
  let kept = keptPromises.get(body);
  if (!kept) keptPromises.set(body, (kept = new Map()));
  const key = `${path}\u0000${name}`;
  let answer = kept.get(key);
  if (answer === undefined) kept.set(key, (answer = findsPromiseOf(body, path, name)));
  return answer;
}

const keptPromises = new WeakMap<TSESTree.ClassBody, Map<string, boolean>>();

function findsPromiseOf(body: TSESTree.ClassBody, path: string, name: string): boolean {
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
  let effects = effectsOf.get(fn);
  if (!effects) effectsOf.set(fn, (effects = findOwnEffects(fn)));
  return effects;
}

const effectsOf = new WeakMap<FunctionNode, { calls: Set<string>; writes: Set<string> }>();

function findOwnEffects(fn: FunctionNode): { calls: Set<string>; writes: Set<string> } {
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
function liveWrite(w: Write): { field: string; value: Node | null } | null {
  // `await this.setTrack(track)`: the method the operation calls makes the write.
  const n = w.via ?? w.node;
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
function resetOf(t: Teardown, w: Write, written: { field: string; value: Node | null }): { node: Node; revived: boolean } | null {
  const reset = t.resets.get(w.path);
  // A cache the teardown only forgets, filled again: memory the object takes with it, no resource left running.
  // (A reset forgets it so that it is loaded afresh: filling it with what was loaded before is the race.)
  if (reset && t.kind === 'teardown' && CACHE.test(w.path.split('.').pop() ?? '') && [...reset.kinds].every((k) => k === 'forgets' || k === 'empties')) return null;
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
  // `this.active = { controller, … }` where the teardown does `this.active.controller.abort()`: it disposes of
  // what the field holds, and the write puts a live one back.
  if (w.kind === 'assign') {
    for (const [path, part] of t.resets) {
      if (path.startsWith(w.path + '.') && part.kinds.has('disposes')) return { node: part.node, revived: false };
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
function rechecked(w: Write, teardowns: readonly Teardown[], yieldedAt: Node): boolean {
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

/**
 * After the write, the operation looks at the object's state and undoes what it did when a teardown ran
 * meanwhile: `if (this.stopped) { this.stop(); }`, `if (this.closed) track.stop()`. The resource was acquired,
 * but it is released.
 */
function undoneAfter(w: Write, teardowns: readonly Teardown[]): boolean {
  const fn = enclosingFunction(w.node);
  if (!fn) return false;
  const watched = new Set<string>();
  for (const t of teardowns) for (const p of [...t.ends.keys(), ...t.writes]) watched.add(p);
  // `this.socket = s; … if (!this.socket) …` looks at what the write itself just stored.
  for (const p of watched) if (p === w.path || p.startsWith(w.path + '.')) watched.delete(p);
  const names = new Set(teardowns.map((t) => t.name));
  let found = false;
  forEachNode(fn.body, (n) => {
    if (found || isFunction(n)) return false;
    if (n.range[1] <= w.node.range[1]) return false;
    if (n.type !== 'IfStatement' || n.range[0] < w.node.range[1] || !readsState(n.test, watched)) return true;
    forEachNode(n.consequent, (m) => {
      if (found || isFunction(m)) return false;
      if (m.type === 'CallExpression') {
        const callee = unwrap(m.callee);
        if (callee.type === 'MemberExpression') {
          const name = memberName(callee);
          if (name !== null && ((unwrap(callee.object).type === 'ThisExpression' && names.has(name)) || DISPOSING_CALLS.has(name))) found = true;
        }
      }
      return !found;
    });
    return !found;
  });
  return found;
}


/** A condition reads a lifecycle field (`this.closed`, `this.state`) or one of `watched`. */
function readsState(test: Node, watched: ReadonlySet<string>): boolean {
  let found = false;
  forEachNode(test, (m) => {
    if (found) return false;
    if (m.type === 'MemberExpression') {
      const path = thisPath(m);
      // `this.closed`, not `this.socket.destroyed`: the object's own life, not that of something it holds.
      const own = unwrap(m.object).type === 'ThisExpression';
      if (path !== null && ((own && isLifecycleField(memberName(m) ?? '')) || watched.has(path))) found = true;
    }
    return !found;
  });
  return found;
}

/**
 * The method that makes the write looks at the object's state first (`if (this.disposed) return;` in
 * `setTrack()`): a test before the write, in that method, of a lifecycle field or of a field a teardown writes.
 */
function helperRechecks({ fn: helper, at: via }: Step, path: string, teardowns: readonly Teardown[]): boolean {
  const watched = new Set<string>();
  for (const t of teardowns) for (const p of [...t.ends.keys(), ...t.writes]) watched.add(p);
  // `if (track === this.track) return;` asks about the value being replaced, not about the object's life.
  watched.delete(path);
  let found = false;
  forEachNode(helper.body, (n) => {
    if (found || isFunction(n) || n.range[0] >= via.range[0]) return false;
    const test = n.type === 'IfStatement' || n.type === 'ConditionalExpression' ? n.test : n.type === 'LogicalExpression' ? n.left : null;
    // A guard: the write is under the condition, or the condition leaves the method (`if (this.stopped) return;`);
    // `if (this.processor) { … }` before the write only picks what else to do.
    const guards = test !== null && (n.range[1] >= via.range[1] || (n.type === 'IfStatement' && exits(n.consequent)));
    if (guards && readsState(test, watched)) found = true;
    return !found;
  });
  return found;
}

function exits(stmt: Node): boolean {
  if (stmt.type === 'ReturnStatement' || stmt.type === 'ThrowStatement') return true;
  const last = stmt.type === 'BlockStatement' ? stmt.body[stmt.body.length - 1] : undefined;
  return last !== undefined && (last.type === 'ReturnStatement' || last.type === 'ThrowStatement');
}

/** `await fetch(url, { signal: this.controller.signal })` with a teardown that aborts: the await itself ends with it. */
function abortable(yieldedAt: Node, teardowns: readonly Teardown[]): boolean {
  return mentionsSignal(yieldedAt) && teardowns.some((t) => callsAbort(t.method.body));
}

/** `if (signal.aborted) return` / `signal.throwIfAborted()` between the await and the write. */
function checksSignalAfter(w: Write, yieldedAt: Node): boolean {
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
function sharesLock(w: Pick<Write, 'holds'>, t: Teardown): boolean {
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

/**
 * What the operation acquires and the teardown disposes of: `this.feeds.push(feed)` where the teardown does
 * `this.feeds.forEach((f) => f.stop())`, `this.socket = socket` where it does `this.socket.close()`. The fix can
 * release the local the same way when it stops short. Looked for over the whole operation, so that every finding
 * in it gets the same re-check.
 */
function releaseIn(operation: FunctionNode, t: Teardown): { release?: { value: string; method: string } } {
  let found: { value: string; method: string } | null = null;
  forEachNode(operation.body, (n) => {
    if (found || isFunction(n)) return false;
    let target: Node | null = null;
    let value: Node | undefined;
    if (n.type === 'AssignmentExpression' && n.operator === '=') [target, value] = [n.left, n.right];
    else if (n.type === 'CallExpression' && n.arguments.length === 1) {
      const callee = unwrap(n.callee);
      if (callee.type === 'MemberExpression' && COLLECTION_INSERTS.has(memberName(callee) ?? '')) [target, value] = [unwrap(callee.object), n.arguments[0]];
    }
    const path = target?.type === 'MemberExpression' ? thisPath(target) : null;
    const reset = path !== null ? t.resets.get(path) : undefined;
    const local = value ? unwrap(value as TSESTree.Expression) : null;
    if (reset && local?.type === 'Identifier') {
      const method = disposingMethod(reset.node, path!);
      if (method !== null) found = { value: local.name, method };
    }
    return !found;
  });
  return found ? { release: found } : {};
}

/** `this.feed.stop()` -> `stop`; `this.feeds.forEach((f) => f.close())` -> `close`; else null. */
function disposingMethod(reset: Node, path: string): string | null {
  let call = unwrap(reset as TSESTree.Expression);
  if (call.type === 'ChainExpression') call = unwrap(call.expression);
  if (call.type !== 'CallExpression') return null;
  const callee = unwrap(call.callee);
  if (callee.type !== 'MemberExpression') return null;
  const holder = unwrap(callee.object);
  if (holder.type !== 'MemberExpression' || thisPath(holder) !== path) return null;
  const name = memberName(callee);
  if (name !== null && DISPOSING_CALLS.has(name) && call.arguments.length === 0) return name;
  const each = name === 'forEach' ? call.arguments[0] : undefined;
  if (!each || !isFunction(each) || each.body.type === 'BlockStatement' || each.params[0]?.type !== 'Identifier') return null;
  const body = unwrap(each.body);
  const inner = body.type === 'CallExpression' ? unwrap(body.callee) : null;
  const method = inner?.type === 'MemberExpression' ? memberName(inner) : null;
  const on = inner?.type === 'MemberExpression' ? unwrap(inner.object) : null;
  return method !== null && DISPOSING_CALLS.has(method) && body.type === 'CallExpression' && body.arguments.length === 0 && on?.type === 'Identifier' && on.name === each.params[0].name ? method : null;
}

/** Calls that use no resource of the object's, only tell about the work: logging, tracing, an event to listeners. */
const QUIET_CALLS = /^(log|debug|info|notice|warn|warning|error|trace|verbose|silly|fatal|emit)$/;
/** Fields that hold such a teller: `this.logger.notice(…)`. */
const QUIET_HOLDERS = /^[#_]?(log|logger|console|tracer|metrics|telemetry)$/i;

/**
 * `this.queue.shift()`, `this.streams.get(id)` on a field the class fills with a plain collection (`= new Map()`,
 * `= []`): a teardown may empty it, but nothing is freed that the call could use.
 */
function holdsCollection(body: TSESTree.ClassBody, path: string): boolean {
  const field = path.split('.').length === 2 ? path.split('.')[1] : null;
  if (!field) return false;
  const isCollection = (value: Node | null | undefined): boolean => {
    const v = value ? unwrap(value) : null;
    if (!v) return false;
    if (v.type === 'ArrayExpression') return true;
    return v.type === 'NewExpression' && isCollectionClass(v.callee);
  };
  let found = false;
  forEachNode(body, (n) => {
    if (found) return false;
    if (n.type === 'PropertyDefinition' && !n.static && memberKeyName(n) === field && isCollection(n.value)) found = true;
    if (n.type === 'AssignmentExpression' && n.operator === '=' && n.left.type === 'MemberExpression' && thisPath(n.left) === path && isCollection(n.right)) found = true;
    return !found;
  });
  return found;
}

interface StaleLook extends Race {
  /** The last look at the lifecycle field before the await, made after an earlier await. */
  look: Node;
  path: string;
}

/**
 * `while (!this.stopped) { const batch = await next(); if (!batch || this.stopped) return; await send(batch);
 * this.machine.count(); }`: the operation looks at the object's life again after one await (so it knows a
 * teardown can run while it waits), and then uses what the object holds (a call on a field's object) after a
 * later await without looking again. A teardown that ran during that await is not seen: the operation goes on
 * with a machine, socket or session its owner released when it stopped the object.
 */
function actAfterStaleLook(c: MethodCall): StaleLook | null {
  const operation = operationOf(c.node);
  if (!operation || isTeardownName(operation.name) || isResetName(operation.name)) return null;
  const ending = new Map<string, Teardown>();
  for (const t of teardownsOf(operation.body)) {
    if (t.kind !== 'teardown' || t.name === operation.name || t.refuses || !racesWith(t, operation)) continue;
    for (const path of t.ends.keys()) if (!ending.has(path)) ending.set(path, t);
  }
  if (ending.size === 0) return null;
  // The latest look at the object's life in force here.
  let last: { read: ReadFact; teardown: Teardown } | null = null;
  // A loop's own test (`while (this.running) { await poll(); … }`): one more round after the teardown is how
  // such a loop ends, by design.
  for (const { check, reads } of c.checksInForce()) {
    if (check.loopTest) continue;
    for (const read of reads) {
      const t = ending.get(read.path);
      if (t && (last === null || read.node.range[0] > last.read.node.range[0])) last = { read, teardown: t };
    }
  }
  // Looked at after an earlier await (the operation knows a teardown can come while it waits), and not since.
  if (last === null || last.read.passed.equals(AwaitSet.EMPTY)) return null;
  const since = c.yieldedSince(last.read.passed);
  if (since === null || sharesLock(c, last.teardown)) return null;
  return { operation: operation.fn, teardown: last.teardown, look: last.read.node, path: last.read.path, yielded: since.node };
}

function actReport(c: MethodCall, call: string, found: StaleLook): RuleReport {
  const { teardown: t, look, path, yielded } = found;
  const field = '`' + path + '`';
  const teardown = '`' + t.name + '()`';
  const ended = t.ends.get(path)!.node;
  return {
    anchor: c.node,
    message: `${call} runs after ${yieldPhrase(yielded)} with no new look at ${field}, which this method looks at after an earlier await (line ${line(look)}): if ${teardown} runs during that await, line ${line(c.node)} still goes on with the object it ended; look at ${field} again after the await`,
    location: path,
    subject: { kind: 'teardown', operation: found.operation, teardown: t.method, teardownName: t.name, write: c.node },
    confidence: 'low',
    related: [
      { anchor: look, message: `${field} is last looked at here` },
      { anchor: yielded, message: `the operation is suspended here; ${teardown} can run` },
      { anchor: ended, message: `${teardown} ends the object's life here` },
    ],
    interleaving: {
      actors: [
        { id: 'operation', label: functionLabel(c.node) },
        { id: 'teardown', label: teardown },
      ],
      steps: [
        { actor: 0, anchor: look, text: `looks at ${field}: still live` },
        { actor: 0, anchor: yielded, text: 'yields' },
        { actor: 1, anchor: ended, text: `runs and ends the object's life` },
        { actor: 0, anchor: c.node, text: 'resumes and goes on as if it were live:', quote: c.node },
      ],
      outcome: `the operation works with an object after ${teardown} ended it`,
    },
  };
}

/** The name of the class whose code `node` is. */
function className(node: Node): string {
  const fn = enclosingFunction(node);
  const klass = fn ? classOf(fn)?.parent : undefined;
  return (klass?.type === 'ClassDeclaration' || klass?.type === 'ClassExpression') && klass.id ? klass.id.name : 'the base class';
}

function report(w: Write, found: Found): RuleReport {
  const { teardown: t, reset, yielded, revived } = found;
  const field = '`' + w.path + '`';
  const teardown = '`' + t.name + '()`';
  const helper = w.via && w.node.type === 'CallExpression' ? calleeName(w.node) : null;
  // `line 297 calls setMediaStreamTrack(), which (line 170)`: the write the operation makes through a method.
  const writer = helper ? `line ${line(w.node)} calls \`${helper}()\`, which (line ${line(w.via!)})` : `line ${line(w.node)}`;
  // A teardown inherited from a base class in another module: its lines are not this file's.
  const inherited = programOf(reset) !== programOf(w.node) ? className(reset) : null;
  const where = inherited !== null ? `in \`${inherited}\`` : `line ${line(reset)}`;
  const words = WORDS[t.kind];
  const what = revived
    ? `it ${words.ends} (${where}), and ${writer} then sets ${field} back ${words.back}`
    : `it ${words.resets(field)} (${where}), and ${writer} then ${words.storesAgain}`;
  return {
    anchor: w.node,
    message: `${field} is written after ${yieldPhrase(yielded)}, with no check ${words.unchecked}: if ${teardown} runs meanwhile, ${what}; ${words.advice}`,
    location: w.path,
    subject: { kind: 'teardown', operation: found.operation, teardown: t.method, teardownName: t.name, write: w.node, ...releaseIn(found.operation, t) },
    confidence: 'low',
    related: [
      { anchor: yielded, message: `the operation is suspended here; ${teardown} can run` },
      ...(w.via ? [{ anchor: w.via, message: `the method the operation calls writes ${field} here` }] : []),
      ...(inherited === null
        ? [{ anchor: reset, message: revived ? `${teardown} ${words.endsHere}` : `${teardown} ${words.resets(field)} here` }]
        : [{ anchor: inheritedAt(found), message: `${teardown} is inherited from \`${inherited}\`, where it ${revived ? words.ends : words.resets(field)}` }]),
    ],
    interleaving: timeline(w, found, field, helper, inherited),
  };
}

/** How a finding tells of a teardown (the object's life ended) and of a reset (the object started over). */
const WORDS = {
  teardown: {
    unchecked: 'that the object is still live',
    ends: 'marks the object as ended',
    endsHere: "ends the object's life here",
    back: 'to a live state',
    resets: (field: string) => `resets ${field}`,
    storesAgain: 'stores into it again what the teardown removed, which outlives the object',
    advice: 'check the state again after the await (and release what was acquired)',
    outcome: (teardown: string, field: string, revived: boolean) =>
      revived ? `the object is alive again after ${teardown} ended it` : `what is stored in ${field} after ${teardown} is never released: it outlives the object`,
  },
  reset: {
    unchecked: 'that the object was not reset meanwhile',
    ends: 'marks the object as not loaded',
    endsHere: 'marks the object as not loaded here',
    back: 'as if the reset had not happened',
    resets: (field: string) => `clears ${field}`,
    storesAgain: 'puts back a value from before the reset',
    advice: 'check after the await that no reset ran (a generation counter the reset bumps) and drop the stale result',
    outcome: (teardown: string, field: string) => `the reset is undone: ${field} holds what was loaded before ${teardown}`,
  },
} as const;

/** A teardown a base class in another module defines is shown at the class's `extends`, in this file. */
function inheritedAt({ operation, yielded }: Pick<Found, 'operation' | 'yielded'>): Node {
  const klass = classOf(operation)?.parent;
  return (klass?.type === 'ClassDeclaration' || klass?.type === 'ClassExpression') && klass.superClass ? klass.superClass : yielded;
}

/** The operation yields; the teardown runs and resets; the operation resumes and writes as if it had not. */
function timeline(w: Write, { operation, teardown: t, reset, yielded, revived }: Found, field: string, helper: string | null, inherited: string | null): InterleavingDraft {
  const teardown = '`' + t.name + '()`';
  const teardownAt = inherited === null ? reset : inheritedAt({ operation, yielded });
  const words = WORDS[t.kind];
  const resets = revived ? words.ends : words.resets(field);
  return {
    actors: [
      { id: 'operation', label: functionLabel(w.node) },
      { id: 'teardown', label: teardown },
    ],
    steps: [
      { actor: 0, anchor: yielded, text: 'yields' },
      { actor: 1, anchor: teardownAt, text: inherited !== null ? `runs (inherited from \`${inherited}\`) and ${resets}` : `runs and ${resets}` },
      ...(helper ? [{ actor: 0, anchor: w.node, text: `resumes and calls \`${helper}()\`` }] : []),
      { actor: 0, anchor: w.via ?? w.node, text: helper ? (revived ? 'which sets the state back:' : 'which stores it again:') : revived ? 'resumes and sets the state back:' : 'resumes and stores it again:', quote: w.via ?? w.node },
    ],
    outcome: words.outcome(teardown, field, revived),
  };
}
