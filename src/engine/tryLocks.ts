import { containsAwait, enclosingFunction, exits, forEachNode, isFunction, memberName, unwrap, type Node } from './ast.js';
import { receiverText } from './locks.js';
import { moduleTable, programOf } from './modules.js';

/*
 * `if (this.configuring.has(id)) return; this.configuring.add(id); try { await configure(id); … } finally {
 * this.configuring.delete(id); }`: a try-lock. A call that finds the flag (or the key) taken returns, and the
 * test and the claim run together, with no await between them, so once a call passed both, no other run of the
 * function gets past them until it lets go. A read after the test and a write before the release are one run's,
 * with no run of the same function in between: for the same key when the lock is a set of keys, for anything
 * when it is one flag. Judged on real code (zigbee2mqtt's retry counts under its `configuring` set), such
 * read-modify-writes were not races.
 */

/** Does a try-lock of its function, taken between `read` and `write`'s test and claim, keep other runs out? */
export function underTryLock(read: Node, write: Node): boolean {
  const fn = enclosingFunction(write);
  if (!fn || enclosingFunction(read) !== fn) return false;
  const key = writtenKey(write);
  let child: Node = write;
  for (let p: Node | undefined = write.parent; p && p !== fn; child = p, p = p.parent) {
    if (p.type !== 'BlockStatement') continue;
    const index = p.body.indexOf(child as (typeof p.body)[number]);
    for (let i = 0; i < index; i++) {
      const lock = testedLock(p.body[i]!);
      if (!lock || lock.at > read.range[0] || (lock.key !== null && lock.key !== key) || !covers(lock, write)) continue;
      const j = claimIndex(p.body, i, lock);
      if (j >= 0 && j < index && !releasedBetween(fn.body, lock, p.body[j]!.range[1], write.range[0])) return true;
    }
  }
  return false;
}

/**
 * The test of a try-lock whose claim comes at or after `node`'s statement, in a block around it (`if
 * (this.busy) return; const n = this.count; this.busy = true;` for the read of `this.count`): a fix that takes
 * a lock from `node` on would put its wait between the test and the claim, so it starts at the test instead.
 */
export function tryLockTestBefore(node: Node): Node | null {
  let found: Node | null = null;
  let child: Node = node;
  for (let p: Node | undefined = node.parent; p && !isFunction(p); child = p, p = p.parent) {
    if (p.type !== 'BlockStatement') continue;
    const index = p.body.indexOf(child as (typeof p.body)[number]);
    for (let i = 0; i < index; i++) {
      const lock = testedLock(p.body[i]!);
      if (lock && claimIndex(p.body, i, lock) >= index) {
        found = p.body[i]!;
        break;
      }
    }
  }
  return found;
}

/**
 * Does the lock keep out every run that can reach what `write` writes? A flag of the object (`this.busy`)
 * covers the object's fields, a module's flag everything; a flag of one component's ref (`loadingRef.current`)
 * does not cover a cache its module keeps for every component.
 */
