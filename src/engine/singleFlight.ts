import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeName, enclosingFunction, forEachNode, identifierWords, isFunction, memberName, unwrap, type Node } from './ast.js';
import { localCallSites, resolveCallee, shadowed, sharesInFlight } from './callees.js';
import type { FunctionNode } from './scope.js';
import { moduleTable, programOf } from './modules.js';
import { classOf, privateMethodCalls } from './summaries.js';

/*
 * `connect() { if (this.connecting) return this.connecting; this.connecting = this.#connect(); … }`: a private
 * method that its class only ever starts by storing the promise in a field is run behind that shared in-flight
 * promise, one call at a time. A check and an act inside it do not race with another call of it.
 */

/**
 * How a function is run: behind one in-flight promise for all callers (`whole`: stored in a field or a module
 * variable), behind one per key (`keyed`: entered in a map, `this.loading.set(key, this.#load(key))`, so calls
 * for different keys run side by side), or not known to be (null).
 */
type Flight = 'whole' | 'keyed' | null;

function both(a: Flight, b: Flight): Flight {
  return a === null || b === null ? null : a === 'keyed' || b === 'keyed' ? 'keyed' : 'whole';
}

// Per method node (nodes belong to one analysis and go with it).
const decided = new WeakMap<TSESTree.MethodDefinition, Flight>();

/**
 * Does the write at `node` run inside a single flight: in a private method whose every call in its class
 * stores the promise in shared state, or a function only its module can call that is always started so
 * (`initPromise = initPromise ?? init()`)? A flight per key covers only writes of keyed entries
 * (`keyed`: the write is to a collection), not a field all keys share.
 */
export function inSingleFlight(node: Node, keyed: boolean): boolean {
  const flight = flightOf(node);
  return flight === 'whole' || (flight === 'keyed' && keyed);
}

/**
 * Helpers named for what they do with concurrent calls: `coalesceAsync(key, fn)`, `singleFlight(key, fn)`,
 * `dedupe(fn)`, `tenantConfigSingleFlight(id, { load, commit })` run `fn` (or the task object's functions) once for
 * all callers that arrive while it runs (per key when they take one).
 */
function namesCoalescing(name: string): boolean {
  const words = identifierWords(name);
  return words.some((w, i) => w === 'coalesce' || w === 'dedupe' || w === 'dedup' || w === 'singleflight' || (w === 'single' && words[i + 1] === 'flight'));
}

/** The call `fn` is handed to: as an argument, or as a property of an object argument (a task: `{ load, commit }`). */
function handedTo(fn: FunctionNode | null): { call: TSESTree.CallExpression; argument: Node } | null {
  const host = fn?.parent;
  if (host?.type === 'CallExpression' && host.callee !== fn && host.arguments.includes(fn as TSESTree.CallExpressionArgument)) return { call: host, argument: fn! };
  const object = host?.type === 'Property' && host.value === fn ? host.parent : undefined;
  const call = object?.parent;
  if (object?.type === 'ObjectExpression' && call?.type === 'CallExpression' && call.arguments.includes(object)) return { call, argument: object };
  return null;
}

function flightOf(node: Node): Flight {
  const fn = enclosingFunction(node);
  const host = fn?.parent;
  const handed = handedTo(fn);
  if (handed && namesCoalescing(calleeName(handed.call) ?? '')) {
    const { call, argument } = handed;
    // `coalesce(key, fn)` takes the key first; the `singleFlight(fn)` wrapper keys by its calls' arguments.
    return (call.arguments.length > 1 && call.arguments[0] !== argument) || calleeName(call) === 'singleFlight' ? 'keyed' : 'whole';
  }
  // `this.heartbeat = sharedPromiseTo(async () => …)`: a wrapper, found in its module, whose function hands every
  // call the one promise it keeps while `fn` runs.
  if (host?.type === 'CallExpression' && host.callee !== fn && host.arguments.includes(fn as TSESTree.CallExpressionArgument) && sharesFlightOfWrapped(host)) return 'whole';
  // `this.initializing = (async () => { …; await connect(); this.ready = true; })()`: the run is the in-flight
  // promise callers find in the field, as for a private method started only so.
  if (host?.type === 'CallExpression' && host.callee === fn) return storedInField(host);
  if (fn?.type === 'FunctionDeclaration') return functionFlight(fn);
  const method = fn?.parent;
  if (method?.type !== 'MethodDefinition' || method.value !== fn) return null;
  let answer = decided.get(method);
  if (answer === undefined) {
    answer = decide(method);
    decided.set(method, answer);
  }
  return answer;
}

const wrappers = new WeakMap<FunctionNode, boolean>();

function sharesFlightOfWrapped(call: TSESTree.CallExpression): boolean {
  const wrapper = resolveCallee(call.callee);
  if (!wrapper) return false;
  let answer = wrappers.get(wrapper);
  if (answer === undefined) {
    const made: Node[] = wrapper.body.type === 'BlockStatement' ? [] : [wrapper.body];
    forEachNode(wrapper.body, (n) => {
      if (n !== wrapper.body && isFunction(n)) return false;
      if (n.type === 'ReturnStatement' && n.argument) made.push(n.argument);
      return true;
    });
    answer = made.length > 0 && made.every((m) => {
      const f = unwrap(m);
      return isFunction(f) && sharesInFlight(f);
    });
    wrappers.set(wrapper, answer);
  }
  return answer;
}

function decide(method: TSESTree.MethodDefinition, seen = new Set<TSESTree.MethodDefinition>()): Flight {
  if (seen.has(method)) return null;
  seen.add(method);
  const calls = privateMethodCalls(method);
  if (!calls) return null;
  // A call from the method itself (recursion) runs inside the flight that is already under way.
  const fromItself = (call: TSESTree.CallExpression): boolean => enclosingFunction(call) === method.value;
  return everyCall(calls, fromItself, (call) => storedInField(call) ?? singleFlightCaller(call, seen));
}

