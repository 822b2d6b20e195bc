import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { AwaitSet } from './awaitSet.js';
import { containsAwait, containsNode, enclosingFunction, forEachNode, isFunction, isPromiseChainCall, memberName, memberRoot, unwrap, type Node } from './ast.js';
import type { FunctionNode } from './scope.js';
import { awaitedValueStartsIo, callsAnything, constInit, IN_MEMORY_METHODS, resolveCallee, resolveDeclaredCallee, settlesAtOnce, waitedOn, waitsOnSharedWork } from './callees.js';
import type { SharedWrite } from './flow/index.js';

/**
 * Did the function, between a read and this write, wait only on calls that settle at once (`await this.stop()`
 * where `stop` clears a timer, `await this.connect()` that returns `Promise.resolve(this.db)`)? Then no request,
 * timer or message can run in between; only another call started in the same tick can (`Promise.all(keys.map(
 * (k) => this.get(k)))`). For a check that repeats in-memory work that is rarely worth a look: judged on real
 * code, none was a race. A lost update is not eased by it: calls started together still lose each other's writes.
 */
export function waitedOnNothingSince(w: SharedWrite, since: AwaitSet): boolean {
  const yields = w.yieldsSince(since);
  return yields.length > 0 && yields.every((y) => y.node.type === 'AwaitExpression' && settlesAtOnce(y.node.argument));
}

/**
 * `this.key = await deriveKey(secret)`, where the awaited work is done on the machine (Web Crypto, a resolved
 * helper that builds bytes) and the act only stores its result: overlapping calls repeat a computation and store
 * the same value; no request, file or listener is duplicated. Judged on real code, such checks were never
 * races. A lost update is not eased by it, as above.
 */
export function storesComputedSince(w: SharedWrite, since: AwaitSet): boolean {
  const n = w.node;
  if (n.type !== 'AssignmentExpression') return false;
  const yields = w.yieldsSince(since);
  return yields.length > 0 && yields.every((y) => (y.node.type === 'AwaitExpression' && containsNode(n.right, (m) => m === y.node) && !awaitedValueStartsIo(y.node.argument)) || computedInCallback(y.node, n));
}

/**
 * `return this.hash(token).then(([t, digest]) => (this.tokens = { [token]: digest }))`: the store runs in a
 * callback chained on a computation that starts no I/O (`hash` awaits only Web Crypto), as with an await above.
 */
function computedInCallback(chained: Node, store: TSESTree.AssignmentExpression): boolean {
  if (chained.type !== 'CallExpression' || !isPromiseChainCall(chained)) return false;
  const callee = unwrap(chained.callee);
  if (callee.type !== 'MemberExpression' || awaitedValueStartsIo(callee.object)) return false;
  // What is stored is what the computation gave (the callback's parameter), and the callback waits on nothing of
  // its own first: `.then(async () => { busy = true; await deliver() })` is other work.
  const callback = chained.arguments.find((a): a is TSESTree.ArrowFunctionExpression | TSESTree.FunctionExpression => isFunction(a) && containsNode(a, (m) => m === store));
  if (!callback || containsAwait(callback.body)) return false;
  const given = new Set<string>();
  for (const param of callback.params) {
    forEachNode(param, (n) => {
      if (n.type === 'Identifier') given.add(n.name);
      return true;
    });
  }
  return containsNode(store.right, (m) => m.type === 'Identifier' && given.has(m.name));
}

/**
 * `if (!initialized) { await bot.init(); initialized = true; }` where `init` keeps its in-flight request (or
 * `await import('./polyfill')`, which the module loader shares): the branch the check guards only waits on work
 * that overlapping calls share, then stores a constant. Calls that pass the check together wait on the one
 * operation and store the same value: nothing is done twice. Anything else in the branch (registering a listener,
 * starting a timer) would be done twice, so it must be nothing else.
 */
export function waitedOnSharedWorkSince(w: SharedWrite, since: AwaitSet, check: Node): boolean {
  const n = w.node;
  if (n.type !== 'AssignmentExpression' || n.operator !== '=' || unwrap(n.right).type !== 'Literal') return false;
  const stmt = n.parent;
  const block = stmt?.parent;
  const branch = block?.parent;
  if (stmt?.type !== 'ExpressionStatement' || block?.type !== 'BlockStatement' || branch?.type !== 'IfStatement' || branch.consequent !== block) return false;
  if (!containsNode(branch.test, (t) => t === check)) return false;
  const before = block.body.slice(0, block.body.indexOf(stmt));
  const yields = w.yieldsSince(since);
  return before.length > 0 && yields.length === before.length && before.every((s) => s.type === 'ExpressionStatement' && unwrap(s.expression).type === 'AwaitExpression' && awaitsSharedCall((unwrap(s.expression) as TSESTree.AwaitExpression).argument));
}

