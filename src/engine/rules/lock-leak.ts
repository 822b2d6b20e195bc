import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { containsNode as contains, enclosingFunction, forEachNode, isAwaitPoint, isFunction, isPromiseChainCall, memberName, presenceTest, unwrap, type Node } from '../ast.js';
import { COLLECTION_READS, COLLECTION_WRITES } from '../locations.js';
import { promiseAcquire, receiverText, type LockTable } from '../locks.js';
import { IN_MEMORY_METHODS, methodsInSight, methodsNamedInProject, resolveCallee } from '../callees.js';
import { classOf, methodsOf } from '../summaries.js';
import { programOf } from '../modules.js';
import type { FunctionNode } from '../scope.js';
import { RELEASE_METHODS } from '../locks/index.js';
import type { Rule, RuleReport } from './rule.js';
import { line } from './text.js';
import { callsOf, type InterleavingDraft } from '../interleaving.js';
import { stuckLatches, type StuckLatch } from '../promiseLatches.js';

export const lockLeak: Rule<'lock-leak'> = {
  meta: {
    id: 'lock-leak',
    shortDescription: 'A lock is acquired but not released on every path (release outside finally, or early exit).',
    fullDescription:
      'Reports an awaited acquire whose release does not run on every path: the release is not in a finally block while code between acquire and release can throw or return, or there is no release at all. A leaked lock makes every later caller wait forever. Also reports an in-flight promise kept in a field as a latch and cleared only when its work succeeds: after a failure every later caller gets the rejected promise.',
    defaultSeverity: 'error',
    docsPath: 'docs/rules/lock-leak.md',
    messageId: 'lockLeak',
    fixKinds: ['clear-on-failure'],
    // A test that holds a lock on purpose checks the timeout or the queue; a leak there ends with the test.
    confidenceIn: { test: 'low' },
  },
  check(model) {
    const reports: RuleReport[] = [];
    for (const node of model.index.awaits) {
      const acquire = promiseAcquire(node.argument, model.locks);
      if (!acquire) continue;
      const report = checkAcquire(node, acquire.key, model.locks);
      if (report) reports.push(report);
    }
    for (const latch of stuckLatches(model.ast, model.index.assignments, model.text)) reports.push(latchReport(latch));
    return reports;
  },
};

