import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { forEachNode, holdingStatement, isFunction, memberName, unwrap, type Node } from '../ast.js';
import { returnsNoPromise } from '../callees.js';
import type { FunctionNode } from '../scope.js';
import { promiseAcquire, receiverText } from '../locks.js';
import { ACQUIRE_FUNCTIONS, ACQUIRE_WORDS } from '../locks/index.js';
import type { FileModel } from '../model.js';
import type { Rule, RuleReport } from './rule.js';
import { line } from './text.js';
import { callsOf, type InterleavingDraft } from '../interleaving.js';

export const unawaitedAcquire: Rule<'unawaited-acquire'> = {
  meta: {
    id: 'unawaited-acquire',
    shortDescription: 'A lock acquire is not awaited, so the code after it runs without holding the lock.',
    fullDescription:
      'Reports calls to a promise-returning acquire (runtime Lock, async-mutex Mutex or Semaphore, @sapphire/async-queue wait) that are not awaited: the critical section that follows runs immediately, without the lock, and the later release frees a hold this call may not have.',
    defaultSeverity: 'error',
    docsPath: 'docs/rules/unawaited-acquire.md',
    messageId: 'unawaitedAcquire',
    fixKinds: [],
  },
  // Every finding is a call of an acquire function or method, by one of these names (or of a lock the file makes).
  mentions: new RegExp(`\\b(${[...ACQUIRE_FUNCTIONS, ...ACQUIRE_WORDS].join('|')})\\b`),
  check(model) {
    const reports: RuleReport[] = [];
    for (const node of model.index.calls) {
      const acquire = promiseAcquire(node, model.locks);
      if (!acquire) continue;
      const why = unawaitedUse(node, model);
      if (!why || takesLockJustMade(node, acquire.key) || definedWithoutPromise(node, model)) continue;
      const next = nextStatement(node);
      reports.push({
        anchor: node,
        message: `\`${calleeText(node, acquire.key)}()\` on line ${line(node)} returns a promise that is not awaited: ${why}`,
        location: acquire.key,
        related: next ? [{ anchor: next, message: 'this runs at once, without the lock' }] : [],
        interleaving: timeline(node, '`' + acquire.key + '`', next),
      });
    }
    return reports;
  },
};

function unawaitedUse(call: TSESTree.CallExpression, model: FileModel): string | null {
  let node: Node = call;
  while (node.parent && isTransparent(node.parent)) node = node.parent;
  const parent = node.parent;
  if (!parent) return null;
  if (parent.type === 'ExpressionStatement') {
    return 'the code after it runs at once, without the lock';
  }
  if (parent.type === 'VariableDeclarator' && parent.init === node && parent.parent?.type === 'VariableDeclaration') {
    if (parent.parent.kind === 'using' || parent.parent.kind === 'await using') {
      return 'the `using` declaration disposes a promise, not the lock, and the block runs without the lock';
    }
    if (parent.id.type !== 'Identifier') return null;
    const variable = model.scope.declaredVariable(parent.id);
    if (!variable) return null;
    let awaited = false;
    let called = false;
    for (const ref of variable.references) {
      const id = ref.identifier as Node;
      const p = id.parent;
      if (p?.type === 'AwaitExpression' || (p?.type === 'MemberExpression' && p.object === id && !p.computed && p.property.type === 'Identifier' && p.property.name === 'then') || p?.type === 'ReturnStatement' || (p?.type === 'CallExpression' && p.arguments.includes(id as TSESTree.Expression))) {
        awaited = true;
      }
      if ((p?.type === 'CallExpression' && p.callee === id) || (p?.type === 'MemberExpression' && p.object === id && p.parent?.type === 'CallExpression')) {
        called = true;
      }
    }
    if (!awaited) {
      return called
        ? `\`${parent.id.name}\` holds the promise, not the release function, and the code after it runs without the lock`
        : `\`${parent.id.name}\` is never awaited, so the code after it runs without the lock`;
    }
  }
  return null;
}

/**
 * `const lock = { acquire: () => { pending++; }, release: … }`: the file defines the method the call names itself,
 * and no definition of it here hands back a promise: a counting latch of the project's own, not a lock to wait
 * for. (A library's lock is imported, and defines nothing here.)
 */
