import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { enclosingFunction, forEachNode, isFunction, programOf, unwrap, type Fix, type FixSubject, type FunctionNode, type Node, type TextEdit } from '../engine/index.js';
import { memberIndent, type FixContext } from './lockWrap.js';
import { blockStatementOf } from './ranges.js';
import { freshName, namesIn } from './names.js';
import { indentAt } from './style.js';

type Teardown = Extract<FixSubject, { kind: 'teardown' }>;

/**
 * "Re-check the object after the await": a generation counter the teardown bumps, read by the operation before it
 * suspends and compared when it resumes. A teardown that ran meanwhile makes the operation stop short, and
 * release what it acquired when the teardown disposes of such things:
 *
 *   private generation = 0;
 *   async start() {
 *     const generation = this.generation;
 *     const config = await load();
 *     if (generation !== this.generation) return;
 *     this.timer = setInterval(poll, config.ms);
 *   }
 *   stop() {
 *     this.generation++;
 *     clearInterval(this.timer);
 *   }
 *
 * A counter rather than a `stopped` flag: an object that is started again after a stop works as before.
 * Not offered when the teardown is in another module (inherited), when either method has an expression body,
 * or when the write sits where a statement cannot go.
 */
export function generationGuardFix(subject: Teardown, ctx: FixContext): Fix[] {
  const { operation, teardown, write } = subject;
  if (operation.body.type !== 'BlockStatement' || teardown.body.type !== 'BlockStatement') return [];
  if (programOf(teardown) !== programOf(operation)) return [];
  const cls = classBodyOf(operation);
  if (!cls || classBodyOf(teardown) !== cls) return [];
  const stmt = blockStatementOf(write);
  // `this.feeds.push(await openCamera())`: the await is inside the write's own statement, so no statement can
  // stand between them.
  if (!stmt || containsAwaitBefore(stmt, write)) return [];
  const at = guardPoint(stmt, subject.release?.value);
  const { semi, eol, indentUnit } = ctx.style;
  const hash = !ctx.style.typescript || ctx.members.usesPrivateNames(cls);
  const members = ctx.members.names(cls);
  // A counter the teardown already bumps is reused; any other member of that name is left alone.
  const field = freshName('generation', (n) => members.has(n) && !bumps(teardown, n));
  const ref = `this.${hash ? '#' : ''}${field}`;
  const edits: TextEdit[] = [];
  if (!members.has(field)) {
    const decl = ctx.style.typescript && !hash ? `private ${field} = 0${semi}` : `#${field} = 0${semi}`;
    const open = cls.range[0] + 1;
    edits.push({ offset: [open, open], text: eol + memberIndent(cls, ctx) + decl });
  }
  if (!bumps(teardown, field)) edits.push(firstStatement(teardown.body, `${ref}++${semi}`, ctx));
  const captured = capturedIn(operation, ref);
  const local = captured ?? freshName('generation', (n) => namesIn(operation).has(n));
  if (captured === null) edits.push(firstStatement(operation.body, `const ${local} = ${ref}${semi}`, ctx));
  const fn = enclosingFunction(stmt)!;
  const indent = indentAt(ctx.text, at.range[0]);
  const stale = `${local} !== ${ref}`;
  if (returnsNothing(fn)) {
    const releasable = subject.release && declaredBefore(fn, subject.release.value, at.range[0]) ? subject.release : undefined;
    const release = releasable ? `${releasable.value}.${releasable.method}()${semi}` : null;
    const guard = release
      ? `if (${stale}) {${eol}${indent}${indentUnit}${release}${eol}${indent}${indentUnit}return${semi}${eol}${indent}}`
      : `if (${stale}) return${semi}`;
    edits.push({ offset: [at.range[0], at.range[0]], text: `${guard}${eol}${indent}` });
  } else {
    // A function that returns a value: skipping the write keeps its type.
    if (stmt.type === 'VariableDeclaration') return [];
    edits.push({ offset: [stmt.range[0], stmt.range[0]], text: `if (${local} === ${ref}) ` });
  }
  edits.sort((a, b) => a.offset[0] - b.offset[0]);
  return [
    {
      kind: 'generation-guard',
      data: { field, teardown: subject.teardownName },
      title: `Skip the write when \`${subject.teardownName}()\` ran during the await (a generation counter)`,
      edits,
      preferred: true,
    },
  ];
}

function classBodyOf(fn: FunctionNode): TSESTree.ClassBody | null {
  const member = fn.parent;
  return (member?.type === 'MethodDefinition' || member?.type === 'PropertyDefinition') && member.parent.type === 'ClassBody' ? member.parent : null;
}

/**
 * Where the re-check goes: right after the last statement before `stmt`, in its block, that awaits; so every
 * write that follows the same await is behind one check (`const feed = await open(); <here> this.feeds.push(feed);
 * this.state = 'joined';`).
 */
