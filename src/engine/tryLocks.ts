import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { containsAwait, enclosingFunction, exits, forEachNode, isAwaitPoint, isFunction, memberName, unwrap, type Node } from './ast.js';
import type { FunctionNode } from './scope.js';
import { receiverText } from './locks.js';
import { resolveCallee } from './callees.js';
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
  const path = blocksAbove(write, fn);
  for (const [depth, { block: p, index }] of path.entries()) {
    for (let i = 0; i < index; i++) {
      const lock = testedLock(p.body[i]!, p.body, i);
      if (!lock) continue;
      // `if (this.busy) return; if (queue.length) { this.busy = true; try { … } }`: claimed in a block on the
      // way to the write, still in the test's synchronous stretch.
      // `return await this.pollNew()` both claims (in the call's synchronous start) and writes (after its awaits);
      // `this.loading.set(k, await load(k))` claims only once its await is over.
      const claimedByTheWrite = lock.claim === index && claimsThroughCall(p.body[index]!, lock);
      const claim = lock.claim >= 0 && (lock.claim < index || claimedByTheWrite) ? p.body[lock.claim]! : nestedClaim(path.slice(0, depth), lock, fn);
      if (!claim) continue;
      // A read in the test itself (`if (loaded.has(k) || k in loading) return`) runs with it, before the claim.
      const readInTest = read.range[0] >= p.body[i]!.range[0] && read.range[1] <= lock.at;
      if ((lock.at > read.range[0] && !readInTest) || (lock.key !== null && lock.key !== key) || !covers(lock, write)) continue;
      if (!releasedBetween(fn.body, lock, claim.range[1], write.range[0])) return true;
    }
  }
  return waitedOutAroundRead(read, write, fn, key, path);
}

/**
 * `if (!bypass) { while (this.polling) await sleep(100); if (fresh) return cached; } return await this.poll();`:
 * the wait is in a block around the read that the write's statement follows, and nothing awaits between the
 * end of the wait and the write's claim.
 */
function waitedOutAroundRead(read: Node, write: Node, fn: FunctionNode, key: string | null, writePath: readonly { block: TSESTree.BlockStatement; index: number }[]): boolean {
  for (const { block, index } of blocksAbove(read, fn)) {
    if (block.range[0] <= write.range[0] && write.range[1] <= block.range[1]) continue;
    for (let i = 0; i < index; i++) {
      const lock = testedLock(block.body[i]!, block.body, i);
      if (!lock || lock.claim >= 0 || (lock.key !== null && lock.key !== key) || !covers(lock, write)) continue;
      const claim = writePath.map(({ block: b, index: k }) => b.body[k]!).find((st) => st.range[0] >= block.range[1] && claims(st, lock));
      if (claim && !awaitsBetween(fn, lock.at, claim.range[0]) && !releasedBetween(fn.body, lock, claim.range[1], write.range[0])) return true;
    }
  }
  return false;
}

/** The blocks around `node` inside `fn`, innermost first, each with the index of the statement that holds it. */
function blocksAbove(node: Node, fn: Node): { block: TSESTree.BlockStatement; index: number }[] {
  const out: { block: TSESTree.BlockStatement; index: number }[] = [];
  let child: Node = node;
  for (let p: Node | undefined = node.parent; p && p !== fn; child = p, p = p.parent) {
    if (p.type === 'BlockStatement') out.push({ block: p, index: p.body.indexOf(child as TSESTree.Statement) });
  }
  return out;
}

/** A claim of `lock` in one of `inner` blocks, before the way on to the write, with no await since the test. */
function nestedClaim(inner: readonly { block: TSESTree.BlockStatement; index: number }[], lock: TestedLock, fn: FunctionNode): Node | null {
  for (const { block, index } of inner) {
    const claim = block.body.slice(0, index).find((st) => claims(st, lock));
    if (claim && !awaitsBetween(fn, lock.at, claim.range[0])) return claim;
  }
  return null;
}