function checkAcquire(awaitNode: TSESTree.AwaitExpression, key: string, locks: LockTable): RuleReport | null {
  const stmt = awaitNode.parent;
  let releaseVar: string | null = null;
  let statement: Node;
  if (stmt?.type === 'ExpressionStatement') {
    statement = stmt;
  } else if (stmt?.type === 'VariableDeclarator' && stmt.parent?.type === 'VariableDeclaration') {
    if (stmt.parent.kind === 'using' || stmt.parent.kind === 'await using') return null;
    const bound = releaseBinding(stmt.id);
    if (bound === undefined) return null;
    releaseVar = bound;
    statement = stmt.parent;
  } else {
    // Returned, passed on or stored: whoever receives it owns the release.
    return null;
  }
  const fn = enclosingFunction(awaitNode);
  if (!fn) return null;
  const isRelease = (n: Node): boolean => isReleaseOf(n, key, releaseVar);
  // `const release = () => sema.release(); stream.on('close', release)`: a closure that releases, handed on.
  const closures = releasingClosures(fn, releaseVar ? (n) => n.type === 'CallExpression' && isNamed(n.callee, releaseVar) : isRelease);
  if ((releaseVar && handsOffRelease(fn, releaseVar, statement)) || closures.some(([name, decl]) => handsOffRelease(fn, name, decl))) return null;
  if (restoresCallersHold(fn, awaitNode, key, locks)) return null;

  // Protected: inside a try whose finally releases, or followed by such a try.
  for (let p: Node | undefined = statement.parent, child: Node = statement; p && p !== fn; child = p, p = p.parent) {
    if (p.type === 'TryStatement' && p.block === child && p.finalizer && contains(p.finalizer, isRelease)) return null;
  }
  const block = statement.parent;
  if (!block || (block.type !== 'BlockStatement' && block.type !== 'Program' && block.type !== 'StaticBlock')) return null;
  // `if (!lease.acquired) return …`: on that path nothing was taken, so leaving there leaks nothing.
  const rest = block.body.slice(block.body.indexOf(statement as TSESTree.Statement) + 1).filter((s) => !(releaseVar && leavesWhenNotAcquired(s, releaseVar)));
  const after = releasedOnEveryPathAfter(block, rest, isRelease);
  if (after === 'released') return null;

  const lockText = '`' + key + '`';
  const releaseIndex = rest.findIndex((s) => contains(s, isRelease));
  if (releaseIndex < 0) {
    const skipFrom = rest[0] ?? after;
    if (contains(fn.body, isRelease)) {
      return {
        anchor: awaitNode.argument,
        message: `${lockText} is acquired on line ${line(awaitNode)} but released only inside a nested block: on the other paths the lock is never released and later callers wait forever`,
        location: key,
        related: skipFrom ? [{ anchor: skipFrom, message: 'paths from here can skip the release' }] : [],
        interleaving: timeline(awaitNode, lockText, skipFrom ? { anchor: skipFrom, text: 'takes a path that skips the release' } : null),
      };
    }
    if (releasedByPairMethod(fn, key) && rest.every(cannotFailAfterAcquire)) return null;
    if (releasedByAnotherFunction(fn, key)) return null;
    const last = fn.body.type === 'BlockStatement' ? fn.body.body[fn.body.body.length - 1] : fn.body;
    return {
      anchor: awaitNode.argument,
      message: `${lockText} is acquired on line ${line(awaitNode)} and never released in this function: every later caller waits forever`,
      location: key,
      related: last ? [{ anchor: last, message: 'the function ends here with the lock still held' }] : [],
      interleaving: timeline(awaitNode, lockText, last ? { anchor: last, text: 'ends with the lock still held' } : null),
    };
  }
  const between = rest.slice(0, releaseIndex);
  const releaseStmt = rest[releaseIndex]!;
  const directRelease = releaseStmt.type === 'ExpressionStatement' && isRelease(unwrap(releaseStmt.expression));
  const hazard = between.map((s) => firstHazard(s)).find((h) => h !== null) ?? null;
  if (!hazard && (directRelease || releasedWhenChainSettles(releaseStmt, isRelease))) return null;
  const what = hazard
    ? isExit(hazard)
      ? `the early exit on line ${line(hazard)} skips it`
      : `if line ${line(hazard)} throws, it never runs`
    : 'it does not run on every path';
  return {
    anchor: awaitNode.argument,
    message: `${lockText} is acquired on line ${line(awaitNode)} and released on line ${line(releaseStmt)} outside a \`finally\`: ${what}, the lock stays held and every later caller waits forever`,
    location: key,
    related: [
      { anchor: releaseStmt, message: 'released here, outside a `finally`' },
      ...(hazard ? [{ anchor: hazard, message: 'this can throw or exit before the release' }] : []),
    ],
    interleaving: timeline(
      awaitNode,
      lockText,
      hazard
        ? { anchor: hazard, text: isExit(hazard) ? `leaves here: the release on line ${line(releaseStmt)} never runs` : `throws here (it can): the release on line ${line(releaseStmt)} never runs` }
        : { anchor: releaseStmt, text: 'does not reach the release on every path' },
    ),
  };
}

/**
 * A promise kept in a field as the in-flight run (see promiseLatches.ts), let go only when the work succeeds: after
 * a rejection every later caller finds the rejected promise, the lock never released.
 */
function latchReport(latch: StuckLatch): RuleReport {
  const target = '`' + latch.target + '`';
  const skipped =
    latch.form === 'then'
      ? `is cleared on line ${line(latch.clear)} only in a \`.then\` callback, which a rejection skips`
      : `is cleared on line ${line(latch.clear)} after the \`await\` on line ${line(latch.awaited!)}, outside a \`finally\`: a rejection throws from the await past the clear`;
  return {
    anchor: latch.store,
    message: `${target} holds the in-flight promise stored on line ${line(latch.store)} and ${skipped}; if the work fails, ${target} keeps the rejected promise and every later caller gets that failure instead of starting the work again; clear it in a \`finally\``,
    location: latch.target,
    subject: { kind: 'latch', target: latch.target, store: latch.store, clear: latch.clear, ...(latch.then ? { then: latch.then } : {}), ...(latch.awaited ? { awaited: latch.awaited } : {}) },
    related: [
      { anchor: latch.clear, message: 'cleared here only when the work succeeds' },
      ...(latch.awaited ? [{ anchor: latch.awaited, message: 'a rejection throws here, past the clear' }] : []),
    ],
    interleaving: {
      actors: callsOf(latch.store, true),
      steps: [
        { actor: 0, anchor: latch.store, text: `stores the in-flight promise in ${target}` },
        { actor: 0, anchor: latch.awaited ?? latch.clear, text: latch.form === 'then' ? 'the work rejects: this callback never runs' : 'the work rejects: the await throws' },
        { actor: 1, anchor: latch.store, text: `finds ${target} still set and takes the rejected promise` },
      ],
      outcome: `${target} is never cleared: B and every later caller fail without the work being tried again`,
    },
  };
}

