import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { isStorePath, STORE_PATH } from './sagas.js';
import type { Variable } from '@typescript-eslint/scope-manager';
import { isFunction, LOOP_STATEMENTS, memberName, PROMISE_CALLBACK_METHODS, unwrap, type Node } from './ast.js';
import type { FunctionNode, ScopeInfo } from './scope.js';
import { resolveCallee, returnsSingleton } from './callees.js';
import { getterField } from './getterAliases.js';

/** Methods that read a collection's contents without changing it. */
export const COLLECTION_READS = new Set([
  'get', 'has', 'includes', 'indexOf', 'lastIndexOf', 'find', 'findIndex', 'findLast', 'some', 'every',
  'at', 'keys', 'values', 'entries', 'filter', 'slice', 'concat', 'forEach', 'reduce', 'map', 'join',
]);

/** Reads of one entry by key, of a collection or of a store a client reaches (`await cache.get(key)`). */
export const KEYED_READS = new Set(['get', 'has', 'getOrCreate', 'getOrInsert', 'getOrInsertComputed', 'getOrDefault']);

/**
 * `cache.hasCacheForKey(k)`, `index.lookupEntry(k)`: a look-up of one entry, named by its verb. Not every `get…`
 * (`client.getUser(id)` asks a server, not the receiver): only presence tests and the plain keyed verbs.
 */
export function isKeyedLookup(method: string): boolean {
  return isStoreRead(method) || /^(has|lookup|peek)[A-Z]/.test(method);
}

/** A store's own verb for reading one entry: `get`, `getItem`, `findOne`, … (not a name a project chose). */
export function isStoreRead(method: string): boolean {
  return KEYED_READS.has(method) || STORAGE_READS.has(method) || DOCUMENT_READS.has(method);
}
/** Web Storage and its look-alikes (AsyncStorage, localForage): a keyed store read and written by key. */
export const STORAGE_READS = new Set(['getItem']);
export const STORAGE_WRITES = new Set(['setItem', 'removeItem']);
/**
 * A document store's read of one document by filter, and its writes of one (MongoDB's driver, Mongoose): read,
 * compute, `$set` the result is the read-modify-write an atomic update operator (`$push`, `$inc`) avoids.
 */
export const DOCUMENT_READS = new Set(['findOne', 'findById']);
/** A keyed store's write of an entry it names itself (`cache.save(entry)`) or by key (`store.put(key, value)`). */
export const ENTRY_WRITES = new Set(['save', 'put']);
export const DOCUMENT_WRITES = new Set(['updateOne', 'replaceOne', 'findOneAndUpdate', 'findOneAndReplace', 'findByIdAndUpdate']);
/**
 * `loadWallet()` / `saveWallet(w)`, `readConfig()` / `writeConfig(c)`, `getSession(id)` / `setSession(id, s)`: a
 * pair of accessors of one stored thing, named by its noun. A read through one and a write through the other
 * are a read and a write of that thing, as `get`/`set` are of a keyed store's entry.
 */
const ACCESSOR = /^(load|read|get|fetch|save|write|store|set|put|persist|update)([A-Z][A-Za-z0-9]*)$/;
const ACCESSOR_WRITES = new Set(['save', 'write', 'store', 'set', 'put', 'persist', 'update']);

export function storedAccessor(method: string): { noun: string; writes: boolean } | null {
  // `setItem`, `getOrCreate`: a store's own keyed verbs, which name no stored thing of their own.
  if (KEYED_READS.has(method) || STORAGE_READS.has(method) || STORAGE_WRITES.has(method) || DOCUMENT_WRITES.has(method)) return null;
  const m = ACCESSOR.exec(method);
  if (!m) return null;
  const noun = m[2]!;
  return { noun: noun[0]!.toLowerCase() + noun.slice(1), writes: ACCESSOR_WRITES.has(m[1]!) };
}

/** Globals that are one store for every caller in the page. */
const SHARED_GLOBALS = new Set(['localStorage', 'sessionStorage']);

/**
 * A key-value server's read of a whole collection stored under one key (Redis's set, list, hash, sorted set;
 * ioredis and node-redis spell them differently), and its deletion of keys. Reading the members, awaiting,
 * then deleting the key drops whatever another client added in between.
 */
