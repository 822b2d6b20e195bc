import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { containsAwait, forEachNode, isFunction, memberName, unwrap, type Node } from './ast.js';
import type { FunctionNode } from './scope.js';
import { baseBodyOf, inLibrary, mentionedElsewhere } from './callees.js';
import { programOf } from './modules.js';
import { classOf, declaredPrivate, memberKeyName, methodsOf } from './summaries.js';

/*
 * How an object's life ends: the methods of a class that tear it down (`stop`, `close`, `leave`, `dispose`, or
 * any method that marks the object as ended) and what each one resets. An operation suspended at an await while
 * one of them runs comes back to an object that is already torn down; the teardown-race rule asks what it does then.
 */

/** A method that ends the object's life, and the fields it ends it through. */
export interface Teardown {
  name: string;
  method: FunctionNode;
  /**
   * `teardown` ends the object's life (`stop`, `close`, a method that sets `closed`); `reset` starts it over
   * (`reset()`, `invalidateSession()`): it forgets what the object loaded so that the next call loads it afresh.
   */
  kind: 'teardown' | 'reset';
  /**
   * `this.feeds` -> where it is emptied, closed, cleared or set to nothing (what a later write would bring back),
   * and how (see `ResetKind`).
   */
  resets: ReadonlyMap<string, Reset>;
  /** Every `this` field it assigns: a flag or counter an operation can look at again to see the teardown happened. */
  writes: ReadonlySet<string>;
  /** `this.state` -> where it is set to a value that says the object is over (`'left'`, `closed = true`). */
  ends: ReadonlyMap<string, { node: Node; value: TSESTree.Expression }>;
  /**
   * It refuses to run in some phases of the object's life: `if (this.phase !== 'started') throw …`. An operation
   * that moves the object into such a phase (`'starting'`) cannot be overlapped by it.
   */
  refuses: boolean;
  /** The fields whose promise it awaits (`await this.connecting`): an operation that keeps its promise there is waited for. */
  awaits: ReadonlySet<string>;
}

/**
 * How a teardown resets a field: `forgets` (set to nothing, deleted), `empties` (a collection cleared), `disposes`
 * (what it holds is closed or stopped, a timer cleared), `disposesEach` (each element is). After `disposes` or
 * `disposesEach`, what an operation stores there again is a resource nothing will release.
 */
export type ResetKind = 'forgets' | 'empties' | 'disposes' | 'disposesEach' | 'clearsTimer';

export interface Reset {
  /** The first place it is released, else the first it is reset. */
  node: Node;
  kinds: ReadonlySet<ResetKind>;
}

/** Method names that end an object's life: `stop`, `closeAll`, `disposeAsync`, `leaveCall`, `_teardown`. */
const TEARDOWN_VERB =
  /^(stop|close|dispose|destroy|disconnect|leave|shutdown|shutDown|terminate|teardown|tearDown|unmount|detach|kill|quit|abort|unsubscribe|unload|hangup|hangUp|end|exit|deactivate|cleanup|cleanUp)($|[A-Z_0-9])/;

/** Method names that start an object over: `reset`, `resetSession`, `invalidate`, `_invalidateCache`. */
const RESET_VERB = /^(reset|invalidate)($|[A-Z_0-9])/;

/**
 * Lifecycle hooks a framework calls when it tears a component down: React's class components, custom elements,
 * Angular, Lit, Stencil.
 */
const TEARDOWN_HOOKS = new Set(['componentWillUnmount', 'disconnectedCallback', 'ngOnDestroy', 'onDestroy', 'onDispose', 'onUnmount', 'willDestroy', 'beforeDestroy', 'beforeUnmount']);

