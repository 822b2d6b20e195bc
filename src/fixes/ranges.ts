import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { enclosingFunction, forEachNode, forEachNodeIn, isFunction, WRITTEN_CALLS, type Node, type FileModel, type TextEdit } from '../engine/index.js';

export type StatementList = TSESTree.BlockStatement | TSESTree.Program;

/** The statements of one block that a critical section spans, first and last inclusive. */
export interface StatementRange {
  block: StatementList;
  first: TSESTree.Statement | TSESTree.ProgramStatement;
  last: TSESTree.Statement | TSESTree.ProgramStatement;
  /** True when the range was widened to the end of the block to keep declarations in scope. */
  extended: boolean;
  /**
   * Names declared inside the range and used after it. A wrap that moves the range into a callback
   * hands them back (`const { a } = await lock.runExclusive(async () => { …; return { a }; })`).
   */
  exports: { names: string[]; kind: 'const' | 'let' };
}

/**
 * Where `stmt` sits in `body` (-1 when it is not there). Statements are in source order, so this is a binary
 * search: a block can hold tens of thousands of statements, and every fix in it asks.
 */
/** The statements of a range, first to last. */
export function rangeStatements(range: StatementRange): Node[] {
  const body = range.block.body as Node[];
  return body.slice(statementIndex(body, range.first), statementIndex(body, range.last) + 1);
}

