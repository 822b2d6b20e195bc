import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeObject, classOf, forEachNode, isFunction, unwrap, WRITTEN_CALLS, type FileModel, type FunctionNode, type Node } from '../engine/index.js';

/*
 * A lock fix must not wrap a call to code that takes the same lock: the runtime's Lock is not reentrant, so
 * `transfer()` holding `balanceLock` while it awaits `this.deposit()`, which takes `balanceLock` too, waits for
 * itself forever. Nesting inside one function is heldRegions.ts's business; this is the same question across
 * calls, answered for the calls this file resolves: `f()` to a function of the file, `this.m()` to a method or
 * arrow field of the same class. A call it cannot resolve (another file, another object) is not followed, so
 * the answer is about this file's code.
 */

/** A function of this file, reached by a chain of calls; `sameThis` when every link kept the caller's `this`. */
interface Reached {
  fn: FunctionNode;
  sameThis: boolean;
}

/** A lock a fix of this file would take, and the function whose statements it would guard. */
export interface PlannedSection {
  fn: FunctionNode;
  lock: string;
}

const ACQUIRES = new Set([...WRITTEN_CALLS.acquire, ...WRITTEN_CALLS.run]);

export class LockReach {
  private readonly callees = new Map<FunctionNode, Reached[]>();
  private readonly byHolders = new Map<string, Map<FunctionNode, boolean>>();
  private readonly taken = new Map<FunctionNode, Set<string>>();
  /** Function -> the locks fixes of the file would take in it (computed once, on first use). */
  private plans: Map<FunctionNode, Set<string>> | undefined;
  private readonly classMethods = new Map<TSESTree.ClassBody, Map<string, FunctionNode>>();

  constructor(
    private readonly model: FileModel,
    private readonly text: string,
    /** The sections the file's other lock fixes would guard (computed once, on first use). */
    private readonly planned: () => PlannedSection[],
  ) {}

  /**
   * Would guarding `statements` of `fn` with `lock` deadlock? Yes when a call among them reaches code that takes
   * the lock (as written, or as another fix of this file would write it, or `fn` itself again), or when code
   * that already takes the lock calls into `fn`.
   */
  deadlocks(statements: readonly Node[], fn: FunctionNode, lock: string): boolean {
    const thisLock = lock.startsWith('this.');
    const seeds = statements.flatMap((s) => this.callsIn(s));
    for (const [reached, sameThis] of this.reach(seeds)) {
      if (thisLock && !sameThis) continue;
      if (reached === fn || this.takes(reached).has(lock) || this.plannedIn(reached, lock)) return true;
    }
    const fromHolders = this.reachedFromHolders(lock).get(fn);
    return fromHolders !== undefined && (!thisLock || fromHolders);
  }

  private plannedIn(fn: FunctionNode, lock: string): boolean {
    if (!this.plans) {
      this.plans = new Map();
      for (const p of this.planned()) {
        const locks = this.plans.get(p.fn) ?? new Set<string>();
        locks.add(p.lock);
        this.plans.set(p.fn, locks);
      }
    }
    return this.plans.get(fn)?.has(lock) === true;
  }