function definedWithoutPromise(call: TSESTree.CallExpression, model: FileModel): boolean {
  const callee = unwrap(call.callee);
  const name = callee.type === 'MemberExpression' ? memberName(callee) : null;
  if (name === null) return false;
  let byName = ownDefinitions.get(model);
  if (!byName) ownDefinitions.set(model, (byName = new Map()));
  let answer = byName.get(name);
  if (answer === undefined) {
    const defs: FunctionNode[] = [];
    forEachNode(model.ast, (n) => {
      if (n.type !== 'Property' && n.type !== 'MethodDefinition' && n.type !== 'PropertyDefinition') return true;
      const value = n.value ? unwrap(n.value) : null;
      const key = n.computed ? null : n.key.type === 'Identifier' ? n.key.name : n.key.type === 'Literal' ? n.key.value : null;
      if (value && isFunction(value) && key === name) defs.push(value);
      return true;
    });
    answer = defs.length > 0 && defs.every(returnsNoPromise);
    byName.set(name, answer);
  }
  return answer;
}

const ownDefinitions = new WeakMap<FileModel, Map<string, boolean>>();

/** `this.queue.wait()` or `acquireLock()`: how the acquire is written. */
function calleeText(call: TSESTree.CallExpression, key: string): string {
  const callee = unwrap(call.callee);
  if (callee.type === 'Identifier') return callee.name;
  const method = callee.type === 'MemberExpression' ? memberName(callee) : null;
  return method === null ? key : `${key}.${method}`;
}

/**
 * `this.sublimited = new AsyncQueue(); void this.sublimited.wait();`: nothing can hold a lock made by the
 * statement before, so the acquire takes it at once; not waiting is how code closes a new queue to others.
 * A factory called with nothing (`api.rateLimiter = asyncLock()`) makes a fresh one just the same; one given
 * a name (`locks.get(name)`) may hand back a lock others hold.
 */
function takesLockJustMade(call: TSESTree.CallExpression, key: string): boolean {
  const before = siblingStatement(call, -1);
  if (before?.type === 'ExpressionStatement') {
    const e = unwrap(before.expression);
    return e.type === 'AssignmentExpression' && makesFreshLock(e.right) && receiverText(e.left) === key;
  }
  if (before?.type === 'VariableDeclaration') {
    return before.declarations.some((d) => d.id.type === 'Identifier' && d.id.name === key && d.init !== null && makesFreshLock(d.init));
  }
  return false;
}

function makesFreshLock(value: Node): boolean {
  const v = unwrap(value);
  return v.type === 'NewExpression' || (v.type === 'CallExpression' && v.arguments.length === 0);
}

/** The statement `offset` places from the one holding `node`, in the same block. */
function siblingStatement(node: Node, offset: number): Node | null {
  const held = holdingStatement(node);
  return held ? (held.siblings[held.siblings.indexOf(held.stmt) + offset] ?? null) : null;
}

/**
 * The statement that runs after the one holding `node`: the next one in its block, or, when it ends its block
 * (`for (const l of locks) { l.acquire(); }`), the next one after the enclosing statement, within the function.
 */
function nextStatement(node: Node): Node | null {
  for (let at: Node | undefined = node; at && !isFunction(at); ) {
    // The end of the function's own body: nothing after it runs in this call.
    if (at.type === 'BlockStatement' && at.parent && isFunction(at.parent)) return null;
    const held = holdingStatement(at);
    if (!held) return null;
    const next = held.siblings[held.siblings.indexOf(held.stmt) + 1];
    if (next) return next;
    at = held.stmt.parent;
  }
  return null;
}

function isTransparent(node: Node): boolean {
  return (
    node.type === 'TSNonNullExpression' ||
    node.type === 'TSAsExpression' ||
    node.type === 'TSSatisfiesExpression' ||
    node.type === 'ChainExpression' ||
    (node.type === 'UnaryExpression' && node.operator === 'void')
  );
}

/** A asks for the lock and goes on without it; B holds the lock and runs the same section: both are in it. */
function timeline(acquire: TSESTree.CallExpression, lock: string, next: Node | null): InterleavingDraft {
  return {
    actors: callsOf(acquire),
    steps: [
      { actor: 1, anchor: acquire, text: `acquires ${lock} first` },
      ...(next ? [{ actor: 1, anchor: next, text: 'runs the section it guards' }] : []),
      { actor: 0, anchor: acquire, text: `asks for ${lock} and does not wait for it` },
      ...(next ? [{ actor: 0, anchor: next, text: 'runs the same section at once, without the lock' }] : []),
    ],
    outcome: `A and B are in the section ${lock} should guard at the same time`,
  };
}
