import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { enclosingFunction, isPromiseChainCall, unwrap, classOf, type Node, type Fix, type FixSubject, type TextEdit } from '../engine/index.js';
import type { FixContext } from './lockWrap.js';
import { freshName } from './names.js';
import { indentAt, lineEnd, lineStart } from './style.js';

type RaceSubject = Extract<FixSubject, { kind: 'race' }>;

/**
 * "Share the in-flight promise" for double initialization: `this.conn = await connect()` becomes
 *
 *   this.connPending ??= (async () => connect())().finally(() => { this.connPending = undefined; });
 *   this.conn = await this.connPending;
 *
 * so concurrent callers that pass the check wait for one initialization instead of starting their own.
 * Offered only for that shape (an assignment of an awaited value to a field or module variable).
 */
export function shareInFlightFix(subject: RaceSubject, ctx: FixContext): Fix[] {
  if (!subject.check) return [];
  const chained = returnedChain(subject.to);
  if (chained) return shareChainFix(subject, chained, ctx);
  const act = subject.to;
  if (act.type !== 'AssignmentExpression' || !['=', '??=', '||='].includes(act.operator)) return [];
  const awaited = unwrap(act.right);
  if (awaited.type !== 'AwaitExpression' || act.parent?.type !== 'ExpressionStatement') return [];
  const stmt = act.parent;
  const target = unwrap(act.left);
  const { text, style } = ctx;
  const nl = style.eol;
  const indent = indentAt(text, stmt.range[0]);
  const argText = text.slice(awaited.argument.range[0], awaited.argument.range[1]);
  const leftText = text.slice(act.left.range[0], act.left.range[1]);
  const edits: TextEdit[] = [];
  let pending: string;
  if (target.type === 'MemberExpression' && target.object.type === 'ThisExpression' && !target.computed && target.property.type === 'Identifier') {
    const field = target.property.name;
    const cls = classOf(enclosingFunction(act)!);
    const owner = cls?.parent;
    const className = owner && (owner.type === 'ClassDeclaration' || owner.type === 'ClassExpression') ? owner.id?.name : undefined;
    // The field's type is named through the class (`Pool['conn']`), which also reaches private members.
    if (!cls || (style.typescript && !className)) return [];
    const name = freshName(`${field}Pending`, (n) => ctx.names.has(n));
    pending = `this.${name}`;
    const memberIndent = cls.body[0] ? indentAt(text, cls.body[0].range[0]) : indentAt(text, cls.range[0]) + style.indentUnit;
    const decl = style.typescript
      ? `private ${name}: Promise<NonNullable<${className}[${style.quote}${field}${style.quote}]>> | undefined${style.semi}`
      : `/** @type {Promise<any> | undefined} */${nl}${memberIndent}${name} = undefined${style.semi}`;
    edits.push({ offset: [cls.range[0] + 1, cls.range[0] + 1], text: nl + memberIndent + decl });
  } else if (target.type === 'Identifier') {
    const variable = ctx.model.scope.variableOf(target);
    const def = variable?.defs[0];
    const declStmt = def?.parent;
    if (!variable || variable.scope.type !== 'module' && variable.scope.type !== 'global' || declStmt?.type !== 'VariableDeclaration' || declStmt.kind !== 'let') {
      return [];
    }
    const name = freshName(`${target.name}Pending`, (n) => ctx.names.has(n));
    pending = name;
    const decl = style.typescript
      ? `let ${name}: Promise<NonNullable<typeof ${target.name}>> | undefined${style.semi}`
      : `/** @type {Promise<any> | undefined} */${nl}let ${name}${style.semi}`;
    const at = lineEnd(text, declStmt.range[1]);
    edits.push({ offset: [at, at], text: nl + indentAt(text, declStmt.range[0]) + decl });
  } else {
    return [];
  }
  const start = lineStart(text, stmt.range[0]);
  const end = stmt.range[1];
  // `if (!this.conn) this.conn = await connect();`: the two statements need a block to stay under the `if`.
  const inBlock = ['BlockStatement', 'Program', 'SwitchCase', 'StaticBlock'].includes(stmt.parent?.type ?? '');
  const inner = inBlock ? indent : indent + style.indentUnit;
  const start2 = inBlock && text.slice(start, stmt.range[0]).trim() === '' ? start : stmt.range[0];
  const lead = start2 === start ? indent : '';
  const statements =
    `${pending} ??= (async () => ${argText})().finally(() => {${nl}` +
    `${inner}${style.indentUnit}${pending} = undefined${style.semi}${nl}` +
    `${inner}})${style.semi}${nl}` +
    `${inner}${leftText} ${act.operator} await ${pending}${style.semi}`;
  const replacement = inBlock ? lead + statements : `{${nl}${inner}${statements}${nl}${indent}}`;
  edits.push({ offset: [start2, end], text: replacement });
  edits.sort((a, b) => a.offset[0] - b.offset[0]);
  const operation = describe(target);
  return [{ kind: 'share-in-flight', data: { operation }, title: `Share the in-flight promise instead of starting a second ${operation}`, edits }];
}

