import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Variable } from '@typescript-eslint/scope-manager';
import { calleeObject, containsAwait, isFunction, memberName, unwrap, type Node } from './ast.js';
import {
  COLLECTION_READS,
  COLLECTION_WRITES,
  identifierIsLocation,
  pathsOverlap,
  sharedPath,
  type PathContext,
} from './locations.js';
import { callbackLock, promiseAcquire, releaseCall, type LockTable } from './locks.js';
import { AwaitSet } from './awaitSet.js';
import type { FunctionNode, ScopeInfo } from './scope.js';
import { classOf, memberReads } from './summaries.js';

/*
 * Walks one async function in evaluation order with an abstract state:
 * which await points may have passed, which lock holds are in force, which
 * shared reads each local's value derives from, and which conditions on shared
 * state are still guarding the code. Writes to shared locations are checked
 * against that state as they happen, and candidates for the race rules are recorded.
 */

type Holds = ReadonlyMap<string, number>;

export interface ReadFact {
  path: string;
  node: Node;
  passed: AwaitSet;
  holds: Holds;
}

export interface AwaitPoint {
  id: number;
  node: Node;
}

export interface LostUpdate {
  path: string;
  write: Node;
  read: Node;
  await: Node;
}

export interface CheckThenAct {
  path: string;
  act: Node;
  check: Node;
  read: Node;
  await: Node;
  actKind: 'assign' | 'collection';
}

interface Check {
  node: Node;
  reads: ReadFact[];
  open: Set<string>;
}

interface State {
  passed: AwaitSet;
  holds: Holds;
  taint: Map<Variable, ReadFact[]>;
  aliases: Map<Variable, string>;
  /** Local variables bound to the release function or guard of an acquire: variable -> lock key. */
  releasers: Map<Variable, string>;
  checks: Check[];
  exited: boolean;
}

const EMPTY = AwaitSet.EMPTY;
/** Loops nested deeper than this are walked once (see `loop`). */
const MAX_REWALKED_LOOPS = 3;

/** `a` then the facts of `b` not in it: paths that meet again must not double what they carry. */
function unionFacts(a: ReadFact[], b: ReadFact[]): ReadFact[] {
  const seen = new Set(a);
  const out = [...a];
  for (const f of b) if (!seen.has(f)) out.push(f);
  return out;
}
const NO_DEPS: ReadFact[] = [];

export interface FlowResult {
  lostUpdates: LostUpdate[];
  checkThenActs: CheckThenAct[];
  /** Shared path -> keys of the locks held somewhere it is written (for a fix to reuse). */
  guardedBy: Map<string, Set<string>>;
}

export function analyzeFunction(fn: FunctionNode, scope: ScopeInfo, locks: LockTable, out: FlowResult): void {
  new FunctionWalker(fn, scope, locks, out).run();
}

class FunctionWalker implements PathContext {
  private readonly awaits: AwaitPoint[] = [];
  private st: State;
  private readonly seenLost = new Set<Node>();
  private readonly seenCta = new Set<Node>();
  /** Numbers each lock hold: a read and a write are in one critical section when they share a hold. */
  private holdIds = 0;

  constructor(
    public fn: FunctionNode,
    readonly scope: ScopeInfo,
    private readonly locks: LockTable,
    private readonly out: FlowResult,
  ) {
    const cb = callbackLock(fn, locks);
    this.st = {
      passed: EMPTY,
      holds: cb && cb.kind === 'mutex' ? this.hold(new Map(), cb.key) : new Map(),
      taint: new Map(),
      aliases: new Map(),
      releasers: new Map(),
      checks: [],
      exited: false,
    };
  }

  private classReadsCache: Map<string, string[]> | null | undefined;

  /** Fields read by the enclosing class's synchronous methods and getters. */
  private classReads(): Map<string, string[]> | null {
    if (this.classReadsCache === undefined) {
      const body = classOf(this.fn);
      this.classReadsCache = body ? memberReads(body) : null;
    }
    return this.classReadsCache;
  }

