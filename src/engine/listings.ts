import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeName, forEachNode, isFunction, unwrap, type Node } from './ast.js';
import { constInit } from './callees.js';
import { keyText } from './keys.js';
import { REMOTE_COLLECTION_READS } from './locations.js';
import { receiverText } from './locks.js';
import type { FunctionNode } from './scope.js';
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
  const found = method ? listingIn(method) : null;
  if (!method || !found) return null;
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

// Asked at every `await this.m(…)` and for every read an emptying write looks back at: decided once per method.
const listingMemo = new WeakMap<FunctionNode, Listing | null>();

/** The listing a method makes (the first, outside nested functions), in its own terms. */
function listingIn(method: FunctionNode): Listing | null {
  let found = listingMemo.get(method);
  if (found !== undefined) return found;
  let inner: TSESTree.CallExpression | null = null;
  if (method.body?.type === 'BlockStatement') {
    forEachNode(method.body, (n) => {
      if (inner || (isFunction(n) && n !== method)) return false;
      if (n.type === 'CallExpression' && REMOTE_COLLECTION_READS.has(calleeName(n) ?? '')) inner = n;
      return inner === null;
    });
  }
  found = inner ? direct(inner) : null;
  listingMemo.set(method, found);
  return found;
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
 * The key text of an expression, seeing through a `const`: `const key = this.queueKey(r)`
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