/**
 * The act sits in a callback of a promise chain the function returns (`return exchange(grant).then((t) => {
 * this.cached = t; … })`): the return statement and the whole chain, else null.
 */
function returnedChain(act: Node): { ret: TSESTree.ReturnStatement; chain: Node } | null {
  const cb = enclosingFunction(act);
  let top: Node | undefined = cb?.parent;
  if (top?.type !== 'CallExpression' || !isPromiseChainCall(top)) return null;
  while (top.parent?.type === 'MemberExpression' && top.parent.object === top && top.parent.parent?.type === 'CallExpression') top = top.parent.parent;
  const ret = top.parent;
  return ret?.type === 'ReturnStatement' && ret.argument === top ? { ret, chain: top } : null;
}

/**
 * The callback-style twin of the fix above: the returned chain is kept while it runs, and concurrent callers
 * that pass the check get it instead of starting their own:
 *
 *   return (this.cachedPending ??= exchange(grant).then(…).finally(() => { this.cachedPending = undefined; }));
 */
function shareChainFix(subject: RaceSubject, { ret, chain }: { ret: TSESTree.ReturnStatement; chain: Node }, ctx: FixContext): Fix[] {
  const target = unwrap(subject.to.type === 'AssignmentExpression' ? subject.to.left : subject.to);
  const host = enclosingFunction(ret);
  if (!host || host.async) return [];
  const { text, style } = ctx;
  const nl = style.eol;
  const edits: TextEdit[] = [];
  const typeOfHost = hostType(host, ctx);
  let pending: string;
  if (target.type === 'MemberExpression' && target.object.type === 'ThisExpression' && !target.computed && target.property.type === 'Identifier') {
    const cls = classOf(host);
    if (!cls || (style.typescript && typeOfHost === null)) return [];
    const name = freshName(`${target.property.name}Pending`, (n) => ctx.names.has(n));
    pending = `this.${name}`;
    const memberIndent = cls.body[0] ? indentAt(text, cls.body[0].range[0]) : indentAt(text, cls.range[0]) + style.indentUnit;
    const decl = style.typescript
      ? `private ${name}: ${typeOfHost} | undefined${style.semi}`
      : `/** @type {Promise<any> | undefined} */${nl}${memberIndent}${name} = undefined${style.semi}`;
    edits.push({ offset: [cls.range[0] + 1, cls.range[0] + 1], text: nl + memberIndent + decl });
  } else if (target.type === 'Identifier') {
    const def = ctx.model.scope.variableOf(target)?.defs[0];
    const declStmt = def?.parent;
    if (declStmt?.type !== 'VariableDeclaration' || declStmt.kind === 'const' || (style.typescript && typeOfHost === null)) return [];
    const name = freshName(`${target.name}Pending`, (n) => ctx.names.has(n));
    pending = name;
    const keyword = declStmt.kind === 'var' ? 'var' : 'let';
    const decl = style.typescript ? `${keyword} ${name}: ${typeOfHost} | undefined${style.semi}` : `${keyword} ${name}${style.semi}`;
    const at = lineEnd(text, declStmt.range[1]);
    edits.push({ offset: [at, at], text: nl + indentAt(text, declStmt.range[0]) + decl });
  } else {
    return [];
  }
  const indent = indentAt(text, ret.range[0]);
  const chainText = text.slice(chain.range[0], chain.range[1]);
  edits.push({
    offset: [chain.range[0], chain.range[1]],
    text:
      `(${pending} ??= ${chainText}.finally(() => {${nl}` +
      `${indent}${style.indentUnit}${pending} = undefined${style.semi}${nl}` +
      `${indent}}))`,
  });
  edits.sort((a, b) => a.offset[0] - b.offset[0]);
  const operation = describe(target);
  return [{ kind: 'share-in-flight', data: { operation }, title: `Share the in-flight promise instead of starting a second ${operation}`, edits }];
}

/** The type of what the host function returns, written so a field can hold it; null when it cannot be named. */
function hostType(host: Node, ctx: FixContext): string | null {
  const fn = host as TSESTree.FunctionLike;
  if (fn.returnType) return ctx.text.slice(fn.returnType.typeAnnotation.range[0], fn.returnType.typeAnnotation.range[1]);
  if (host.type === 'FunctionDeclaration' && host.id) return `ReturnType<typeof ${host.id.name}>`;
  const holder = host.parent;
  if (holder?.type === 'VariableDeclarator' && holder.id.type === 'Identifier') return `ReturnType<typeof ${holder.id.name}>`;
  return null;
}

function describe(target: Node): string {
  const name = target.type === 'Identifier' ? target.name : (target as TSESTree.MemberExpression).property.type === 'Identifier' ? ((target as TSESTree.MemberExpression).property as TSESTree.Identifier).name : 'value';
  return `initialization of \`${name}\``;
}