export const REMOTE_COLLECTION_READS = new Set([
  'smembers', 'sMembers', 'lrange', 'lRange', 'hgetall', 'hGetAll', 'hkeys', 'hKeys', 'hvals', 'hVals', 'zrange', 'zRange',
]);
export const REMOTE_DELETES = new Set(['del', 'unlink']);

/** Methods that put an entry into a collection (`push`, `add`, `set`…): what they are given, it holds. */
export const COLLECTION_INSERTS = new Set(['push', 'unshift', 'add', 'set']);

/** Methods that change a collection in place. */
export const COLLECTION_WRITES = new Set([
  'set', 'add', 'delete', 'clear', 'push', 'unshift', 'splice', 'pop', 'shift', 'sort', 'reverse', 'fill',
]);

/**
 * Reactive frameworks' wrappers that run their callback at once and return (Svelte's and Solid's `untrack`,
 * MobX's `runInAction`, `batch` of Solid and Preact signals, React's `flushSync`, `startTransition` and
 * `unstable_batchedUpdates`): the callback's code is part of the caller, even when nothing awaits the call.
 */
const SYNC_RUNNERS = new Set(['untrack', 'runInAction', 'batch', 'flushSync', 'startTransition', 'unstable_batchedUpdates']);

/** Callees whose function arguments run concurrently with each other or with later calls. */
const CONCURRENT_CALLBACK_CALLEES = new Set([
  'map', 'flatMap', 'forEach', 'from',
  'on', 'once', 'addListener', 'prependListener', 'addEventListener', 'subscribe',
  'setInterval', 'setTimeout', 'setImmediate', 'queueMicrotask', 'nextTick',
]);

/**
 * A closure whose captured variables other invocations can see at the same time:
 * a callback run per element or per event, or a closure handed out to be called repeatedly.
 */
export function isConcurrentClosure(fn: FunctionNode): boolean {
  const parent = fn.parent;
  if (!parent) return false;
  if ((parent.type === 'CallExpression' || parent.type === 'NewExpression') && parent.arguments.includes(fn as TSESTree.Expression)) {
    const callee = unwrap(parent.callee);
    const name =
      callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? memberName(callee) : null;
    return name !== null && CONCURRENT_CALLBACK_CALLEES.has(name);
  }
  // Returned from a factory, or yielded from a generator: handed out to be called whenever its holder likes.
  if (parent.type === 'ReturnStatement' || parent.type === 'YieldExpression') return true;
  if (parent.type === 'ArrowFunctionExpression' && parent.body === fn) return true;
  // A method of an object handed out runs whenever its holder calls it; not one of an options object a call
  // the function waits for runs during that call, or of a stream's underlying source (the stream never
  // overlaps its pull/start/transform calls).
  if (parent.type === 'Property' && parent.value === fn) return !runsDuringCall(fn) && !streamSource(parent);
  return false;
}

const STREAMS = new Set(['ReadableStream', 'WritableStream', 'TransformStream']);

function streamSource(property: TSESTree.Property): boolean {
  const object = property.parent;
  const made = object?.parent;
  return made?.type === 'NewExpression' && made.arguments[0] === object && made.callee.type === 'Identifier' && STREAMS.has(made.callee.name);
}

/**
 * `await instrument('fetch', async () => { … })`, `return withRetry(async () => …)`: a callback handed to a call
 * the function waits for (or returns), and not one of the callees that run callbacks per element or per event.
 * It runs while the caller waits, as part of the caller's own run: the caller's checks and claims hold in it.
 */
export function runsDuringCall(fn: FunctionNode): boolean {
  // `await runInSpan({ name, execute: async () => … })`: through an options object too.
  const holder = fn.parent?.type === 'Property' && fn.parent.value === fn && fn.parent.parent.type === 'ObjectExpression' ? fn.parent.parent : fn;
  const call = holder.parent;
  if (call?.type !== 'CallExpression' || !call.arguments.includes(holder as TSESTree.Expression)) return false;
  const callee = unwrap(call.callee);
  const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? memberName(callee) : null;
  if (name === null || CONCURRENT_CALLBACK_CALLEES.has(name) || PROMISE_CALLBACK_METHODS.has(name)) return false;
  if (SYNC_RUNNERS.has(name) && holder === fn) return true;
  const waited = call.parent;
  return waited?.type === 'AwaitExpression' || waited?.type === 'ReturnStatement' || (waited?.type === 'ArrowFunctionExpression' && waited.body === call);
}

