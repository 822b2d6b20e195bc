import type { Variable } from '@typescript-eslint/scope-manager';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeName, memberName, unwrap, type Node } from '../ast.js';
import type { AwaitSet } from '../awaitSet.js';
import { pathsOverlap, REMOTE_DELETES, type PathContext } from '../locations.js';
import { differentKeys } from '../keys.js';
import { deletesWhatWasListed } from '../listings.js';
import { callbackLock, heldByEveryCaller, type LockTable } from '../locks.js';
import type { FunctionNode, ScopeInfo } from '../scope.js';
import { sharesInFlight } from '../callees.js';
import { ownerOf, memberReads, memberWrites, type MemberWrites } from '../summaries.js';
import type { FlowObserver, Guard, GuardingCheck, LocalCall, MethodCall, SharedWrite } from './events.js';
import { initialState, NO_DEPS, type AwaitPoint, type Check, type Holds, type ReadFact, type State } from './state.js';

/*
 * The walker's own bookkeeping, below the syntax: await points passed, reads taken, conditions opened and
 * dropped, locks taken and released, and writes of shared state handed to the observers. expressions.ts and
 * statements.ts walk the syntax on top of it.
 */
export abstract class WalkerCore implements PathContext {
  protected readonly awaits: AwaitPoint[] = [];
  protected st: State;
  /** Numbers each lock hold: a read and a write are in one critical section when they share a hold. */
  private holdIds = 0;
  private classReadsCache: Map<string, string[]> | null | undefined;
  private classWritesCache: MemberWrites | null | undefined;
  /**
   * Set while assigning `await <shared promise>`: every caller stores what the one shared operation
   * produced (`this.conn = await this.connecting`), so the act repeats no work.
   */
  protected sharedResult = false;
  /** Walking the callbacks of a promise chain other callers share (see `chainStoredShared`). */
  protected inSharedChain = false;
  /** The observers that look at calls on a field's object (`FlowObserver.memberCall`), found on the first call. */
  private memberCallObservers: FlowObserver[] | undefined;
  /** The observers that follow method calls (`FlowObserver.methodCall`), found on the first call. */
  private callObservers: FlowObserver[] | undefined;
  /** The observers of calls of plain names (`FlowObserver.localCall`), found on the first such call. */
  private localCallObservers: FlowObserver[] | undefined;
  /** Set by an awaited acquire so a declaration can bind its release function or guard. */
  protected pendingAcquireKey: string | null = null;

  constructor(
    public fn: FunctionNode,
    readonly scope: ScopeInfo,
    protected readonly locks: LockTable,
    private readonly observers: readonly FlowObserver[],
    /** Generators whose `yield` gives up control as an `await` does (see `suspendsAtYield`). */
    protected readonly suspendingGenerators: ReadonlySet<FunctionNode> = new Set(),
  ) {
    // A lock's callback runs under it; so does a private method whose every caller in the class holds one.
    const cb = callbackLock(fn, locks) ?? heldByEveryCaller(fn, locks);
    this.st = initialState(cb && cb.kind === 'mutex' ? this.hold(new Map(), cb.key) : new Map());
  }

  aliasOf(variable: Variable): string | undefined {
    return this.st.aliases.get(variable);
  }

  /** Fields written by the enclosing class's methods (see `memberWrites`). */
  protected classWrites(): MemberWrites | null {
    if (this.classWritesCache === undefined) {
      const body = ownerOf(this.fn);
      this.classWritesCache = body ? memberWrites(body, sharesInFlight) : null;
    }
    return this.classWritesCache;
  }

  /** Fields read by the enclosing class's synchronous methods and getters. */
  protected classReads(): Map<string, string[]> | null {
    if (this.classReadsCache === undefined) {
      const body = ownerOf(this.fn);
      this.classReadsCache = body ? memberReads(body) : null;
    }
    return this.classReadsCache;
  }

  protected passAwait(node: Node): void {
    const id = this.awaits.length;
    this.awaits.push({ id, node });
    this.st.passed = this.st.passed.with(id);
  }

  /** The first await that may have happened after `before` and up to `now`. */
  private awaitSince(before: AwaitSet, now: AwaitSet): AwaitPoint | null {
    const first = now.firstNotIn(before);
    return first === null ? null : this.awaits[first]!;
  }

  private awaitsSince(before: AwaitSet, now: AwaitSet): AwaitPoint[] {
    return this.awaits.filter((a) => now.has(a.id) && !before.has(a.id));
  }

  protected read(path: string, node: Node): ReadFact {
    return { path, node, passed: this.st.passed, holds: this.st.holds };
  }

