import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { forEachNode, isFunction, memberName, type Node } from './ast.js';

/**
 * For each class, the `this.*` fields that each synchronous method and getter reads,
 * so that `if (this.isExpired())` or `if (!this.isConnected)` counts as a check of those fields.
 */
const cache = new WeakMap<Node, Map<string, string[]>>();

export function classOf(fn: Node): TSESTree.ClassBody | null {
  for (let p = fn.parent; p; p = p.parent) {
    if (p.type === 'ClassBody') return p;
    // Arrow functions keep the class's `this`; other functions do not.
    if (isFunction(p) && p.type !== 'ArrowFunctionExpression' && p.parent?.type !== 'MethodDefinition') return null;
  }
  return null;
}

export function memberReads(body: TSESTree.ClassBody): Map<string, string[]> {
  let summary = cache.get(body);
  if (summary) return summary;
  summary = new Map();
  for (const member of body.body) {
    if (member.type !== 'MethodDefinition' || member.static || member.value.async) continue;
    if (member.kind !== 'method' && member.kind !== 'get') continue;
    const name = member.key.type === 'PrivateIdentifier' ? '#' + member.key.name : member.key.type === 'Identifier' ? member.key.name : null;
    if (!name || !member.value.body) continue;
    const fields = new Set<string>();
    forEachNode(member.value.body, (n) => {
      if (isFunction(n) && n.type !== 'ArrowFunctionExpression') return false;
      if (n.type === 'MemberExpression' && n.object.type === 'ThisExpression') {
        const field = memberName(n);
        const isCall = n.parent?.type === 'CallExpression' && n.parent.callee === n;
        if (field && !isCall) fields.add(`this.${field}`);
      }
      return true;
    });
    if (fields.size > 0) summary.set(name, [...fields]);
  }
  cache.set(body, summary);
  return summary;
}

const lockedCache = new WeakMap<Node, Set<string>>();

/**
 * For each class, the methods that take a lock before they return: an acquire `isAcquire` recognises in their
 * body, or a call of another such method of the class (`query()` takes `this.lock`; `dropIndex()` calls
 * `this.query()`). Calls through them run one at a time, whoever starts them.
 */
export function lockingMethods(body: TSESTree.ClassBody, isAcquire: (call: TSESTree.CallExpression) => boolean): Set<string> {
  const cached = lockedCache.get(body);
  if (cached) return cached;
  const calls = new Map<string, Set<string>>();
  const locked = new Set<string>();
  for (const member of body.body) {
    if (member.type !== 'MethodDefinition' || member.kind !== 'method' || !member.value.body) continue;
    const name = member.key.type === 'PrivateIdentifier' ? '#' + member.key.name : member.key.type === 'Identifier' ? member.key.name : null;
    if (!name) continue;
    const callees = new Set<string>();
    forEachNode(member.value.body, (n) => {
      if (isFunction(n) && n.type !== 'ArrowFunctionExpression') return false;
      if (n.type !== 'CallExpression') return true;
      if (isAcquire(n)) locked.add(name);
      const callee = n.callee;
      if (callee.type === 'MemberExpression' && callee.object.type === 'ThisExpression') {
        const m = memberName(callee);
        if (m) callees.add(m);
      }
      return true;
    });
    calls.set(name, callees);
  }
  // Whoever calls a locking method locks too, to a fixed point.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, callees] of calls) {
      if (locked.has(name)) continue;
      if ([...callees].some((c) => locked.has(c))) {
        locked.add(name);
        changed = true;
      }
    }
  }
  lockedCache.set(body, locked);
  return locked;
}
