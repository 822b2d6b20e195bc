import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { forEachNode, isFunction, memberName, unwrap, type Node } from './ast.js';
import { COLLECTION_WRITES, pathsOverlap } from './locations.js';
import { programOf } from './modules.js';
import type { FunctionNode } from './scope.js';

/**
 * For each class, the `this.*` fields that each synchronous method and getter reads,
 * so that `if (this.isExpired())` or `if (!this.isConnected)` counts as a check of those fields.
 */
const cache = new WeakMap<Node, Map<string, string[]>>();

export function classOf(fn: Node): TSESTree.ClassBody | null {
  for (let p = fn.parent; p; p = p.parent) {
    if (p.type === 'ClassBody') return p;
    // Arrow functions keep the class's `this`; other functions do not.
    if (isFunction(p) && p.type !== 'ArrowFunctionExpression' && p.parent?.type !== 'MethodDefinition') return null;
  }
  return null;
}

/**
 * What `this` is in a method: a class's body, or an object literal whose methods share it (a Pinia or Vuex
 * store's `actions`, a singleton `const api = { token: null, async call() { … this.token … } }`).
 */
export type MemberOwner = TSESTree.ClassBody | TSESTree.ObjectExpression;

/**
 * The object literal whose method `fn` is (or is inside, through arrow functions, which keep its `this`):
 * `{ async ensure() { … } }`, `{ ensure: function () { … } }`. Null for anything else.
 */
export function objectOf(fn: Node): TSESTree.ObjectExpression | null {
  let child: Node = fn;
  for (let p = fn.parent; p; child = p, p = p.parent) {
    if (isFunction(child) && child.type !== 'ArrowFunctionExpression') {
      return p.type === 'Property' && p.value === child && !p.computed && p.parent?.type === 'ObjectExpression' ? p.parent : null;
    }
  }
  return null;
}

/** The class or object literal whose `this` a function sees (see `MemberOwner`). */
export function ownerOf(fn: Node): MemberOwner | null {
  return classOf(fn) ?? objectOf(fn);
}

/** A member of a class or object literal: its name as `this.<name>` reaches it, and its function, if any. */
interface Member {
  name: string | null;
  kind: 'method' | 'get' | 'set' | 'constructor' | 'field';
  isStatic: boolean;
  fn: FunctionNode | null;
}

function membersOf(owner: MemberOwner): Member[] {
  if (owner.type === 'ClassBody') {
    return owner.body.flatMap((m): Member[] => {
      if (m.type === 'MethodDefinition') return [{ name: memberKeyName(m), kind: m.kind, isStatic: m.static, fn: m.value.body ? m.value : null }];
      if (m.type === 'PropertyDefinition') return [{ name: memberKeyName(m), kind: 'field', isStatic: m.static, fn: m.value && isFunction(m.value) && m.value.body ? m.value : null }];
      return [];
    });
  }
  return owner.properties.flatMap((p): Member[] => {
    if (p.type !== 'Property' || p.computed || p.key.type !== 'Identifier') return [];
    const value = unwrap(p.value as Node);
    // An arrow's `this` is the one around the literal, not the object: it is no method of it.
    const fn = isFunction(value) && value.type !== 'ArrowFunctionExpression' ? value : null;
    return [{ name: p.key.name, kind: p.kind === 'init' ? (fn ? 'method' : 'field') : p.kind, isStatic: false, fn }];
  });
}

export function memberReads(body: MemberOwner): Map<string, string[]> {
  let summary = cache.get(body);
  if (summary) return summary;
  summary = new Map();
  const walk = classWalk(body);
  for (const member of membersOf(body)) {
    if (member.isStatic || !member.fn || member.fn.async) continue;
    if (member.kind !== 'method' && member.kind !== 'get') continue;
    const name = member.name;
    if (!name) continue;
    const fields = new Set<string>();
    for (const n of walk.thisMembers.get(member.fn) ?? []) {
      if (n.object.type !== 'ThisExpression') continue;
      const path = readPath(n);
      if (path) fields.add(path);
    }
    if (fields.size > 0) summary.set(name, [...fields]);
  }
  cache.set(body, summary);
  return summary;
}

/**
 * What one walk of a class body finds, by the body of the function it runs in (the nearest enclosing non-arrow
 * function); `null` for the rest: the class body outside methods, and parameter lists.
 */
interface ClassWalk {
  /** `this.x` member expressions (`this` possibly wrapped: `(this as T).x`), in source order per function. */
  thisMembers: Map<FunctionNode | null, TSESTree.MemberExpression[]>;
  calls: Map<FunctionNode | null, TSESTree.CallExpression[]>;
}