  protected pushCheck(reads: ReadFact[], node: Node, supersedes = true): Check | null {
    if (reads.length === 0) return null;
    const open = new Set(reads.map((r) => r.path));
    if (!supersedes) {
      const check: Check = { node, reads, open };
      this.st.checks = [...this.st.checks, check];
      return check;
    }
    // A newer check of the same state supersedes older ones (a re-check after an await). A look inside it
    // (`if (this.topology.servers.length)` after `if (this.topology == null) return`) re-checks nothing of it.
    // A test of a copy made from the very read the older check made (`if (oldData)` where `oldData` came from
    // `record`) looks at nothing afresh.
    const checked = new Set<ReadFact>();
    for (const c of this.st.checks) for (const o of c.reads) checked.add(o.base ?? o);
    const fresh = new Set(reads.filter((r) => !checked.has(r.base ?? r)).map((r) => r.path));
    for (const older of this.st.checks) {
      for (const p of fresh) {
        for (const q of [...older.open]) {
          // `if (cache.hasPendingTask(task))` after `if (cache.hasCacheForKey(key)) return`: another entry.
          if (!pathsOverlap(p, q) || p.length > q.length || otherEntry(reads, older.reads, p, q)) continue;
          older.open.delete(q);
        }
      }
    }
    const check: Check = { node, reads, open };
    this.st.checks = [...this.st.checks, check];
    return check;
  }

  protected dropCheck(check: Check | null): void {
    if (check) this.st.checks = this.st.checks.filter((c) => c !== check);
  }

  /**
   * The holds after taking the lock `key`. Taking a lock that is already held opens no new section: the
   * outer hold still keeps other callers out (a non-reentrant lock would never grant it anyway), so the
   * acquire's own `await` is no window for state the outer hold guards.
   */
  protected hold(holds: Holds, key: string): Holds {
    if (holds.has(key)) return holds;
    return new Map([...holds, [key, ++this.holdIds]]);
  }

  protected release(key: string): void {
    if (!this.st.holds.has(key)) return;
    const holds = new Map(this.st.holds);
    holds.delete(key);
    this.st.holds = holds;
  }

  /** A call of a method of the class on `this`, for the observers that follow it into the method. */
  protected methodCall(node: Node, method: string): void {
    const listening = (this.callObservers ??= this.observers.filter((o) => o.methodCall));
    if (listening.length === 0) return;
    const event = this.callEvent(node, method);
    for (const o of listening) o.methodCall!(event);
  }

  /** A call on the object a field of the class holds (`this.machine.count()`), for the observers that look at them. */
  protected memberCall(node: Node, path: string, method: string): void {
    const listening = (this.memberCallObservers ??= this.observers.filter((o) => o.memberCall));
    if (listening.length === 0) return;
    const event = { ...this.callEvent(node, method), path };
    for (const o of listening) o.memberCall!(event);
  }

  /** What an observer of a call is told: the checks and lock holds in force there, and the awaits before it. */
  private callEvent(node: Node, method: string): MethodCall {
    const now = this.st.passed;
    const checks = this.st.checks;
    return {
      node,
      method,
      holds: this.st.holds,
      checksInForce: () => checks.map((c) => ({ check: { node: c.node, guardsRest: c.guardsRest === true, loopTest: c.loopTest === true, close: () => closeCheck(c), writtenByLeavingBranch: (c.reopened?.size ?? 0) > 0 }, reads: c.reads })),
      yieldedSince: (since) => this.awaitSince(since, now),
    };
  }

  /** A call of a plain name (`unhook()`, `hookResolver(wrap)`), its arguments evaluated, for the observers that follow them. */
  protected localCall(node: TSESTree.CallExpression): void {
    const listening = (this.localCallObservers ??= this.observers.filter((o) => o.localCall));
    if (listening.length === 0) return;
    const now = this.st.passed;
    const event: LocalCall = { node, passed: now, holds: this.st.holds, yieldedSince: (since) => this.awaitSince(since, now) };
    for (const o of listening) o.localCall!(event);
  }