export function statementIndex(body: readonly Node[], stmt: Node): number {
  let lo = 0;
  let hi = body.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const start = body[mid]!.range[0];
    if (start === stmt.range[0]) return body[mid] === stmt ? mid : body.indexOf(stmt);
    if (start < stmt.range[0]) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

function isStatementList(n: Node): n is StatementList {
  return n.type === 'BlockStatement' || n.type === 'Program';
}

/** The child of `block` that contains `node`. */
function statementIn(block: StatementList, node: Node): TSESTree.Statement | TSESTree.ProgramStatement | null {
  let cur: Node = node;
  while (cur.parent && cur.parent !== block) cur = cur.parent;
  return cur.parent === block ? (cur as TSESTree.Statement) : null;
}

type Stmt = TSESTree.Statement | TSESTree.ProgramStatement;

/** The smallest run of whole statements in one block that covers both nodes. */
export function coveringStatements(from: Node, to: Node, model: FileModel): StatementRange | null {
  let block: Node | undefined = from.parent;
  while (block && !(isStatementList(block) && block.range[0] <= to.range[0] && to.range[1] <= block.range[1])) {
    block = block.parent;
  }
  if (!block || !isStatementList(block)) return null;
  const a = statementIn(block, from);
  const b = statementIn(block, to);
  if (!a || !b) return null;
  const body = block.body as Stmt[];
  const [earlier, last] = statementIndex(body, a) <= statementIndex(body, b) ? [a, b] : [b, a];
  const first = withItsAcquire(body, earlier);
  const used = declaredAndUsedAfter(body, first, last, model);
  const range: StatementRange = { block, first, last, extended: false, exports: used };
  // Cannot hand the names back from a callback: widen to the end of the block so they stay in scope.
  if (used.names.length > 0 && !movableIntoCallback(range, model)) return extendToBlockEnd(range);
  return range;
}

/** The same range widened to the end of its block (keeps declarations and narrowing in scope). */
export function extendToBlockEnd(range: StatementRange): StatementRange {
  const body = range.block.body as Stmt[];
  return { ...range, last: body[body.length - 1]!, extended: true, exports: { names: [], kind: 'const' } };
}

/**
 * Is the racing state mentioned after the range in its block? Then code there may rely on TypeScript's
 * narrowing from inside the range (`if (!this.conn) this.conn = …; return this.conn;`), which a
 * callback would cut off.
 */
export function pathMentionedAfter(range: StatementRange, path: string, text: string): boolean {
  const shown = path.replace(/\[\*\]/g, '').replace(/\["([^"]*)"\]/g, '.$1');
  const from = range.last.range[1];
  const to = Math.min(range.block.range[1], from + MENTION_WINDOW);
  // Past the window the answer is "mentioned", the safe one: the fix then keeps names in scope.
  return text.slice(from, to).includes(shown) || to < range.block.range[1];
}

/** How far past a range `pathMentionedAfter` looks, so a fix costs the same in a huge block as in a small one. */
const MENTION_WINDOW = 64 * 1024;

/**
 * Never split an acquire from the try/finally that releases it: when the range starts at such a try,
 * start at the acquire (and the declarations without initializer in between) instead.
 */
function withItsAcquire(body: readonly Stmt[], first: Stmt): Stmt {
  if (first.type !== 'TryStatement' || !first.finalizer) return first;
  const at = statementIndex(body, first);
  for (let i = at - 1; i >= 0 && i >= at - 4; i--) {
    const s = body[i]!;
    if (s.type === 'VariableDeclaration' && s.declarations.every((d) => !d.init)) continue;
    const awaited =
      s.type === 'ExpressionStatement' ? s.expression : s.type === 'VariableDeclaration' ? s.declarations[0]?.init : null;
    if (awaited?.type === 'AwaitExpression' && awaited.argument.type === 'CallExpression') {
      const callee = awaited.argument.callee;
      if (callee.type === 'MemberExpression' && callee.property.type === 'Identifier' && WRITTEN_CALLS.acquire.has(callee.property.name)) return s;
    }
    break;
  }
  return first;
}

function declaredAndUsedAfter(body: readonly Node[], first: Node, last: Node, model: FileModel): StatementRange['exports'] {
  const end = last.range[1];
  const names: string[] = [];
  let kind: 'const' | 'let' = 'const';
  for (let i = statementIndex(body, first), to = statementIndex(body, last); i <= to; i++) {
    const stmt = body[i]!;
    const ids: TSESTree.Identifier[] = [];
    if (stmt.type === 'VariableDeclaration') {
      for (const d of stmt.declarations) collectPatternIds(d.id, ids);
    } else if ((stmt.type === 'FunctionDeclaration' || stmt.type === 'ClassDeclaration') && stmt.id) {
      ids.push(stmt.id);
    }
    for (const id of ids) {
      const v = model.scope.declaredVariable(id);
      const after = v?.references.filter((r) => r.identifier.range[0] >= end) ?? [];
      if (after.length === 0) continue;
      names.push(id.name);
      if (stmt.type !== 'VariableDeclaration' || stmt.kind !== 'const' || after.some((r) => r.isWrite())) kind = 'let';
    }
  }
  return { names, kind };
}

export function collectPatternIds(pattern: Node, out: TSESTree.Identifier[]): void {
  switch (pattern.type) {
    case 'Identifier':
      out.push(pattern);
      return;
    case 'ObjectPattern':
      for (const p of pattern.properties) collectPatternIds(p.type === 'RestElement' ? p.argument : p.value, out);
      return;
    case 'ArrayPattern':
      for (const e of pattern.elements) if (e) collectPatternIds(e, out);
      return;
    case 'RestElement':
      collectPatternIds(pattern.argument, out);
      return;
    case 'AssignmentPattern':
      collectPatternIds(pattern.left, out);
      return;
    default:
      return;
  }
}

/**
 * Can the statements move into a callback unchanged? Not if they leave the function or a loop
 * (`return`, `break`, `continue`), yield, read `arguments`, or assign a `let` declared outside
 * that TypeScript would then consider possibly unassigned.
 */
export function movableIntoCallback(range: StatementRange, model: FileModel): boolean {
  if (range.extended) return false;
  // A function or class declared in the range and used after it cannot be handed back as a value.
  const body0 = range.block.body as Node[];
  for (let i = statementIndex(body0, range.first), to = statementIndex(body0, range.last); i <= to; i++) {
    const s0 = body0[i]!;
    if ((s0.type === 'FunctionDeclaration' || s0.type === 'ClassDeclaration') && s0.id && range.exports.names.includes(s0.id.name)) return false;
  }
  const body = range.block.body as Node[];
  const start = range.first.range[0];
  const end = range.last.range[1];
  let ok = true;
  for (let i = statementIndex(body, range.first), to = statementIndex(body, range.last); i <= to && ok; i++) {
    forEachNode(body[i]!, (n) => {
      if (!ok) return false;
      if (isFunction(n)) return false;
      if (n.type === 'ReturnStatement' || n.type === 'YieldExpression') ok = false;
      else if ((n.type === 'BreakStatement' || n.type === 'ContinueStatement') && !jumpStaysInside(n, start, end)) ok = false;
      else if (n.type === 'Identifier' && n.name === 'arguments') ok = false;
      else if (n.type === 'AssignmentExpression' && n.left.type === 'Identifier') {
        const v = model.scope.variableOf(n.left);
        const def = v?.defs[0];
        if (def && def.name.range[0] < start && def.node.type === 'VariableDeclarator' && !def.node.init) ok = false;
      }
      return ok;
    });
  }
  return ok;
}

/**
 * Does the range read a `let` (or `var`) that is assigned after its declaration and mentioned earlier in the
 * function (`if (!board) return; … board.firmware = image`)? A type checker narrows it for the code that follows
 * the check, but not inside a callback made there (it may be reassigned before the callback runs), so moving the
 * range into `runExclusive(async () => …)` would make it possibly null again.
 */
export function readsNarrowableLet(range: StatementRange, fn: Node, model: FileModel): boolean {
  const start = range.first.range[0];
  let found = false;
  forEachNodeIn(model.ast, start, range.last.range[1], (n) => {
    if (found) return false;
    if (n.type !== 'Identifier') return true;
    const v = model.scope.variableOf(n);
    const def = v?.defs[0];
    if (!v || def?.type !== 'Variable' || def.parent.kind === 'const') return true;
    const reassigned = v.references.some((r) => r.isWrite() && !(r.init ?? false));
    const mentionedBefore = v.references.some((r) => r.identifier.range[0] < start && r.identifier.range[0] > fn.range[0]);
    found = reassigned && mentionedBefore;
    return !found;
  });
  return found;
}

/** A break/continue whose target loop or switch is itself inside [start, end). */
function jumpStaysInside(jump: TSESTree.BreakStatement | TSESTree.ContinueStatement, start: number, end: number): boolean {
  for (let p: Node | undefined = jump.parent; p; p = p.parent) {
    if (p.range[0] < start) return false;
    if (jump.label) {
      if (p.type === 'LabeledStatement' && p.label.name === jump.label.name) return p.range[1] <= end;
    } else if (
      p.type === 'ForStatement' ||
      p.type === 'ForInStatement' ||
      p.type === 'ForOfStatement' ||
      p.type === 'WhileStatement' ||
      p.type === 'DoWhileStatement' ||
      (p.type === 'SwitchStatement' && jump.type === 'BreakStatement')
    ) {
      return p.range[1] <= end;
    }
  }
  return false;
}

/** The statement of a block that holds `node`, in the same function; null when there is none (an expression-bodied arrow). */
export function blockStatementOf(node: Node): TSESTree.Statement | null {
  const fn = enclosingFunction(node);
  let cur: Node = node;
  while (cur.parent && cur.parent.type !== 'BlockStatement' && cur.parent !== fn) cur = cur.parent;
  return cur.parent?.type === 'BlockStatement' && enclosingFunction(cur) === fn ? (cur as TSESTree.Statement) : null;
}

/** Deletes [from, to) with its own line when nothing else is on it. */
export function removeLine(from: number, to: number, text: string): TextEdit {
  let start = from;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  let end = to;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  const alone = (start === 0 || text[start - 1] === '\n') && (end === text.length || text[end] === '\n' || text[end] === '\r');
  if (!alone) return { offset: [from, to], text: '' };
  if (text[end] === '\r') end++;
  if (text[end] === '\n') end++;
  return { offset: [start, end], text: '' };
}
