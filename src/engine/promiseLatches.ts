import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeObject, containsNode as contains, enclosingFunction, forEachNode, isFunction, isNullOrUndefined, memberName, memberRoot, presenceTest, unwrap, type Node } from './ast.js';
import { shadowed } from './callees.js';
import { moduleTable, programOf } from './modules.js';

/*
 * A promise kept in a field while its work runs is a lock: callers that find it wait on it (or join it) instead
 * of starting the work again, and whoever started it clears the field when the work is done. Cleared only when
 * the work succeeds, the field keeps a rejected promise after a failure: every later caller gets that same
 * failure, or a queue never runs again.
 *
 *   this.processing ??= this.processNext().then(() => { this.processing = null });   // cleared on fulfilment only
 *
 *   if (!this.refreshing) this.refreshing = this.refresh();
 *   const token = await this.refreshing;                                             // throws past the clear
 *   this.refreshing = null;
 */

/** A promise latch that is cleared only when its work succeeds. */
export interface StuckLatch {
  /** Where the in-flight promise is stored. */
  store: TSESTree.AssignmentExpression;
  /** The field or module variable that holds it, as written (`this.processing`). */
  target: string;
  /** The clear that a rejection skips. */
  clear: TSESTree.AssignmentExpression | TSESTree.UnaryExpression;
  /** `then`: the clear is in a `.then` fulfilment callback; `await`: it follows an `await` of the promise that throws past it. */
  form: 'then' | 'await';
  /** For `await`: the await a rejection throws from. */
  awaited?: TSESTree.AwaitExpression;
  /** For `then`: the `.then(onFulfilled)` call that holds the clear. */
  then?: TSESTree.CallExpression;
}

/** Calls that handle a rejection on the chain: `.catch(f)`, `.finally(f)`, `.then(f, onRejected)`. */
function handlesRejection(call: TSESTree.CallExpression): boolean {
  const callee = unwrap(call.callee);
  if (callee.type !== 'MemberExpression') return false;
  const name = memberName(callee);
  return name === 'catch' || name === 'finally' || (name === 'then' && call.arguments.length > 1);
}

/** The links of a promise chain, outermost first: `a().then(f).then(g)` gives the `.then(g)`, `.then(f)`, `a()` calls. */
function chainLinks(value: Node): TSESTree.CallExpression[] {
  const links: TSESTree.CallExpression[] = [];
  let n = unwrap(value);
  while (n.type === 'CallExpression') {
    links.push(n);
    const callee = unwrap(n.callee);
    if (callee.type !== 'MemberExpression') break;
    n = unwrap(callee.object);
  }
  return links;
}

/** Source text of a `this` field (`this.x`, `this.#x`, `this.a.b`) or a module variable; null for anything else. */
function latchTarget(node: Node, text: string): string | null {
  const n = unwrap(node);
  if (n.type === 'Identifier') {
    const program = programOf(n);
    return program && !shadowed(n) && moduleTable(program).variables.has(n.name) ? n.name : null;
  }
  if (n.type !== 'MemberExpression' || n.computed) return null;
  return memberRoot(n).type === 'ThisExpression' ? text.slice(n.range[0], n.range[1]) : null;
}

/** `target = null`, `target = undefined`, `delete target`: the latch let go. */
function clearOf(n: Node, target: string, text: string): n is TSESTree.AssignmentExpression | TSESTree.UnaryExpression {
  if (n.type === 'UnaryExpression' && n.operator === 'delete') return text.slice(n.argument.range[0], n.argument.range[1]) === target;
  if (n.type !== 'AssignmentExpression' || n.operator !== '=') return false;
  const v = unwrap(n.right);
  const empty = isNullOrUndefined(v) || (v.type === 'UnaryExpression' && v.operator === 'void');
  return empty && text.slice(n.left.range[0], n.left.range[1]) === target;
}

/**
 * Is some clear of `target` in the file made where a rejection lands: a `catch` clause, a `finally` block, or a
 * callback of `.catch`, `.finally`, or `.then`'s second argument?
 */