  /** A write of shared state: the conditions it acts on stop being open, and the observers hear of it. */
  protected write(path: string, deps: ReadFact[], node: Node, kind: SharedWrite['kind'], via?: Node, holder?: string): void {
    const guards: Guard[] = [];
    const handles = new Map<Check, GuardingCheck>();
    const handleOf = (check: Check): GuardingCheck => {
      let h = handles.get(check);
      if (!h) handles.set(check, (h = { node: check.node, guardsRest: check.guardsRest === true, loopTest: check.loopTest === true, close: () => closeCheck(check), writtenByLeavingBranch: pathsOverlapAny(check.reopened, path) }));
      return h;
    };
    for (let i = this.st.checks.length - 1; i >= 0; i--) {
      const check = this.st.checks[i]!;
      let handle: GuardingCheck | undefined;
      // Every read of an open path counts (a condition may read one location twice: a stale copy and afresh).
      const acted: string[] = [];
      for (const read of check.reads) {
        if (!check.open.has(read.path) || !pathsOverlap(read.path, path) || readsOnlyHolder(read, holder)) continue;
        acted.push(read.path);
        handle ??= handleOf(check);
        guards.push({ check: handle, read });
      }
      for (const p of acted) check.open.delete(p);
    }
    const now = this.st.passed;
    const checks = this.st.checks;
    // `const current = this.state; await …; this.state = { items: current.items }`: replacing the object the alias
    // was taken from writes back what the alias read of it, from before the await, whatever its fields say now.
    const replaced = deps.some((d) => d.through) ? deps.flatMap((d) => d.through?.filter((t) => t.path === path) ?? NO_DEPS) : NO_DEPS;
    // `const batch = [...this.pending]; await send(batch); this.pending = [];`: emptying a collection a local still
    // holds a copy of drops what was added since the copy, as a write from that copy would.
    const drained = empties(node) ? [...this.st.taint.values()].flat().filter((r) => r.path === path && (isSnapshot(r.node) || deletesWhatWasListed(node, r.node))) : NO_DEPS;
    const event: SharedWrite = {
      path,
      node,
      kind,
      deps: [...(holder === undefined ? deps : deps.filter((d) => !readsOnlyHolder(d, holder))), ...drained, ...replaced],
      guards,
      // Asked only by a latch (rare); not built for every write.
      checksInForce: () => checks.map((c) => ({ check: handleOf(c), reads: c.reads })),
      holds: this.st.holds,
      sharedResult: this.sharedResult || this.inSharedChain,
      yieldedSince: (since) => this.awaitSince(since, now),
      yieldsSince: (since) => this.awaitsSince(since, now),
      ...(via ? { via } : {}),
      ...(holder !== undefined ? { holder } : {}),
    };
    for (const o of this.observers) o.write(event);
  }
}

/** `this.queue = []`, `this.seen = new Set()`, `this.pending.clear()`, `this.items.splice(0)`: the write empties it. */
export function empties(node: Node): boolean {
  if (node.type === 'AssignmentExpression' && node.operator === '=') {
    const value = unwrap(node.right);
    if (value.type === 'ArrayExpression') return value.elements.length === 0;
    return value.type === 'NewExpression' && value.arguments.length === 0 && ['Set', 'Map', 'Array'].includes(calleeName(value) ?? '');
  }
  if (node.type !== 'CallExpression') return false;
  const name = calleeName(node);
  return name === 'clear' || REMOTE_DELETES.has(name ?? '') || (name === 'splice' && node.arguments.length === 1 && isZero(node.arguments[0]!));
}

function isZero(n: Node): boolean {
  const e = unwrap(n);
  return e.type === 'Literal' && e.value === 0;
}

/** The read takes the whole collection: `const b = this.q`, `[...this.q]`, `Array.from(this.q)`, `this.q.slice()`. */
function isSnapshot(read: Node): boolean {
  // A look-up (`this.buffer.get(id)`) or a helper's read takes one entry or a derived value, not the collection.
  if (read.type !== 'MemberExpression' && read.type !== 'Identifier') return false;
  const at = read.parent;
  if (!at) return false;
  if (at.type === 'VariableDeclarator') return at.init === read;
  if (at.type === 'SpreadElement') return at.parent?.type === 'ArrayExpression';
  if (at.type === 'CallExpression') return at.arguments[0] === read && calleeName(at) === 'from';
  if (at.type === 'MemberExpression' && at.object === read && at.parent?.type === 'CallExpression' && at.parent.callee === at) {
    return ['slice', 'values', 'concat'].includes(memberName(at) ?? '') && at.parent.arguments.length === 0;
  }
  return false;
}

/** The reads of `p` (new) and of `q` (older) are all keyed look-ups of plainly different entries. */
function otherEntry(reads: readonly ReadFact[], older: readonly ReadFact[], p: string, q: string): boolean {
  const a = reads.filter((r) => r.path === p);
  const b = older.filter((r) => r.path === q);
  return a.length > 0 && b.length > 0 && a.every((r) => b.every((o) => differentKeys(r.node, o.node)));
}

/**
 * A read of the object an accessor is called on, not of what it stores: `if (!this.storage)`, `const graph =
 * this.graph`. A keyed look-up on it (`cache.hasCacheFor(key)`) is a look at its contents, and counts.
 */
function readsOnlyHolder(read: ReadFact, holder: string | undefined): boolean {
  return holder !== undefined && read.path === holder && read.node.type !== 'CallExpression';
}

/** An observer is done with a check (it reported it, or a latch settled it): for every path, not just this one. */
function closeCheck(check: Check): void {
  check.open.clear();
  check.closed = true;
}

function pathsOverlapAny(paths: ReadonlySet<string> | undefined, path: string): boolean {
  if (!paths) return false;
  for (const p of paths) if (pathsOverlap(p, path)) return true;
  return false;
}