  aliasOf(variable: Variable): string | undefined {
    return this.st.aliases.get(variable);
  }

  run(): void {
    const body = this.fn.body;
    if (body.type === 'BlockStatement') this.block(body);
    else this.expr(body);
  }

  // ---- state helpers -------------------------------------------------------

  private clone(s: State = this.st): State {
    return {
      passed: s.passed,
      holds: s.holds,
      taint: new Map(s.taint),
      aliases: new Map(s.aliases),
      releasers: new Map(s.releasers),
      checks: [...s.checks],
      exited: s.exited,
    };
  }

  /** Joins the states of two paths that meet; an exited path contributes nothing. */
  private merge(a: State, b: State): State {
    if (a.exited && !b.exited) return b;
    if (b.exited && !a.exited) return a;
    const passed = a.passed.union(b.passed);
    const holds = new Map<string, number>();
    for (const [k, v] of a.holds) if (b.holds.get(k) === v) holds.set(k, v);
    const taint = new Map(a.taint);
    for (const [v, deps] of b.taint) {
      const prev = taint.get(v);
      taint.set(v, prev && prev !== deps ? unionFacts(prev, deps) : deps);
    }
    const aliases = new Map([...a.aliases].filter(([k, v]) => b.aliases.get(k) === v));
    const releasers = new Map([...a.releasers, ...b.releasers]);
    const checks = a.checks.filter((c) => b.checks.includes(c));
    return { passed, holds, taint, aliases, releasers, checks, exited: a.exited && b.exited };
  }

  private passAwait(node: Node): void {
    const id = this.awaits.length;
    this.awaits.push({ id, node });
    this.st.passed = this.st.passed.with(id);
  }

  /** The first await that may have happened after `before` and up to now. */
  private awaitSince(before: AwaitSet, now: AwaitSet = this.st.passed): AwaitPoint | null {
    const first = now.firstNotIn(before);
    return first === null ? null : this.awaits[first]!;
  }

  private commonHold(a: Holds, b: Holds): boolean {
    for (const [k, v] of a) if (b.get(k) === v) return true;
    return false;
  }

  private read(path: string, node: Node): ReadFact {
    return { path, node, passed: this.st.passed, holds: this.st.holds };
  }

  private pushCheck(reads: ReadFact[], node: Node): Check | null {
    if (reads.length === 0) return null;
    const open = new Set(reads.map((r) => r.path));
    // A newer check of the same state supersedes older ones (a re-check after an await).
    for (const older of this.st.checks) {
      for (const p of open) for (const q of [...older.open]) if (pathsOverlap(p, q)) older.open.delete(q);
    }
    const check: Check = { node, reads, open };
    this.st.checks = [...this.st.checks, check];
    return check;
  }

  private dropCheck(check: Check | null): void {
    if (check) this.st.checks = this.st.checks.filter((c) => c !== check);
  }

  // ---- writes ---------------------------------------------------------------

  private write(path: string, deps: ReadFact[], node: Node, actKind: 'assign' | 'collection'): void {
    for (const key of this.st.holds.keys()) {
      let keys = this.out.guardedBy.get(path);
      if (!keys) this.out.guardedBy.set(path, (keys = new Set()));
      keys.add(key);
    }
    let lost = false;
    for (const d of deps) {
      if (!pathsOverlap(d.path, path)) continue;
      const yielded = this.awaitSince(d.passed);
      if (!yielded || this.commonHold(d.holds, this.st.holds)) continue;
      if (!this.seenLost.has(node)) {
        this.seenLost.add(node);
        this.out.lostUpdates.push({ path, write: node, read: d.node, await: yielded.node });
      }
      lost = true;
      break;
    }
    for (let i = this.st.checks.length - 1; i >= 0; i--) {
      const check = this.st.checks[i]!;
      for (const r of check.reads) {
        if (!check.open.has(r.path) || !pathsOverlap(r.path, path)) continue;
        check.open.delete(r.path);
        const yielded = this.awaitSince(r.passed);
        if (!yielded || this.commonHold(r.holds, this.st.holds) || lost || this.sharedResult || this.seenCta.has(node)) continue;
        // One report per check: the first act it guarded is enough to explain the stampede.
        check.open.clear();
        this.seenCta.add(node);
        this.out.checkThenActs.push({
          path,
          act: node,
          check: check.node,
          read: r.node,
          await: yielded.node,
          actKind,
        });
      }
    }
  }