function clearedOnRejection(program: Node, target: string, text: string): boolean {
  let found = false;
  forEachNode(program, (n) => {
    if (found) return false;
    if (n.type === 'CatchClause' && contains(n.body, (m) => clearOf(m, target, text))) found = true;
    else if (n.type === 'TryStatement' && n.finalizer && contains(n.finalizer, (m) => clearOf(m, target, text))) found = true;
    else if (n.type === 'CallExpression' && handlesRejection(n)) {
      const handlers = memberName(unwrap(n.callee) as TSESTree.MemberExpression) === 'then' ? n.arguments.slice(1) : n.arguments;
      if (handlers.some((h) => contains(h, (m) => clearOf(m, target, text)))) found = true;
    }
    return !found;
  });
  return found;
}

/**
 * Is the store made only where the field was found empty: `??=`/`||=`, `t = t ?? start()` (`defaulted`), inside `if (!t)` (or
 * the `else` of `if (t)`), or after an `if (t) … return` on the way to it? Then the field decides whether the work
 * starts, a latch. A field tested only on some other path (`if (this.started) { if (this.p) await this.p; return }`)
 * is a handle to join; another flag gates the work, and clearing the handle would not start it again.
 */
function gatedBy(store: TSESTree.AssignmentExpression, defaulted: boolean, target: string, text: string): boolean {
  if (store.operator === '??=' || store.operator === '||=' || defaulted) return true;
  const fn = enclosingFunction(store);
  for (let child: Node = store, p: Node | undefined = store.parent; p && p !== fn; child = p, p = p.parent) {
    if (p.type === 'IfStatement' && child !== p.test) {
      const presence = presenceOfTarget(p.test, target, text);
      if (presence !== null && (child === p.consequent) === !presence) return true;
    }
    if (p.type === 'BlockStatement' || p.type === 'Program') {
      const before = (p.body as Node[]).slice(0, (p.body as Node[]).indexOf(child));
      if (before.some((s) => s.type === 'IfStatement' && presenceOfTarget(s.test, target, text) === true && !s.alternate && alwaysExits(s.consequent))) return true;
    }
  }
  return false;
}

/** Does `test` pass when `target` (as written) is set (see `presenceTest`)? */
function presenceOfTarget(test: Node, target: string, text: string): boolean | null {
  return presenceTest(test, (n) => text.slice(n.range[0], n.range[1]) === target);
}

function alwaysExits(n: Node): boolean {
  if (n.type === 'ReturnStatement' || n.type === 'ThrowStatement') return true;
  if (n.type === 'BlockStatement') return n.body.some(alwaysExits);
  if (n.type === 'IfStatement') return n.alternate !== null && n.alternate !== undefined && alwaysExits(n.consequent) && alwaysExits(n.alternate);
  return false;
}

/**
 * Work that settles without rejecting: an async IIFE whose whole body is a `try` with a `catch` that does not
 * throw (`(async () => { try { … } catch { this.cache = new Map() } })()`), or `new Promise((resolve) => …)`,
 * whose executor is never handed `reject`.
 */
function cannotReject(root: Node): boolean {
  const n = unwrap(root);
  if (n.type === 'NewExpression') {
    const executor = n.arguments[0] ? unwrap(n.arguments[0] as Node) : null;
    return unwrap(n.callee).type === 'Identifier' && (unwrap(n.callee) as TSESTree.Identifier).name === 'Promise' && executor !== null && isFunction(executor) && executor.params.length < 2;
  }
  if (n.type !== 'CallExpression') return false;
  const fn = unwrap(n.callee);
  if (!isFunction(fn) || fn.body.type !== 'BlockStatement') return false;
  const [only, ...rest] = fn.body.body;
  return rest.length === 0 && only?.type === 'TryStatement' && only.handler !== null && only.handler !== undefined && !contains(only.handler.body, (m) => m.type === 'ThrowStatement');
}

