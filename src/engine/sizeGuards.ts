import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeName, isFunction, memberName, unwrap, type Node } from './ast.js';
import { constInit, moduleConstInit } from './callees.js';
import { receiverText } from './locks.js';

/*
 * `if (ids.length > MAX_BATCH) throw new Error('too many')` before `Promise.all(ids.map(load))`: the code refuses
 * a collection larger than its cap before it fans out over it, so the fan-out is as large as the cap, whatever
 * the caller sends. The cap may be a literal, a constant or a configured limit: the code bounds it either way.
 * Judged on real code (a batch capped at 8 entries, bulk URL scans refused past 250), such fan-outs were not
 * overloads.
 */

/**
 * Is `use` (a collection, by its text: `ids`, `input.uris`) refused past a size by a check before it, in its
 * function, or is the code that would use it skipped then (`if (jobs.length >= MAX) break; jobs.push(job)`)?
 */
export function cappedBefore(use: Node): boolean {
  const text = receiverText(use);
  if (text === null) return false;
  let child: Node = use;
  for (let p: Node | undefined = use.parent; p && !isFunction(p); child = p, p = p.parent) {
    if (p.type !== 'BlockStatement' && p.type !== 'Program') continue;
    for (const statement of p.body) {
      if (statement === child) break;
      if (capsSize(statement, text)) return true;
    }
  }
  return false;
}

/** `if (ids.length > 8) throw …` (or `return`), `assert(ids.length <= 8)`. */
function capsSize(statement: Node, text: string): boolean {
  if (statement.type === 'IfStatement') return leaves(statement.consequent) && comparesSize(statement.test, text, true);
  if (statement.type !== 'ExpressionStatement') return false;
  const call = unwrap(statement.expression);
  if (call.type !== 'CallExpression' || !ASSERTS.test(calleeName(call) ?? '')) return false;
  const condition = call.arguments[0];
  return condition !== undefined && condition.type !== 'SpreadElement' && comparesSize(condition, text, false);
}

const ASSERTS = /^(assert|invariant|ok|ensure)$/;

/**
 * The branch ends the rest of the block the check stands in: it returns or throws, or (the check being a
 * statement of that block) breaks out of or continues the loop around it.
 */
function leaves(branch: Node): boolean {
  if (branch.type === 'BlockStatement') return branch.body.length > 0 && leaves(branch.body[branch.body.length - 1]!);
  return branch.type === 'ReturnStatement' || branch.type === 'ThrowStatement' || branch.type === 'BreakStatement' || branch.type === 'ContinueStatement';
}

/**
 * Does `test` say the collection is too large (`whenOver`: `ids.length > max`, `max < ids.length`, either side of
 * an `||`), or that it is small enough (`ids.length <= max`, `max >= ids.length`, either side of an `&&`)?
 */
function comparesSize(test: Node, text: string, whenOver: boolean): boolean {
  const t = unwrap(test);
  if (t.type === 'LogicalExpression' && t.operator === (whenOver ? '||' : '&&')) return comparesSize(t.left, text, whenOver) || comparesSize(t.right, text, whenOver);
  if (t.type !== 'BinaryExpression') return false;
  const greater = t.operator === '>' || t.operator === '>=';
  if (!greater && t.operator !== '<' && t.operator !== '<=') return false;
  return sizeOf(greater === whenOver ? t.left : t.right, text);
}

function sizeOf(node: Node, text: string): boolean {
  let n = unwrap(node) as TSESTree.Node;
  // `const count = ids.length; if (count > MAX) throw …`: the size read once into a constant.
  if (n.type === 'Identifier') {
    const init = constInit(n);
    if (!init) return false;
    n = unwrap(init) as TSESTree.Node;
  }
  if (n.type !== 'MemberExpression') return false;
  const name = memberName(n);
  return (name === 'length' || name === 'size') && receiverText(unwrap(n.object)) === text;
}

/** A number fixed in the code: a literal, or a constant that names one (`const MAX_IDS = 100`). */
export function fixedCount(node: Node): boolean {
  const e = unwrap(node);
  if (e.type === 'Literal') return typeof e.value === 'number';
  if (e.type !== 'Identifier') return false;
  const init = constInit(e) ?? moduleConstInit(e);
  return init !== null && unwrap(init).type === 'Literal' && fixedCount(init);
}
