import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { unwrap, type Node } from './ast.js';
import { receiverText } from './locks.js';
import { displayPath } from './locations.js';
import { isStorePath, STORE_PATH } from './sagas.js';

/*
 * Keyed stores (a Map, a cache client, a token store): a read and a write race only on one entry, and the
 * message names it, so the user sees which key concurrent calls share.
 */

/** A key expression as text, for the simple shapes keys have (`key`, `'user'`, `opts.id`); null for others. */
export function keyText(node: Node): string | null {
  const n = unwrap(node);
  if (n.type === 'Literal') return JSON.stringify(n.value);
  // `views:${path}`: a template of simple parts is as comparable as they are.
  if (n.type === 'TemplateLiteral') {
    let text = '`' + (n.quasis[0]?.value.raw ?? '');
    for (const [i, e] of n.expressions.entries()) {
      const part = keyText(e);
      if (part === null) return null;
      text += '${' + part + '}' + (n.quasis[i + 1]?.value.raw ?? '');
    }
    return text + '`';
  }
  // `{ registry }`, `{ id: userId }`: a document filter of simple parts.
  if (n.type === 'ObjectExpression') {
    const parts: string[] = [];
    for (const p of n.properties) {
      if (p.type !== 'Property' || p.computed || p.key.type !== 'Identifier') return null;
      const value = keyText(p.value);
      if (value === null) return null;
      parts.push(p.key.name === value ? value : `${p.key.name}: ${value}`);
    }
    return `{ ${parts.join(', ')} }`;
  }
  // `this.namespace()`, `this.queueKey(registry)`: a key a helper derives from simple parts is the same key each
  // time it is asked for with the same parts.
  if (n.type === 'CallExpression') {
    const callee = receiverText(n.callee);
    const args = n.arguments.map((a) => (a.type === 'SpreadElement' ? null : keyText(a)));
    return callee === null || args.includes(null) ? null : `${callee}(${args.join(', ')})`;
  }
  return receiverText(n);
}

const POSITIONAL = new Set(['indexOf', 'lastIndexOf', 'findIndex', 'findLastIndex', 'splice', 'slice', 'at']);

/** The key of a keyed call (`get(k)`, `set(k, v)`, `hasFoo(k)`), as text; null when it has none we can name. */
export function callKey(node: Node): string | null {
  if (node.type !== 'CallExpression' || positional(node)) return null;
  const first = node.arguments[0];
  return first && first.type !== 'SpreadElement' ? keyText(first) : null;
}

/** `indexOf(x)` … `slice(0, n)`, `splice(i, n)`: an array's value to look for and a position, not keys of entries. */
function positional(call: TSESTree.CallExpression): boolean {
  const callee = unwrap(call.callee);
  return callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' && POSITIONAL.has(callee.property.name);
}

/** Both are keyed calls (`get(k)`, `set(k, v)`) whose keys are plainly different expressions. */
export function differentKeys(read: Node, write: Node): boolean {
  // `this.callFor(member)` … `this.addCall(call)`: a class's own helpers take arguments, not a store's keys.
  if (onThis(read) || onThis(write)) return false;
  const a = callKey(read);
  const b = callKey(write);
  return a !== null && b !== null && a !== b;
}

/** The key text a keyed read and write of one entry share: `namespace, key` for `get(namespace, key)` … `set(namespace, key, v)`. */
export function sharedKey(read: Node, write: Node): string | null {
  if (read.type !== 'CallExpression' || write.type !== 'CallExpression' || read.arguments.length === 0 || positional(read) || positional(write)) return null;
  const keys: string[] = [];
  for (const [i, a] of read.arguments.entries()) {
    const w = write.arguments[i];
    const text = a.type === 'SpreadElement' ? null : keyText(a);
    if (text === null || !w || w.type === 'SpreadElement' || keyText(w) !== text) break;
    keys.push(text);
  }
  return keys.length > 0 ? keys.join(', ') : null;
}

/** `{ key }` for a fix subject when the read and the write share one key expression; else nothing. */
export function keyOf(read: Node, write: Node): { key?: string } {
  const key = sharedKey(read, write);
  // A filter object is built afresh by each call: a lock keyed on it would never be shared. Only a value is.
  const first = read.type === 'CallExpression' ? read.arguments[0] : undefined;
  return key !== null && first && unwrap(first).type !== 'ObjectExpression' && !key.includes(', ') ? { key } : {};
}

function onThis(node: Node): boolean {
  if (node.type !== 'CallExpression') return false;
  const callee = unwrap(node.callee);
  return callee.type === 'MemberExpression' && unwrap(callee.object).type === 'ThisExpression';
}

/**
 * `` `this.cache` `` or, for a keyed read and write of one entry, `` `this.cache` entry `key` ``: every argument of
 * the read names the entry (`get(namespace, key)`) when the write starts with the same ones.
 */
export function entryPhrase(path: string, read: Node, write: Node, listedKey?: string): string {
  // A saga's store: `select(getCount)` reads the part a selector picks; `put` writes the store.
  if (isStorePath(path)) {
    const selector = readSelector(read);
    return displayPath(selector ? `${STORE_PATH}.${selector}` : path);
  }
  const loc = '`' + displayPath(path) + '`';
  const key = sharedKey(read, write) ?? listedKey ?? null;
  return key !== null ? `${loc} entry \`${key}\`` : loc;
}

/** The selector a `yield select(getCount)` names, if the read is one. */
function readSelector(read: Node): string | null {
  const arg = read.type === 'YieldExpression' && read.argument?.type === 'CallExpression' ? read.argument.arguments[0] : undefined;
  return arg?.type === 'Identifier' ? arg.name : null;
}
