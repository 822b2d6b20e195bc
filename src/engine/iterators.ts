import { enclosingFunction, memberName, unwrap, type Node } from './ast.js';

/*
 * `class Lister { async next() { … } async *[Symbol.asyncIterator]() { let page = await this.next(); … } }`:
 * an iterator's `next` is driven by whoever iterates, one step after another (`for await` waits for each step
 * before asking for the next). A check and an act across its awaits race only if someone calls `next()` again
 * before the last step settled, which iteration never does. Findings there are shown on request.
 */

/** Is `node` in the `next` method of a class that is iterable (defines `[Symbol.asyncIterator]` or `[Symbol.iterator]`)? */
export function inIteratorStep(node: Node): boolean {
  const method = enclosingFunction(node)?.parent;
  if (method?.type !== 'MethodDefinition' || method.computed || method.key.type !== 'Identifier' || method.key.name !== 'next') return false;
  return method.parent.body.some((member) => {
    if (member.type !== 'MethodDefinition' || !member.computed) return false;
    const key = unwrap(member.key);
    return key.type === 'MemberExpression' && unwrap(key.object).type === 'Identifier' && (unwrap(key.object) as { name: string }).name === 'Symbol' && ['asyncIterator', 'iterator'].includes(memberName(key) ?? '');
  });
}
