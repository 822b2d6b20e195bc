import { isPromiseChainCall, type Node } from '../ast.js';
import { lineOf } from '../lines.js';

export function line(node: Node): number {
  return lineOf(node);
}

/** How a yield point reads in a message: an await, a for-await loop, or a callback handed to a lock or queue. */
export function yieldPhrase(node: Node): string {
  const n = line(node);
  if (node.type === 'ForOfStatement') return `the \`for await\` on line ${n}`;
  if (node.type === 'CallExpression') {
    return isPromiseCallback(node) ? `line ${n}, where the callback is deferred until the promise before it settles` : `line ${n}, where the callback waits its turn for the lock`;
  }
  if (node.type === 'VariableDeclaration') return `the \`await using\` on line ${n}`;
  if (node.type === 'YieldExpression') return `the \`yield\` on line ${n}, where the generator is suspended until its runner resumes it`;
  return `the \`await\` on line ${n}`;
}

/** `p.then(cb)` / `.catch(cb)` / `.finally(cb)`: the callback runs in a later turn, after other code. */
export function isPromiseCallback(node: Node): boolean {
  return node.type === 'CallExpression' && isPromiseChainCall(node);
}