  /** Assigns to a pattern or reference; `deps` are the reads the assigned value derives from. */
  private assignTo(target: Node, deps: ReadFact[], node: Node): void {
    const t = unwrap(target);
    switch (t.type) {
      case 'Identifier': {
        if (identifierIsLocation(t, this)) {
          this.write(t.name, deps, node, 'assign');
          return;
        }
        const binding = this.scope.bindingOf(t, this.fn);
        if (binding.kind === 'local' || binding.kind === 'captured') {
          this.st.taint.set(binding.variable, deps);
          this.st.aliases.delete(binding.variable);
        }
        return;
      }
      case 'MemberExpression': {
        const path = sharedPath(t, this);
        if (path !== null && path !== 'this') this.write(path, deps, node, 'assign');
        return;
      }
      case 'ObjectPattern':
        for (const prop of t.properties) {
          if (prop.type === 'RestElement') this.assignTo(prop.argument, deps, node);
          else {
            if (prop.computed) this.expr(prop.key);
            this.assignTo(prop.value, deps, node);
          }
        }
        return;
      case 'ArrayPattern':
        for (const el of t.elements) if (el) this.assignTo(el, deps, node);
        return;
      case 'RestElement':
        this.assignTo(t.argument, deps, node);
        return;
      case 'AssignmentPattern': {
        const more = this.expr(t.right);
        this.assignTo(t.left, [...deps, ...more], node);
        return;
      }
      default:
        return;
    }
  }

  /** Evaluates a reference's sub-expressions (object, computed key) before the assignment reads or writes it. */
  private evalReferenceParts(target: Node): ReadFact[] {
    const t = unwrap(target);
    if (t.type !== 'MemberExpression') return NO_DEPS;
    const deps: ReadFact[] = [];
    if (sharedPath(t.object, this) === null) deps.push(...this.expr(t.object));
    if (t.computed) deps.push(...this.expr(t.property));
    return deps;
  }

  /** Reads the current value of a reference (for compound assignment and updates). */
  private readReference(target: Node): ReadFact[] {
    const t = unwrap(target);
    if (t.type === 'Identifier') {
      if (identifierIsLocation(t, this)) return [this.read(t.name, t)];
      const binding = this.scope.bindingOf(t, this.fn);
      if (binding.kind === 'local' || binding.kind === 'captured') return this.st.taint.get(binding.variable) ?? NO_DEPS;
      return NO_DEPS;
    }
    if (t.type === 'MemberExpression') {
      const path = sharedPath(t, this);
      return path !== null && path !== 'this' ? [this.read(path, t)] : NO_DEPS;
    }
    return NO_DEPS;
  }

  // ---- expressions -----------------------------------------------------------

  private exprs(nodes: readonly (Node | null)[]): ReadFact[] {
    const deps: ReadFact[] = [];
    for (const n of nodes) if (n) deps.push(...this.expr(n));
    return deps;
  }