const classWalks = new WeakMap<MemberOwner, ClassWalk>();

/**
 * One walk of a class for the summaries of all its methods (a 9,000-line client is one class with hundreds):
 * its `this.x` expressions and its calls, each under the function whose `this` it sees. Arrow functions keep
 * their method's `this`; the class body outside any method is `null`.
 */
function classWalk(body: MemberOwner): ClassWalk {
  let walk = classWalks.get(body);
  if (walk) return walk;
  const found: ClassWalk = { thisMembers: new Map(), calls: new Map() };
  const add = <T>(map: Map<FunctionNode | null, T[]>, owner: FunctionNode | null, node: T): void => {
    const list = map.get(owner);
    if (list) list.push(node);
    else map.set(owner, [node]);
  };
  const visit = (root: Node, owner: FunctionNode | null): void => {
    forEachNode(root, (n) => {
      if (isFunction(n) && n.type !== 'ArrowFunctionExpression') {
        owners.push(n);
        return false;
      }
      if (n.type === 'MemberExpression' && unwrap(n.object).type === 'ThisExpression') add(found.thisMembers, owner, n);
      else if (n.type === 'CallExpression') add(found.calls, owner, n);
      return true;
    });
  };
  const owners: FunctionNode[] = [];
  visit(body, null);
  // Functions met on the way are walked in turn, each as its own `this`; the list grows as nested ones are met.
  for (let i = 0; i < owners.length; i++) {
    const fn = owners[i]!;
    for (const param of fn.params) visit(param, null);
    if (fn.body) visit(fn.body, fn);
  }
  walk = found;
  classWalks.set(body, walk);
  return walk;
}

/**
 * The location a `this.a.b.c` chain reads, as deep as it is static: `this.map.valuesSet` for
 * `this.map.valuesSet.length`'s base, not all of `this.map` (a write of `this.map.other` is no act on that read).
 * Null for a method called on `this` itself.
 */
function readPath(start: TSESTree.MemberExpression): string | null {
  let node: TSESTree.MemberExpression = start;
  let path = '';
  for (;;) {
    const name = node.computed ? null : memberName(node);
    if (name === null) break;
    const parent = node.parent;
    const called = parent?.type === 'CallExpression' && parent.callee === node;
    if (called) break;
    path += '.' + name;
    if (parent?.type !== 'MemberExpression' || parent.object !== node) break;
    node = parent;
  }
  return path ? 'this' + path : null;
}

const lockedCache = new WeakMap<Node, Set<string>>();

/**
 * For each class, the methods that take a lock before they return: an acquire `isAcquire` recognises in their
 * body, or a call of another such method of the class (`query()` takes `this.lock`; `dropIndex()` calls
 * `this.query()`). Calls through them run one at a time, whoever starts them.
 */
export function lockingMethods(body: TSESTree.ClassBody, isAcquire: (call: TSESTree.CallExpression) => boolean): Set<string> {
  const cached = lockedCache.get(body);
  if (cached) return cached;
  const calls = new Map<string, Set<string>>();
  const locked = new Set<string>();
  const walk = classWalk(body);
  for (const member of body.body) {
    if (member.type !== 'MethodDefinition' || member.kind !== 'method' || !member.value.body) continue;
    const name = memberKeyName(member);
    if (!name) continue;
    const callees = new Set<string>();
    for (const n of walk.calls.get(member.value) ?? []) {
      if (isAcquire(n)) locked.add(name);
      const callee = n.callee;
      if (callee.type === 'MemberExpression' && callee.object.type === 'ThisExpression') {
        const m = memberName(callee);
        if (m) callees.add(m);
      }
    }
    calls.set(name, callees);
  }
  // Whoever calls a locking method locks too, to a fixed point.
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, callees] of calls) {
      if (locked.has(name)) continue;
      if ([...callees].some((c) => locked.has(c))) {
        locked.add(name);
        changed = true;
      }
    }
  }
  lockedCache.set(body, locked);
  return locked;
}

/** Where a function's awaited work leads, as far as this file shows it. */
export type AwaitedWork = 'visible' | 'inherited' | 'none';

/**
 * What a function waits on, following `this.m()` into the methods its class defines: `visible` when some
 * awaited call leaves the object (a client, a query, `fetch`), `inherited` when every awaited path ends in a
 * method the class inherits from a base defined elsewhere (`await this.executeQueries(…)` in a subclass), so the
 * I/O, and whatever serializes it, is out of sight; `none` when nothing is awaited.
 */