/**
 * `if (!result.success) { …; return { success: false } }`, `if (!lease) return;`: a branch taken only when the
 * try-acquire held in `name` took nothing, and that leaves. Nothing is held there.
 */
function leavesWhenNotAcquired(stmt: Node, name: string): boolean {
  if (stmt.type !== 'IfStatement' || stmt.alternate) return false;
  const isResult = (n: Node): boolean => {
    const root = n.type === 'MemberExpression' && !n.computed ? unwrap(n.object) : n;
    return root.type === 'Identifier' && root.name === name;
  };
  if (presenceTest(stmt.test, isResult) !== false) return false;
  const body = stmt.consequent.type === 'BlockStatement' ? stmt.consequent.body : [stmt.consequent];
  const last = body[body.length - 1];
  return last !== undefined && (last.type === 'ReturnStatement' || last.type === 'ThrowStatement');
}

function isExit(n: Node): boolean {
  return n.type === 'ReturnStatement' || n.type === 'ThrowStatement' || n.type === 'BreakStatement' || n.type === 'ContinueStatement';
}

/** A acquires and leaves without releasing; B, and every call after it, waits at the acquire forever. */
function timeline(acquire: TSESTree.AwaitExpression, lock: string, leaves: { anchor: Node; text: string } | null): InterleavingDraft {
  return {
    actors: callsOf(acquire, true),
    steps: [
      { actor: 0, anchor: acquire, text: `acquires ${lock}` },
      ...(leaves ? [{ actor: 0, ...leaves }] : []),
      { actor: 1, anchor: acquire, text: `waits for ${lock}: forever` },
    ],
    outcome: `${lock} is never released: B and every later caller hang`,
  };
}

/**
 * `if (this.closed) { release(); return; }` before the `try`: a guard whose branches either go on without
 * leaving or release and then leave. Every path out of it has released, or reaches what follows.
 */
function releasesBeforeLeaving(stmt: Node, isRelease: (n: Node) => boolean): boolean {
  if (stmt.type !== 'IfStatement' || firstHazard(stmt.test) !== null || !contains(stmt, isRelease)) return false;
  return [stmt.consequent, stmt.alternate].every((branch) => {
    if (!branch) return true;
    const body = branch.type === 'BlockStatement' ? branch.body : [branch];
    return body.some((b) => contains(b, isRelease)) ? branchReleasesBeforeLeaving(branch, isRelease) : body.every((b) => firstHazard(b) === null);
  });
}

/** `{ …; lock.unlock(); return }`: the branch releases, with nothing before that can fail, then leaves. */
function branchReleasesBeforeLeaving(branch: Node, isRelease: (n: Node) => boolean): boolean {
  const body = branch.type === 'BlockStatement' ? branch.body : [branch];
  const at = body.findIndex((b) => contains(b, isRelease));
  if (at < 0) return false;
  const release = body[at]!;
  const last = body[body.length - 1]!;
  return (
    release.type === 'ExpressionStatement' &&
    isRelease(unwrap(release.expression)) &&
    body.slice(0, at).every((b) => firstHazard(b) === null) &&
    at < body.length - 1 &&
    (last.type === 'ReturnStatement' || last.type === 'ThrowStatement')
  );
}

/**
 * `acquireConnection() { await this.#mutex.lock(); … }` with `releaseConnection() { this.#mutex.unlock(); }`:
 * the class hands the lock to its caller, whose contract pairs the two calls (a driver's connection, a
 * `lock()`/`unlock()` API), like a release function that is returned.
 */