  /** Evaluates an expression for its effects on the state; returns the shared reads its value derives from. */
  private expr(node: Node): ReadFact[] {
    switch (node.type) {
      case 'Identifier':
        return this.readReference(node);
      case 'MemberExpression': {
        const path = sharedPath(node, this);
        if (path !== null && path !== 'this') {
          if (node.computed) this.expr(node.property);
          const getter = node.object.type === 'ThisExpression' ? this.classReads()?.get(memberName(node) ?? '') : undefined;
          return [this.read(path, node), ...(getter ?? []).map((f) => this.read(f, node))];
        }
        const deps = this.expr(node.object);
        return node.computed ? [...deps, ...this.expr(node.property)] : deps;
      }
      case 'AwaitExpression':
        return this.awaitExpr(node);
      case 'AssignmentExpression':
        return this.assignment(node);
      case 'UpdateExpression': {
        this.evalReferenceParts(node.argument);
        const deps = this.readReference(node.argument);
        this.assignTo(node.argument, deps, node);
        return deps;
      }
      case 'LogicalExpression':
        return this.logical(node);
      case 'ConditionalExpression': {
        const test = this.expr(node.test);
        const check = this.pushCheck(test, node.test);
        const base = this.clone();
        const a = this.expr(node.consequent);
        const afterA = this.st;
        this.st = base;
        const b = this.expr(node.alternate);
        this.st = this.merge(afterA, this.st);
        this.dropCheck(check);
        return [...test, ...a, ...b];
      }
      case 'CallExpression':
        return this.call(node);
      case 'NewExpression':
        this.expr(node.callee);
        return this.exprs(node.arguments);
      case 'ChainExpression':
      case 'TSNonNullExpression':
      case 'TSAsExpression':
      case 'TSTypeAssertion':
      case 'TSSatisfiesExpression':
      case 'TSInstantiationExpression':
        return this.expr(node.expression);
      case 'ArrowFunctionExpression':
      case 'FunctionExpression':
      case 'ClassExpression':
      case 'ThisExpression':
      case 'Literal':
      case 'Super':
      case 'MetaProperty':
      case 'PrivateIdentifier':
        return NO_DEPS;
      case 'ImportExpression':
        return this.expr(node.source);
      case 'SequenceExpression': {
        let last: ReadFact[] = NO_DEPS;
        for (const e of node.expressions) last = this.expr(e);
        return last;
      }
      case 'ObjectExpression': {
        const deps: ReadFact[] = [];
        for (const p of node.properties) {
          if (p.type === 'SpreadElement') deps.push(...this.expr(p.argument));
          else {
            if (p.computed) this.expr(p.key);
            deps.push(...this.expr(p.value));
          }
        }
        return deps;
      }
      case 'ArrayExpression':
        return this.exprs(node.elements);
      case 'SpreadElement':
        return this.expr(node.argument);
      case 'TemplateLiteral':
        return this.exprs(node.expressions);
      case 'TaggedTemplateExpression':
        this.expr(node.tag);
        return this.exprs(node.quasi.expressions);
      case 'BinaryExpression':
        return [...this.expr(node.left), ...this.expr(node.right)];
      case 'UnaryExpression':
        return this.expr(node.argument);
      case 'YieldExpression':
        return node.argument ? this.expr(node.argument) : NO_DEPS;
      case 'AssignmentPattern':
        return this.expr(node.right);
      case 'JSXElement':
      case 'JSXFragment':
        this.jsx(node);
        return NO_DEPS;
      default:
        return NO_DEPS;
    }
  }

  private jsx(node: Node): void {
    if (node.type === 'JSXExpressionContainer') {
      if (node.expression.type !== 'JSXEmptyExpression') this.expr(node.expression);
      return;
    }
    if (node.type === 'JSXElement') {
      for (const attr of node.openingElement.attributes) {
        if (attr.type === 'JSXSpreadAttribute') this.expr(attr.argument);
        else if (attr.value) this.jsx(attr.value);
      }
      for (const c of node.children) this.jsx(c);
    } else if (node.type === 'JSXFragment') {
      for (const c of node.children) this.jsx(c);
    }
  }

  /**
   * The awaited value comes from the settled promise, not from what was passed to build it:
   * `this.cursor = (await fetchPage(this.cursor)).next` stores what the server said.
   */
  private awaitExpr(node: TSESTree.AwaitExpression): ReadFact[] {
    this.expr(node.argument);
    this.passAwait(node);
    const acquire = promiseAcquire(node.argument, this.locks);
    if (acquire && acquire.kind === 'mutex') {
      this.st.holds = this.hold(this.st.holds, acquire.key);
      this.pendingAcquireKey = acquire.key;
    }
    return NO_DEPS;
  }

