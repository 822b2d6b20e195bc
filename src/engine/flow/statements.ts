import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { containsAwait, forEachNode, isFunction, unwrap, type Node } from '../ast.js';
import { AwaitSet } from '../awaitSet.js';
import { sharedPath } from '../locations.js';
import type { LockTable } from '../locks.js';
import type { FunctionNode, ScopeInfo } from '../scope.js';
import type { FlowObserver } from './events.js';
import { ExpressionWalker } from './expressions.js';
import { collectionGetPath, generationGuard } from './guards.js';
import { cloneState, mergeStates, NO_DEPS, restate, type Check, type State } from './state.js';

/** Loops nested deeper than this are walked once (see `loop`). */
const MAX_REWALKED_LOOPS = 3;

/** Methods whose iterator walks the collection as it is at each step. */
const LIVE_ITERATORS = new Set(['entries', 'keys', 'values']);

/** Walks one async function in evaluation order, telling `observers` of every write of shared state. */
export function walkFunction(fn: FunctionNode, scope: ScopeInfo, locks: LockTable, observers: readonly FlowObserver[], suspendingGenerators?: ReadonlySet<FunctionNode>): void {
  new FunctionWalker(fn, scope, locks, observers, suspendingGenerators).run();
}

/*
 * Statements: blocks, branches that copy the state and join it again, loops walked twice so that what one
 * iteration leaves is seen by the next, try/catch/finally, and the declarations that bind lock releasers.
 */
