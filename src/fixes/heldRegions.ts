import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeObject, forEachNode, isFunction, unwrap, WRITTEN_CALLS, type Node } from '../engine/index.js';
import { rangeStatements, statementIndex, type StatementRange } from './ranges.js';
import { lineEnd, lineStart } from './style.js';

/*
 * A lock fix never nests a lock in itself: the runtime's Lock is not reentrant, so code that takes it
 * again while holding it waits for itself forever. When the statements a fix would guard already hold
 * the same lock somewhere inside (an earlier fix guarded part of them), the fix absorbs those sections:
 * their acquire and release go, their bodies stay, and the new section covers all of it. When the
 * statements already run under that lock, or use it in a way that cannot be absorbed, no fix is offered.
 */

/** One section of the lock inside a range: text to cut, and the body whose lines lose one indent level. */
export interface HeldRegion {
  cuts: [number, number][];
  body: [number, number];
}

/** Is `node` the lock expression `lock` (compared as source text, spacing aside)? */
function isLock(node: Node, lock: string, text: string): boolean {
  return text.slice(node.range[0], node.range[1]).replace(/\s+/g, '') === lock;
}

/** `lock.method(…)`, with the method's name, or null. */
function lockCall(node: Node, lock: string, text: string): string | null {
  if (node.type !== 'CallExpression') return null;
  const object = calleeObject(node);
  const callee = unwrap(node.callee);
  if (!object || callee.type !== 'MemberExpression' || callee.computed || callee.property.type !== 'Identifier') return null;
  return isLock(object, lock, text) ? callee.property.name : null;
}

/** Is `node` a call of `lock` with one of `methods` (the acquire, release or run calls fixes write)? */
function isLockCall(node: Node, lock: string, methods: ReadonlySet<string>, text: string): boolean {
  const method = lockCall(node, lock, text);
  return method !== null && methods.has(method);
}

function awaitedLockCall(node: Node | null | undefined, lock: string, methods: ReadonlySet<string>, text: string): TSESTree.CallExpression | null {
  if (!node || node.type !== 'AwaitExpression') return null;
  const call = unwrap(node.argument);
  return isLockCall(call, lock, methods, text) ? (call as TSESTree.CallExpression) : null;
}

/**
 * The sections of `lock` inside the range that a new section over the whole range can absorb, or null
 * when the range uses the lock in any other way (then a wrap with it would deadlock or change meaning).
 */
export function absorbableRegions(range: StatementRange, lock: string, text: string): HeldRegion[] | null {
  const uses = new Set<Node>();
  const lists: Node[][] = [rangeStatements(range)];
  for (const stmt of lists[0]!) {
    forEachNode(stmt, (n) => {
      if (lockCall(n, lock, text)) uses.add(n);
      if (n.type === 'BlockStatement' || n.type === 'StaticBlock') lists.push(n.body as Node[]);
      return true;
    });
  }
  if (uses.size === 0) return [];
  const regions: HeldRegion[] = [];
  const covered = new Set<Node>();
  lists.forEach((list, i) => {
    list.forEach((stmt, k) => {
      const region = tryFinallyRegion(stmt, list[k + 1], lock, text, covered) ?? runExclusiveRegion(stmt, lock, text, covered);
      // An `await using` guard holds to the end of its block; only a block wholly inside the range can lose it.
      const using = i > 0 ? usingRegion(stmt, lock, text, covered) : null;
      if (region ?? using) regions.push((region ?? using)!);
    });
  });
  for (const u of uses) if (!covered.has(u)) return null;
  return regions.map((r) => ({ ...r, cuts: r.cuts.map(([a, b]) => wholeLines(text, a, b)) }));
}

/** `await lock.acquire(); try { … } finally { lock.release(); }` with nothing else in the finally. */
function tryFinallyRegion(stmt: Node, next: Node | undefined, lock: string, text: string, covered: Set<Node>): HeldRegion | null {
  if (stmt.type !== 'ExpressionStatement' || next?.type !== 'TryStatement' || next.handler || !next.finalizer) return null;
  const acquire = awaitedLockCall(stmt.expression, lock, WRITTEN_CALLS.acquire, text);
  const onlyRelease = next.finalizer.body.length === 1 ? next.finalizer.body[0]! : null;
  const release = onlyRelease?.type === 'ExpressionStatement' ? unwrap(onlyRelease.expression) : null;
  if (!acquire || !release || !isLockCall(release, lock, WRITTEN_CALLS.release, text)) return null;
  covered.add(acquire).add(release);
  const block = next.block;
  return { cuts: [[stmt.range[0], block.range[0] + 1], [block.range[1] - 1, next.range[1]]], body: [block.range[0] + 1, block.range[1] - 1] };
}