  /**
   * Set while assigning `await <shared promise>`: every caller stores what the one shared operation
   * produced (`this.conn = await this.connecting`), so the act repeats no work.
   */
  private sharedResult = false;

  /** Set by an awaited acquire so a declaration can bind its release function or guard. */
  private pendingAcquireKey: string | null = null;

  /**
   * The holds after taking the lock `key`. Taking a lock that is already held opens no new section: the
   * outer hold still keeps other callers out (a non-reentrant lock would never grant it anyway), so the
   * acquire's own `await` is no window for state the outer hold guards.
   */
  private hold(holds: Holds, key: string): Holds {
    if (holds.has(key)) return holds;
    return new Map([...holds, [key, ++this.holdIds]]);
  }

  private release(key: string): void {
    if (!this.st.holds.has(key)) return;
    const holds = new Map(this.st.holds);
    holds.delete(key);
    this.st.holds = holds;
  }

  private assignment(node: TSESTree.AssignmentExpression): ReadFact[] {
    const op = node.operator;
    const refDeps = this.evalReferenceParts(node.left);
    if (op === '=') {
      const right = unwrap(node.right);
      if (right.type === 'LogicalExpression' && containsAwait(right.right)) {
        // `this.x = this.x ?? await load()` is `this.x ??= await load()` spelled out.
        const { deps, check } = this.logicalWithCheck(right);
        this.assignTo(node.left, deps, node);
        this.dropCheck(check);
        return deps;
      }
      const deps = this.expr(node.right);
      this.assignShared(node, deps);
      return deps;
    }
    const old = this.readReference(node.left);
    if (op === '??=' || op === '||=' || op === '&&=') {
      const check = this.pushCheck(old, node);
      const base = this.clone();
      const deps = this.expr(node.right);
      this.assignShared(node, deps);
      this.st = this.merge(base, this.st);
      this.dropCheck(check);
      return [...old, ...deps];
    }
    const deps = [...old, ...refDeps, ...this.expr(node.right)];
    this.assignTo(node.left, deps, node);
    return deps;
  }

  private assignShared(node: TSESTree.AssignmentExpression, deps: ReadFact[]): void {
    const right = unwrap(node.right);
    this.sharedResult = right.type === 'AwaitExpression' && sharedPath(right.argument, this) !== null;
    try {
      this.assignTo(node.left, deps, node);
    } finally {
      this.sharedResult = false;
    }
  }

  private logical(node: TSESTree.LogicalExpression): ReadFact[] {
    const { deps, check } = this.logicalWithCheck(node);
    this.dropCheck(check);
    return deps;
  }

  /** Evaluates `a ?? b` / `a || b` / `a && b`; the left side is a check guarding the right. */
  private logicalWithCheck(node: TSESTree.LogicalExpression): { deps: ReadFact[]; check: Check | null } {
    const left = this.expr(node.left);
    const rightYields = containsAwait(node.right);
    const check = this.pushCheck(left, node.left);
    const base = this.clone();
    const right = this.expr(node.right);
    const checks = this.st.checks;
    this.st = this.merge(base, this.st);
    this.st.checks = checks;
    // When the right side awaits, the left value is only produced on the path that never yielded.
    return { deps: rightYields ? right : [...left, ...right], check };
  }

