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