/** The flight every outside call starts (calls from the function itself run in it), or null. */
function everyCall(calls: readonly TSESTree.CallExpression[], fromItself: (c: TSESTree.CallExpression) => boolean, flight: (c: TSESTree.CallExpression) => Flight): Flight {
  const outside = calls.filter((c) => !fromItself(c));
  if (outside.length === 0) return null;
  let answer: Flight = 'whole';
  for (const call of outside) {
    answer = both(answer, flight(call));
    if (answer === null) return null;
  }
  return answer;
}

/**
 * The call runs only inside a call that is itself single flight: a private method of the class decided so, or
 * an async IIFE whose promise is stored in a field (`const p = (async () => this._next())(); this.cache.p = p`).
 */
function singleFlightCaller(call: TSESTree.CallExpression, seen: Set<TSESTree.MethodDefinition>): Flight {
  const fn = enclosingFunction(call);
  if (!fn) return null;
  const invoked = fn.parent;
  if (invoked?.type === 'CallExpression' && invoked.callee === fn) return storedInField(invoked);
  const method = fn.parent;
  return method?.type === 'MethodDefinition' && method.value === fn ? decide(method, seen) : null;
}

const decidedFunctions = new WeakMap<TSESTree.FunctionDeclaration, Flight>();

/** A module-level function, not exported, that the module only ever calls to store the promise in shared state. */
function functionFlight(fn: TSESTree.FunctionDeclaration): Flight {
  let answer = decidedFunctions.get(fn);
  if (answer === undefined) {
    const calls = fn.parent?.type === 'Program' ? localCallSites(fn) : null;
    answer = calls ? everyCall(calls, (c) => enclosingFunction(c) === fn, storedInField) : null;
    decidedFunctions.set(fn, answer);
  }
  return answer;
}

/**
 * The call's promise is stored in a `this` field or a module variable, directly (`this.p = f()`, `p = p ?? f()`,
 * `p ??= f()`) or through a const assigned to one later.
 */
function storedInField(call: TSESTree.CallExpression): Flight {
  let child: Node = call;
  let p = call.parent;
  while (
    p &&
    (p.type === 'TSAsExpression' || p.type === 'TSNonNullExpression' || p.type === 'ChainExpression' || (p.type === 'LogicalExpression' && p.right === child && p.operator !== '&&'))
  ) {
    child = p;
    p = p.parent;
  }
  const shared = (target: Node): boolean => isThisField(target) || isModuleVariable(target);
  // `this.loading.set(key, this.#load(key))`
  if (p?.type === 'CallExpression' && p.arguments[1] === child && storesEntry(p, shared)) return 'keyed';
  // `const p = this.#load(key)`, or `p = this.#load(key)` into a local, stored in shared state afterwards.
  let local: string | null = null;
  if (p?.type === 'AssignmentExpression' && p.right === child) {
    if (shared(p.left)) return keyedTarget(p.left) ? 'keyed' : 'whole';
    const target = unwrap(p.left);
    if (target.type === 'Identifier') local = target.name;
  } else if (p?.type === 'VariableDeclarator' && p.id.type === 'Identifier') {
    local = p.id.name;
  }
  const scope = local === null ? null : enclosingFunction(call);
  if (!scope) return null;
  const isLocal = (value: Node | undefined): boolean => value !== undefined && unwrap(value).type === 'Identifier' && (unwrap(value) as TSESTree.Identifier).name === local;
  let stored: Flight = null;
  forEachNode(scope.body, (n) => {
    if (stored) return false;
    if (n.type === 'AssignmentExpression' && isLocal(n.right) && shared(n.left)) stored = keyedTarget(n.left) ? 'keyed' : 'whole';
    else if (n.type === 'CallExpression' && isLocal(n.arguments[1]) && storesEntry(n, shared)) stored = 'keyed';
    return stored === null;
  });
  return stored;
}

/** `this.loading[key]`: an entry under a key computed at run time. */
function keyedTarget(target: Node): boolean {
  const t = unwrap(target);
  return t.type === 'MemberExpression' && t.computed && unwrap(t.property).type !== 'Literal';
}

/** `<shared map>.set(key, value)` */
function storesEntry(call: TSESTree.CallExpression, shared: (target: Node) => boolean): boolean {
  const callee = unwrap(call.callee);
  return callee.type === 'MemberExpression' && memberName(callee) === 'set' && shared(callee.object);
}

/**
 * `this.x`, `this.cache.current`: a location on the instance; `Reranker.#loading` in a method of `Reranker`: one
 * on the class, which every instance shares.
 */
function isThisField(node: Node): boolean {
  let n = unwrap(node);
  while (n.type === 'MemberExpression') {
    const object = unwrap(n.object);
    if (object.type === 'ThisExpression' || (object.type === 'Identifier' && object.name === enclosingClassName(n))) return true;
    n = object;
  }
  return false;
}

function enclosingClassName(node: Node): string | null {
  const fn = enclosingFunction(node);
  const klass = fn ? classOf(fn)?.parent : undefined;
  if (klass?.type === 'ClassDeclaration' || klass?.type === 'ClassExpression') return klass.id?.name ?? null;
  return null;
}

/** A variable declared at the top of the module (`let initPromise`). */
function isModuleVariable(node: Node): boolean {
  const n = unwrap(node);
  if (n.type !== 'Identifier' || shadowed(n)) return false;
  const program = programOf(n);
  return program !== null && moduleTable(program).variables.has(n.name);
}