  private call(node: TSESTree.CallExpression): ReadFact[] {
    const inlined = node.arguments.find((a) => isFunction(a) && callbackLock(a, this.locks) !== null);
    if (inlined) {
      const deps = this.exprs(node.arguments.filter((a) => a !== inlined));
      this.expr(node.callee);
      this.inlineCallback(inlined as FunctionNode, node);
      return deps;
    }
    const callee = unwrap(node.callee);
    if (callee.type === 'MemberExpression') {
      const method = memberName(callee);
      const object = unwrap(callee.object);
      const releaseKey = releaseCall(node, this.locks);
      if (releaseKey !== null) {
        this.release(releaseKey);
        return NO_DEPS;
      }
      // guard.release() / guard[Symbol.asyncDispose]()
      if (object.type === 'Identifier') {
        const v = this.scope.variableOf(object);
        const key = v ? this.st.releasers.get(v) : undefined;
        if (key !== undefined) {
          this.release(key);
          return NO_DEPS;
        }
      }
      if (object.type === 'ThisExpression' && method !== null) {
        const fields = this.classReads()?.get(method);
        if (fields) {
          const reads = fields.map((f) => this.read(f, node));
          return [...reads, ...this.exprs(node.arguments)];
        }
      }
      const path = sharedPath(object, this);
      if (path !== null && path !== 'this' && method !== null) {
        if (COLLECTION_WRITES.has(method)) {
          const deps = this.exprs(node.arguments);
          this.write(path, deps, node, 'collection');
          return NO_DEPS;
        }
        if (COLLECTION_READS.has(method)) {
          // The receiver is evaluated before the arguments: `this.items.concat(await more())` reads the old array.
          const read = this.read(path, node);
          return [read, ...this.exprs(node.arguments.filter((a) => !isFunction(a)))];
        }
      }
      const objDeps = this.expr(callee.object);
      if (callee.computed) this.expr(callee.property);
      return [...objDeps, ...this.exprs(node.arguments)];
    }
    if (callee.type === 'Identifier') {
      const v = this.scope.variableOf(callee);
      const key = v ? this.st.releasers.get(v) : undefined;
      if (key !== undefined) {
        this.release(key);
        return NO_DEPS;
      }
    } else {
      this.expr(callee);
    }
    return this.exprs(node.arguments);
  }

  /**
   * Walks a callback that a lock (or a promise-tail queue) runs later, as if it ran here after a yield:
   * what the caller read before handing it over is stale by the time it runs.
   */
  private inlineCallback(cb: FunctionNode, call: Node): void {
    const lock = callbackLock(cb, this.locks)!;
    const outerFn = this.fn;
    const outerHolds = this.st.holds;
    const outerExited = this.st.exited;
    this.passAwait(call);
    if (lock.kind === 'mutex') this.st.holds = this.hold(outerHolds, lock.key);
    this.fn = cb;
    try {
      if (cb.body.type === 'BlockStatement') this.block(cb.body);
      else this.expr(cb.body);
    } finally {
      this.fn = outerFn;
      this.st.holds = outerHolds;
      this.st.exited = outerExited;
    }
  }

  // ---- statements ------------------------------------------------------------

  private block(node: TSESTree.BlockStatement | TSESTree.Program | TSESTree.StaticBlock): void {
    const disposeKeys: string[] = [];
    for (const stmt of node.body) {
      if (this.st.exited) break;
      this.statement(stmt, disposeKeys);
    }
    for (const key of disposeKeys) this.release(key);
  }

