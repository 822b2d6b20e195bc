import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { enclosingFunction, forEachNode, unwrap, type Node } from './ast.js';
import { privateMethodCalls } from './summaries.js';

/*
 * `connect() { if (this.connecting) return this.connecting; this.connecting = this.#connect(); … }`: a private
 * method that its class only ever starts by storing the promise in a field is run behind that shared in-flight
 * promise, one call at a time. A check and an act inside it do not race with another call of it.
 */

// Per method node (nodes belong to one analysis and go with it).
const decided = new WeakMap<TSESTree.MethodDefinition, boolean>();

/** Is `node` inside a private method whose every call in its class stores the promise in a `this` field? */
export function inSingleFlightMethod(node: Node): boolean {
  const fn = enclosingFunction(node);
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

/** The call's promise is stored in a `this` field, directly or through a const assigned to one later. */
function storedInField(call: TSESTree.CallExpression): boolean {
  let child: Node = call;
  let p = call.parent;
  while (p && (p.type === 'TSAsExpression' || p.type === 'TSNonNullExpression' || p.type === 'ChainExpression')) {
    child = p;
    p = p.parent;
  }
  if (p?.type === 'AssignmentExpression' && p.right === child) return isThisField(p.left);
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