export interface PathContext {
  scope: ScopeInfo;
  fn: FunctionNode;
  /** Local variables that stand for a shared location (`const self = this`, `const acct = this.accounts.get(id)`). */
  aliasOf(variable: Variable): string | undefined;
}

/** Is a variable captured from `owner` shared when read inside `fn`? Only if a closure in between runs concurrently. */
export function capturedIsShared(fn: FunctionNode, owner: FunctionNode, scope: ScopeInfo, variable?: Variable): boolean {
  for (let f: Node | undefined = fn; f && f !== owner; f = f.parent) {
    if (!isFunction(f)) continue;
    if (isConcurrentClosure(f)) {
      // A timer scheduled once per call, or a task a loop yields, runs apart from the others but only once.
      if (!(variable && ((scheduledOnceByItsCall(f, owner) && usedOnlyInside(variable, f)) || taskOfItsIteration(f, variable)))) return true;
    } else if (handedOutByName(f, scope)) return true;
  }
  return false;
}

/** Schedulers that run their callback once, later: each call of the function around them gets one run. */
const ONCE_SCHEDULERS = new Set(['setTimeout', 'setImmediate', 'queueMicrotask', 'nextTick']);

/**
 * `const renew = async ({ session }) => { setTimeout(async () => { if (!session) session = await load(); … }) }`:
 * a timer callback scheduled once per call of `owner` (not in a loop, not from a callback that runs repeatedly).
 * A variable of that call which only the callback uses is the callback's own: no other run sees it.
 */
function scheduledOnceByItsCall(f: FunctionNode, owner: FunctionNode): boolean {
  const call = f.parent;
  if (call?.type !== 'CallExpression' || !call.arguments.includes(f as TSESTree.Expression)) return false;
  const callee = unwrap(call.callee);
  const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? memberName(callee) : null;
  if (name === null || !ONCE_SCHEDULERS.has(name)) return false;
  for (let p: Node | undefined = call.parent; p && p !== owner; p = p.parent) if (LOOP_STATEMENTS.has(p.type) || isFunction(p)) return false;
  return true;
}

/**
 * `for await (let peer of source) { yield async () => { if (!peer.addrs.length) peer = await find(peer.id) } }`:
 * each pass of the loop has its own `peer`, and the task it yields captures that one. Another task never sees
 * it; only running the same task twice would.
 */
function taskOfItsIteration(f: FunctionNode, variable: Variable): boolean {
  if (f.parent?.type !== 'YieldExpression') return false;
  const def = variable.defs[0];
  const declaration = def?.type === 'Variable' ? def.parent : null;
  const loop = declaration?.parent;
  if (!declaration || declaration.type !== 'VariableDeclaration' || declaration.kind === 'var') return false;
  if ((loop?.type !== 'ForOfStatement' && loop?.type !== 'ForInStatement') || loop.left !== declaration) return false;
  return f.range[0] >= loop.body.range[0] && f.range[1] <= loop.body.range[1];
}

function usedOnlyInside(variable: Variable, f: FunctionNode): boolean {
  return variable.references.every((r) => r.init === true || (r.identifier.range[0] >= f.range[0] && r.identifier.range[1] <= f.range[1]));
}

/**
 * `const ensure = async () => …; return { ensure }`, `function onMessage() {…}; socket.on('m', onMessage)`: a
 * named closure whose name is used other than to call it (returned, put in an object, passed on, stored) is
 * handed out, and whoever holds it may call it again before a call ends.
 */
function handedOutByName(fn: FunctionNode, scope: ScopeInfo): boolean {
  // Asked for every captured name the flow resolves: decided once per function.
  let answer = handedOut.get(fn);
  if (answer === undefined) handedOut.set(fn, (answer = nameUsedOtherThanCalled(fn, scope)));
  return answer;
}