function releasedByPairMethod(fn: Node, key: string): boolean {
  if (!key.startsWith('this.')) return false;
  const method = fn.parent;
  const body = method?.type === 'MethodDefinition' || method?.type === 'PropertyDefinition' ? method.parent : null;
  if (body?.type !== 'ClassBody') return false;
  return body.body.some((member) => member !== method && contains(member, (n) => isReleaseOf(n, key, null)));
}

/**
 * `const producer = async () => { for (;;) { await slots.acquire(); … } }` with the consumer's loop around it
 * calling `slots.release()` for each result it takes: a semaphore used for flow control, acquired by one
 * function and released by another that shares it. The acquiring function never was the one to release.
 */
function releasedByAnotherFunction(fn: FunctionNode, key: string): boolean {
  if (key.startsWith('this.')) return false;
  const scope: Node | null = enclosingFunction(fn) ?? programOf(fn);
  if (!scope) return false;
  let found = false;
  forEachNode(scope, (n) => {
    if (found || n === fn) return false;
    if (isReleaseOf(n, key, null)) found = true;
    return !found;
  });
  return found;
}

/** Nothing here can throw before the method hands the held lock over: `this.n++`, `return this.#connection`. */
function cannotFailAfterAcquire(stmt: Node): boolean {
  if (stmt.type === 'ReturnStatement') return !stmt.argument || firstHazard(stmt.argument) === null;
  return firstHazard(stmt) === null;
}

/**
 * `return (async () => { … })().finally(() => release())`: the release runs when the promise settles, whichever
 * way; an async function cannot throw before it has made its promise, so no path skips it.
 */
function releasedWhenChainSettles(stmt: Node, isRelease: (n: Node) => boolean): boolean {
  const value = stmt.type === 'ReturnStatement' ? stmt.argument : stmt.type === 'ExpressionStatement' ? stmt.expression : null;
  let call = value ? unwrap(value) : null;
  if (call?.type === 'AwaitExpression') call = unwrap(call.argument);
  if (call?.type !== 'CallExpression') return false;
  const callee = unwrap(call.callee);
  const onSettle = call.arguments[0];
  if (callee.type !== 'MemberExpression' || memberName(callee) !== 'finally' || !onSettle || !contains(onSettle, isRelease)) return false;
  // The chain's head must be an async function's call: a plain call could throw before the chain exists.
  let head: Node = unwrap(callee.object);
  while (head.type === 'CallExpression') {
    const c = unwrap(head.callee);
    if (c.type === 'MemberExpression' && isPromiseChainCall(head)) head = unwrap(c.object);
    else break;
  }
  if (head.type !== 'CallExpression') return false;
  const fn = unwrap(head.callee);
  return isFunction(fn) && fn.async && head.arguments.every((a) => firstHazard(a) === null);
}

/**
 * The name the release function or guard is bound to: `const release = …`, or async-mutex
 * Semaphore's tuple `const [, release] = …`. Undefined for patterns we cannot follow.
 */
function releaseBinding(id: TSESTree.BindingName): string | null | undefined {
  if (id.type === 'Identifier') return id.name;
  if (id.type === 'ArrayPattern') {
    const second = id.elements[1];
    return second?.type === 'Identifier' ? second.name : null;
  }
  return undefined;
}

/**
 * Followed by a try whose finally releases, with nothing in between that can throw or leave; a try whose catch
 * releases and rethrows (`try { await other.lock() } catch (e) { lock.unlock(); throw e }`) lets the lock pass
 * on. Taken at the end of a branch or a try block (`if (locked) { await lock.lock(); … } try { … } finally { if
 * (locked) lock.unlock() }`), the search goes on after the statement that holds it. Otherwise the statement
 * where it stopped, if any.
 */
function releasedOnEveryPathAfter(block: Node, rest: readonly Node[], isRelease: (n: Node) => boolean): 'released' | Node | null {
  for (;;) {
    for (const s of rest) {
      if (s.type === 'TryStatement' && s.finalizer && contains(s.finalizer, isRelease)) return 'released';
      if (releasesInBlockAndCatch(s, isRelease)) return 'released';
      if (releasesBeforeLeaving(s, isRelease) || releasesInCatch(s, isRelease)) continue;
      if (firstHazard(s) !== null || contains(s, isRelease)) return s;
    }
    const holder = block.parent;
    const passes =
      (holder?.type === 'IfStatement' && (holder.consequent === block || holder.alternate === block)) ||
      (holder?.type === 'TryStatement' && holder.block === block && (!holder.finalizer || firstHazard(holder.finalizer) === null));
    const outer = holder?.parent;
    if (!passes || (outer?.type !== 'BlockStatement' && outer?.type !== 'Program')) return null;
    block = outer;
    rest = outer.body.slice(outer.body.indexOf(holder as TSESTree.Statement) + 1);
  }
}

