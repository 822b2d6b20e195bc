import { forEachNode, memberName, unwrap, type Node } from './ast.js';

/*
 * AbortController and AbortSignal as the rules meet them: work that takes a signal ends when the signal's
 * controller aborts, so whatever comes after its await does not run for a cancelled operation.
 */

/** Does the code hand over or read a signal (`{ signal }`, `controller.signal`)? */
export function mentionsSignal(root: Node): boolean {
  let found = false;
  forEachNode(root, (n) => {
    if ((n.type === 'Identifier' && n.name === 'signal') || (n.type === 'MemberExpression' && memberName(n) === 'signal')) found = true;
    return !found;
  });
  return found;
}

/** Does the code abort a controller (`controller.abort()`, `this.abortController?.abort()`)? */
export function callsAbort(root: Node): boolean {
  let found = false;
  forEachNode(root, (n) => {
    if (n.type === 'CallExpression') {
      const callee = unwrap(n.callee);
      if (callee.type === 'MemberExpression' && memberName(callee) === 'abort') found = true;
    }
    return !found;
  });
  return found;
}
