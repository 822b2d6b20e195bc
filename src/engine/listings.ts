import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeName, enclosingFunction, forEachNode, isFunction, unwrap, type Node } from './ast.js';
import { keyText } from './keys.js';
import { REMOTE_COLLECTION_READS } from './locations.js';
import { receiverText } from './locks.js';
import { calledMethod } from './summaries.js';

/*
 * A listing: a whole collection a key-value server keeps under one key, read in one round trip
 * (`redis.smembers(key)`, `redis.lrange(key, 0, -1)`), made here or by a helper method of the class
 * (`this.getQueue(registry)`, which lists `this.redis.lrange(this.queueKey(registry), 0, -1)`).
 */

export interface Listing {
  /** The client the collection is read through, as a location (`this.redis`). */
  path: string;
  /** The key, as text, in the caller's terms: a helper's parameters are replaced by the call's arguments. */
  key: string;
}

export function listing(read: Node): Listing | null {
  if (read.type !== 'CallExpression') return null;
  if (REMOTE_COLLECTION_READS.has(calleeName(read) ?? '')) return direct(read);
  const method = calledMethod(unwrap(read.callee));
  if (!method || method.body?.type !== 'BlockStatement') return null;
  let inner: TSESTree.CallExpression | null = null;
  forEachNode(method.body, (n) => {
    if (inner || (isFunction(n) && n !== method)) return false;
    if (n.type === 'CallExpression' && REMOTE_COLLECTION_READS.has(calleeName(n) ?? '')) inner = n;
    return inner === null;
  });
  const found = inner ? direct(inner) : null;
  if (!found) return null;
  // The helper's parameters, named in its key, stand for what this call passes.
  let key = found.key;
  for (const [i, param] of method.params.entries()) {
    if (param.type !== 'Identifier') continue;
    const arg = read.arguments[i];
    const text = arg && arg.type !== 'SpreadElement' ? keyText(arg) : null;
    const named = new RegExp(`(?<![.\\w$])${param.name}(?![\\w$])`, 'g');
    if (text === null) {
      if (named.test(key)) return null;
      continue;
    }
    key = key.replace(named, text);
  }
  return { path: found.path, key };
}

function direct(call: TSESTree.CallExpression): Listing | null {
  const callee = unwrap(call.callee);
  const first = call.arguments[0];
  if (callee.type !== 'MemberExpression' || !first || first.type === 'SpreadElement') return null;
  const path = receiverText(unwrap(callee.object));
  const key = resolvedKeyText(first);
  return path === null || key === null ? null : { path, key };
}

/**
 * The key text of an expression, seeing through a `const` of the same function: `const key = this.queueKey(r)`
 * then `del(key)` deletes `this.queueKey(r)`, the key a helper lists under another local's name.
 */
export function resolvedKeyText(node: Node): string | null {
  const e = unwrap(node);
  if (e.type === 'Identifier') {
    const init = constInit(e);
    if (init) return keyText(init) ?? keyText(e);
  }
  return keyText(e);
}

function constInit(id: TSESTree.Identifier): Node | null {
  const fn = enclosingFunction(id);
  if (!fn?.body) return null;
  let init: Node | null = null;
  forEachNode(fn.body, (n) => {
    if (init || (isFunction(n) && n !== fn)) return false;
    if (n.type === 'VariableDeclaration' && n.kind === 'const') {
      for (const d of n.declarations) if (d.id.type === 'Identifier' && d.id.name === id.name && d.init) init = d.init;
    }
    return init === null;
  });
  return init;
}

/**
 * `const ids = await redis.smembers(k); …; await redis.del(k)` (or `del([...ids, k])`, or the listing made by a
 * helper, `await this.getQueue(registry)`): the key listed is the key deleted.
 */
export function deletesWhatWasListed(write: Node, read: Node): boolean {
  if (write.type !== 'CallExpression') return false;
  const listed = listing(read)?.key;
  if (listed === undefined) return false;
  const deleted = write.arguments.flatMap((a): Node[] => {
    const e = unwrap(a.type === 'SpreadElement' ? a.argument : a);
    return e.type === 'ArrayExpression' ? e.elements.flatMap((x) => (x && x.type !== 'SpreadElement' ? [x] : [])) : [e];
  });
  return deleted.some((d) => resolvedKeyText(d) === listed);
}
