import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeName, enclosingFunction, forEachNode, isFunction, memberName, unwrap, type Node } from './ast.js';
import { constInit, localCallSites, localUses, methodsInSight, resolveCallee, resolveDeclaredCallee, returnsNoPromise } from './callees.js';
import { moduleTable, programOf } from './modules.js';
import { calledMethod, memberKeyName, privateMethodCalls } from './summaries.js';
import { ACQUIRE_FUNCTIONS, ACQUIRE_METHODS, DECLARED_ONLY_METHODS, LOCK_LIBRARIES, RELEASE_METHODS, RUN_METHODS, type LockKind, type LockLibrary, type Maker, type RunMethod } from './locks/index.js';
import type { FunctionNode } from './scope.js';

export type { LockKind } from './locks/index.js';

type Made = { kind: LockKind; library: LockLibrary | null };

/**
 * What the file declares as locks, keyed by the text a receiver is written with
 * (`this.lock`, `this.#mutex`, `lock`, `Store.lock`).
 */
export class LockTable {
  private readonly made = new Map<string, Made>();
  /** Local name -> what it makes, per way of making (`new X()` or `x()`). */
  private readonly makers: Record<Maker['via'], Map<string, { maker: Maker; library: LockLibrary | null }>> = { new: new Map(), call: new Map() };

  constructor(
    program: TSESTree.Program,
    constructions: readonly (TSESTree.NewExpression | TSESTree.CallExpression)[],
    extraLockClasses: readonly string[],
  ) {
    for (const library of LOCK_LIBRARIES) {
      for (const maker of library.makers) this.makers[maker.via].set(maker.name, { maker, library });
    }
    for (const name of extraLockClasses) this.makers.new.set(name, { maker: { name, via: 'new', from: { kind: 'mutex' } }, library: null });
    this.addImportAliases(program);
    for (const node of constructions) {
      const made = this.madeBy(node);
      if (!made) continue;
      for (const name of namesAssignedFrom(node)) this.made.set(name, made);
    }
  }

  /** `import limit from 'p-limit'`, `import { Mutex as M } from 'async-mutex'`: the local names of makers. */
  private addImportAliases(program: TSESTree.Program): void {
    for (const stmt of program.body) {
      if (stmt.type !== 'ImportDeclaration' || stmt.importKind === 'type') continue;
      const library = LOCK_LIBRARIES.find((lib) => lib.modules.includes(stmt.source.value));
      if (!library) continue;
      for (const spec of stmt.specifiers) {
        const imported =
          spec.type === 'ImportDefaultSpecifier' ? 'default' : spec.type === 'ImportSpecifier' && spec.imported.type === 'Identifier' ? spec.imported.name : null;
        const maker = library.makers.find((m) => (imported === 'default' ? m.exported === 'default' : m.name === imported));
        if (maker) this.makers[maker.via].set(spec.local.name, { maker, library });
      }
    }
  }

  private madeBy(node: TSESTree.NewExpression | TSESTree.CallExpression): Made | null {
    const name = calleeName(node);
    if (!name || (node.type === 'CallExpression' && unwrap(node.callee).type !== 'Identifier')) return null;
    const found = this.makers[node.type === 'NewExpression' ? 'new' : 'call'].get(name);
    if (!found) return null;
    const { from } = found.maker;
    if ('kind' in from) return { kind: from.kind, library: found.library };
    return { kind: permits(node.arguments[from.permits.arg], from.permits.property) === 1 ? 'mutex' : 'semaphore', library: found.library };
  }

  /** Kind of the lock a receiver expression refers to, from declarations or, failing that, its name. */
  kindOf(receiver: Node): LockKind | null {
    const text = receiverText(receiver);
    if (text === null) return null;
    const declared = this.declared(text) ?? this.takenFromCollection(receiver);
    if (declared) return declared.kind;
    const last = lastSegment(text);
    if (MUTEX_NAME.some((p) => p.test(last))) return 'mutex';
    if (SEMAPHORE_NAME.some((p) => p.test(last))) return 'semaphore';
    return null;
  }