export function awaitedWork(fn: FunctionNode, body: TSESTree.ClassBody): AwaitedWork {
  const members = methodsOf(body);
  const inherits = body.parent?.type === 'ClassDeclaration' || body.parent?.type === 'ClassExpression' ? body.parent.superClass !== null : false;
  const seen = new Set<Node>();
  const visit = (f: FunctionNode): AwaitedWork => {
    if (seen.has(f)) return 'none';
    seen.add(f);
    let result: AwaitedWork = 'none';
    for (const waited of awaitedExpressions(f)) {
      const e = unwrap(waited);
      const callee = e.type === 'CallExpression' ? unwrap(e.callee) : null;
      let work: AwaitedWork = 'visible';
      if (callee?.type === 'MemberExpression' && unwrap(callee.object).type === 'ThisExpression') {
        const name = memberName(callee);
        const method = name === null ? undefined : members.get(name);
        if (method) work = visit(method);
        else if (inherits) work = 'inherited';
      }
      if (work === 'visible') return 'visible';
      if (work === 'inherited') result = 'inherited';
    }
    return result;
  };
  return visit(fn);
}

/** The expressions a function waits for: its awaits, and what it returns when it is not async (a promise). */
function awaitedExpressions(fn: FunctionNode): Node[] {
  const out: Node[] = [];
  if (fn.body.type !== 'BlockStatement') {
    out.push(fn.body);
    return out;
  }
  forEachNode(fn.body, (n) => {
    if (isFunction(n)) return false;
    if (n.type === 'AwaitExpression') out.push(n.argument);
    else if (!fn.async && n.type === 'ReturnStatement' && n.argument) out.push(n.argument);
    return true;
  });
  return out;
}

const methodsCache = new WeakMap<Node, Map<string, FunctionNode>>();

/** The class's own instance methods and function-valued fields, by name. */
export function methodsOf(body: MemberOwner): Map<string, FunctionNode> {
  let methods = methodsCache.get(body);
  if (methods) return methods;
  methods = new Map();
  for (const member of membersOf(body)) {
    if (member.isStatic || !member.name || !member.fn) continue;
    methods.set(member.name, member.fn);
  }
  methodsCache.set(body, methods);
  return methods;
}

/** A class member's name as `this.<name>` reaches it: `#x` for a private name, null for a computed key. */
export function memberKeyName(member: TSESTree.MethodDefinition | TSESTree.PropertyDefinition): string | null {
  const key = member.key;
  if (member.computed) return null;
  return key.type === 'PrivateIdentifier' ? '#' + key.name : key.type === 'Identifier' ? key.name : null;
}

/** The method `this.m` names in the enclosing class, when the class defines it. */
export function calledMethod(callee: Node): FunctionNode | null {
  if (callee.type !== 'MemberExpression' || unwrap(callee.object).type !== 'ThisExpression') return null;
  const klass = ownerOf(callee);
  const name = memberName(callee);
  return klass && name !== null ? (methodsOf(klass).get(name) ?? null) : null;
}

/**
 * Every call of a private instance method (`#m()`, `private m()`) in its class: only the class can call it.
 * Null for any other method, or when the class uses the name other than to call it (`this.m.bind(this)`,
 * handed on): then someone else may call it.
 */
export function privateMethodCalls(method: TSESTree.MethodDefinition): TSESTree.CallExpression[] | null {
  const name = memberKeyName(method);
  if (name === null || !declaredPrivate(method) || method.static || method.kind !== 'method' || method.parent.type !== 'ClassBody') return null;
  return thisMemberUses(method.parent).get(name) ?? [];
}

/**
 * `private m()`, `#m()`, or a method its JSDoc comment marks `@private`: JavaScript's way to say it, which
 * TypeScript's checkJs enforces too (webpack-dev-server's `setupMiddlewares`).
 */
export function declaredPrivate(member: TSESTree.MethodDefinition | TSESTree.PropertyDefinition): boolean {
  if (member.key.type === 'PrivateIdentifier' || member.accessibility === 'private') return true;
  const doc = docComment(member);
  return doc !== null && /@private\b/.test(doc);
}

