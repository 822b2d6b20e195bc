import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeName, memberName, unwrap, type Node } from './ast.js';
import type { FunctionNode } from './scope.js';

/** Constructors whose instances give mutual exclusion (a Semaphore only with one permit). */
const MUTEX_CLASSES = new Set(['Lock', 'Mutex', 'AsyncLock', 'KeyedMutex', 'ReadWriteLock', 'RWLock']);
const SEMAPHORE_CLASSES = new Set(['Semaphore', 'BoundedSemaphore', 'Sema', 'PQueue']);

export type LockKind = 'mutex' | 'semaphore';

/**
 * What the file declares as locks, keyed by the text a receiver is written with
 * (`this.lock`, `this.#mutex`, `lock`, `Store.lock`).
 */
export class LockTable {
  private readonly kinds = new Map<string, LockKind>();
  private readonly mutexClasses: Set<string>;

  constructor(constructions: readonly TSESTree.NewExpression[], extraLockClasses: readonly string[]) {
    this.mutexClasses = new Set([...MUTEX_CLASSES, ...extraLockClasses]);
    for (const node of constructions) {
      const kind = this.kindOfConstruction(node);
      if (!kind) continue;
      for (const name of namesAssignedFrom(node)) this.kinds.set(name, kind);
    }
  }

  private kindOfConstruction(node: TSESTree.NewExpression): LockKind | null {
    const cls = calleeName(node);
    if (!cls) return null;
    if (this.mutexClasses.has(cls)) return 'mutex';
    if (SEMAPHORE_CLASSES.has(cls)) {
      const first = node.arguments[0];
      // async-mutex and our runtime: Semaphore(1) is a mutex.
      return first?.type === 'Literal' && first.value === 1 ? 'mutex' : 'semaphore';
    }
    return null;
  }

  /** Kind of the lock a receiver expression refers to, from declarations or, failing that, its name. */
  kindOf(receiver: Node): LockKind | null {
    const text = receiverText(receiver);
    if (text === null) return null;
    const declared = this.kinds.get(text) ?? this.kinds.get(lastSegment(text));
    if (declared) return declared;
    const last = lastSegment(text);
    if (/(lock|mutex)$/i.test(last) || /^(lock|mutex)/i.test(last)) return 'mutex';
    if (/(semaphore|sem|limiter)$/i.test(last)) return 'semaphore';
    return null;
  }

  isMutex(receiver: Node): boolean {
    return this.kindOf(receiver) === 'mutex';
  }
}

/** Source-like text of a receiver: `this.lock`, `lock`, `this.#m`, or null for anything computed. */
export function receiverText(node: Node): string | null {
  const n = unwrap(node);
  if (n.type === 'ThisExpression') return 'this';
  if (n.type === 'Identifier') return n.name;
  if (n.type === 'MemberExpression') {
    const base = receiverText(n.object);
    const name = memberName(n);
    return base !== null && name !== null ? `${base}.${name}` : null;
  }
  return null;
}

function lastSegment(text: string): string {
  const i = text.lastIndexOf('.');
  return i < 0 ? text : text.slice(i + 1);
}