const handedOut = new WeakMap<FunctionNode, boolean>();

function nameUsedOtherThanCalled(fn: FunctionNode, scope: ScopeInfo): boolean {
  const parent = fn.parent;
  const id = fn.type === 'FunctionDeclaration' ? fn.id : parent?.type === 'VariableDeclarator' && parent.init === fn && parent.id.type === 'Identifier' ? parent.id : null;
  const variable = id ? scope.declaredVariable(id) : null;
  if (!variable) return false;
  return variable.references.some((ref) => {
    const use = ref.identifier;
    if (use === id || ref.init) return false;
    const at = use.parent;
    return !(at?.type === 'CallExpression' && at.callee === use);
  });
}

function variableCanChange(variable: Variable): boolean {
  return variable.defs.some(
    (d) => d.type === 'Variable' && d.parent?.type === 'VariableDeclaration' && d.parent.kind !== 'const',
  ) || variable.defs.some((d) => d.type === 'Parameter');
}

/**
 * The shared access path an expression denotes, or null when it is call-local.
 * `rebindable` says whether a bare identifier path names a binding that can be assigned;
 * const bindings are still roots for member paths.
 */
export function sharedPath(node: Node, ctx: PathContext, forWrite = false): string | null {
  const n = unwrap(node);
  if (n.type === 'ThisExpression') return 'this';
  if (n.type === 'Identifier') {
    const binding = ctx.scope.bindingOf(n, ctx.fn);
    switch (binding.kind) {
      case 'module':
        return n.name;
      case 'captured':
        return capturedIsShared(ctx.fn, binding.owner, ctx.scope, binding.variable) && (!forWrite || variableCanChange(binding.variable)) ? n.name : null;
      case 'local':
        return ctx.aliasOf(binding.variable) ?? null;
      case 'global':
        return SHARED_GLOBALS.has(n.name) ? n.name : null;
    }
  }
  // `getGlobalState().context.storage`: one object every caller of the getter gets.
  if (n.type === 'CallExpression') return singletonPath(n);
  if (n.type === 'MemberExpression') {
    const base = sharedPath(n.object, ctx);
    if (base === null) return null;
    const name = memberName(n);
    if (name === null) return `${base}[*]`;
    // `this.controller` read through `get controller() { return this._controller }`: the field itself.
    const field = base === 'this' && !n.computed ? getterField(ctx.fn, name) : null;
    if (field !== null) return `this.${field}`;
    return n.computed ? `${base}[${JSON.stringify(name)}]` : `${base}.${name}`;
  }
  return null;
}

/** `getGlobalState()`, a call of a getter that hands every caller its module's one object (see `returnsSingleton`). */
function singletonPath(call: TSESTree.CallExpression): string | null {
  const callee = unwrap(call.callee);
  if (call.arguments.length > 0 || callee.type !== 'Identifier') return null;
  const fn = resolveCallee(callee);
  return fn && returnsSingleton(fn) ? `${callee.name}()` : null;
}

/** Is an identifier path one that names a reassignable shared binding (as opposed to a const root)? */
export function identifierIsLocation(id: TSESTree.Identifier, ctx: PathContext): boolean {
  const binding = ctx.scope.bindingOf(id, ctx.fn);
  if (binding.kind === 'module') return variableCanChange(binding.variable);
  if (binding.kind === 'captured') return capturedIsShared(ctx.fn, binding.owner, ctx.scope, binding.variable) && variableCanChange(binding.variable);
  return false;
}

/** Two paths name overlapping state when one is a prefix of the other at a segment boundary. */
export function pathsOverlap(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length < b.length ? [a, b] : [b, a];
  if (!long.startsWith(short)) return false;
  const next = long[short.length];
  return next === '.' || next === '[';
}

/** How a path is shown to the user: `this.cache[*]` -> `this.cache`; a saga's store in words. */
export function displayPath(path: string): string {
  if (isStorePath(path)) return path === STORE_PATH ? "the store's state" : `the store's state (${path.slice(STORE_PATH.length + 1)})`;
  return path.replace(/\[\*\]/g, '[…]');
}