/** `try { … } catch (e) { lock.unlock(); throw e }`: what fails in the block releases and leaves; the rest goes on. */
function releasesInCatch(stmt: Node, isRelease: (n: Node) => boolean): boolean {
  return stmt.type === 'TryStatement' && stmt.handler !== null && !stmt.finalizer && firstExit(stmt.block) === null && branchReleasesBeforeLeaving(stmt.handler.body, isRelease);
}

/**
 * `try { …; release(); return v } catch (e) { release(); throw e }`: the block releases as a statement of its own,
 * with no way out before it but a throw, and what throws lands in a catch that releases before it leaves. Every
 * path out of the try has released, as with a `finally`.
 */
function releasesInBlockAndCatch(stmt: Node, isRelease: (n: Node) => boolean): boolean {
  if (stmt.type !== 'TryStatement' || stmt.handler === null || stmt.finalizer !== null) return false;
  const body = stmt.block.body;
  const at = body.findIndex((b) => b.type === 'ExpressionStatement' && isRelease(unwrap(b.expression)));
  return at >= 0 && body.slice(0, at).every((b) => firstExit(b) === null) && branchReleasesBeforeLeaving(stmt.handler.body, isRelease);
}

function isReleaseOf(n: Node, key: string, releaseVar: string | null): boolean {
  if (n.type !== 'CallExpression') return false;
  const callee = unwrap(n.callee);
  if (callee.type === 'Identifier') return callee.name === releaseVar;
  if (callee.type !== 'MemberExpression') return false;
  const name = memberName(callee);
  const recv = receiverText(callee.object);
  if (name !== null && RELEASE_METHODS.has(name) && recv === key) return true;
  if (releaseVar !== null && recv === releaseVar) return true;
  return name !== null && recv !== null && releasesThroughMethod(n, recv, name, key);
}

/**
 * `finally { this._unlock() }` with `_unlock() { this._clearBatch(); this.mutex.unlock() }`, or
 * `this.state._unlock()` for the lock `this.state.mutex`: a method that always releases the receiver's lock
 * before it returns is the release. Every method the call can reach must do so, as its own statement (not
 * behind a condition), and without waiting: an async method that releases at its end (`return this.send(x)`
 * from inside `send`) takes the lock again first. A method out of sight is no release.
 */
function releasesThroughMethod(call: TSESTree.CallExpression, receiver: string, name: string, key: string): boolean {
  if (!key.startsWith(receiver + '.')) return false;
  const methods = methodsReached(call, receiver, name);
  // The lock as the method names it: `this.mutex` for `this.state.mutex` reached through `this.state._unlock()`.
  const own = `this${key.slice(receiver.length)}`;
  const releasesOwn = (stmt: Node): boolean => {
    const e = stmt.type === 'ExpressionStatement' ? unwrap(stmt.expression) : null;
    const callee = e?.type === 'CallExpression' ? unwrap(e.callee) : null;
    return callee?.type === 'MemberExpression' && RELEASE_METHODS.has(memberName(callee) ?? '') && receiverText(callee.object) === own;
  };
  return methods.length > 0 && methods.every((m) => !m.async && m.body?.type === 'BlockStatement' && m.body.body.some(releasesOwn));
}

/** The methods `receiver.name()` can reach: the class's own for `this`, else those in sight, else the project's. */
function methodsReached(call: Node, receiver: string, name: string): FunctionNode[] {
  if (receiver === 'this') {
    const klass = classOf(call);
    const mine = klass ? methodsOf(klass).get(name) : undefined;
    return mine ? [mine] : [];
  }
  const program = programOf(call);
  if (!program) return [];
  const inSight = methodsInSight(program, name);
  return inSight.length > 0 ? inSight : (methodsNamedInProject(program, name) ?? []);
}