  /** The library whose instance a receiver is declared as in this file, if any. */
  libraryOf(receiver: Node): LockLibrary | null {
    const text = receiverText(receiver);
    return text === null ? null : ((this.declared(text) ?? this.takenFromCollection(receiver))?.library ?? null);
  }

  /** `const queue = this.locks.get(key)!` where the file stores `new AsyncQueue()` in `this.locks`: one per key. */
  private takenFromCollection(receiver: Node): Made | undefined {
    const r = unwrap(receiver);
    const init = r.type === 'Identifier' ? constInit(r) : null;
    const call = init ? unwrap(init) : null;
    if (call?.type !== 'CallExpression') return undefined;
    const callee = unwrap(call.callee);
    if (callee.type !== 'MemberExpression' || memberName(callee) !== 'get') return undefined;
    const collection = receiverText(callee.object);
    return collection === null ? undefined : this.made.get(`${collection}[]`);
  }

  /** Is `method` a lock method on this receiver? `wait` and `shift` only on an instance of their library. */
  private countsOn(method: string, receiver: Node): boolean {
    const library = DECLARED_ONLY_METHODS.get(method);
    return library === undefined || this.libraryOf(receiver) === library;
  }

  /** The kind of lock `receiver` is, when `method` acquires or releases it there. */
  kindFor(method: string, receiver: Node): LockKind | null {
    return this.countsOn(method, receiver) ? this.kindOf(receiver) : null;
  }

  isMutex(receiver: Node): boolean {
    return this.kindOf(receiver) === 'mutex';
  }

  private declared(text: string): Made | undefined {
    return this.made.get(text) ?? this.made.get(lastSegment(text));
  }
}

/** A literal permit count: `1`, or `{ concurrency: 1 }` when the count is an option. */
function permits(arg: Node | undefined, property: string | undefined): unknown {
  if (!arg) return undefined;
  const a = unwrap(arg);
  if (property === undefined) return a.type === 'Literal' ? a.value : undefined;
  if (a.type !== 'ObjectExpression') return undefined;
  for (const p of a.properties) {
    if (p.type === 'Property' && !p.computed && p.key.type === 'Identifier' && p.key.name === property) {
      const v = unwrap(p.value);
      return v.type === 'Literal' ? v.value : undefined;
    }
  }
  return undefined;
}

/** Source-like text of a receiver: `this.lock`, `lock`, `this.#m`, or null for anything computed. */
export function receiverText(node: Node): string | null {
  const n = unwrap(node);
  if (n.type === 'ThisExpression') return 'this';
  if (n.type === 'Identifier') return n.name;
  if (n.type === 'MemberExpression') {
    const base = receiverText(n.object);
    const name = memberName(n);
    return base !== null && name !== null ? `${base}.${name}` : null;
  }
  return null;
}

function lastSegment(text: string): string {
  const i = text.lastIndexOf('.');
  return i < 0 ? text : text.slice(i + 1);
}