  private statement(node: Node, disposeKeys: string[] = []): void {
    switch (node.type) {
      case 'ExpressionStatement':
        this.expr(node.expression);
        return;
      case 'VariableDeclaration':
        this.declaration(node, disposeKeys);
        return;
      case 'BlockStatement':
        this.block(node);
        return;
      case 'IfStatement':
        this.ifStatement(node);
        return;
      case 'ReturnStatement':
        if (node.argument) this.expr(node.argument);
        this.st.exited = true;
        return;
      case 'ThrowStatement':
        this.expr(node.argument);
        this.st.exited = true;
        return;
      case 'BreakStatement':
      case 'ContinueStatement':
        this.st.exited = true;
        return;
      case 'TryStatement':
        this.tryStatement(node);
        return;
      case 'ForStatement':
        if (node.init) {
          if (node.init.type === 'VariableDeclaration') this.declaration(node.init, disposeKeys);
          else this.expr(node.init);
        }
        this.loop(() => {
          if (node.test) this.expr(node.test);
          this.statement(node.body);
          if (!this.st.exited && node.update) this.expr(node.update);
        });
        return;
      case 'WhileStatement':
        this.loop(() => {
          this.expr(node.test);
          this.statement(node.body);
        });
        return;
      case 'DoWhileStatement':
        this.loop(() => {
          this.statement(node.body);
          if (!this.st.exited) this.expr(node.test);
        });
        return;
      case 'ForOfStatement':
      case 'ForInStatement': {
        const deps = this.expr(node.right);
        this.loop(() => {
          if (node.type === 'ForOfStatement' && node.await) this.passAwait(node);
          const left = node.left;
          if (left.type === 'VariableDeclaration') {
            for (const d of left.declarations) this.assignTo(d.id, deps, d);
          } else {
            this.assignTo(left, deps, node);
          }
          this.statement(node.body);
        });
        return;
      }
      case 'SwitchStatement': {
        const disc = this.expr(node.discriminant);
        const check = this.pushCheck(disc, node.discriminant);
        const entry = this.clone();
        let acc: State | null = null;
        let fall = entry;
        for (const c of node.cases) {
          this.st = this.merge(this.clone(entry), fall);
          this.st.exited = false;
          if (c.test) this.expr(c.test);
          for (const s of c.consequent) {
            if (this.st.exited) break;
            this.statement(s, disposeKeys);
          }
          fall = this.clone();
          acc = acc ? this.merge(acc, { ...this.st, exited: false }) : { ...this.st, exited: false };
        }
        this.st = acc ? this.merge(acc, entry) : entry;
        this.st.exited = false;
        this.dropCheck(check);
        return;
      }
      case 'LabeledStatement':
        this.statement(node.body, disposeKeys);
        return;
      default:
        // Declarations of functions, classes, types, imports: nothing runs here in this call.
        return;
    }
  }

  private declaration(node: TSESTree.VariableDeclaration, disposeKeys: string[]): void {
    for (const d of node.declarations) {
      if (!d.init) continue;
      this.pendingAcquireKey = null;
      const deps = this.expr(d.init);
      const acquiredKey = this.pendingAcquireKey as string | null;
      this.pendingAcquireKey = null;
      this.assignTo(d.id, deps, d);
      // async-mutex Semaphore resolves to [value, release].
      const releaseId = d.id.type === 'ArrayPattern' && d.id.elements[1]?.type === 'Identifier' ? d.id.elements[1] : null;
      if (releaseId && acquiredKey !== null) {
        const v = this.scope.declaredVariable(releaseId);
        if (v) this.st.releasers.set(v, acquiredKey);
        continue;
      }
      if (d.id.type !== 'Identifier') continue;
      const variable = this.scope.declaredVariable(d.id);
      if (!variable) continue;
      const init = unwrap(d.init);
      if (acquiredKey !== null && init.type === 'AwaitExpression') {
        this.st.releasers.set(variable, acquiredKey);
        if (node.kind === 'await using' || node.kind === 'using') disposeKeys.push(acquiredKey);
        continue;
      }
      if (node.kind !== 'const') continue;
      // A const bound to shared state aliases it: `const self = this`, `const acct = this.accounts.get(id)`.
      const path = init.type === 'CallExpression' ? collectionGetPath(init, this) : sharedPath(init, this);
      if (path !== null) this.st.aliases.set(variable, path);
    }
  }

  private ifStatement(node: TSESTree.IfStatement): void {
    const test = this.expr(node.test);
    const guard = generationGuard(node.test, this);
    const check = this.pushCheck(test, node.test);
    const entry = this.clone();
    if (guard === 'equal') this.st.passed = EMPTY;
    this.statement(node.consequent);
    const afterCons = this.st;
    this.st = entry;
    if (node.alternate) this.statement(node.alternate);
    const afterAlt = this.st;
    this.st = this.merge(afterCons, afterAlt);
    if (guard === 'different' && afterCons.exited && !afterAlt.exited) this.st.passed = EMPTY;
    // An early exit leaves the check guarding the rest of the block (`if (cached) return cached; …`).
    const earlyExit = afterCons.exited !== afterAlt.exited;
    if (!earlyExit) this.dropCheck(check);
    else if (check && !this.st.checks.includes(check)) this.st.checks = [...this.st.checks, check];
  }