function awaitsBetween(fn: FunctionNode, from: number, to: number): boolean {
  let found = false;
  forEachNode(fn.body, (n) => {
    if (found || n.range[1] <= from || n.range[0] >= to || (n !== fn.body && isFunction(n))) return false;
    found = n.range[0] >= from && (isAwaitPoint(n) || n.type === 'YieldExpression');
    return !found;
  });
  return found;
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
      const lock = testedLock(p.body[i]!, p.body, i);
      if (lock && lock.claim >= index) {
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

/** A lock as its block tests it, with where the block claims it (the statement's index; -1 when it does not). */
interface TestedLock extends TryLock {
  claim: number;
}

/**
 * `if (this.busy) return;`, `if (this.configuring.has(id) || other) throw …`: a test of a lock that exits; of
 * the places an `||` test reads (`if (loaded.has(k) || k in loading) return`), the one its block then claims.
 * A loop that waits the lock out (`while (this.busy) await sleep(10)`, `while (true) { if (!this.busy) break;
 * await sleep(10) }`) tests it too: it goes on only once the lock is free, in the stretch that claims it.
 */
function testedLock(statement: Node, body: readonly Node[], index: number): TestedLock | null {
  const tested = statement.type === 'IfStatement' && !statement.alternate && exits(statement.consequent) ? locksIn(statement.test) : waitedOutLocks(statement);
  const candidates = tested.map((lock) => {
    const at = { ...lock, at: statement.range[1] };
    return { ...at, claim: claimIndex(body, index, at) };
  });
  return candidates.find((lock) => lock.claim >= 0) ?? candidates[0] ?? null;
}

/** The locks a loop waits out: its own test, or a first `if (!lock) break;`, when nothing else breaks out of it. */
function waitedOutLocks(loop: Node): Omit<TryLock, 'at'>[] {
  if (loop.type !== 'WhileStatement' && loop.type !== 'ForStatement' && loop.type !== 'DoWhileStatement') return [];
  const test = loop.test ? unwrap(loop.test) : null;
  const forever = test === null || (test.type === 'Literal' && test.value === true);
  const body = loop.body.type === 'BlockStatement' ? loop.body.body : [loop.body];
  const first = body[0];
  const gate = forever && first?.type === 'IfStatement' && !first.alternate && breaksOut(first.consequent) ? unwrap(first.test) : null;
  const tested = forever ? (gate?.type === 'UnaryExpression' && gate.operator === '!' ? locksIn(gate.argument) : []) : loop.type !== 'ForStatement' || loop.update === null ? locksIn(test!) : [];
  if (tested.length === 0 || !containsAwait(loop.body)) return [];
  let breaks = 0;
  forEachNode(loop.body, (n) => {
    if (isFunction(n)) return false;
    if (n.type === 'BreakStatement') breaks++;
    return true;
  });
  return breaks === (forever ? 1 : 0) ? tested : [];
}

function breaksOut(stmt: Node): boolean {
  const s = stmt.type === 'BlockStatement' && stmt.body.length === 1 ? stmt.body[0]! : stmt;
  return s.type === 'BreakStatement' && s.label === null;
}

function locksIn(test: Node): Omit<TryLock, 'at'>[] {
  const t = unwrap(test);
  if (t.type === 'LogicalExpression' && t.operator === '||') return [...locksIn(t.left), ...locksIn(t.right)];
  const lock = lockIn(t);
  return lock ? [lock] : [];
}

function lockIn(t: Node): Omit<TryLock, 'at'> | null {
  if (t.type === 'CallExpression') {
    const callee = unwrap(t.callee);
    const arg = t.arguments[0];
    if (callee.type !== 'MemberExpression' || memberName(callee) !== 'has' || !arg || arg.type === 'SpreadElement') return null;
    const holder = receiverText(unwrap(callee.object));
    const key = receiverText(unwrap(arg));
    return holder !== null && key !== null ? { holder, key } : null;
  }
  // `k in this.loading`, `this.loading[k]`: an object of keys, each claimed by storing something under it.
  if (t.type === 'BinaryExpression' && t.operator === 'in' && t.left.type !== 'PrivateIdentifier') {
    const holder = receiverText(unwrap(t.right));
    const key = receiverText(unwrap(t.left));
    return holder !== null && key !== null ? { holder, key } : null;
  }
  if (t.type === 'MemberExpression' && t.computed) {
    const holder = receiverText(unwrap(t.object));
    const key = receiverText(unwrap(t.property));
    if (holder !== null && key !== null) return { holder, key };
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
  return claimsHere(statement, lock) || claimsThroughCall(statement, lock);
}

function claimsHere(statement: Node, lock: TryLock): boolean {
  if (statement.type !== 'ExpressionStatement') return false;
  const e = unwrap(statement.expression);
  if (lock.key === null) return e.type === 'AssignmentExpression' && e.operator === '=' && receiverText(unwrap(e.left)) === lock.holder && truthyLiteral(e.right);
  // `this.loading[k] = p`: the pending promise (or any object) stored under the key.
  if (e.type === 'AssignmentExpression' && e.operator === '=' && keyedMember(unwrap(e.left), lock)) return truthyValue(e.right);
  return keyedCall(e, lock, CLAIMS);
}

/**
 * `return await this.pollNew()` where `pollNew` raises the flag first thing (`this.polling = true; try { await …
 * }`): the claim runs in the call's synchronous start, before the caller's await lets another run in.
 */
function claimsThroughCall(statement: Node, lock: TryLock): boolean {
  if (lock.key !== null || !lock.holder.startsWith('this.')) return false;
  const value = statement.type === 'ReturnStatement' ? statement.argument : statement.type === 'ExpressionStatement' ? statement.expression : statement.type === 'VariableDeclaration' && statement.declarations.length === 1 ? statement.declarations[0]!.init : null;
  let call = value ? unwrap(value) : null;
  if (call?.type === 'AwaitExpression') call = unwrap(call.argument);
  if (call?.type !== 'CallExpression') return false;
  const callee = unwrap(call.callee);
  if (callee.type !== 'MemberExpression' || unwrap(callee.object).type !== 'ThisExpression') return false;
  const method = resolveCallee(call.callee);
  return method?.body?.type === 'BlockStatement' && claimsFirst(method.body.body, lock);
}

/**
 * Does a function body claim the flag itself before anything in it awaits (inside a leading `try` too)? Not
 * through a call of its own: a method that starts by calling itself would never end the search.
 */
function claimsFirst(body: readonly Node[], lock: TryLock): boolean {
  for (const statement of body) {
    if (statement.type === 'TryStatement') return claimsFirst(statement.block.body, lock);
    if (claimsHere(statement, lock)) return true;
    if (containsAwait(statement)) return false;
  }
  return false;
}

/** `this.loading[k]` for the lock `this.loading` keyed by `k`. */
function keyedMember(n: Node, lock: TryLock): boolean {
  return n.type === 'MemberExpression' && n.computed && receiverText(unwrap(n.object)) === lock.holder && receiverText(unwrap(n.property)) === lock.key;
}

/** A value that is truthy whatever it holds: `true`, a non-empty literal, an object, a promise, a call's result kept as a name (`const p = load(k)`). */
function truthyValue(value: Node): boolean {
  const v = unwrap(value);
  if (v.type === 'Literal') return Boolean(v.value);
  return v.type === 'Identifier' ? v.name !== 'undefined' : v.type === 'ObjectExpression' || v.type === 'ArrayExpression' || v.type === 'NewExpression' || v.type === 'CallExpression' || isFunction(v);
}

/**
 * A statement between the claim and the write that lets the lock go (`this.busy = false`, `set.delete(id)`,
 * `delete this.loading[k]`) with an await after it, before the write: another run may take the lock while this
 * one waits. Let go just before the write, in the same synchronous stretch (`delete this.loading[k];
 * this.loaded.add(k)`), nothing runs in between.
 */
function releasedBetween(body: Node, lock: TryLock, from: number, to: number): boolean {
  const released: number[] = [];
  const awaits: number[] = [];
  forEachNode(body, (n) => {
    if (n.range[1] < from || n.range[0] > to || (n !== body && isFunction(n))) return false;
    if (n.range[0] >= from && n.range[1] <= to) {
      if (n.type === 'AwaitExpression' || n.type === 'YieldExpression') awaits.push(n.range[0]);
      else if (releases(n, lock)) released.push(n.range[1]);
    }
    return true;
  });
  return released.some((at) => awaits.some((a) => a >= at));
}

function releases(n: Node, lock: TryLock): boolean {
  if (lock.key === null) return n.type === 'AssignmentExpression' && receiverText(unwrap(n.left)) === lock.holder;
  if (n.type === 'UnaryExpression' && n.operator === 'delete') return keyedMember(unwrap(n.argument), lock);
  return keyedCall(n, lock, RELEASES) || (n.type === 'AssignmentExpression' && keyedMember(unwrap(n.left), lock) && !truthyValue(n.right));
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