/** The names a `new X()` or `x()` is stored under: a variable, a class field (as `this.f` and `f`), an assignment target. */
function namesAssignedFrom(node: TSESTree.NewExpression | TSESTree.CallExpression): string[] {
  const parent = node.parent;
  if (!parent) return [];
  if (parent.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return [parent.id.name];
  if (parent.type === 'PropertyDefinition') {
    const name = memberKeyName(parent);
    if (!name) return [];
    const cls = parent.parent?.parent;
    const className = cls && (cls.type === 'ClassDeclaration' || cls.type === 'ClassExpression') ? cls.id?.name : undefined;
    return parent.static && className ? [`this.${name}`, `${className}.${name}`] : [`this.${name}`];
  }
  if (parent.type === 'AssignmentExpression') {
    const text = receiverText(parent.left);
    return text ? [text] : [];
  }
  if (parent.type === 'Property' && !parent.computed && parent.key.type === 'Identifier') return [parent.key.name];
  // `this.locks.set(key, new AsyncQueue())`: a collection of locks, one per key, as `this.locks[]`.
  if (parent.type === 'CallExpression' && parent.arguments[1] === node) {
    const callee = unwrap(parent.callee);
    const collection = callee.type === 'MemberExpression' && memberName(callee) === 'set' ? receiverText(callee.object) : null;
    return collection === null ? [] : [`${collection}[]`];
  }
  return [];
}

export type AcquireCall = { receiver: Node; key: string; kind: LockKind };

/** `x.acquire()` / `x.lock()` without a callback: the promise-returning acquire of a mutex or semaphore. */
export function promiseAcquire(node: Node, locks: LockTable): AcquireCall | null {
  const n = unwrap(node);
  if (n.type !== 'CallExpression') return null;
  const callee = unwrap(n.callee);
  if (n.arguments.some((a) => a.type === 'ArrowFunctionExpression' || a.type === 'FunctionExpression')) return null;
  // `const release = await acquireLock(key, namespace)`: a project's own lock helper, resolving to its release.
  if (callee.type === 'Identifier' && ACQUIRE_FUNCTIONS.has(callee.name)) return { receiver: callee, key: `${callee.name}()`, kind: 'mutex' };
  if (callee.type !== 'MemberExpression') return null;
  const name = memberName(callee);
  if (name === null || !ACQUIRE_METHODS.has(name)) return null;
  const kind = locks.kindFor(name, callee.object);
  if (!kind) return null;
  // `HubLock.acquire(file)` of the project, returning the lock it took: nothing to await, nothing acquired later.
  const target = resolveDeclaredCallee(callee);
  if (target && (returnsNoPromise(target) || waitsWithoutHolding(target))) return null;
  // `lock.acquire('visibility')` where the only lock classes in sight, this module's and the project's it imports,
  // take it at once: a lock of one of them, not a promise to wait for.
  if (!target && locks.libraryOf(callee.object) === null && acquiresAtOnceInSight(n, name)) return null;
  const key = receiverText(callee.object);
  return key === null ? null : { receiver: callee.object, key, kind };
}

/**
 * `async acquire(chatId) { await this.global.take(); … }` of a token bucket or a rate limiter: the method waits
 * for a turn and hands nothing back, and its class has no method to give the turn back; there is nothing held
 * that could leak.
 */
function waitsWithoutHolding(method: FunctionNode): boolean {
  const owner = method.parent;
  const body = owner?.type === 'MethodDefinition' ? owner.parent : null;
  if (!body || body.type !== 'ClassBody' || (body.parent as TSESTree.ClassDeclaration | TSESTree.ClassExpression).superClass) return false;
  if (body.body.some((m) => (m.type === 'MethodDefinition' || m.type === 'PropertyDefinition') && RELEASE_METHODS.has(memberKeyName(m) ?? ''))) return false;
  let handsBack = false;
  forEachNode(method.body ?? method, (n) => {
    if (handsBack || (n !== method.body && isFunction(n))) return false;
    if (n.type === 'ReturnStatement' && n.argument) handsBack = true;
    return !handsBack;
  });
  return !handsBack;
}

function acquiresAtOnceInSight(call: Node, name: string): boolean {
  const program = programOf(call);
  const methods = program ? methodsInSight(program, name) : [];
  return methods.length > 0 && methods.every(returnsNoPromise);
}

/** `x.release()` / `x.unlock()` on a lock receiver: returns the receiver's key. */
export function releaseCall(node: Node, locks: LockTable): string | null {
  const n = unwrap(node);
  if (n.type !== 'CallExpression') return null;
  const callee = unwrap(n.callee);
  if (callee.type !== 'MemberExpression') return null;
  const name = memberName(callee);
  if (name === null || !RELEASE_METHODS.has(name)) return null;
  if (!locks.kindFor(name, callee.object)) return null;
  return receiverText(callee.object);
}

/**
 * If `fn` is the body a lock runs exclusively (`m.runExclusive(fn)`, async-lock's `lock.acquire(key, fn)`,
 * `navigator.locks.request(name, fn)`, a promise-tail queue `this.tail = this.tail.then(fn)`),
 * the key of that lock; `kind` tells mutex from counting semaphore.
 */
export function callbackLock(fn: FunctionNode, locks: LockTable): Held | null {
  return lockOfCallback(fn, locks, new Set());
}

type Held = { key: string; kind: LockKind };

function lockOfCallback(fn: FunctionNode, locks: LockTable, seen: Set<Node>): Held | null {
  const call = fn.parent;
  if (call?.type === 'CallExpression') {
    const index = call.arguments.indexOf(fn as TSESTree.Expression);
    return index < 0 ? null : lockOfArgument(call, index, locks, seen);
  }
  return lockOfNamedCallback(fn, locks, seen);
}

/**
 * `async function openDatabase() {…}` handed by name to `navigator.locks.request(NAME, openDatabase)` or to
 * `this.#openLock.runExclusive(openDatabase)`: when every mention of the function hands it to a lock to run, it
 * never runs without one.
 */
function lockOfNamedCallback(fn: FunctionNode, locks: LockTable, seen: Set<Node>): Held | null {
  if (seen.has(fn)) return null;
  seen.add(fn);
  const uses = localUses(fn);
  let held: Held | null = null;
  for (const use of uses ?? []) {
    const at = use.parent;
    const index = at?.type === 'CallExpression' ? at.arguments.indexOf(use) : -1;
    const lock = index < 0 ? null : lockOfArgument(at as TSESTree.CallExpression, index, locks, seen);
    if (!lock) return null;
    held ??= lock;
  }
  return held;
}

/** The lock under which `call` runs the callback it gets as argument `index`, if any. */
function lockOfArgument(call: TSESTree.CallExpression, index: number, locks: LockTable, seen: Set<Node>): Held | null {
  const callee = unwrap(call.callee);
  const method = callee.type === 'MemberExpression' ? memberName(callee) : null;
  const run = method === null ? undefined : RUN_METHODS.get(method);
  if (run && callee.type === 'MemberExpression') return runLock(call, callee, run, index, locks);
  // A wrapper of this file's own (`this.withLock(fn)`, `withLock(mutex, fn)`) that runs it under a lock.
  return wrapperLock(call, index, locks, seen);
}

function runLock(call: TSESTree.CallExpression, callee: TSESTree.MemberExpression, run: RunMethod, index: number, locks: LockTable): Held | null {
  const receiver = unwrap(callee.object);
  const recvText = receiverText(receiver);
  const args = call.arguments;
  if (run.callback === 'second' && index !== 1) return null;
  if (run.callback === 'last' && index !== args.length - 1) return null;
  // `getNavigatorLocks().request(NAME, fn)`: a getter of the lock manager, where the lock is named by the call.
  const getter = recvText === null && run.keyPrefix !== undefined && receiver.type === 'CallExpression' && receiver.arguments.length === 0 ? (calleeName(receiver)?.toLowerCase() ?? null) : null;
  const named = recvText ?? getter;
  if (run.receiver && !(named !== null && run.receiver.test(named))) return null;
  switch (run.lock) {
    case 'receiver':
      return recvText ? { key: recvText, kind: locks.kindOf(receiver) ?? 'mutex' } : null;
    case 'named': {
      const prefix = run.keyPrefix ?? recvText;
      return prefix ? { key: `${prefix}(${keyText(args[0])})`, kind: 'mutex' } : null;
    }
    case 'tail':
      return promiseTailKey(call);
  }
}

/**
 * `this.withRollback(async () => …)` where the class's `withRollback(callback)` runs `callback` after an awaited
 * acquire, hands it to a lock (`mutex.runExclusive(callback)`), chains it onto a promise tail, or passes it (or a
 * function that calls it) on to another such wrapper: the callback runs under that lock.
 */
function wrapperLock(call: TSESTree.CallExpression, index: number, locks: LockTable, seen: Set<Node>): Held | null {
  const held = wrapperHeld(call, index, locks, seen);
  if (!held) return null;
  // `retryMutex.run(task)`, `keyed.run(key, task)` with `retryMutex = makeMutex()`: the lock inside the wrapper
  // is one per object the factory made (and per key passed before the callback), not one for the program.
  const callee = unwrap(call.callee);
  if (callee.type !== 'MemberExpression' || unwrap(callee.object).type === 'ThisExpression') return held;
  const owner = receiverText(callee.object);
  if (owner === null) return null;
  const keys = call.arguments.slice(0, index).map(keyText);
  // A key the code computes (`run(`job:${id}`, task)`) cannot be told equal to another call's.
  if (keys.includes('*')) return null;
  return { key: `${owner}${keys.length > 0 ? `(${keys.join(',')})` : ''}:${held.key}`, kind: held.kind };
}

function wrapperHeld(call: TSESTree.CallExpression, index: number, locks: LockTable, seen: Set<Node>): Held | null {
  const wrapper = calledFunction(call);
  if (!wrapper || seen.has(wrapper) || !wrapper.body) return null;
  seen.add(wrapper);
  const param = wrapper.params[index];
  const name = param?.type === 'Identifier' ? param.name : param?.type === 'AssignmentPattern' && param.left.type === 'Identifier' ? param.left.name : null;
  if (name === null) return null;
  let acquired: Held | null = null;
  let held: Held | null = null;
  forEachNode(wrapper.body, (n) => {
    if (held) return false;
    if (n.type === 'AwaitExpression') {
      const a = promiseAcquire(n.argument, locks);
      if (a) acquired = { key: a.key, kind: a.kind };
    }
    if (n.type !== 'CallExpression') return true;
    const callee = unwrap(n.callee);
    if (callee.type === 'Identifier' && callee.name === name) {
      held = acquired;
      return false;
    }
    n.arguments.forEach((a, j) => {
      if (held) return;
      const passes = a.type === 'Identifier' && a.name === name;
      if (passes || (isFunction(a) && callsName(a, name))) held = lockOfArgument(n, j, locks, seen);
    });
    return !held;
  });
  return held;
}

/** The function a call reaches when this file defines it: `this.m(…)` of the enclosing class, or `f(…)` of the module. */
function calledFunction(call: TSESTree.CallExpression): FunctionNode | null {
  const callee = unwrap(call.callee);
  // `mutex.run(task)` on what a factory returned (`const mutex = makeMutex()`), here or in an imported module.
  if (callee.type === 'MemberExpression') return calledMethod(callee) ?? (unwrap(callee.object).type === 'Identifier' ? resolveCallee(callee) : null);
  if (callee.type !== 'Identifier') return null;
  const program = programOf(call);
  return program ? (moduleTable(program).functions.get(callee.name) ?? null) : null;
}

export function callsName(fn: FunctionNode, name: string): boolean {
  let calls = false;
  forEachNode(fn.body, (n) => {
    if (calls) return false;
    if (n.type === 'CallExpression') {
      const callee = unwrap(n.callee);
      if (callee.type === 'Identifier' && callee.name === name) calls = true;
    }
    return !calls;
  });
  return calls;
}

function keyText(node: Node | undefined): string {
  if (!node) return '';
  const n = unwrap(node);
  if (n.type === 'Literal') return String(n.value);
  return receiverText(n) ?? '*';
}

/** The receiver a chain of calls starts from: `t` in `t.then(a).catch(b)`. */
function chainRoot(node: Node): Node {
  let root = unwrap(node);
  while (root.type === 'CallExpression') {
    const callee = unwrap(root.callee);
    if (callee.type !== 'MemberExpression') return root;
    root = unwrap(callee.object);
  }
  return root;
}

/**
 * `this.tail = this.tail.then(fn)` (possibly `.then(..).catch(..)`, or through a local:
 * `const next = this.tail.then(fn); this.tail = next.catch(…)`): the queue's path, else null.
 */
export function promiseTailKey(call: TSESTree.CallExpression): { key: string; kind: LockKind } | null {
  // Climb to the outermost call of the chain.
  let top: Node = call;
  while (top.parent?.type === 'MemberExpression' && top.parent.parent?.type === 'CallExpression') {
    const name = memberName(top.parent);
    if (name === null || RUN_METHODS.get(name)?.lock !== 'tail') break;
    top = top.parent.parent;
  }
  const root = chainRoot(call);
  const keyed = keyedTail(root, top);
  if (keyed) return keyed;
  const rootText = root.type === 'CallExpression' ? null : receiverText(root);
  if (!rootText) return null;
  const assign = top.parent;
  if (assign?.type === 'AssignmentExpression' && assign.right === top && receiverText(assign.left) === rootText) {
    return { key: `queue:${rootText}`, kind: 'mutex' };
  }
  const local = assign?.type === 'VariableDeclarator' && assign.init === top && assign.id.type === 'Identifier' ? assign.id.name : null;
  const scope = local === null ? null : enclosingFunction(top);
  if (!scope || scope.body.type !== 'BlockStatement') return null;
  let stored = false;
  forEachNode(scope.body, (n) => {
    if (stored || isFunction(n)) return false;
    if (n.type === 'AssignmentExpression' && receiverText(n.left) === rootText) {
      const from = chainRoot(n.right);
      stored = from.type === 'Identifier' && from.name === local;
    }
    return !stored;
  });
  return stored ? { key: `queue:${rootText}`, kind: 'mutex' } : null;
}

/**
 * `const prev = tails.get(key) ?? Promise.resolve(); const run = prev.then(fn, fn); tails.set(key, run.then(…))`:
 * a queue per key, kept in a map; each call runs after the one before it for the same key.
 */
function keyedTail(root: Node, top: Node): { key: string; kind: LockKind } | null {
  if (root.type !== 'Identifier') return null;
  const init = constInit(root);
  let e = init ? unwrap(init) : null;
  if (e?.type === 'LogicalExpression' && (e.operator === '??' || e.operator === '||')) e = unwrap(e.left);
  const get = e?.type === 'CallExpression' ? unwrap(e.callee) : null;
  if (get?.type !== 'MemberExpression' || memberName(get) !== 'get' || e?.type !== 'CallExpression' || e.arguments.length !== 1) return null;
  const tails = receiverText(get.object);
  const key = keyText(e.arguments[0]);
  const declarator = top.parent;
  const local = declarator?.type === 'VariableDeclarator' && declarator.init === top && declarator.id.type === 'Identifier' ? declarator.id.name : null;
  const scope = enclosingFunction(top);
  if (tails === null || !scope || scope.body.type !== 'BlockStatement') return null;
  let stored = false;
  forEachNode(scope.body, (n) => {
    if (stored || isFunction(n)) return false;
    const callee = n.type === 'CallExpression' ? unwrap(n.callee) : null;
    if (n.type === 'CallExpression' && callee?.type === 'MemberExpression' && memberName(callee) === 'set' && receiverText(callee.object) === tails && n.arguments.length === 2 && keyText(n.arguments[0]) === key) {
      const from = chainRoot(n.arguments[1]!);
      stored = from === top || (local !== null && from.type === 'Identifier' && from.name === local);
    }
    return !stored;
  });
  return stored ? { key: `queue:${tails}[]`, kind: 'mutex' } : null;
}

/**
 * A private method (`#flush()`, `private flush()`), or a function only its surroundings call (`const f = async
 * () => …` in a factory, a module function not exported), every call of which runs under one lock: the
 * caller awaited the acquire earlier in its body and has not released it by the call, or is itself a lock's
 * callback, or is a private method held the same way. Its body runs under that lock too. Null otherwise.
 */
export function heldByEveryCaller(fn: FunctionNode, locks: LockTable): Held | null {
  let held = heldCache.get(fn);
  if (held === undefined) heldCache.set(fn, (held = heldByCallers(fn, locks, new Set())));
  return held;
}

const heldCache = new WeakMap<Node, Held | null>();

function heldByCallers(fn: FunctionNode, locks: LockTable, seen: Set<Node>): Held | null {
  const owner = fn.parent;
  // `seen` holds the functions being decided up the call chain: a cycle proves nothing. Siblings (a caller that
  // calls `fn` from three places) are decided each on its own.
  if (seen.has(fn)) return null;
  seen.add(fn);
  try {
    const calls = owner?.type === 'MethodDefinition' ? privateMethodCalls(owner) : localCallSites(fn);
    if (!calls || calls.length === 0) return null;
    let common: Held | null = null;
    for (const call of calls) {
      // A recursive call runs inside a run its other callers started, under what they hold.
      if (enclosingFunction(call) === fn) continue;
      const held = heldAt(call, locks, seen);
      if (!held || (common && common.key !== held.key)) return null;
      common = held;
    }
    return common;
  } finally {
    seen.delete(fn);
  }
}

/** The lock held where `call` runs, as far as its enclosing function shows it. */
function heldAt(call: TSESTree.CallExpression, locks: LockTable, seen: Set<Node>): Held | null {
  const fn = enclosingFunction(call);
  if (!fn) return null;
  const byCallback = lockOfCallback(fn, locks, new Set());
  if (byCallback) return byCallback;
  // `const release = await this.mutex.acquire(); … this.flush(); … release()`: acquired before, not yet released.
  let held: Held | null = null;
  let releaser: string | null = null;
  forEachNode(fn.body, (n) => {
    if (n.range[0] >= call.range[0]) return false;
    if (isFunction(n)) return false;
    if (n.type === 'AwaitExpression') {
      const a = promiseAcquire(n.argument, locks);
      if (a) {
        held = { key: a.key, kind: a.kind };
        const decl = n.parent;
        releaser = decl?.type === 'VariableDeclarator' && decl.id.type === 'Identifier' ? decl.id.name : null;
      }
    } else if (held && n.type === 'CallExpression' && !isInFinally(n, call)) {
      const callee = unwrap(n.callee);
      if (releaseCall(n, locks) === (held as Held).key || (callee.type === 'Identifier' && callee.name === releaser)) held = null;
    }
    return true;
  });
  if (held && (held as Held).kind === 'mutex') return held;
  return heldByCallers(fn, locks, seen);
}

/** A release in a `finally` that encloses the call runs after it, not before. */
function isInFinally(release: Node, call: Node): boolean {
  for (let p = release.parent; p; p = p.parent) {
    if (p.type === 'TryStatement' && p.finalizer && release.range[0] >= p.finalizer.range[0] && release.range[1] <= p.finalizer.range[1]) {
      return call.range[0] >= p.block.range[0] && call.range[1] <= p.block.range[1];
    }
  }
  return false;
}

/**
 * A name that has one of `words` as a word of its own at its end (`lock`, `userLock`, `write_lock`, `LOCK`) or,
 * unless `suffixOnly`, at its start (`lockForUser`). `clock`, `block` and `deadlock` are not locks. Built once:
 * receivers are looked up for every acquire-like call.
 */
function wordAtEnd(words: string, suffixOnly = false): RegExp[] {
  const capitalized = words.replace(/(^|\|)(\w)/g, (_m, bar: string, c: string) => bar + c.toUpperCase());
  const patterns = [new RegExp(`^(${words})$`, 'i'), new RegExp(`[_$](${words})$`, 'i'), new RegExp(`[a-z0-9](${capitalized})$`)];
  return suffixOnly ? patterns : [...patterns, new RegExp(`^(${words})[A-Z_$0-9]`)];
}

const MUTEX_NAME = wordAtEnd('lock|mutex');
const SEMAPHORE_NAME = wordAtEnd('semaphore|sem|limiter', true);
