import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { enclosingFunction, forEachNode, unwrap, type Node } from './ast.js';

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

function decide(method: TSESTree.MethodDefinition): boolean {
  if (method.kind !== 'method' || method.static || method.computed) return false;
  const key = method.key;
  const isPrivate = key.type === 'PrivateIdentifier' || method.accessibility === 'private';
  if (!isPrivate || (key.type !== 'Identifier' && key.type !== 'PrivateIdentifier')) return false;
  const calls: TSESTree.CallExpression[] = [];
  let escapes = false;
  forEachNode(method.parent, (n) => {
    if (n.type !== 'MemberExpression' || n.object.type !== 'ThisExpression' || n.computed || n.property.type !== key.type || n.property.name !== key.name) return true;
    const call = n.parent;
    if (call?.type === 'CallExpression' && call.callee === n) calls.push(call);
    // Read without a call (`this.m.bind(this)`, handed on): someone else may call it.
    else escapes = true;
    return true;
  });
  return !escapes && calls.length > 0 && calls.every(storedInField);
}

function storedInField(call: TSESTree.CallExpression): boolean {
  let child: Node = call;
  let p = call.parent;
  while (p && (p.type === 'TSAsExpression' || p.type === 'TSNonNullExpression' || p.type === 'ChainExpression')) {
    child = p;
    p = p.parent;
  }
  return p?.type === 'AssignmentExpression' && p.right === child && unwrap(p.left).type === 'MemberExpression' && (unwrap(p.left) as TSESTree.MemberExpression).object.type === 'ThisExpression';
}
