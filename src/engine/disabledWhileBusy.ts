import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { containsAwait, containsNode, forEachNode, memberName, unwrap, type Node } from './ast.js';
import type { FunctionNode } from './scope.js';
import { classOf } from './summaries.js';

/*
 * `private async save() { this.saving = true; try { await api.save(…) } finally { this.saving = false } }` in a
 * component whose template renders `<button .disabled=${this.saving}>`: the control that starts the method is
 * disabled from before its first await until it ends, so a user cannot start a second run on the same component
 * while one is in flight. Judged on real code (a home automation UI, an editor extension's webviews), checks in
 * such handlers were never races.
 */

const memo = new WeakMap<FunctionNode, boolean>();

/** Does `fn`, a method of a component class, set a busy flag before its first await that the class's template binds to `disabled`? */
export function disabledWhileBusy(fn: FunctionNode): boolean {
  let answer = memo.get(fn);
  if (answer === undefined) memo.set(fn, (answer = decide(fn)));
  return answer;
}

function decide(fn: FunctionNode): boolean {
  const body = classOf(fn);
  if (!body || fn.body.type !== 'BlockStatement') return false;
  return flagsSetBeforeFirstAwait(fn.body).some((flag) => boundToDisabled(body, flag));
}

/** `this.saving = true` among the statements before the first one that waits. */
function flagsSetBeforeFirstAwait(block: TSESTree.BlockStatement): string[] {
  const flags: string[] = [];
  for (const stmt of block.body) {
    if (containsAwait(stmt)) break;
    const e = stmt.type === 'ExpressionStatement' ? unwrap(stmt.expression) : null;
    if (e?.type !== 'AssignmentExpression' || e.operator !== '=') continue;
    const target = unwrap(e.left);
    const value = unwrap(e.right);
    if (target.type !== 'MemberExpression' || unwrap(target.object).type !== 'ThisExpression' || value.type !== 'Literal' || value.value !== true) continue;
    const name = memberName(target);
    if (name !== null) flags.push(name);
  }
  return flags;
}

/** Lit's `.disabled=${this.saving}` (`?disabled`, `disabled`) or JSX's `disabled={this.saving}`, anywhere in the class. */
function boundToDisabled(body: TSESTree.ClassBody, flag: string): boolean {
  const readsFlag = (n: Node): boolean => containsNode(n, (m) => m.type === 'MemberExpression' && unwrap(m.object).type === 'ThisExpression' && memberName(m) === flag);
  let bound = false;
  forEachNode(body, (n) => {
    if (bound) return false;
    if (n.type === 'TemplateLiteral') {
      n.expressions.forEach((e, i) => {
        if (!bound && /[.?]?disabled=\s*["']?$/.test(n.quasis[i]?.value.raw ?? '') && readsFlag(e)) bound = true;
      });
    } else if (n.type === 'JSXAttribute' && n.name.type === 'JSXIdentifier' && n.name.name === 'disabled' && n.value?.type === 'JSXExpressionContainer') {
      bound = readsFlag(n.value.expression);
    }
    return !bound;
  });
  return bound;
}