/** The names a `new X()` is stored under: a variable, a class field (as `this.f` and `f`), an assignment target. */
function namesAssignedFrom(node: TSESTree.NewExpression): string[] {
  const parent = node.parent;
  if (!parent) return [];
  if (parent.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return [parent.id.name];
  if (parent.type === 'PropertyDefinition') {
    const key = parent.key;
    const name = key.type === 'PrivateIdentifier' ? '#' + key.name : key.type === 'Identifier' ? key.name : null;
    if (!name) return [];
    const cls = parent.parent?.parent;
    const className = cls && (cls.type === 'ClassDeclaration' || cls.type === 'ClassExpression') ? cls.id?.name : undefined;
    return parent.static && className ? [`this.${name}`, `${className}.${name}`] : [`this.${name}`];
  }
  if (parent.type === 'AssignmentExpression') {
    const text = receiverText(parent.left);
    return text ? [text] : [];
  }
  if (parent.type === 'Property' && !parent.computed && parent.key.type === 'Identifier') return [parent.key.name];
  return [];
}

export type AcquireCall = { receiver: Node; key: string; kind: LockKind };

/** `x.acquire()` / `x.lock()` without a callback: the promise-returning acquire of a mutex or semaphore. */
export function promiseAcquire(node: Node, locks: LockTable): AcquireCall | null {
  const n = unwrap(node);
  if (n.type !== 'CallExpression') return null;
  const callee = unwrap(n.callee);
  if (callee.type !== 'MemberExpression') return null;
  const name = memberName(callee);
  if (name !== 'acquire' && name !== 'lock' && name !== 'acquireLock') return null;
  if (n.arguments.some((a) => a.type === 'ArrowFunctionExpression' || a.type === 'FunctionExpression')) return null;
  const kind = locks.kindOf(callee.object);
  if (!kind) return null;
  const key = receiverText(callee.object);
  return key === null ? null : { receiver: callee.object, key, kind };
}

/** `x.release()` / `x.unlock()` on a lock receiver: returns the receiver's key. */
export function releaseCall(node: Node, locks: LockTable): string | null {
  const n = unwrap(node);
  if (n.type !== 'CallExpression') return null;
  const callee = unwrap(n.callee);
  if (callee.type !== 'MemberExpression') return null;
  const name = memberName(callee);
  if (name !== 'release' && name !== 'unlock' && name !== 'releaseLock') return null;
  if (!locks.kindOf(callee.object)) return null;
  return receiverText(callee.object);
}

/**
 * If `fn` is the body a lock runs exclusively (`m.runExclusive(fn)`, async-lock's `lock.acquire(key, fn)`,
 * `navigator.locks.request(name, fn)`, a promise-tail queue `this.tail = this.tail.then(fn)`),
 * the key of that lock; `kind` tells mutex from counting semaphore.
 */
export function callbackLock(fn: FunctionNode, locks: LockTable): { key: string; kind: LockKind } | null {
  const call = fn.parent;
  if (call?.type !== 'CallExpression' || !call.arguments.includes(fn as TSESTree.Expression)) return null;
  const callee = unwrap(call.callee);
  if (callee.type !== 'MemberExpression') return null;
  const method = memberName(callee);
  const receiver = unwrap(callee.object);
  const recvText = receiverText(receiver);
  switch (method) {
    case 'runExclusive':
    case 'withLock':
    case 'exclusive':
    case 'synchronize': {
      const kind = locks.kindOf(receiver) ?? 'mutex';
      return recvText ? { key: recvText, kind } : null;
    }
    case 'acquire': {
      // async-lock: lock.acquire(key, fn[, opts])
      if (call.arguments[1] !== fn || !recvText) return null;
      return { key: `${recvText}(${keyText(call.arguments[0])})`, kind: 'mutex' };
    }
    case 'request': {
      if (recvText?.endsWith('locks') && call.arguments[call.arguments.length - 1] === fn) {
        return { key: `navigator.locks(${keyText(call.arguments[0])})`, kind: 'mutex' };
      }
      return null;
    }
    case 'then':
    case 'catch':
    case 'finally':
      return promiseTailKey(call);
    default:
      return null;
  }
}

function keyText(node: Node | undefined): string {
  if (!node) return '';
  const n = unwrap(node);
  if (n.type === 'Literal') return String(n.value);
  return receiverText(n) ?? '*';
}

/** `this.tail = this.tail.then(fn)` (possibly `.then(..).catch(..)`): the queue's path, else null. */
function promiseTailKey(call: TSESTree.CallExpression): { key: string; kind: LockKind } | null {
  // Climb to the outermost call of the chain.
  let top: Node = call;
  while (top.parent?.type === 'MemberExpression' && top.parent.parent?.type === 'CallExpression') {
    const name = memberName(top.parent);
    if (name !== 'then' && name !== 'catch' && name !== 'finally') break;
    top = top.parent.parent;
  }
  // Find the chain's root receiver.
  let root: Node = call;
  while (root.type === 'CallExpression') {
    const callee = unwrap(root.callee);
    if (callee.type !== 'MemberExpression') return null;
    root = unwrap(callee.object);
  }
  const rootText = receiverText(root);
  if (!rootText) return null;
  const assign = top.parent;
  if (assign?.type === 'AssignmentExpression' && assign.right === top && receiverText(assign.left) === rootText) {
    return { key: `queue:${rootText}`, kind: 'mutex' };
  }
  return null;
}