/** The `/** … *\/` comment right before a class member, after the member before it. */
function docComment(member: TSESTree.MethodDefinition | TSESTree.PropertyDefinition): string | null {
  const program = programOf(member);
  // Asked of every method whose privacy matters: most files mark none `@private`, and are answered at once.
  if (!program || member.parent.type !== 'ClassBody' || !marksPrivate(program)) return null;
  const comments = program.comments!;
  const siblings = member.parent.body;
  const index = siblings.indexOf(member);
  const after = index > 0 ? siblings[index - 1]!.range[1] : member.parent.range[0];
  // The last comment that ends before the member: comments come in source order.
  let lo = 0;
  let hi = comments.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (comments[mid]!.range[1] <= member.range[0]) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const comment = found >= 0 ? comments[found]! : null;
  return comment && comment.type === 'Block' && comment.range[0] >= after && comment.value.startsWith('*') ? comment.value : null;
}

const marksPrivateMemo = new WeakMap<TSESTree.Program, boolean>();

function marksPrivate(program: TSESTree.Program): boolean {
  let answer = marksPrivateMemo.get(program);
  if (answer === undefined) marksPrivateMemo.set(program, (answer = program.comments?.some((c) => c.value.includes('@private')) ?? false));
  return answer;
}

const thisUsesCache = new WeakMap<TSESTree.ClassBody, Map<string, TSESTree.CallExpression[] | null>>();

/**
 * For each name the class reaches as `this.<name>`: the calls it makes of it, or null when it also uses it other
 * than to call it. One walk of the class for all its methods (a 9,000-line client has hundreds).
 */
export function thisMemberUses(body: TSESTree.ClassBody): Map<string, TSESTree.CallExpression[] | null> {
  let uses = thisUsesCache.get(body);
  if (uses) return uses;
  const found = new Map<string, TSESTree.CallExpression[] | null>();
  const members = [...classWalk(body).thisMembers.values()].flat().sort((a, b) => a.range[0] - b.range[0]);
  for (const n of members) {
    const name = memberName(n);
    if (name === null) continue;
    const calls = found.get(name);
    if (calls === null) continue;
    if (n.parent?.type === 'CallExpression' && n.parent.callee === n) {
      if (calls) calls.push(n.parent);
      else found.set(name, [n.parent]);
    } else {
      found.set(name, null);
    }
  }
  uses = found;
  thisUsesCache.set(body, uses);
  return uses;
}

/** A write of a `this` field that a method makes, as its callers see it. */
export interface HelperWrite {
  path: string;
  kind: 'assign' | 'collection';
  /** Made after the method's first await: its caller sees it only once the awaited call settles. */
  afterYield: boolean;
  /** The write itself, in the method (or in a method it calls). */
  node: Node;
}

/** What each method of one class writes, worked out for a method when a caller first asks (most never are). */
export class MemberWrites {
  private readonly methods: Map<string, FunctionNode>;
  private readonly direct = new Map<string, { writes: HelperWrite[]; calls: { name: string; afterYield: boolean }[] } | null>();
  private readonly resolved = new Map<string, HelperWrite[]>();

  constructor(
    body: MemberOwner,
    private readonly isShared: (fn: FunctionNode) => boolean,
  ) {
    this.methods = methodsOf(body);
  }

  /** The `this` fields method `name` writes, directly or through `this.m()` calls; empty for an unknown method. */
  get(name: string): HelperWrite[] {
    return this.resolve(name, new Set());
  }

  private resolve(name: string, seen: Set<string>): HelperWrite[] {
    const known = this.resolved.get(name);
    if (known) return known;
    const own = this.directOf(name);
    if (!own || seen.has(name)) return [];
    seen.add(name);
    const all = [...own.writes];
    for (const call of own.calls) {
      for (const w of this.resolve(call.name, seen)) all.push(call.afterYield && !w.afterYield ? { ...w, afterYield: true } : w);
    }
    seen.delete(name);
    // Only a complete answer is kept: one cut short by a cycle would miss writes for its other callers.
    if (seen.size === 0) this.resolved.set(name, all);
    return all;
  }

  private directOf(name: string): { writes: HelperWrite[]; calls: { name: string; afterYield: boolean }[] } | null {
    if (this.direct.has(name)) return this.direct.get(name)!;
    const fn = this.methods.get(name);
    const found = fn && !this.isShared(fn) ? directWrites(fn, this.methods) : null;
    this.direct.set(name, found);
    return found;
  }
}