/** Fields whose `true` says the object is over. */
const ENDED_FLAG = /^[#_]?(is|has|_)?(closed|closing|disposed|destroyed|stopped|stopping|terminated|ended|shutdown|shutDown|shuttingDown|left|leaving|aborted|cancell?ed|dead|killed|disconnected|unmounted)$/i;
/** Fields whose `false` says the object is over. */
const LIVE_FLAG = /^[#_]?(is|_)?(running|active|started|connected|alive|open|opened|listening|polling|mounted|joined|initiali[sz]ed|ready)$/i;
/**
 * Live flags that a method other than a teardown also turns off to start over (`reset()`, `reload()`): turning
 * one off ends the object's life only in a method named for a teardown.
 */
const SETUP_FLAG = /^[#_]?(is|_)?(initiali[sz]ed|ready)$/i;
/** Fields that hold a lifecycle state. */
const STATE_FIELD = /^(_|#)?(state|status|phase|lifecycle|connectionState|readyState|lifecycleState)$/i;
/** Values of a state field that say the object is over: `'left'`, `State.Disconnected`, `'closing'`. */
const ENDED_STATE = /(closed|closing|disposed|destroyed|stopped|stopping|terminated|ended|shutdown|shutting|left|leaving|aborted|cancell?ed|dead|disconnected|disconnecting|unmounted|inactive|offline)/i;

/** Methods that end the life of the object a field holds: `this.socket.close()`, `this.poller?.stop()`. */
export const DISPOSING_CALLS = new Set([
  'close', 'stop', 'destroy', 'dispose', 'disconnect', 'end', 'terminate', 'abort', 'cancel', 'unsubscribe', 'removeAllListeners', 'kill', 'release', 'unref', 'off',
]);
/** Calls that undo what their argument set up: `removeTrack(this.sender)`, `unregister(this.id)`. */
const UNDOING_CALL = /^(remove|delete|close|stop|cancel|clear|destroy|dispose|release|unregister|unsubscribe|off|detach|revoke|unlisten|unwatch)([A-Z_]|$)/;
const TIMER_CLEARS = new Set(['clearInterval', 'clearTimeout', 'clearImmediate', 'cancelAnimationFrame', 'cancelIdleCallback']);

const cache = new WeakMap<TSESTree.ClassBody, Teardown[]>();

/** The teardown methods of a class, with what each resets (through the private helpers it calls, too). */
export function teardownsOf(body: TSESTree.ClassBody): Teardown[] {
  let found = cache.get(body);
  if (!found) cache.set(body, (found = findTeardowns(body)));
  return found;
}

/**
 * The methods an instance of the class has: its own, then those its base classes define and it does not override
 * (`stop()` inherited from a `Track` in another module), each with the methods its own `this.m()` calls reach.
 */
function withInherited(body: TSESTree.ClassBody): Map<string, { method: FunctionNode; methods: ReadonlyMap<string, FunctionNode> }> {
  const out = new Map<string, { method: FunctionNode; methods: ReadonlyMap<string, FunctionNode> }>();
  let klass: TSESTree.ClassBody | null = body;
  for (let depth = 0; klass && depth < MAX_BASES; depth++) {
    const methods = methodsOf(klass);
    for (const [name, method] of methods) if (!out.has(name)) out.set(name, { method, methods });
    klass = baseBodyOf(klass);
  }
  return out;
}

/** How far up a chain of base classes teardowns are looked for. */
const MAX_BASES = 4;

function findTeardowns(body: TSESTree.ClassBody): Teardown[] {
  const out: Teardown[] = [];
  for (const [name, { method, methods }] of withInherited(body)) {
    if (name === 'constructor' || method.parent?.type !== 'MethodDefinition' && method.parent?.type !== 'PropertyDefinition') continue;
    if (method.parent.type === 'MethodDefinition' && method.parent.kind !== 'method') continue;
    const kind = isTeardownName(name) && !actsOnSomething(TEARDOWN_VERB, name, method) ? 'teardown' : isResetName(name) && !actsOnSomething(RESET_VERB, name, method) ? 'reset' : null;
    const named = kind !== null;
    const found: Found = { resets: new Map(), refills: new Set(), ends: new Map(), writes: new Set(), awaits: new Set() };
    // A method named for a teardown does it through its helpers too (`close() { this.cleanup(); }`); any other
    // method is one only by what it does itself (`onError() { this.closed = true; … }`), not by a teardown it
    // may call on some path (`placeCall()` hangs up when it fails).
    collect(method, named ? methods : new Map(), kind, found, new Set([method]));
    if (!named && ![...found.ends.keys()].some((path) => !SETUP_FLAG.test(path.split('.').pop() ?? ''))) continue;
    if (kind === 'reset') {
      // A reset that puts a new value in place (`resetTimer()` clears the timer and sets another) restarts what
      // the field holds rather than forgetting it; and one nothing calls cannot run during anything.
      for (const path of found.refills) found.resets.delete(path);
      if (!calledSomewhere(method, name)) continue;
    }
    if (found.resets.size === 0 && found.ends.size === 0) continue;
    out.push({ name, method, kind: kind ?? 'teardown', resets: found.resets, ends: found.ends, writes: found.writes, awaits: found.awaits, refuses: refuses(method) });
  }
  return out;
}

interface Found {
  resets: Map<string, { node: Node; kinds: Set<ResetKind> }>;
  /** Fields it stores something into (`this.timer = setTimeout(…)` after clearing the old one). */
  refills: Set<string>;
  ends: Map<string, { node: Node; value: TSESTree.Expression }>;
  writes: Set<string>;
  awaits: Set<string>;
}

/** What `fn` resets and ends, following `this.m()` calls into the class's other `methods`. */
function collect(fn: FunctionNode, methods: ReadonlyMap<string, FunctionNode>, named: Teardown['kind'] | null, found: Found, seen: Set<FunctionNode>): void {
  const reset = (path: string, node: Node, kind: ResetKind): void => {
    const known = found.resets.get(path);
    if (!known) found.resets.set(path, { node, kinds: new Set([kind]) });
    else {
      if (kind !== 'forgets' && kind !== 'empties' && [...known.kinds].every((k) => k === 'forgets' || k === 'empties')) known.node = node;
      known.kinds.add(kind);
    }
  };
  forEachNode(fn.body, (n) => {
    // In a method named for a teardown, all of its code tears down, its callbacks too (`.finally(() =>
    // clearTimeout(this.timer))` in the async body of `close()`); elsewhere, and in a reset (whose timer restarts
    // the object's work later: `setTimeout(() => this.flush(), ms)`), a callback run now is part of the method
    // (`this.feeds.forEach((f) => f.stop())`) and a deferred one is not.
    if (isFunction(n)) return named === 'teardown' || (n.parent?.type === 'CallExpression' && memberCallName(n.parent) === 'forEach');
    if (n.type === 'AwaitExpression') {
      const path = awaitedField(n.argument);
      if (path !== null) found.awaits.add(path);
      // `await this.ensureInitialized()`, which awaits `this.initPromise`: the teardown waits for setup to end.
      const arg = unwrap(n.argument);
      const callee = arg.type === 'CallExpression' ? unwrap(arg.callee) : null;
      const helper = callee?.type === 'MemberExpression' && unwrap(callee.object).type === 'ThisExpression' ? methods.get(memberName(callee) ?? '') : undefined;
      if (helper) {
        forEachNode(helper.body, (m) => {
          if (isFunction(m)) return false;
          if (m.type === 'AwaitExpression') {
            const waited = awaitedField(m.argument);
            if (waited !== null) found.awaits.add(waited);
          }
          return true;
        });
      }
    }
    // `this.generation++`, `this.epoch += 1`: a counter the operations can compare against.
    const counted = n.type === 'UpdateExpression' ? unwrap(n.argument) : n.type === 'AssignmentExpression' && n.operator !== '=' ? unwrap(n.left) : null;
    if (counted?.type === 'MemberExpression') {
      const path = thisPath(counted);
      if (path !== null) found.writes.add(path);
      return true;
    }
    if (n.type === 'AssignmentExpression' && n.operator === '=' && n.left.type === 'MemberExpression') {
      const path = thisPath(n.left);
      if (path === null) return true;
      found.writes.add(path);
      const value = unwrap(n.right) as TSESTree.Expression;
      if (isNothing(value)) reset(path, n, unwrap(value).type === 'ArrayExpression' || unwrap(value).type === 'NewExpression' ? 'empties' : 'forgets');
      // `this.disposables.dispose(); this.disposables = new DisposableCollection()`: the old one disposed of and a
      // fresh, empty one put in its place.
      else if (value.type === 'NewExpression' && value.arguments.length === 0 && found.resets.get(path)?.kinds.has('disposes')) reset(path, n, 'empties');
      else if (memberName(n.left) === 'length' && isZeroLiteral(value)) reset(path.replace(/\.length$/, ''), n, 'empties');
      else found.refills.add(path);
      if (endsLife(n.left, value)) found.ends.set(path, { node: n, value });
      return true;
    }
    if (n.type === 'UnaryExpression' && n.operator === 'delete' && n.argument.type === 'MemberExpression') {
      const path = thisPath(n.argument);
      if (path !== null) reset(path, n, 'forgets');
      return true;
    }
    if (n.type === 'CallExpression') {
      const callee = unwrap(n.callee);
      // `return Promise.resolve(this.connecting).then(() => { … })`: the teardown's callbacks wait for the field's
      // promise, as `await this.connecting` would.
      const chained = callee.type === 'MemberExpression' && memberName(callee) === 'then' ? awaitedField(callee.object) : null;
      if (chained !== null) found.awaits.add(chained);
      // clearInterval(this.timer)
      if (callee.type === 'Identifier' && TIMER_CLEARS.has(callee.name) && n.arguments[0]) {
        const arg = unwrap(n.arguments[0]);
        const path = arg.type === 'MemberExpression' ? thisPath(arg) : null;
        if (path !== null) reset(path, n, 'clearsTimer');
      }
      // this.pc.removeTrack(this.sender), unsubscribe(this.subscription): what the field holds is undone.
      const undoing = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? memberName(callee) : null;
      if (undoing !== null && UNDOING_CALL.test(undoing)) {
        for (const a of n.arguments) {
          const arg = unwrap(a);
          const path = arg.type === 'MemberExpression' ? thisPath(arg) : null;
          if (path !== null) reset(path, n, 'disposes');
        }
      }
      if (callee.type === 'MemberExpression') {
        const name = memberName(callee);
        const object = unwrap(callee.object);
        const path = object.type === 'MemberExpression' ? thisPath(object) : null;
        // this.socket.close(), this.feeds.clear(), this.feeds.splice(0), this.tracks.forEach((t) => t.stop())
        if (path !== null && name !== null) {
          if (DISPOSING_CALLS.has(name)) reset(path, n, 'disposes');
          else if (name === 'forEach' && disposesEach(n)) reset(path, n, 'disposesEach');
          else if (name === 'clear' || (name === 'splice' && n.arguments.length === 1)) reset(path, n, 'empties');
        }
        // this.cleanup(): a helper of the class does part of the teardown.
        if (object.type === 'ThisExpression' && name !== null) {
          const helper = methods.get(name);
          if (helper && !seen.has(helper)) {
            seen.add(helper);
            collect(helper, methods, named, found, seen);
          }
        }
        // super.stop(): the base class's teardown is part of this one.
        if (named !== null && object.type === 'Super' && name !== null) {
          const own = classOf(fn);
          const base = own ? baseBodyOf(own) : null;
          const inherited = base ? methodsOf(base).get(name) : undefined;
          if (base && inherited && !seen.has(inherited)) {
            seen.add(inherited);
            collect(inherited, methodsOf(base), named, found, seen);
          }
        }
      }
    }
    // `while (this.#working) await delay(10)`: the teardown waits until the flag the operation holds is down.
    if ((n.type === 'WhileStatement' || n.type === 'DoWhileStatement') && containsAwait(n.body)) {
      const flag = unwrap(n.test);
      const path = flag.type === 'MemberExpression' ? thisPath(flag) : null;
      if (path !== null) found.awaits.add(path);
    }
    if (n.type === 'ForOfStatement') {
      const right = unwrap(n.right);
      const path = right.type === 'MemberExpression' ? thisPath(right) : null;
      if (path !== null && callsDisposing(n.body)) reset(path, n, 'disposesEach');
    }
    return true;
  });
}

/** `if (this.state !== State.Running) throw new Error('not running')` among the method's own statements. */
function refuses(fn: FunctionNode): boolean {
  if (fn.body.type !== 'BlockStatement') return false;
  return fn.body.body.some((stmt) => {
    if (stmt.type !== 'IfStatement') return false;
    const throws = (b: Node | null | undefined): boolean => !!b && (b.type === 'ThrowStatement' || (b.type === 'BlockStatement' && b.body.some((x) => x.type === 'ThrowStatement')));
    if (!throws(stmt.consequent) && !throws(stmt.alternate)) return false;
    let lifecycle = false;
    forEachNode(stmt.test, (n) => {
      if (n.type === 'MemberExpression' && unwrap(n.object).type === 'ThisExpression' && isLifecycleField(memberName(n) ?? '')) lifecycle = true;
      return !lifecycle;
    });
    return lifecycle;
  });
}

/**
 * The field whose promise an await waits for: `await this.connecting`, `await this.connecting?.catch(() => {})`,
 * `await Promise.resolve(this.connecting)`.
 */
function awaitedField(arg: Node): string | null {
  let e = unwrap(arg);
  while (e.type === 'CallExpression') {
    const callee = unwrap(e.callee);
    if (callee.type !== 'MemberExpression') return null;
    const name = memberName(callee);
    const object = unwrap(callee.object);
    if (name === 'resolve' && object.type === 'Identifier' && object.name === 'Promise' && e.arguments.length === 1) e = unwrap(e.arguments[0]!);
    else if (name === 'then' || name === 'catch' || name === 'finally') e = object;
    else return null;
  }
  return e.type === 'MemberExpression' ? thisPath(e) : null;
}

/** `this.a.b` for a member chain on `this` with names only; null otherwise. */
export function thisPath(node: TSESTree.MemberExpression): string | null {
  const parts: string[] = [];
  let cur: Node = node;
  while (cur.type === 'MemberExpression') {
    if (cur.computed) return null;
    const name = memberName(cur);
    if (name === null) return null;
    parts.unshift(name);
    cur = unwrap(cur.object);
  }
  return cur.type === 'ThisExpression' ? ['this', ...parts].join('.') : null;
}

function memberCallName(call: TSESTree.CallExpression): string | null {
  const callee = unwrap(call.callee);
  return callee.type === 'MemberExpression' ? memberName(callee) : null;
}

/** `xs.forEach((x) => x.stop())`: each element is disposed of. */
function disposesEach(call: TSESTree.CallExpression): boolean {
  const cb = call.arguments[0] ? unwrap(call.arguments[0]) : null;
  return cb !== null && isFunction(cb) && callsDisposing(cb.body);
}

function callsDisposing(root: Node): boolean {
  let found = false;
  forEachNode(root, (n) => {
    if (found || isFunction(n)) return false;
    if (n.type === 'CallExpression') {
      const name = memberCallName(n);
      if (name !== null && DISPOSING_CALLS.has(name)) found = true;
    }
    return !found;
  });
  return found;
}

/** `null`, `undefined`, `void 0`, `[]`, `{}`, `new Map()`: the field holds nothing any more. */
export function isNothing(value: Node): boolean {
  const v = unwrap(value);
  if (v.type === 'Literal') return v.value === null;
  if (v.type === 'Identifier') return v.name === 'undefined';
  if (v.type === 'UnaryExpression') return v.operator === 'void';
  if (v.type === 'ArrayExpression') return v.elements.length === 0;
  if (v.type === 'ObjectExpression') return v.properties.length === 0;
  if (v.type === 'NewExpression') return v.arguments.length === 0 && isCollectionClass(v.callee);
  return false;
}

/** `Map`, `Set`, `Array` and their weak kin: what `new` makes a plain collection of. */
export function isCollectionClass(callee: Node): boolean {
  return callee.type === 'Identifier' && COLLECTION_CLASSES.has(callee.name);
}

const COLLECTION_CLASSES: ReadonlySet<string> = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Array']);

function isZeroLiteral(v: Node): boolean {
  return v.type === 'Literal' && v.value === 0;
}

/** `this.closed = true`, `this.running = false`, `this.state = 'left'`, `this.status = Status.Disconnected`. */
function endsLife(target: TSESTree.MemberExpression, value: Node): boolean {
  const field = memberName(target);
  if (field === null) return false;
  if (value.type === 'Literal' && value.value === true) return ENDED_FLAG.test(field);
  if (value.type === 'Literal' && value.value === false) return LIVE_FLAG.test(field);
  if (!STATE_FIELD.test(field)) return false;
  const text = stateValueName(value);
  return text !== null && ENDED_STATE.test(text);
}

/** The name a state value goes by: `'left'`, `State.Left`, `ConnectionState.DISCONNECTED`. */
export function stateValueName(value: Node): string | null {
  const v = unwrap(value);
  if (v.type === 'Literal' && typeof v.value === 'string') return v.value;
  if (v.type === 'MemberExpression' && !v.computed) return memberName(v);
  return null;
}

/**
 * Values of a state field that say the object is alive: `'joined'`, `State.Connected`, `'starting'`. Not any
 * other value: `'invalid'` or `'error'` after a failed start says nothing of the kind.
 */
const LIVE_STATE = /(open|connect|join|start|run|activ|ready|ring|enter|online|listen|initiali[sz]ed|live|subscrib|play|record|stream|sync)/i;

/** Whether a value written to `field` says the object is alive again (`this.state = 'joined'`, `this.running = true`). */
export function revives(field: string, value: Node): boolean {
  const v = unwrap(value);
  if (v.type === 'Literal' && v.value === true) return LIVE_FLAG.test(field);
  if (v.type === 'Literal' && v.value === false) return ENDED_FLAG.test(field);
  if (!STATE_FIELD.test(field)) return false;
  const name = stateValueName(v);
  return name !== null && !ENDED_STATE.test(name) && LIVE_STATE.test(name);
}

/** The class member a function is (`async join() {…}` or `join = async () => {…}`), with its name. */
export function classMemberOf(fn: FunctionNode): { body: TSESTree.ClassBody; name: string; member: TSESTree.MethodDefinition | TSESTree.PropertyDefinition } | null {
  const member = fn.parent;
  if (!member || (member.type !== 'MethodDefinition' && member.type !== 'PropertyDefinition') || member.value !== fn || member.static) return null;
  if (member.type === 'MethodDefinition' && member.kind !== 'method') return null;
  const name = memberKeyName(member);
  const body = member.parent;
  return name !== null && body?.type === 'ClassBody' ? { body, name, member } : null;
}

/** A field whose name says it holds the object's lifecycle: `closed`, `isRunning`, `state`, `#status`. */
export function isLifecycleField(name: string): boolean {
  return ENDED_FLAG.test(name) || LIVE_FLAG.test(name) || STATE_FIELD.test(name);
}

/**
 * `closePositions(params)`, `stopOrder(id)`: the verb of a teardown, then what it acts on, which the caller must
 * name: an action on the object's business, not the end of its life. (`close(code)` and `stopPolling()` stay
 * teardowns.)
 */
function actsOnSomething(verbs: RegExp, name: string, method: FunctionNode): boolean {
  const bare = name.replace(/^[_#]+/, '');
  const verb = verbs.exec(bare)?.[1];
  return verb !== undefined && bare.length > verb.length && method.params.some((p) => p.type === 'Identifier' && !p.optional);
}

/**
 * Is method `name` called: through a member of that name elsewhere in its module, or named by another module of
 * the project? A library's public method is called by its users. (Without a project in sight, it may be.)
 */
function calledSomewhere(method: FunctionNode, name: string): boolean {
  const program = programOf(method);
  if (!program) return true;
  const member = method.parent;
  const isPrivate = member?.type === 'MethodDefinition' || member?.type === 'PropertyDefinition' ? declaredPrivate(member) : false;
  if (!isPrivate && inLibrary(program)) return true;
  let called = false;
  const bare = name.replace(/^#/, '');
  forEachNode(program, (n) => {
    if (called) return false;
    if (n.type === 'MemberExpression' && memberName(n) === name && n.parent?.type !== 'MethodDefinition') called = true;
    return !called;
  });
  return called || (!isPrivate && mentionedElsewhere(program, bare) !== false);
}

/** `reset()`, `invalidateCache()`: a method that starts the object over. */
export function isResetName(name: string): boolean {
  return RESET_VERB.test(name.replace(/^[_#]+/, ''));
}

export function isTeardownName(name: string): boolean {
  return TEARDOWN_HOOKS.has(name) || TEARDOWN_VERB.test(name.replace(/^[_#]+/, ''));
}