  private tryStatement(node: TSESTree.TryStatement): void {
    // Only a handler needs the entry state; copying it for every try/finally cost O(locals) each.
    const entry = node.handler ? this.clone() : null;
    this.block(node.block);
    let after = this.st;
    if (node.handler && entry) {
      // The handler can start after any point of the try block: assume after all of it, holds as at entry.
      this.st = { ...this.merge(entry, { ...after, exited: false }), holds: entry.holds, exited: false };
      if (node.handler.param) this.assignTo(node.handler.param, NO_DEPS, node.handler);
      this.block(node.handler.body);
      after = this.merge(after, this.st);
    }
    if (node.finalizer) {
      const exited = after.exited;
      this.st = { ...after, exited: false };
      this.block(node.finalizer);
      if (!this.st.exited) this.st.exited = exited;
    } else {
      this.st = after;
    }
  }

  /** How many loops enclose the code being walked. */
  private loopDepth = 0;

  /**
   * Walks a loop body twice so that state carried from one iteration into the next is seen. Loops nested
   * deeper than `MAX_REWALKED_LOOPS` are walked once: each level would double the walk (six nested loops
   * took a minute), and a window that opens in one iteration of a deep inner loop and closes in the next is
   * still seen by the outer loops' second walk.
   */
  private loop(body: () => void): void {
    this.loopDepth++;
    try {
      if (this.loopDepth > MAX_REWALKED_LOOPS) {
        const entry = this.clone();
        body();
        this.st = this.merge(entry, { ...this.st, exited: false });
        this.st.exited = false;
        return;
      }
      this.walkTwice(body);
    } finally {
      this.loopDepth--;
    }
  }

  private walkTwice(body: () => void): void {
    const entry = this.clone();
    body();
    const once = this.merge(entry, { ...this.st, exited: false });
    this.st = this.clone(once);
    body();
    this.st = this.merge(once, { ...this.st, exited: false });
    this.st.exited = false;
  }
}

/** `this.cache.get(k)` -> `this.cache[*]` (the entry), for aliasing. */
function collectionGetPath(call: TSESTree.CallExpression, ctx: PathContext): string | null {
  const obj = calleeObject(call);
  const callee = unwrap(call.callee);
  if (!obj || callee.type !== 'MemberExpression' || memberName(callee) !== 'get') return null;
  const base = sharedPath(obj, ctx);
  return base === null || base === 'this' ? null : `${base}[*]`;
}

/**
 * `if (id !== this.gen) return;` / `if (id === this.gen) { … }`: a local snapshot compared with
 * the current shared value proves no other call started in between.
 */
function generationGuard(test: Node, ctx: PathContext): 'equal' | 'different' | null {
  const t = unwrap(test);
  if (t.type === 'LogicalExpression') {
    const l = generationGuard(t.left, ctx);
    const r = generationGuard(t.right, ctx);
    if (t.operator === '||') return l === 'different' || r === 'different' ? 'different' : null;
    if (t.operator === '&&') return l === 'equal' || r === 'equal' ? 'equal' : null;
    return null;
  }
  if (t.type !== 'BinaryExpression') return null;
  const kind = t.operator === '===' || t.operator === '==' ? 'equal' : t.operator === '!==' || t.operator === '!=' ? 'different' : null;
  if (!kind) return null;
  const isLocal = (n: Node): boolean => {
    const u = unwrap(n);
    return u.type === 'Identifier' && ctx.scope.bindingOf(u, ctx.fn).kind === 'local';
  };
  const isShared = (n: Node): boolean => {
    const u = unwrap(n);
    if (u.type !== 'MemberExpression' && u.type !== 'Identifier') return false;
    const p = sharedPath(u, ctx);
    return p !== null && p !== 'this';
  };
  const left = t.left as Node;
  if ((isLocal(left) && isShared(t.right)) || (isShared(left) && isLocal(t.right))) return kind;
  return null;
}