function guardPoint(stmt: TSESTree.Statement, released: string | undefined): TSESTree.Statement {
  const block = stmt.parent as TSESTree.BlockStatement;
  const i = block.body.indexOf(stmt);
  for (let j = i - 1; j >= 0; j--) {
    const s = block.body[j]!;
    // The value the check releases must exist where the check is.
    if (released !== undefined && s.type === 'VariableDeclaration' && s.declarations.some((d) => d.id.type === 'Identifier' && d.id.name === released)) return block.body[j + 1]!;
    if (awaitsIn(s)) return block.body[j + 1]!;
  }
  return stmt;
}

/** A local or parameter of `fn` named `name` declared before `offset`. */
function declaredBefore(fn: FunctionNode, name: string, offset: number): boolean {
  if (fn.params.some((p) => p.type === 'Identifier' && p.name === name)) return true;
  let found = false;
  forEachNode(fn.body, (n) => {
    if (found || isFunction(n) || n.range[0] >= offset) return false;
    if (n.type === 'VariableDeclarator' && n.range[1] <= offset) {
      forEachNode(n.id, (m) => {
        if (m.type === 'Identifier' && m.name === name) found = true;
        return !found;
      });
    }
    return !found;
  });
  return found;
}

function awaitsIn(node: Node): boolean {
  let found = false;
  forEachNode(node, (n) => {
    if (found || isFunction(n)) return false;
    if (n.type === 'AwaitExpression' || (n.type === 'ForOfStatement' && n.await)) found = true;
    return !found;
  });
  return found;
}

function containsAwaitBefore(stmt: Node, write: Node): boolean {
  let found = false;
  forEachNode(stmt, (n) => {
    if (found || isFunction(n) || n.range[0] >= write.range[1]) return false;
    if (n.type === 'AwaitExpression' && n.range[1] <= write.range[1] && !(n.range[0] <= write.range[0] && n.range[1] >= write.range[1])) found = true;
    return !found;
  });
  return found;
}

function firstStatement(body: TSESTree.BlockStatement, text: string, ctx: FixContext): TextEdit {
  const first = body.body[0];
  if (first) return { offset: [first.range[0], first.range[0]], text: `${text}${ctx.style.eol}${indentAt(ctx.text, first.range[0])}` };
  const at = body.range[0] + 1;
  return { offset: [at, at], text: `${ctx.style.eol}${indentAt(ctx.text, body.range[0])}${ctx.style.indentUnit}${text}` };
}

/** `this.generation++`, `++this.#generation`, `this.generation += 1` in the teardown's own statements. */
function bumps(teardown: FunctionNode, field: string): boolean {
  let found = false;
  forEachNode(teardown.body, (n) => {
    if (found || isFunction(n)) return false;
    const target = n.type === 'UpdateExpression' ? n.argument : n.type === 'AssignmentExpression' && n.operator === '+=' ? n.left : null;
    const t = target ? unwrap(target) : null;
    if (t?.type === 'MemberExpression' && unwrap(t.object).type === 'ThisExpression' && (t.property.type === 'Identifier' || t.property.type === 'PrivateIdentifier') && t.property.name === field) found = true;
    return !found;
  });
  return found;
}

/** The local an earlier fix declared at the top of the operation: `const generation = this.generation`. */
function capturedIn(operation: FunctionNode, ref: string): string | null {
  if (operation.body.type !== 'BlockStatement') return null;
  const first = operation.body.body[0];
  if (first?.type !== 'VariableDeclaration' || first.kind !== 'const') return null;
  const d = first.declarations[0];
  const init = d?.init ? unwrap(d.init) : null;
  if (d?.id.type !== 'Identifier' || init?.type !== 'MemberExpression' || unwrap(init.object).type !== 'ThisExpression') return null;
  const name = init.property.type === 'PrivateIdentifier' ? `#${init.property.name}` : init.property.type === 'Identifier' ? init.property.name : null;
  return `this.${name}` === ref ? d.id.name : null;
}

/** No `return value` in the function's own body, and no return type that a bare `return` would not meet. */
function returnsNothing(fn: FunctionNode): boolean {
  if (fn.body.type !== 'BlockStatement') return false;
  const declared = fn.returnType?.typeAnnotation;
  if (declared && !voidish(declared)) return false;
  let valued = false;
  forEachNode(fn.body, (n) => {
    if (valued || isFunction(n)) return false;
    if (n.type === 'ReturnStatement' && n.argument) valued = true;
    return !valued;
  });
  return !valued;
}

function voidish(t: TSESTree.TypeNode): boolean {
  if (t.type === 'TSVoidKeyword' || t.type === 'TSUndefinedKeyword') return true;
  // Promise<void>
  return t.type === 'TSTypeReference' && t.typeName.type === 'Identifier' && t.typeName.name === 'Promise' && (t.typeArguments?.params.length ?? 0) === 1 && voidish(t.typeArguments!.params[0]!);
}
