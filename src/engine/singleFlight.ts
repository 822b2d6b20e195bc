import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { enclosingFunction, forEachNode, unwrap, type Node } from './ast.js';
import { shadowed } from './callees.js';
import { privateMethodCalls } from './summaries.js';

/*
 * `connect() { if (this.connecting) return this.connecting; this.connecting = this.#connect(); … }`: a private
 * method that its class only ever starts by storing the promise in a field is run behind that shared in-flight
 * promise, one call at a time. A check and an act inside it do not race with another call of it.
 */

// Per method node (nodes belong to one analysis and go with it).
const decided = new WeakMap<TSESTree.MethodDefinition, boolean>();

/**
 * Is `node` inside a private method whose every call in its class stores the promise in a `this` field, or a
 * function only its module can call whose every call stores the promise in a module variable
 * (`initPromise = initPromise ?? init()`)?
 */
export function inSingleFlightMethod(node: Node): boolean {
  const fn = enclosingFunction(node);
  if (fn?.type === 'FunctionDeclaration') return inSingleFlightFunction(fn);
  const method = fn?.parent;
  if (method?.type !== 'MethodDefinition' || method.value !== fn) return false;
  let answer = decided.get(method);
  if (answer === undefined) {
    answer = decide(method);
    decided.set(method, answer);
  }
  return answer;
}

function decide(method: TSESTree.MethodDefinition, seen = new Set<TSESTree.MethodDefinition>()): boolean {
  if (seen.has(method)) return false;
  seen.add(method);
  const calls = privateMethodCalls(method);
  if (!calls) return false;
  // A call from the method itself (recursion) runs inside the flight that is already under way.
  const fromItself = (call: TSESTree.CallExpression): boolean => enclosingFunction(call) === method.value;
  return calls.length > 0 && calls.some((c) => !fromItself(c)) && calls.every((call) => fromItself(call) || storedInField(call) || inSingleFlightCaller(call, seen));
}

/**
 * The call runs only inside a call that is itself single flight: a private method of the class decided so, or
 * an async IIFE whose promise is stored in a field (`const p = (async () => this._next())(); this.cache.p = p`).
 */
function inSingleFlightCaller(call: TSESTree.CallExpression, seen: Set<TSESTree.MethodDefinition>): boolean {
  const fn = enclosingFunction(call);
  if (!fn) return false;
  const invoked = fn.parent;
  if (invoked?.type === 'CallExpression' && invoked.callee === fn) return storedInField(invoked);
  const method = fn.parent;
  return method?.type === 'MethodDefinition' && method.value === fn && decide(method, seen);
}

const decidedFunctions = new WeakMap<TSESTree.FunctionDeclaration, boolean>();

/** A module-level function, not exported, that the module only ever calls to store the promise in shared state. */
function inSingleFlightFunction(fn: TSESTree.FunctionDeclaration): boolean {
  let answer = decidedFunctions.get(fn);
  if (answer === undefined) {
    answer = false;
    const program = fn.parent;
    if (fn.id && program?.type === 'Program') {
      const name = fn.id.name;
      const calls: TSESTree.CallExpression[] = [];
      let escapes = false;
      forEachNode(program, (n) => {
        if (escapes) return false;
        if (n.type !== 'Identifier' || n.name !== name || n === fn.id) return true;
        const parent = n.parent;
        // `x.init`, `{ init: 1 }`: a property of that name, not the function.
        if (parent?.type === 'MemberExpression' && parent.property === n && !parent.computed) return true;
        if (parent?.type === 'Property' && parent.key === n && !parent.computed && !parent.shorthand) return true;
        if (parent?.type === 'CallExpression' && parent.callee === n) calls.push(parent);
        else escapes = true;
        return true;
      });
      const fromItself = (call: TSESTree.CallExpression): boolean => enclosingFunction(call) === fn;
      answer = !escapes && calls.some((c) => !fromItself(c)) && calls.every((c) => fromItself(c) || storedInField(c));
    }
    decidedFunctions.set(fn, answer);
  }
  return answer;
}

/**
 * The call's promise is stored in a `this` field or a module variable, directly (`this.p = f()`, `p = p ?? f()`,
 * `p ??= f()`) or through a const assigned to one later.
 */
function storedInField(call: TSESTree.CallExpression): boolean {
  let child: Node = call;
  let p = call.parent;
  while (
    p &&
    (p.type === 'TSAsExpression' || p.type === 'TSNonNullExpression' || p.type === 'ChainExpression' || (p.type === 'LogicalExpression' && p.right === child && p.operator !== '&&'))
  ) {
    child = p;
    p = p.parent;
  }
  if (p?.type === 'AssignmentExpression' && p.right === child) return isThisField(p.left) || isModuleVariable(p.left);
  if (p?.type !== 'VariableDeclarator' || p.id.type !== 'Identifier' || p.parent?.type !== 'VariableDeclaration' || p.parent.kind !== 'const') return false;
  const name = p.id.name;
  const scope = enclosingFunction(p);
  let stored = false;
  if (scope) {
    forEachNode(scope.body, (n) => {
      if (stored) return false;
      if (n.type === 'AssignmentExpression' && n.right.type === 'Identifier' && n.right.name === name && isThisField(n.left)) stored = true;
      return !stored;
    });
  }
  return stored;
}

/** `this.x`, `this.cache.current`: a location on the instance. */
function isThisField(node: Node): boolean {
  let n = unwrap(node);
  while (n.type === 'MemberExpression') {
    const object = unwrap(n.object);
    if (object.type === 'ThisExpression') return true;
    n = object;
  }
  return false;
}

/** A variable declared at the top of the module (`let initPromise`). */
function isModuleVariable(node: Node): boolean {
  const n = unwrap(node);
  if (n.type !== 'Identifier' || shadowed(n)) return false;
  let program: Node | undefined = n;
  while (program && program.type !== 'Program') program = program.parent;
  if (program?.type !== 'Program') return false;
  return program.body.some((top) => {
    const stmt = top.type === 'ExportNamedDeclaration' && top.declaration ? top.declaration : top;
    return stmt.type === 'VariableDeclaration' && stmt.declarations.some((d) => d.id.type === 'Identifier' && d.id.name === n.name);
  });
}