/**
 * `this.queue.shift(); await sleep(ms); await this.queue.wait(); return this.retry()`: the function gave back,
 * before this acquire, a lock it never took itself. It runs holding its caller's turn and takes the turn again
 * for the caller, whose own `finally` releases it.
 */
function restoresCallersHold(fn: FunctionNode, awaitNode: TSESTree.AwaitExpression, key: string, locks: LockTable): boolean {
  let restores = false;
  let decided = false;
  forEachNode(fn.body, (n) => {
    if (decided || n.range[0] >= awaitNode.range[0] || (n !== fn.body && isFunction(n))) return false;
    if (n.type === 'AwaitExpression' && promiseAcquire(n.argument, locks)?.key === key) decided = true;
    else if (isReleaseOf(n, key, null)) restores = decided = true;
    return !decided;
  });
  return restores;
}

/** The release function is returned or stored for someone else to call. */
function handsOffRelease(fn: Node, name: string, decl: Node): boolean {
  let handed = false;
  forEachNode(fn, (n) => {
    if (handed || n === decl) return false;
    if (n.type !== 'Identifier' || n.name !== name) return true;
    const p = n.parent;
    if (
      (p?.type === 'ReturnStatement') ||
      (p?.type === 'AssignmentExpression' && p.right === n) ||
      (p?.type === 'Property' && p.value === n) ||
      (p?.type === 'CallExpression' && p.arguments.includes(n)) ||
      (p?.type === 'ArrayExpression')
    ) {
      handed = true;
    }
    return true;
  });
  return handed;
}

/**
 * Local functions that call the release (`const cleanup = async () => { …; release(); }`): handing one of them
 * on (`stream.on('close', cleanup)`) hands on the release with it.
 */
function releasingClosures(fn: Node, releases: (n: Node) => boolean): [string, Node][] {
  const found: [string, Node][] = [];
  const callsRelease = (body: Node): boolean => contains(body, releases);
  forEachNode(fn, (n) => {
    if (n.type === 'FunctionDeclaration' && n !== fn && n.id && callsRelease(n.body)) found.push([n.id.name, n]);
    if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && n.init && isFunction(unwrap(n.init)) && callsRelease(n.init)) found.push([n.id.name, n]);
    return true;
  });
  return found;
}

function isNamed(callee: Node, name: string): boolean {
  const c = unwrap(callee);
  return c.type === 'Identifier' && c.name === name;
}

/** The first thing in a statement that can throw or leave before the next statement: an await, a call, a throw, an exit. */
function firstHazard(stmt: Node): Node | null {
  let hazard: Node | null = null;
  forEachNode(stmt, (n) => {
    if (hazard) return false;
    if (n !== stmt && isFunction(n)) return false;
    // `try { … } catch (e) { log(e) }`: what throws in the block is caught; only leaving it, or a catch or
    // finally that can throw, gets past.
    if (n.type === 'TryStatement' && n.handler) {
      hazard = firstExit(n.block) ?? firstHazard(n.handler.body) ?? (n.finalizer ? firstHazard(n.finalizer) : null);
      return false;
    }
    if (n.type === 'CallExpression' && cannotThrow(n)) return true;
    if (
      n.type === 'AwaitExpression' ||
      n.type === 'CallExpression' ||
      n.type === 'NewExpression' ||
      n.type === 'ThrowStatement' ||
      n.type === 'ReturnStatement' ||
      n.type === 'BreakStatement' ||
      n.type === 'ContinueStatement'
    ) {
      hazard = n.type === 'CallExpression' || n.type === 'NewExpression' || n.type === 'AwaitExpression' ? hazardLine(n, stmt) : n;
      return false;
    }
    return true;
  });
  return hazard ?? (awaitsUncaught(stmt) ? stmt : null);
}

/** Does `stmt` await (`for await`, `await using` too) outside the block of a `try` that catches? */
function awaitsUncaught(stmt: Node): boolean {
  let found = false;
  forEachNode(stmt, (n) => {
    if (found || (n !== stmt && isFunction(n))) return false;
    if (n.type === 'TryStatement' && n.handler) {
      found = awaitsUncaught(n.handler.body) || (n.finalizer !== null && awaitsUncaught(n.finalizer));
      return false;
    }
    found = isAwaitPoint(n);
    return !found;
  });
  return found;
}