function directWrites(fn: FunctionNode, methods: ReadonlyMap<string, FunctionNode>): { writes: HelperWrite[]; calls: { name: string; afterYield: boolean }[] } {
  const firstAwait = firstAwaitOffset(fn);
  const checkedEarly = testedBefore(fn, firstAwait);
  // `requestToken() { if (this.requesting) return; this.requesting = true; await post(); this.token = … }`: the
  // method claims a flag it tests before it first yields, so a second call returns at its own check; what it
  // writes later is no act on its caller's check.
  if (checkedEarly.size > 0 && latchesBefore(fn, firstAwait, checkedEarly)) return { writes: [], calls: [] };
  const writes: HelperWrite[] = [];
  const calls: { name: string; afterYield: boolean }[] = [];
  forEachNode(fn.body, (n) => {
    if (n !== fn.body && isFunction(n)) return false;
    const afterYield = n.range[0] > firstAwait;
    const record = (target: Node, kind: HelperWrite['kind']): void => {
      const path = target.type === 'MemberExpression' ? writePath(target) : null;
      if (path && ![...checkedEarly].some((t) => pathsOverlap(t, path))) writes.push({ path, kind, afterYield, node: n });
    };
    if (n.type === 'AssignmentExpression') record(unwrap(n.left), 'assign');
    else if (n.type === 'UpdateExpression') record(unwrap(n.argument), 'assign');
    else if (n.type === 'CallExpression') {
      const callee = unwrap(n.callee);
      if (callee.type === 'MemberExpression') {
        const object = unwrap(callee.object);
        const method = memberName(callee);
        if (object.type === 'ThisExpression' && method !== null && methods.has(method)) calls.push({ name: method, afterYield });
        else if (method !== null && COLLECTION_WRITES.has(method) && object.type === 'MemberExpression') record(object, 'collection');
      }
    }
    return true;
  });
  return { writes, calls };
}

const writesCache = new WeakMap<Node, MemberWrites>();

/**
 * For each instance method of a class, the `this` fields it writes (directly, or through `this.m()` calls of
 * the class), and whether after its first await. A write of a field the method itself tests before its first
 * await is left out: the method re-checks, so the caller's check is not what its act rests on (and the method's
 * own analysis reports it when that re-check races). So is everything a method writes whose promise it keeps
 * for its callers to share (`isShared`): the work runs once, whoever calls.
 */
export function memberWrites(body: MemberOwner, isShared: (fn: FunctionNode) => boolean): MemberWrites {
  let summary = writesCache.get(body);
  if (!summary) writesCache.set(body, (summary = new MemberWrites(body, isShared)));
  return summary;
}

/** `this.a.b` for a written `this.a.b` (a computed part ends it: `this.calls[id]` writes `this.calls`). */
function writePath(target: TSESTree.MemberExpression): string | null {
  const parts: string[] = [];
  let n: Node = target;
  while (n.type === 'MemberExpression') {
    const name = n.computed ? null : memberName(n);
    if (name === null) parts.length = 0;
    else parts.unshift(name);
    n = unwrap(n.object);
  }
  return n.type === 'ThisExpression' && parts.length > 0 ? 'this.' + parts.join('.') : null;
}

function firstAwaitOffset(fn: FunctionNode): number {
  let first = Number.POSITIVE_INFINITY;
  forEachNode(fn.body, (n) => {
    if (n !== fn.body && isFunction(n)) return false;
    if (n.type === 'AwaitExpression' && n.range[0] < first) first = n.range[0];
    return true;
  });
  return first;
}

/** The `this` fields a method tests in a condition before `limit` (its first await). */
function testedBefore(fn: FunctionNode, limit: number): Set<string> {
  const tested = new Set<string>();
  forEachNode(fn.body, (n) => {
    if (n !== fn.body && isFunction(n)) return false;
    if (n.range[0] > limit) return false;
    const test = n.type === 'IfStatement' || n.type === 'ConditionalExpression' ? n.test : n.type === 'LogicalExpression' ? n.left : null;
    if (test) {
      forEachNode(test, (t) => {
        if (t.type === 'MemberExpression' && unwrap(t.object).type === 'ThisExpression') {
          const path = readPath(t);
          if (path) tested.add(path);
        }
        return true;
      });
    }
    return true;
  });
  return tested;
}

/** Does the method set a field it tested, to a truthy constant, before its first await? */
function latchesBefore(fn: FunctionNode, limit: number, tested: ReadonlySet<string>): boolean {
  let found = false;
  forEachNode(fn.body, (n) => {
    if (found || (n !== fn.body && isFunction(n)) || n.range[0] > limit) return false;
    if (n.type === 'AssignmentExpression' && n.operator === '=') {
      const target = unwrap(n.left);
      const value = unwrap(n.right);
      const path = target.type === 'MemberExpression' ? writePath(target) : null;
      if (path !== null && tested.has(path) && value.type === 'Literal' && Boolean(value.value)) found = true;
    }
    return !found;
  });
  return found;
}
