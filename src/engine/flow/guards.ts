import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeObject, enclosingFunction, memberName, unwrap, type Node } from '../ast.js';
import { KEYED_READS, sharedPath, type PathContext } from '../locations.js';

const NAMED_PARTS = new Set(['collection', 'getCollection']);

/** `this.cache.get(k)` -> `this.cache[*]` (the entry), for aliasing. */
export function collectionGetPath(call: TSESTree.CallExpression, ctx: PathContext): string | null {
  const obj = calleeObject(call);
  const callee = unwrap(call.callee);
  const method = callee.type === 'MemberExpression' ? memberName(callee) : null;
  // `this.seen.getOrCreate(user)`: the entry, made if missing, is as shared as one `get` returns; so is the
  // collection a database handle names (`this.db.collection('queue')`).
  if (!obj || method === null || method === 'has' || !(KEYED_READS.has(method) || NAMED_PARTS.has(method))) return null;
  const base = sharedPath(obj, ctx);
  return base === null || base === 'this' ? null : `${base}[*]`;
}

/**
 * `if (id !== this.gen) return;` / `if (id === this.gen) { … }`: a local snapshot compared with
 * the current shared value proves no other call started in between.
 */
export function generationGuard(test: Node, ctx: PathContext): 'equal' | 'different' | null {
  const t = unwrap(test);
  if (t.type === 'LogicalExpression') {
    const l = generationGuard(t.left, ctx);
    const r = generationGuard(t.right, ctx);
    if (t.operator === '||') return l === 'different' || r === 'different' ? 'different' : null;
    if (t.operator === '&&') return l === 'equal' || r === 'equal' ? 'equal' : null;
    return null;
  }
  if (t.type !== 'BinaryExpression') return null;
  const kind = t.operator === '===' || t.operator === '==' ? 'equal' : t.operator === '!==' || t.operator === '!=' ? 'different' : null;
  if (!kind) return null;
  // A local, or a `const` of the function that made this callback (`const gen = ++this.gen; return
  // load().then(() => { if (gen === this.gen) … })`): either is the snapshot of one run.
  const isLocal = (n: Node): boolean => {
    const u = unwrap(n);
    if (u.type !== 'Identifier') return false;
    const binding = ctx.scope.bindingOf(u, ctx.fn);
    if (binding.kind === 'local') return true;
    // Only for a callback the owner hands on as it runs: a method of an object a factory returns is made once and
    // sees the same const in every run.
    if (binding.kind !== 'captured' || ctx.fn.parent?.type !== 'CallExpression' || enclosingFunction(ctx.fn) !== binding.owner) return false;
    const def = binding.variable.defs[0];
    return def?.type === 'Variable' && def.parent?.type === 'VariableDeclaration' && def.parent.kind === 'const';
  };
  const isShared = (n: Node): boolean => {
    const u = unwrap(n);
    if (u.type !== 'MemberExpression' && u.type !== 'Identifier') return false;
    const p = sharedPath(u, ctx);
    return p !== null && p !== 'this';
  };
  const left = t.left as Node;
  if ((isLocal(left) && isShared(t.right)) || (isShared(left) && isLocal(t.right))) return kind;
  return null;
}
