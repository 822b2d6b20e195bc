import { forEachNode, memberName, unwrap, type Node } from './ast.js';
import { resolveCallee } from './callees.js';

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
export function callsAbort(root: Node, depth = 0): boolean {
  let found = false;
  forEachNode(root, (n) => {
    if (n.type === 'CallExpression') {
      const callee = unwrap(n.callee);
      if (callee.type === 'MemberExpression' && memberName(callee) === 'abort') found = true;
      // `abortAndIgnore(controller)`, `cancelRequest(ctrl)`: a helper that aborts what it is given, seen in its body
      // when this module or an imported one defines it, else by its name.
      else if (callee.type === 'Identifier' && n.arguments.length > 0) {
        const helper = depth < 2 ? resolveCallee(callee) : null;
        found = helper ? callsAbort(helper.body, depth + 1) : ABORT_HELPER.test(callee.name);
      }
    }
    return !found;
  });
  return found;
}

const ABORT_HELPER = /^abort/i;