/** `await lock.runExclusive(async () => { … })` as a statement, whose callback returns nothing. */
function runExclusiveRegion(stmt: Node, lock: string, text: string, covered: Set<Node>): HeldRegion | null {
  if (stmt.type !== 'ExpressionStatement') return null;
  const call = awaitedLockCall(stmt.expression, lock, WRITTEN_CALLS.run, text);
  const cb = call?.arguments.length === 1 ? call.arguments[0]! : null;
  if (!call || cb?.type !== 'ArrowFunctionExpression' || cb.body.type !== 'BlockStatement' || returnsFrom(cb)) return null;
  covered.add(call);
  const block = cb.body;
  return { cuts: [[stmt.range[0], block.range[0] + 1], [block.range[1] - 1, stmt.range[1]]], body: [block.range[0] + 1, block.range[1] - 1] };
}

/** `await using held = await lock.acquire();` */
function usingRegion(stmt: Node, lock: string, text: string, covered: Set<Node>): HeldRegion | null {
  if (stmt.type !== 'VariableDeclaration' || stmt.kind !== 'await using' || stmt.declarations.length !== 1) return null;
  const acquire = awaitedLockCall(stmt.declarations[0]!.init, lock, WRITTEN_CALLS.acquire, text);
  if (!acquire) return null;
  covered.add(acquire);
  return { cuts: [[stmt.range[0], stmt.range[1]]], body: [stmt.range[1], stmt.range[1]] };
}

function returnsFrom(fn: Node): boolean {
  let found = false;
  forEachNode(fn, (n) => {
    if (found || (n !== fn && isFunction(n))) return false;
    if (n.type === 'ReturnStatement') found = true;
    return !found;
  });
  return found;
}

/** Cuts a construct that fills its lines together with those lines, so no blank line is left behind. */
function wholeLines(text: string, a: number, b: number): [number, number] {
  const from = lineStart(text, a);
  const to = lineEnd(text, b);
  if (text.slice(from, a).trim() === '' && text.slice(b, to).trim() === '') {
    const nl = text.indexOf('\n', b);
    return [from, nl < 0 ? text.length : nl + 1];
  }
  // Within a line: take the spaces after an opening cut and before a closing one.
  let start = a;
  let end = b;
  if (text[b - 1] === '{') while (text[end] === ' ' || text[end] === '\t') end++;
  if (text[a] === '}') while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  return [start, end];
}

/**
 * Does the range already run while `lock` is held (inside its try/finally, its runExclusive callback, or
 * after an `await using` guard of it in an enclosing block)? A section of the same lock there would wait
 * for itself.
 */
export function runsUnderLock(range: StatementRange, lock: string, text: string): boolean {
  let child: Node = range.first;
  for (let p: Node | undefined = child.parent; p; child = p, p = p.parent) {
    if (isFunction(p)) {
      const call = p.parent?.type === 'CallExpression' ? p.parent : null;
      return call !== null && isLockCall(call, lock, WRITTEN_CALLS.run, text);
    }
    if ((p.type === 'BlockStatement' || p.type === 'Program') && heldBefore(p.body as Node[], child, lock, text)) return true;
  }
  return false;
}

/** Is the lock held at `child` by an earlier statement of its block (a bare acquire not yet released, a guard)? */
function heldBefore(body: readonly Node[], child: Node, lock: string, text: string): boolean {
  let byLock = heldIndex.get(body);
  if (!byLock) heldIndex.set(body, (byLock = new Map()));
  let held = byLock.get(lock);
  if (!held) byLock.set(lock, (held = heldAtEach(body, lock, text)));
  const i = statementIndex(body, child);
  return held[i < 0 ? body.length : i] === 1;
}

/**
 * Per statement list and lock, `heldAtEach`, worked out once: a block can hold tens of thousands of statements
 * and every fix inside it asks. Keyed by the tree's own lists, so entries live and die with one analysis's tree
 * (and the text it was parsed from).
 */
const heldIndex = new WeakMap<readonly Node[], Map<string, Uint8Array>>();

/** Whether `lock` is held as each statement of `body` starts (1), and, last, after the final one. */
function heldAtEach(body: readonly Node[], lock: string, text: string): Uint8Array {
  const held = new Uint8Array(body.length + 1);
  let now = false;
  body.forEach((s, i) => {
    held[i] = now ? 1 : 0;
    if (usingRegion(s, lock, text, new Set())) now = true;
    else if (s.type === 'ExpressionStatement' && awaitedLockCall(s.expression, lock, WRITTEN_CALLS.acquire, text)) now = true;
    else if (s.type === 'ExpressionStatement' && isLockCall(unwrap(s.expression), lock, WRITTEN_CALLS.release, text)) now = false;
    else if (s.type === 'TryStatement') now = false; // its finally released what the acquire before it took
  });
  held[body.length] = now ? 1 : 0;
  return held;
}