/** Every promise latch in the file that a rejection leaves set. */
export function stuckLatches(program: TSESTree.Program, assignments: readonly TSESTree.AssignmentExpression[], text: string): StuckLatch[] {
  const found: StuckLatch[] = [];
  const rejectionClears = new Map<string, boolean>();
  const clearedElsewhere = (target: string): boolean => {
    let answer = rejectionClears.get(target);
    if (answer === undefined) rejectionClears.set(target, (answer = clearedOnRejection(program, target, text)));
    return answer;
  };
  for (const store of assignments) {
    if (store.operator !== '=' && store.operator !== '??=' && store.operator !== '||=') continue;
    const target = latchTarget(store.left, text);
    if (target === null) continue;
    const right = unwrap(store.right);
    // `this.p = this.p ?? start()`
    const defaulted = right.type === 'LogicalExpression' && right.operator !== '&&' && text.slice(right.left.range[0], right.left.range[1]) === target;
    const links = chainLinks(defaulted ? right.right : right);
    if (links.length === 0 || links.some(handlesRejection)) continue;
    const first = links[links.length - 1]!;
    if (cannotReject(calleeObject(first) ?? first)) continue;
    // The cheap tests first: most fields stored from a call are no latch, and finding the clear walks the function.
    if (!gatedBy(store, defaulted, target, text)) continue;
    const latch = thenOnlyClear(links[0]!, target, text) ?? awaitedThenCleared(store, target, text);
    if (!latch || clearedElsewhere(target)) continue;
    found.push({ store, target, ...latch });
  }
  return found;
}

/** `start().then(() => { target = null })`: the clear runs on fulfilment only. */
function thenOnlyClear(last: TSESTree.CallExpression, target: string, text: string): Pick<StuckLatch, 'clear' | 'form' | 'then'> | null {
  const callee = unwrap(last.callee);
  if (callee.type !== 'MemberExpression' || memberName(callee) !== 'then' || last.arguments.length !== 1) return null;
  const onFulfilled = unwrap(last.arguments[0] as Node);
  if (!isFunction(onFulfilled)) return null;
  let clear: StuckLatch['clear'] | null = null;
  forEachNode(onFulfilled.body, (n) => {
    if (clear) return false;
    if (clearOf(n, target, text)) clear = n;
    return clear === null;
  });
  return clear ? { clear, form: 'then', then: last } : null;
}

/**
 * `this.p = start(); const v = await this.p; this.p = null;`: the clear is a statement after the await, in the
 * same block, with no `try` around them; a rejection throws from the await past it.
 */
function awaitedThenCleared(store: TSESTree.AssignmentExpression, target: string, text: string): Pick<StuckLatch, 'clear' | 'form' | 'awaited'> | null {
  const fn = enclosingFunction(store);
  if (!fn || fn.body.type !== 'BlockStatement') return null;
  let result: Pick<StuckLatch, 'clear' | 'form' | 'awaited'> | null = null;
  forEachNode(fn.body, (n) => {
    if (result) return false;
    if (n !== fn.body && isFunction(n)) return false;
    if (n.type !== 'AwaitExpression' || n.range[0] < store.range[1] || text.slice(n.argument.range[0], n.argument.range[1]) !== target) return true;
    const stmt = statementOf(n);
    const block = stmt?.parent;
    if (!stmt || block?.type !== 'BlockStatement' || insideTry(stmt, fn)) return true;
    const rest = block.body.slice(block.body.indexOf(stmt as TSESTree.Statement) + 1);
    for (const s of rest) {
      if (s.type !== 'ExpressionStatement') continue;
      const e = unwrap(s.expression);
      if (clearOf(e, target, text)) {
        result = { clear: e, form: 'await', awaited: n };
        break;
      }
    }
    return result === null;
  });
  return result;
}

/** The statement an await is part of: `await p;`, `const v = await p;`, `return await p;`, `x = await p;`. */
function statementOf(n: TSESTree.AwaitExpression): Node | null {
  const p = n.parent;
  if (p?.type === 'ExpressionStatement' || p?.type === 'ReturnStatement') return p;
  if (p?.type === 'VariableDeclarator' && p.init === n) return p.parent ?? null;
  if (p?.type === 'AssignmentExpression' && p.right === n && p.parent?.type === 'ExpressionStatement') return p.parent;
  return null;
}

/** Inside the `try` block of a try statement (whose catch or finally may handle the rejection), within `fn`. */
function insideTry(stmt: Node, fn: Node): boolean {
  for (let child: Node = stmt, p = stmt.parent; p && p !== fn; child = p, p = p.parent) if (p.type === 'TryStatement' && p.block === child) return true;
  return false;
}
