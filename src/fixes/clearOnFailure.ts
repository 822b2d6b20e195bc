import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { isFunction, unwrap, type Fix, type FixSubject, type FunctionNode, type Node, type TextEdit } from '../engine/index.js';
import type { FixContext } from './lockWrap.js';
import { removeLine } from './ranges.js';

type Latch = Extract<FixSubject, { kind: 'latch' }>;

/**
 * "Clear the in-flight promise when the work fails too". A `.then` callback that only clears becomes `.finally`:
 *
 *   this.draining ??= this.drain().finally(() => { this.draining = null; });
 *
 * one that does more on success keeps its `.then`, and a `.catch` after it clears and rethrows; a clear after an
 * await moves onto the awaited promise, where it runs however the work ends:
 *
 *   const token = await refreshing.finally(() => { refreshing = null; });
 *
 * Either way callers still see the failure; the next call starts the work again.
 */
export function clearOnFailureFix(subject: Latch, ctx: FixContext): Fix[] {
  const edits = subject.then ? thenEdits(subject, subject.then, ctx) : subject.awaited ? awaitEdits(subject, subject.awaited, ctx) : null;
  if (!edits) return [];
  return [{ kind: 'clear-on-failure', data: { target: subject.target }, title: `Clear \`${subject.target}\` when the work fails too`, edits, preferred: true }];
}

function thenEdits(subject: Latch, then: TSESTree.CallExpression, ctx: FixContext): TextEdit[] | null {
  const callee = unwrap(then.callee);
  const onFulfilled = then.arguments[0] ? unwrap(then.arguments[0] as Node) : null;
  if (callee.type !== 'MemberExpression' || callee.computed || !onFulfilled || !isFunction(onFulfilled)) return null;
  if (onFulfilled.params.length === 0 && onlyClears(onFulfilled, subject.clear)) return [{ offset: [callee.property.range[0], callee.property.range[1]], text: 'finally' }];
  const { semi } = ctx.style;
  const error = ctx.style.typescript ? 'error: unknown' : 'error';
  return [{ offset: [then.range[1], then.range[1]], text: `.catch((${error}) => { ${clearText(subject, ctx)}${semi} throw error${semi} })` }];
}

/** The callback does nothing but the clear: `() => { this.p = null; }`, `() => (this.p = null)`. */
function onlyClears(fn: FunctionNode, clear: Node): boolean {
  if (fn.body.type !== 'BlockStatement') return unwrap(fn.body) === clear;
  return fn.body.body.length === 1 && fn.body.body[0]!.type === 'ExpressionStatement' && unwrap((fn.body.body[0] as TSESTree.ExpressionStatement).expression) === clear;
}

function awaitEdits(subject: Latch, awaited: TSESTree.AwaitExpression, ctx: FixContext): TextEdit[] | null {
  const stmt = subject.clear.parent;
  if (stmt?.type !== 'ExpressionStatement' || (stmt.parent?.type !== 'BlockStatement' && stmt.parent?.type !== 'Program')) return null;
  const operand = awaited.argument;
  const { semi } = ctx.style;
  return [
    { offset: [operand.range[1], operand.range[1]], text: `.finally(() => { ${clearText(subject, ctx)}${semi} })` },
    removeLine(stmt.range[0], stmt.range[1], ctx.text),
  ];
}

function clearText(subject: Latch, ctx: FixContext): string {
  return ctx.text.slice(subject.clear.range[0], subject.clear.range[1]);
}
