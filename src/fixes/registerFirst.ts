import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeName, calleeObject, enclosingFunction, forEachNode, isFunction, unwrap, type Fix, type FixSubject, type Node, type TextEdit } from '../engine/index.js';
import type { FixContext } from './lockWrap.js';
import { blockStatementOf, removeLine } from './ranges.js';
import { freshName, namesIn } from './names.js';
import { indentAt } from './style.js';

type Register = Extract<FixSubject, { kind: 'register' }>;

/**
 * "Register the handler before sending": the registration moves up to just before the statement that sends, and
 * when that statement is a plain `await send(…)`, a failed send takes the handler out again:
 *
 *   this.pending.set(id, { resolve, reject });
 *   try {
 *     await this.socket.send({ id, method, params });
 *   } catch (error) {
 *     this.pending.delete(id);
 *     throw error;
 *   }
 *
 * Not offered when the registration uses anything the code between the send and it declares or assigns (the
 * send's own result, an id the reply carries), or when the two are not statements of one block.
 */
export function registerFirstFix(subject: Register, ctx: FixContext): Fix[] {
  const chained = unwrap(subject.send);
  if (chained.type === 'CallExpression' && calleeObject(chained) !== null && calleeName(chained) === 'then') return chainedFix(subject, chained, ctx);
  const reg = blockStatementOf(subject.registration);
  const send = blockStatementOf(subject.send);
  if (!reg || !send || reg.parent !== send.parent || reg.type !== 'ExpressionStatement' || reg.expression !== subject.registration) return [];
  if (send.range[0] >= reg.range[0] || dependsOnSpan(reg, send.range[0], reg.range[0])) return [];
  const { eol, semi, indentUnit } = ctx.style;
  const text = ctx.text;
  const indent = indentAt(text, send.range[0]);
  // A comment at the end of the registration's line goes with it.
  const tail = /^[ \t]*\/\/[^\r\n]*/.exec(text.slice(reg.range[1]))?.[0] ?? '';
  const registered = text.slice(reg.range[0], reg.range[1]) + tail;
  const edits: TextEdit[] = [removeLine(reg.range[0], reg.range[1] + tail.length, text)];
  const removal = removalOf(subject.registration, text);
  if (removal && send.type === 'ExpressionStatement' && !sendsAcrossLines(send, text)) {
    const fn = enclosingFunction(send);
    const error = freshName('error', (n) => (fn ? namesIn(fn) : ctx.names).has(n));
    const sent = text.slice(send.range[0], send.range[1]);
    const inner = indent + indentUnit;
    edits.push({
      offset: [send.range[0], send.range[1]],
      text: `${registered}${eol}${indent}try {${eol}${inner}${sent}${eol}${indent}} catch (${error}) {${eol}${inner}${removal}${semi}${eol}${inner}throw ${error}${semi}${eol}${indent}}`,
    });
  } else {
    edits.push({ offset: [send.range[0], send.range[0]], text: `${registered}${eol}${indent}` });
  }
  edits.sort((a, b) => a.offset[0] - b.offset[0]);
  return [registerFirst(subject.key, edits)];
}

function registerFirst(key: string, edits: TextEdit[]): Fix {
  return { kind: 'register-first', data: { key }, title: `Register the handler for \`${key}\` before sending the request`, edits, preferred: true };
}

/**
 * `write(frame).then(() => { this.resolveReply = resolve; })`: the registration moves out of the callback to
 * just before the statement that sends, and a `.then` left with nothing to do goes:
 *
 *   this.resolveReply = resolve;
 *   this.socket.write(frame).catch(reject);
 */
function chainedFix(subject: Register, then: TSESTree.CallExpression, ctx: FixContext): Fix[] {
  const callback = then.arguments[0] ? unwrap(then.arguments[0] as Node) : null;
  if (!callback || !isFunction(callback) || callback.body.type !== 'BlockStatement' || callback.params.length > 0) return [];
  const reg = blockStatementOf(subject.registration);
  const sendStmt = blockStatementOf(then);
  if (!reg || reg.parent !== callback.body || reg.type !== 'ExpressionStatement' || reg.expression !== subject.registration || !sendStmt) return [];
  const text = ctx.text;
  const indent = indentAt(text, sendStmt.range[0]);
  const tail = /^[ \t]*\/\/[^\r\n]*/.exec(text.slice(reg.range[1]))?.[0] ?? '';
  const registered = text.slice(reg.range[0], reg.range[1]) + tail;
  // Not unwrapped: a `!` or `as` on the sending call stays.
  const object = (unwrap(then.callee) as TSESTree.MemberExpression).object;
  const edits: TextEdit[] = [
    { offset: [sendStmt.range[0], sendStmt.range[0]], text: `${registered}${ctx.style.eol}${indent}` },
    callback.body.body.length === 1 ? { offset: [object.range[1], then.range[1]], text: '' } : removeLine(reg.range[0], reg.range[1] + tail.length, text),
  ];
  return [registerFirst(subject.key, edits)];
}

/** The registration reads a name that the code in [start, end) declares or assigns. */
function dependsOnSpan(reg: Node, start: number, end: number): boolean {
  const used = new Set<string>();
  forEachNode(reg, (n) => {
    if (n.type === 'Identifier') used.add(n.name);
    return true;
  });
  const block = reg.parent as TSESTree.BlockStatement;
  let found = false;
  for (const stmt of block.body) {
    if (stmt.range[1] <= start || stmt.range[0] >= end) continue;
    forEachNode(stmt, (n) => {
      if (found) return false;
      const bound =
        n.type === 'VariableDeclarator' ? n.id : n.type === 'AssignmentExpression' ? n.left : n.type === 'UpdateExpression' ? n.argument : isFunction(n) && n.type === 'FunctionDeclaration' ? n.id : null;
      if (bound) {
        forEachNode(bound, (m) => {
          if (m.type === 'Identifier' && used.has(m.name) && !(m.parent?.type === 'MemberExpression' && m.parent.property === m && !m.parent.computed)) found = true;
          return !found;
        });
      }
      return !found;
    });
    if (found) return true;
  }
  return false;
}

/** `pending.set(id, h)` -> `pending.delete(id)`; `callbacks[id] = cb` -> `delete callbacks[id]`. */
function removalOf(registration: Node, text: string): string | null {
  const src = (n: Node): string => text.slice(n.range[0], n.range[1]);
  if (registration.type === 'CallExpression') {
    const callee = unwrap(registration.callee);
    const key = registration.arguments[0];
    return callee.type === 'MemberExpression' && key ? `${src(callee.object)}.delete(${src(key)})` : null;
  }
  if (registration.type === 'AssignmentExpression' && registration.left.type === 'MemberExpression' && registration.left.computed) return `delete ${src(registration.left)}`;
  return null;
}

/** A send statement spread over several lines would need re-indenting inside the `try`; it is moved around instead. */
function sendsAcrossLines(send: Node, text: string): boolean {
  return text.slice(send.range[0], send.range[1]).includes('\n');
}