  /** Functions reached from the calls of the functions that take `lock` as written. */
  private reachedFromHolders(lock: string): Map<FunctionNode, boolean> {
    let known = this.byHolders.get(lock);
    // A lock a fix is about to declare is taken nowhere yet (some word of it is nowhere in the text): no need to
    // look at every function of the file.
    if (!known && !(lock.match(/[\w$#]+/g) ?? []).every((word) => this.text.includes(word))) this.byHolders.set(lock, (known = new Map()));
    if (!known) {
      const seeds = this.functions().filter((f) => this.takes(f).has(lock)).flatMap((f) => this.callsIn(f.body, f));
      known = this.reach(seeds);
      this.byHolders.set(lock, known);
    }
    return known;
  }

  /**
   * Every function reachable from `seeds` through resolved calls, with whether some chain to it kept `this`
   * all the way. A worklist, not recursion: a chain of thousands of calls must not exhaust the stack.
   */
  private reach(seeds: readonly Reached[]): Map<FunctionNode, boolean> {
    const out = new Map<FunctionNode, boolean>();
    const work = [...seeds];
    for (let r = work.pop(); r; r = work.pop()) {
      const seen = out.get(r.fn);
      if (seen === true || (seen === false && !r.sameThis)) continue;
      out.set(r.fn, r.sameThis);
      for (const next of this.callsIn(r.fn.body, r.fn)) work.push({ fn: next.fn, sameThis: r.sameThis && next.sameThis });
    }
    return out;
  }

  /** The functions that calls lexically inside `root` (the body of `fn`, when given) resolve to. */
  private callsIn(root: Node, fn?: FunctionNode): Reached[] {
    if (fn) {
      const known = this.callees.get(fn);
      if (known) return known;
    }
    const found: Reached[] = [];
    forEachNode(root, (n) => {
      if (n.type === 'CallExpression') {
        const target = this.resolve(n);
        if (target) found.push(target);
      }
      return true;
    });
    if (fn) this.callees.set(fn, found);
    return found;
  }

  private resolve(call: TSESTree.CallExpression): Reached | null {
    const callee = unwrap(call.callee);
    if (callee.type === 'Identifier') {
      const def = this.model.scope.variableOf(callee)?.defs[0];
      if (!def) return null;
      // By the kind of definition: a parameter's definition node is its function too, and calling a parameter
      // is calling whatever the caller passed, not that function.
      if (def.type === 'FunctionName' && def.node.type === 'FunctionDeclaration') return { fn: def.node, sameThis: false };
      if (def.type === 'Variable' && def.node.type === 'VariableDeclarator' && def.node.init) {
        const init = unwrap(def.node.init);
        // An arrow keeps the `this` of where it was written; a function has its own.
        if (isFunction(init)) return { fn: init, sameThis: init.type === 'ArrowFunctionExpression' };
      }
      return null;
    }
    const object = calleeObject(call);
    if (callee.type !== 'MemberExpression' || callee.computed || object?.type !== 'ThisExpression') return null;
    const cls = classOf(call);
    if (!cls) return null;
    const name = callee.property.type === 'PrivateIdentifier' ? `#${callee.property.name}` : callee.property.type === 'Identifier' ? callee.property.name : null;
    const fn = name === null ? undefined : this.methodsOf(cls).get(name);
    return fn ? { fn, sameThis: true } : null;
  }

  /** A class's instance methods and function-valued fields by name (`#name` for private ones), built once. */
  private methodsOf(cls: TSESTree.ClassBody): Map<string, FunctionNode> {
    let methods = this.classMethods.get(cls);
    if (methods) return methods;
    methods = new Map();
    for (const member of cls.body) {
      if ((member.type !== 'MethodDefinition' && member.type !== 'PropertyDefinition') || member.computed || member.static) continue;
      const key = member.key.type === 'PrivateIdentifier' ? `#${member.key.name}` : member.key.type === 'Identifier' ? member.key.name : null;
      const value = member.value && unwrap(member.value);
      // Overload signatures have no body (their value is no function): the implementation is what is kept.
      if (key !== null && value && isFunction(value) && !methods.has(key)) methods.set(key, value);
    }
    this.classMethods.set(cls, methods);
    return methods;
  }

  /** The locks `fn` takes as written: `L.acquire()`, `L.runExclusive(…)` and the like, anywhere in its body. */
  private takes(fn: FunctionNode): Set<string> {
    let locks = this.taken.get(fn);
    if (locks) return locks;
    locks = new Set();
    const found = locks;
    forEachNode(fn.body, (n) => {
      if (n.type !== 'CallExpression') return true;
      const callee = unwrap(n.callee);
      const object = calleeObject(n);
      if (object && callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' && ACQUIRES.has(callee.property.name)) {
        found.add(this.text.slice(object.range[0], object.range[1]).replace(/\s+/g, ''));
      }
      return true;
    });
    this.taken.set(fn, locks);
    return locks;
  }

  private all: FunctionNode[] | undefined;

  private functions(): FunctionNode[] {
    if (!this.all) {
      const list: FunctionNode[] = [];
      forEachNode(this.model.ast, (n) => {
        if (isFunction(n)) list.push(n);
        return true;
      });
      this.all = list;
    }
    return this.all;
  }
}
