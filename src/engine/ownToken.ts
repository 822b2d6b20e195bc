import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeName, enclosingFunction, exits, forEachNode, isFunction, memberName, unwrap, type Node } from './ast.js';
import { constInit } from './callees.js';
import { receiverText } from './locks.js';

/*
 * "Latest run wins", written by hand:
 *
 *   const gen = ++this.nextGen;
 *   this.generations.set(id, gen);
 *   const entry = merge(this.cache.get(id), await load(id));
 *   if (this.generations.get(id) !== gen) return;
 *   this.cache.set(id, entry);
 *
 * Before it yields, each run stores a token of its own in a shared place; after its last await it goes on only
 * while that place still holds its token. A run of the same code that started later replaced the token, so an
 * older run stops short instead of writing over what a newer run read and wrote: only the latest run writes.
 */

/** Is `write` reached only past a test, after the function's last await before it, that the run's own token is still in place? */
export function latestRunOnly(write: Node): boolean {
  const fn = enclosingFunction(write);
  if (!fn || fn.body.type !== 'BlockStatement') return false;
  const body = fn.body;
  let found = false;
  forEachNode(body, (n) => {
    if (found || isFunction(n)) return false;
    if (n.type !== 'IfStatement' || n.range[0] >= write.range[0]) return true;
    // `if (this.gen.get(id) !== gen) return; … write` or `if (this.gen.get(id) === gen) { … write }`.
    const inside = write.range[0] >= n.consequent.range[0] && write.range[1] <= n.consequent.range[1];
    const before = n.range[1] <= write.range[0] && exits(n.consequent);
    const token = inside ? tokenTest(n.test, ['===', '==']) : before ? tokenTest(n.test, ['!==', '!=']) : null;
    if (token && !awaitsBetween(body, n.test, write) && storedFirst(body, token, n)) found = true;
    return !found;
  });
  return found;
}

interface TokenTest {
  /** The shared place, as text: `this.generation`, or a keyed store's `this.generations` with its key `id`. */
  place: string;
  key: string | null;
  token: string;
}

function tokenTest(test: Node, operators: readonly string[]): TokenTest | null {
  const t = unwrap(test);
  if (t.type !== 'BinaryExpression' || !operators.includes(t.operator)) return null;
  const sides = [unwrap(t.left), unwrap(t.right)];
  const token = sides.find((s): s is TSESTree.Identifier => s.type === 'Identifier' && ownToken(s));
  const other = sides.find((s) => s !== token);
  if (!token || !other) return null;
  const place = sharedPlace(other);
  return place && { ...place, token: token.name };
}

/** `this.generation`, or `this.generations.get(id)`: where a token is kept. */
function sharedPlace(n: Node): { place: string; key: string | null } | null {
  if (n.type === 'MemberExpression') {
    const place = receiverText(n);
    return place !== null && place.includes('.') ? { place, key: null } : null;
  }
  if (n.type !== 'CallExpression' || calleeName(n) !== 'get' || n.arguments.length !== 1) return null;
  const callee = unwrap(n.callee);
  const place = callee.type === 'MemberExpression' ? receiverText(callee.object) : null;
  const key = receiverText(n.arguments[0]!);
  return place !== null && key !== null ? { place, key } : null;
}

/** A const each run makes afresh: `++this.nextGen`, `this.seq += 1`, `{}`, `new Token()`, `Symbol()`, `randomUUID()`. */
function ownToken(id: TSESTree.Identifier): boolean {
  const init = constInit(id);
  const v = init ? unwrap(init) : null;
  if (!v) return false;
  if (v.type === 'UpdateExpression' || (v.type === 'AssignmentExpression' && v.operator === '+=')) return true;
  if (v.type === 'ObjectExpression' || v.type === 'NewExpression') return true;
  return v.type === 'CallExpression' && /^(Symbol|randomUUID|uuid|v4|nanoid|createId)$/.test(calleeName(v) ?? '');
}

/** The run stored its token in the place before its first await: `this.generations.set(id, gen)`, `this.generation = gen`. */
function storedFirst(body: TSESTree.BlockStatement, test: TokenTest, guard: Node): boolean {
  let firstAwait = guard.range[0];
  forEachNode(body, (n) => {
    if (isFunction(n)) return false;
    if (n.type === 'AwaitExpression' && n.range[0] < firstAwait) firstAwait = n.range[0];
    return true;
  });
  let stored = false;
  forEachNode(body, (n) => {
    if (stored || isFunction(n) || n.range[0] >= firstAwait) return false;
    if (n.type === 'AssignmentExpression' && n.operator === '=' && test.key === null) {
      const value = unwrap(n.right);
      stored = receiverText(n.left) === test.place && value.type === 'Identifier' && value.name === test.token;
    } else if (n.type === 'CallExpression' && test.key !== null && calleeName(n) === 'set' && n.arguments.length === 2) {
      const callee = unwrap(n.callee);
      const value = unwrap(n.arguments[1]!);
      stored = callee.type === 'MemberExpression' && memberName(callee) === 'set' && receiverText(callee.object) === test.place && receiverText(n.arguments[0]!) === test.key && value.type === 'Identifier' && value.name === test.token;
    }
    return !stored;
  });
  return stored;
}

/** An await of the function's own between the test and the write would reopen the window the test closed. */
function awaitsBetween(body: TSESTree.BlockStatement, test: Node, write: Node): boolean {
  let found = false;
  forEachNode(body, (n) => {
    if (found || isFunction(n)) return false;
    if (n.type === 'AwaitExpression' && n.range[0] >= test.range[1] && n.range[1] <= write.range[0]) found = true;
    return !found;
  });
  return found;
}