function awaitsSharedCall(awaited: TSESTree.Expression): boolean {
  const call = unwrap(awaited);
  // `await import('./polyfill')`: the loader runs a module once, whoever asks while it loads.
  if (call.type === 'ImportExpression') return true;
  if (call.type !== 'CallExpression') return false;
  const callee = resolveDeclaredCallee(call.callee);
  return callee !== null && waitsOnSharedWork(callee);
}

/**
 * `if (!cached) { const mod = await import('jazz-rn'); cached = mod.default }`, or `_manifest =
 * JSON.parse(sea.getAsset(KEY))` after `const sea = await getSea()`: the only waits are module loads, which the
 * loader runs once for everyone who asks while it loads (directly, or through a project function that only
 * returns or keeps `import(…)`), and the act stores what it reads off the module without waiting again. Calls that
 * pass the check together wait on the one load and store the same value.
 */
export function storesFromModuleLoadSince(w: SharedWrite, since: AwaitSet): boolean {
  const n = w.node;
  if (n.type !== 'AssignmentExpression' || n.operator !== '=' || containsAwait(n.right)) return false;
  const yields = w.yieldsSince(since);
  const waitsOnLoad = (y: Node): boolean => (y.type === 'AwaitExpression' && loadsModule(y.argument)) || thenOfModuleLoad(y) !== null;
  return yields.length > 0 && yields.every((y) => waitsOnLoad(y.node)) && readsOffModules(n.right);
}

/** `import('x').then((module) => …)`: the callback, which is handed the loaded module. */
function thenOfModuleLoad(node: Node): FunctionNode | null {
  if (node.type !== 'CallExpression') return null;
  const callee = unwrap(node.callee);
  const callback = node.arguments[0];
  if (callee.type !== 'MemberExpression' || memberName(callee) !== 'then' || callback === undefined || !isFunction(callback)) return null;
  return loadsModule(callee.object) ? callback : null;
}

/** A binding that holds a loaded module: `const m = await import('x')`, or the parameter of `import('x').then((m) => …)`. */
function holdsModule(id: TSESTree.Identifier): boolean {
  const init = constInit(id);
  if (init !== null) {
    const e = unwrap(init);
    return e.type === 'AwaitExpression' && loadsModule(e.argument);
  }
  const fn = enclosingFunction(id);
  const param = fn?.params[0];
  const chained = fn?.parent;
  return param?.type === 'Identifier' && param.name === id.name && chained?.type === 'CallExpression' && thenOfModuleLoad(chained) === fn;
}

/** `import('x')`, or a call of a project function that waits on nothing but `import(…)` (`return import('x')`). */
function loadsModule(awaited: Node): boolean {
  const e = unwrap(awaited);
  if (e.type === 'ImportExpression') return true;
  if (e.type !== 'CallExpression') return false;
  const fn = resolveCallee(e.callee);
  return fn !== null && onlyLoadsModules(fn);
}

/** Everything `fn` waits on is `import(…)` or a value it kept (`if (!_sea) _sea = await import('node:sea'); return _sea`). */
function onlyLoadsModules(fn: FunctionNode): boolean {
  // `return await import('x')` hands back the load as `return import('x')` does.
  const waited = waitedOn(fn).map((e) => unwrap(e)).map((e) => (e.type === 'AwaitExpression' ? unwrap(e.argument) : e));
  return waited.some((e) => e.type === 'ImportExpression') && waited.every((e) => e.type === 'ImportExpression' || !callsAnything(e));
}

/** A module function that makes or starts something (`createPool`, `connect`): each caller's call makes its own. */
const MAKES = /^(create|make|new|open|connect|start|init|spawn|launch|build|register|listen|subscribe|watch)/i;

/**
 * The stored value is read off what was loaded: member reads, `JSON.parse`, in-memory methods, and calls of the
 * loaded module's own functions that look something up (`inspector.url()`, `sea.getAsset(key)`); nothing made or
 * started anew (`mysql.createPool(config)`).
 */
function readsOffModules(value: Node): boolean {
  let only = true;
  forEachNode(value, (m) => {
    if (!only) return false;
    if (isFunction(m) || m.type === 'NewExpression' || m.type === 'TaggedTemplateExpression' || m.type === 'ImportExpression') only = false;
    else if (m.type === 'CallExpression') {
      const callee = unwrap(m.callee);
      if (callee.type !== 'MemberExpression') only = false;
      else {
        const root = memberRoot(callee);
        const method = memberName(callee) ?? '';
        const onJson = root.type === 'Identifier' && root.name === 'JSON';
        const onModule = root.type === 'Identifier' && holdsModule(root);
        only = onJson || (onModule && !MAKES.test(method)) || IN_MEMORY_METHODS.has(method);
      }
    }
    return only;
  });
  return only;
}