function covers(lock: TryLock, write: Node): boolean {
  const w = unwrap(write);
  const target = w.type === 'CallExpression' ? unwrap(w.callee) : w.type === 'AssignmentExpression' ? unwrap(w.left) : w.type === 'UpdateExpression' ? unwrap(w.argument) : null;
  const written = target?.type === 'MemberExpression' && w.type === 'CallExpression' ? receiverText(unwrap(target.object)) : target ? receiverText(target) : null;
  if (written === null) return false;
  const root = (text: string): string => text.split(/[.[]/, 1)[0]!;
  if (root(lock.holder) === root(written)) return true;
  const program = programOf(write);
  return program !== null && moduleTable(program).variables.has(root(lock.holder));
}

/** A lock by its text (`this.busy`, `this.configuring`) and, for a set of keys, the key's text. */
interface TryLock {
  holder: string;
  key: string | null;
  /** Where the test ends: reads after it are the run's own. */
  at: number;
}

/** `if (this.busy) return;`, `if (this.configuring.has(id) || other) throw …`: a test of a lock that exits. */
function testedLock(statement: Node): TryLock | null {
  if (statement.type !== 'IfStatement' || statement.alternate || !exits(statement.consequent)) return null;
  const lock = lockIn(statement.test);
  return lock ? { ...lock, at: statement.range[1] } : null;
}

function lockIn(test: Node): Omit<TryLock, 'at'> | null {
  const t = unwrap(test);
  if (t.type === 'LogicalExpression' && t.operator === '||') return lockIn(t.left) ?? lockIn(t.right);
  if (t.type === 'CallExpression') {
    const callee = unwrap(t.callee);
    const arg = t.arguments[0];
    if (callee.type !== 'MemberExpression' || memberName(callee) !== 'has' || !arg || arg.type === 'SpreadElement') return null;
    const holder = receiverText(unwrap(callee.object));
    const key = receiverText(unwrap(arg));
    return holder !== null && key !== null ? { holder, key } : null;
  }
  const holder = t.type === 'MemberExpression' || t.type === 'Identifier' ? receiverText(t) : null;
  return holder !== null ? { holder, key: null } : null;
}

/** Where, after the test at `test`, the block claims `lock` with no await before it; -1 when it does not. */
function claimIndex(body: readonly Node[], test: number, lock: TryLock): number {
  for (let k = test + 1; k < body.length; k++) {
    if (claims(body[k]!, lock)) return k;
    if (containsAwait(body[k]!)) return -1;
  }
  return -1;
}

/** `this.busy = true;`, `this.configuring.add(id);`, `this.pending.set(id, started);` */
function claims(statement: Node, lock: TryLock): boolean {
  if (statement.type !== 'ExpressionStatement') return false;
  const e = unwrap(statement.expression);
  if (lock.key === null) return e.type === 'AssignmentExpression' && e.operator === '=' && receiverText(unwrap(e.left)) === lock.holder && truthyLiteral(e.right);
  return keyedCall(e, lock, CLAIMS);
}

/** A statement between the claim and the write that lets the lock go (`this.busy = false`, `set.delete(id)`). */
function releasedBetween(body: Node, lock: TryLock, from: number, to: number): boolean {
  let released = false;
  forEachNode(body, (n) => {
    if (released || n.range[1] < from || n.range[0] > to || (n !== body && isFunction(n))) return false;
    if (n.range[0] >= from && n.range[1] <= to) {
      if (lock.key === null) released = n.type === 'AssignmentExpression' && receiverText(unwrap(n.left)) === lock.holder;
      else released = keyedCall(n, lock, RELEASES);
    }
    return !released;
  });
  return released;
}

const CLAIMS = new Set(['add', 'set']);
const RELEASES = new Set(['delete', 'clear']);

function keyedCall(node: Node, lock: TryLock, methods: ReadonlySet<string>): boolean {
  if (node.type !== 'CallExpression') return false;
  const callee = unwrap(node.callee);
  const arg = node.arguments[0];
  if (callee.type !== 'MemberExpression' || !methods.has(memberName(callee) ?? '') || receiverText(unwrap(callee.object)) !== lock.holder) return false;
  return memberName(callee) === 'clear' || (arg !== undefined && arg.type !== 'SpreadElement' && receiverText(unwrap(arg)) === lock.key);
}

/** The key a write of a keyed location names (`this.attempts.set(id, n)`, `this.counts[id] = n`), or null. */
function writtenKey(write: Node): string | null {
  const w = unwrap(write);
  if (w.type === 'CallExpression') {
    const arg = w.arguments[0];
    return arg && arg.type !== 'SpreadElement' ? receiverText(unwrap(arg)) : null;
  }
  const target = w.type === 'AssignmentExpression' ? unwrap(w.left) : w.type === 'UpdateExpression' ? unwrap(w.argument) : null;
  return target?.type === 'MemberExpression' && target.computed ? receiverText(unwrap(target.property)) : null;
}

function truthyLiteral(value: Node): boolean {
  const v = unwrap(value);
  return v.type === 'Literal' && Boolean(v.value);
}