class FunctionWalker extends ExpressionWalker {
  /** `this.cache`, `sessions.entries()`: the iterator of a shared collection itself, which reads it as it goes. */
  private iteratesLive(right: Node): boolean {
    let target = unwrap(right);
    if (target.type === 'CallExpression' && target.arguments.length === 0) {
      const callee = unwrap(target.callee);
      if (callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier' || !LIVE_ITERATORS.has(callee.property.name)) return false;
      target = unwrap(callee.object);
    }
    if (target.type !== 'Identifier' && target.type !== 'MemberExpression') return false;
    const path = sharedPath(target, this);
    return path !== null && path !== 'this';
  }

  run(): void {
    const body = this.fn.body;
    if (body.type === 'BlockStatement') this.block(body);
    else this.expr(body);
    this.flushContinuations();
  }

  protected block(node: TSESTree.BlockStatement | TSESTree.Program | TSESTree.StaticBlock): void {
    const disposeKeys: string[] = [];
    const chained = this.pendingContinuations();
    for (const stmt of node.body) {
      if (this.st.exited) break;
      this.statement(stmt, disposeKeys);
    }
    this.flushContinuations(chained);
    for (const key of disposeKeys) this.release(key);
  }

  private statement(node: Node, disposeKeys: string[] = []): void {
    switch (node.type) {
      case 'ExpressionStatement':
        this.expr(node.expression);
        return;
      case 'VariableDeclaration':
        this.declaration(node, disposeKeys);
        return;
      case 'BlockStatement':
        this.block(node);
        return;
      case 'IfStatement':
        this.ifStatement(node);
        return;
      case 'ReturnStatement':
        if (node.argument) {
          this.expr(node.argument);
          // An async function that returns a call's promise waits for it as `return await` would.
          if (this.fn.async) this.returnedCallSettles(node.argument);
        }
        this.st.exited = true;
        return;
      case 'ThrowStatement':
        this.expr(node.argument);
        this.st.exited = true;
        return;
      case 'BreakStatement':
      case 'ContinueStatement':
        this.st.exited = true;
        return;
      case 'TryStatement':
        this.tryStatement(node);
        return;
      case 'ForStatement':
        if (node.init) {
          if (node.init.type === 'VariableDeclaration') this.declaration(node.init, disposeKeys);
          else this.expr(node.init);
        }
        this.loop(() => {
          const check = node.test ? this.loopTest(node.test) : null;
          this.statement(node.body);
          this.dropCheck(check);
          if (!this.st.exited && node.update) this.expr(node.update);
        });
        if (node.test) this.exitTest(node.test, node.body);
        return;
      case 'WhileStatement':
        this.loop(() => {
          const check = this.loopTest(node.test);
          this.statement(node.body);
          this.dropCheck(check);
        });
        this.exitTest(node.test, node.body);
        return;
      case 'DoWhileStatement':
        this.loop(() => {
          this.statement(node.body);
          if (!this.st.exited) this.expr(node.test);
        });
        return;
      case 'ForOfStatement':
      case 'ForInStatement': {
        const source = this.expr(node.right);
        this.loop(() => {
          let deps = source;
          if (node.type === 'ForOfStatement' && (node.await || this.iteratesLive(node.right))) {
            if (node.await) {
              this.flushContinuations();
              this.passAwait(node);
            }
            // Each element is produced by the `next()` (or the await) that starts its iteration: it is read now,
            // not when the iterator was made (`for await (const [k, v] of this.store.iterator())`; a shared Map's
            // or array's own iterator is live too: `for (const [k, v] of this.cache)` sees the entry as it is now).
            // A list computed once before the loop (`for (const d of this.fetchableDomains())`) is a snapshot.
            deps = source.map((f) => restate(f, this.st.passed));
          }
          const left = node.left;
          if (left.type === 'VariableDeclaration') {
            for (const d of left.declarations) this.assignTo(d.id, deps, d);
          } else {
            this.assignTo(left, deps, node);
          }
          this.statement(node.body);
        });
        return;
      }
      case 'SwitchStatement': {
        const disc = this.expr(node.discriminant);
        const check = this.pushCheck(disc, node.discriminant);
        const entry = cloneState(this.st);
        let acc: State | null = null;
        let fall = entry;
        for (const c of node.cases) {
          this.st = mergeStates(cloneState(entry), fall);
          this.st.exited = false;
          if (c.test) this.expr(c.test);
          for (const s of c.consequent) {
            if (this.st.exited) break;
            this.statement(s, disposeKeys);
          }
          fall = cloneState(this.st);
          acc = acc ? mergeStates(acc, { ...this.st, exited: false }) : { ...this.st, exited: false };
        }
        this.st = acc ? mergeStates(acc, entry) : entry;
        this.st.exited = false;
        this.dropCheck(check);
        return;
      }
      case 'LabeledStatement':
        this.statement(node.body, disposeKeys);
        return;
      default:
        // Declarations of functions, classes, types, imports: nothing runs here in this call.
        return;
    }
  }

  private declaration(node: TSESTree.VariableDeclaration, disposeKeys: string[]): void {
    for (const d of node.declarations) {
      if (!d.init) continue;
      this.pendingAcquireKey = null;
      const deps = this.expr(d.init);
      const acquiredKey = this.pendingAcquireKey as string | null;
      this.pendingAcquireKey = null;
      this.assignTo(d.id, deps, d);
      // async-mutex Semaphore resolves to [value, release].
      const releaseId = d.id.type === 'ArrayPattern' && d.id.elements[1]?.type === 'Identifier' ? d.id.elements[1] : null;
      if (releaseId && acquiredKey !== null) {
        const v = this.scope.declaredVariable(releaseId);
        if (v) this.st.releasers.set(v, acquiredKey);
        continue;
      }
      if (d.id.type !== 'Identifier') continue;
      const variable = this.scope.declaredVariable(d.id);
      if (!variable) continue;
      const init = unwrap(d.init);
      if (acquiredKey !== null && init.type === 'AwaitExpression') {
        this.st.releasers.set(variable, acquiredKey);
        if (node.kind === 'await using' || node.kind === 'using') disposeKeys.push(acquiredKey);
        continue;
      }
      if (node.kind !== 'const') continue;
      // A const bound to shared state aliases it: `const self = this`, `const acct = this.accounts.get(id)`.
      const path = init.type === 'CallExpression' ? (collectionGetPath(init, this) ?? sharedPath(init, this)) : sharedPath(init, this);
      if (path !== null) this.st.aliases.set(variable, path);
    }
  }

  private ifStatement(node: TSESTree.IfStatement): void {
    const test = this.expr(node.test);
    const guard = generationGuard(node.test, this);
    const check = this.pushCheck(test, node.test);
    const before = this.st.checks;
    const entry = cloneState(this.st);
    // A write on a branch that leaves (`if (room) { this.used += n; return; }`) acts on no check that the code after
    // the `if` sees. One on a branch that goes on closes the check for the other branch too: written whichever way
    // the test went, the state is not written because of it.
    const openAtEntry = openPaths(before);
    if (guard === 'equal') this.st.passed = AwaitSet.EMPTY;
    this.statement(node.consequent);
    const afterCons = this.st;
    if (afterCons.exited) restoreOpen(openAtEntry);
    const openBeforeAlt = openPaths(before);
    this.st = entry;
    if (node.alternate) this.statement(node.alternate);
    const afterAlt = this.st;
    if (afterAlt.exited && !afterCons.exited) restoreOpen(openBeforeAlt);
    this.st = mergeStates(afterCons, afterAlt);
    if (guard === 'different' && afterCons.exited && !afterAlt.exited) this.st.passed = AwaitSet.EMPTY;
    // An early exit leaves the check guarding the rest of the block (`if (cached) return cached; …`).
    const earlyExit = afterCons.exited !== afterAlt.exited;
    if (!earlyExit) {
      this.dropCheck(check);
      if (!this.st.exited) this.carryNestedExits(before, afterCons, afterAlt);
    } else if (check) {
      check.guardsRest = true;
      if (!this.st.checks.includes(check)) this.st.checks = [...this.st.checks, check];
    }
  }

  /**
   * `if (record) { if (fresh(record)) return record.value; }`: the code after the `if` runs only where the inner
   * early exit was not taken, so that check (made inside a branch) still guards it; both branches' exits count.
   */
  private carryNestedExits(before: readonly Check[], ...branches: State[]): void {
    const nested = new Set<Check>();
    for (const b of branches) for (const c of b.checks) if (c.guardsRest && !before.includes(c) && !this.st.checks.includes(c)) nested.add(c);
    if (nested.size > 0) this.st.checks = [...this.st.checks, ...nested];
  }

  private tryStatement(node: TSESTree.TryStatement): void {
    // Only a handler needs the entry state; copying it for every try/finally cost O(locals) each.
    const entry = node.handler ? cloneState(this.st) : null;
    this.block(node.block);
    let after = this.st;
    if (node.handler && entry) {
      // The handler can start after any point of the try block: assume after all of it, holds as at entry.
      this.st = { ...mergeStates(entry, { ...after, exited: false }), holds: entry.holds, exited: false };
      if (node.handler.param) this.assignTo(node.handler.param, NO_DEPS, node.handler);
      this.block(node.handler.body);
      after = mergeStates(after, this.st);
    }
    if (node.finalizer) {
      const exited = after.exited;
      this.st = { ...after, exited: false };
      this.block(node.finalizer);
      if (!this.st.exited) this.st.exited = exited;
    } else {
      this.st = after;
    }
  }

  /** How many loops enclose the code being walked. */
  private loopDepth = 0;

  /**
   * A loop's test, evaluated before each pass and in force for the body (see `Check.loopTest`). It leaves older
   * checks open: a `break` can leave the loop with only them in force.
   */
  private loopTest(test: TSESTree.Expression): Check | null {
    const check = this.pushCheck(this.expr(test), test, false);
    if (check) check.loopTest = true;
    return check;
  }

  /**
   * `while (this.queue.length === 0) await this.more();` leaves the loop only when its test, looked at after
   * the last await, is false: after the loop that test is a check made afresh, as a re-check after an await
   * is. Not when the body can `break` out, nor when the test itself awaits.
   */
  private exitTest(test: TSESTree.Expression, body: TSESTree.Statement): void {
    if (containsAwait(test) || leftByJump(body.parent!, this.fn)) return;
    this.pushCheck(this.expr(test), test);
  }

  /**
   * Walks a loop body twice so that state carried from one iteration into the next is seen. Loops nested
   * deeper than `MAX_REWALKED_LOOPS` are walked once: each level would double the walk (six nested loops
   * took a minute), and a window that opens in one iteration of a deep inner loop and closes in the next is
   * still seen by the outer loops' second walk.
   */
  private loop(body: () => void): void {
    this.loopDepth++;
    try {
      if (this.loopDepth > MAX_REWALKED_LOOPS) {
        const entry = cloneState(this.st);
        body();
        this.st = mergeStates(entry, { ...this.st, exited: false });
        this.st.exited = false;
        return;
      }
      this.walkTwice(body);
    } finally {
      this.loopDepth--;
    }
  }

  private walkTwice(body: () => void): void {
    const entry = cloneState(this.st);
    body();
    const once = mergeStates(entry, { ...this.st, exited: false });
    this.st = cloneState(once);
    body();
    this.st = mergeStates(once, { ...this.st, exited: false });
    this.st.exited = false;
  }
}

/** Per function (keyed by its root, and gone with it): the loops some `break` or labelled jump leaves. */
const jumpedOut = new WeakMap<Node, Set<Node>>();

/**
 * Can the loop be left by `break` (or a labelled jump) rather than by its test? Found once per function from
 * its jumps, walking up from each to its target: deep loop nesting stays linear.
 */
function leftByJump(loop: Node, root: Node): boolean {
  let left = jumpedOut.get(root);
  if (!left) {
    const found = new Set<Node>();
    forEachNode(root, (n) => {
      if (n.type !== 'BreakStatement' && !(n.type === 'ContinueStatement' && n.label)) return true;
      const label = n.label?.name;
      const passed: Node[] = [];
      for (let p: Node | undefined = n.parent; p && !isFunction(p); p = p.parent) {
        const isLoop = p.type === 'WhileStatement' || p.type === 'DoWhileStatement' || p.type === 'ForStatement' || p.type === 'ForInStatement' || p.type === 'ForOfStatement';
        if (!label && (isLoop || p.type === 'SwitchStatement')) {
          if (isLoop) passed.push(p);
          break;
        }
        if (label && p.type === 'LabeledStatement' && p.label.name === label) {
          // `continue outer` leaves the loops inside `outer`, not `outer` itself.
          if (n.type === 'BreakStatement') passed.push(p.body);
          break;
        }
        if (isLoop) passed.push(p);
      }
      for (const l of passed) found.add(l);
      return true;
    });
    left = found;
    jumpedOut.set(root, left);
  }
  return left.has(loop);
}

/** Each check's open paths, as they are now. */
function openPaths(checks: readonly Check[]): Map<Check, Set<string>> {
  return new Map(checks.map((c) => [c, new Set(c.open)]));
}

/** Puts each check's open paths back as they were. */
function restoreOpen(open: ReadonlyMap<Check, ReadonlySet<string>>): void {
  for (const [c, paths] of open) {
    if (c.closed) continue;
    for (const p of paths) if (!c.open.has(p)) (c.reopened ??= new Set()).add(p);
    c.open.clear();
    for (const p of paths) c.open.add(p);
  }
}