/** A `return`, `break` or `continue` that leaves `block` (not one of a nested function). */
function firstExit(block: Node): Node | null {
  let exit: Node | null = null;
  forEachNode(block, (n) => {
    if (exit || (n !== block && isFunction(n))) return false;
    if (n.type === 'ReturnStatement' || n.type === 'BreakStatement' || n.type === 'ContinueStatement') exit = n;
    return exit === null;
  });
  return exit;
}

/**
 * Calls that do not throw in practice: collection access, logging (`console.log`, `this.logger.debug(…)`),
 * timers, and globals that only compute (`Date.now()`, `Array.from(set)`, `Math.min(…)`; not `JSON.parse`).
 */
function cannotThrow(call: TSESTree.CallExpression, depth = 0): boolean {
  const callee = unwrap(call.callee);
  if (callee.type === 'Identifier' && TIMERS.has(callee.name)) return true;
  if (callee.type === 'MemberExpression') {
    const name = memberName(callee);
    const recv = unwrap(callee.object);
    if (recv.type === 'Identifier' && recv.name === 'console') return true;
    if (recv.type === 'Identifier' && name !== null && NO_THROW_STATICS.get(recv.name)?.has(name)) return true;
    if (name !== null && LOG_LEVELS.has(name) && LOGGER.test(receiverText(recv) ?? '')) return true;
    if (name !== null && (COLLECTION_READS.has(name) || COLLECTION_WRITES.has(name))) return true;
  }
  const helper = depth < MAX_HELPER_DEPTH ? resolveCallee(callee) : null;
  return helper !== null && onlyComputes(helper, depth + 1);
}

const MAX_HELPER_DEPTH = 3;
const computesMemo = new WeakMap<FunctionNode, boolean>();

/**
 * `truncatePattern(prefix)`: a function of the project that only computes, so it does not throw in practice: not
 * async, no `throw`, no `new` but of a class that only allocates, and it calls nothing but string and array methods
 * and other such functions.
 */
function onlyComputes(fn: FunctionNode, depth: number): boolean {
  const known = computesMemo.get(fn);
  if (known !== undefined) return known;
  computesMemo.set(fn, false); // a recursive call is decided as unsafe until the walk is done
  let pure = !fn.async && !fn.generator;
  forEachNode(fn.body, (n) => {
    if (!pure || (n !== fn.body && isFunction(n))) return false;
    if (n.type === 'ThrowStatement' || n.type === 'AwaitExpression' || n.type === 'YieldExpression') pure = false;
    else if (n.type === 'NewExpression') pure = n.callee.type === 'Identifier' && COMPUTING_CLASSES.has(n.callee.name);
    else if (n.type === 'CallExpression') {
      const callee = unwrap(n.callee);
      const name = callee.type === 'MemberExpression' ? memberName(callee) : null;
      // Methods of strings and arrays that compute in memory, and `TextEncoder#encode`.
      pure = (name !== null && (IN_MEMORY_METHODS.has(name) || name === 'encode')) || cannotThrow(n, depth);
    }
    return pure;
  });
  computesMemo.set(fn, pure);
  return pure;
}

/** Built-in classes whose construction only allocates (not `URL`, which parses and throws). */
const COMPUTING_CLASSES = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Date', 'TextEncoder', 'Array', 'Object']);

const TIMERS = new Set(['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask']);
const NO_THROW_STATICS = new Map<string, ReadonlySet<string>>([
  ['Date', new Set(['now'])],
  ['performance', new Set(['now'])],
  ['Array', new Set(['from', 'isArray', 'of'])],
  ['Object', new Set(['keys', 'values', 'entries', 'assign', 'freeze'])],
  ['Math', new Set(['min', 'max', 'floor', 'ceil', 'round', 'abs', 'random', 'trunc'])],
  ['Number', new Set(['isFinite', 'isInteger', 'isNaN'])],
]);
const LOG_LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'warning', 'error', 'fatal', 'log', 'verbose']);
/** `log`, `logger`, `this.#log`, `this.logger`, `ctx.log`. */
const LOGGER = /(^|\.)#?_?(log|logger)$/i;

/** Report an await or a call at the statement that holds it, so the message points at a whole line. */
function hazardLine(n: Node, stmt: Node): Node {
  let cur = n;
  while (cur.parent && cur.parent !== stmt && cur.parent.type !== 'BlockStatement') cur = cur.parent;
  return cur;
}
