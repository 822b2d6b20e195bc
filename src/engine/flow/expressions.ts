import { resolveCallee, resolveDeclaredCallee, sharesInFlight } from '../callees.js';
import type { HelperWrite } from '../summaries.js';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Variable } from '@typescript-eslint/scope-manager';
import { containsAwait, enclosingFunction, forEachNode, isFunction, isPromiseChainCall, memberName, memberRoot, propertyKey, unwrap, type Node } from '../ast.js';
import { COLLECTION_INSERTS, COLLECTION_READS, COLLECTION_WRITES, DOCUMENT_WRITES, ENTRY_WRITES, identifierIsLocation, isKeyedLookup, pathsOverlap, REMOTE_COLLECTION_READS, REMOTE_DELETES, runsDuringCall, sharedPath, STORAGE_READS, STORAGE_WRITES, storedAccessor, type PathContext } from '../locations.js';
import { classOf, methodsOf } from '../summaries.js';
import { listing } from '../listings.js';
import { programOf } from '../modules.js';
import { effectOf, STORE_PATH } from '../sagas.js';
import { callbackLock, promiseAcquire, receiverText, releaseCall } from '../locks.js';
import type { FunctionNode } from '../scope.js';
import { cloneState, mergeStates, NO_DEPS, restate, SHAPED, type Check, type ReadFact } from './state.js';
import { WalkerCore } from './walker.js';

/*
 * Expressions, in evaluation order: each is walked for its effect on the state (awaits passed, locks taken,
 * shared state read and written) and returns the shared reads its value derives from.
 */
export abstract class ExpressionWalker extends WalkerCore {
  /** Walks a block of statements (statements.ts); lock callbacks are walked inline, as if they ran here. */
  protected abstract block(node: TSESTree.BlockStatement | TSESTree.Program | TSESTree.StaticBlock): void;

  /** Assigns to a pattern or reference; `deps` are the reads the assigned value derives from. */
  protected assignTo(target: Node, deps: ReadFact[], node: Node): void {
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
          if (this.st.fieldTaint.size > 0) for (const k of [...this.st.fieldTaint.keys()]) if (k.startsWith(t.name + '.')) this.st.fieldTaint.delete(k);
          this.shapeFromLiteral(t.name, node);
        }
        return;
      }
      case 'MemberExpression': {
        const path = sharedPath(t, this);
        if (path !== null && path !== 'this') this.write(path, deps, node, 'assign');
        else if (path === null) {
          const field = localField(t, this);
          if (field !== null) this.st.fieldTaint.set(field, deps);
        }
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

  /** The fields of each object literal walked, and the reads each field's value derives from. */
  private readonly literalFields = new WeakMap<TSESTree.ObjectExpression, Map<string, ReadFact[]>>();

  /**
   * `const entry = { id: this.nextId++, done: false }`: each field of the local holds what its literal gave it, so
   * testing `entry.done` is no check of `this.nextId`. Marked shaped until the local is assigned again.
   */
  private shapeFromLiteral(name: string, node: Node): void {
    const value = node.type === 'VariableDeclarator' ? node.init : node.type === 'AssignmentExpression' && node.operator === '=' ? node.right : null;
    const literal = value ? unwrap(value) : null;
    const fields = literal?.type === 'ObjectExpression' ? this.literalFields.get(literal) : undefined;
    if (!fields) return;
    for (const [key, deps] of fields) this.st.fieldTaint.set(`${name}.${key}`, deps);
    this.st.fieldTaint.set(name + SHAPED, NO_DEPS);
  }

  /** What the const alias a member expression starts from (`current` of `current.items`) was read from, if any. */
  private aliasReads(node: TSESTree.MemberExpression): ReadFact[] | undefined {
    if (this.st.aliases.size === 0) return undefined;
    const root = memberRoot(node);
    if (root.type !== 'Identifier') return undefined;
    const binding = this.scope.bindingOf(root, this.fn);
    if (binding.kind !== 'local' || this.aliasOf(binding.variable) === undefined) return undefined;
    const taint = this.st.taint.get(binding.variable);
    return taint && taint.length > 0 ? taint : undefined;
  }

  /** Evaluates a reference's sub-expressions (object, computed key) before the assignment reads or writes it. */
  protected evalReferenceParts(target: Node): ReadFact[] {
    const t = unwrap(target);
    if (t.type !== 'MemberExpression') return NO_DEPS;
    const deps: ReadFact[] = [];
    if (sharedPath(t.object, this) === null) deps.push(...this.expr(t.object));
    if (t.computed) deps.push(...this.expr(t.property));
    return deps;
  }

  /** Reads the current value of a reference (for compound assignment and updates). */
  protected readReference(target: Node): ReadFact[] {
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

  protected exprs(nodes: readonly (Node | null)[]): ReadFact[] {
    const deps: ReadFact[] = [];
    for (const n of nodes) if (n) deps.push(...this.expr(n));
    return deps;
  }

  /**
   * The arguments of a call of the project's code. A shared object handed to a parameter that destructures it
   * (`toScene(pointer, this.state)` with `toScene(p, { zoom, scrollX }: State)`) is read only in the fields the
   * function names: what it returns derives from `this.state.zoom`, not from every field of the state.
   */
  protected argumentReads(call: TSESTree.CallExpression): ReadFact[] {
    const shared = call.arguments.map((a) => (a.type === 'MemberExpression' ? sharedPath(a, this) : null));
    const params = shared.some((p) => p !== null && p !== 'this') ? resolveCallee(call.callee)?.params : undefined;
    if (!params) return this.exprs(call.arguments);
    const deps: ReadFact[] = [];
    call.arguments.forEach((a, i) => {
      const keys = shared[i] ? destructuredKeys(params[i]) : null;
      if (keys && shared[i] !== 'this') deps.push(...keys.map((k) => this.read(`${shared[i]}.${k}`, a)));
      else deps.push(...this.expr(a));
    });
    return deps;
  }

  /** Evaluates an expression for its effects on the state; returns the shared reads its value derives from. */
  protected expr(node: Node): ReadFact[] {
    switch (node.type) {
      case 'Identifier':
        return this.readReference(node);
      case 'MemberExpression': {
        const path = sharedPath(node, this);
        if (path !== null && path !== 'this') {
          if (node.computed) this.expr(node.property);
          const getter = node.object.type === 'ThisExpression' ? this.classReads()?.get(memberName(node) ?? '') : undefined;
          const through = this.aliasReads(node);
          const read = through ? { ...this.read(path, node), through } : this.read(path, node);
          return [read, ...(getter ?? []).map((f) => this.read(f, node))];
        }
        // `entry.done` of `const entry = { id: this.nextId++, done: false }`: what that field was given, not the
        // whole object's reads.
        const object = unwrap(node.object);
        if (!node.computed && object.type === 'Identifier' && this.st.fieldTaint.has(object.name + SHAPED)) {
          const field = localField(node, this);
          if (field !== null) return this.st.fieldTaint.get(field) ?? NO_DEPS;
        }
        const deps = this.expr(node.object);
        // `response.results[key]`: the value comes from the object; the key only picks which part of it.
        if (node.computed) this.expr(node.property);
        if (this.st.fieldTaint.size > 0) {
          const field = localField(node, this);
          const held = field === null ? undefined : this.st.fieldTaint.get(field);
          if (held) return [...deps, ...held];
        }
        return deps;
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
        const base = cloneState(this.st);
        const a = this.expr(node.consequent);
        const afterA = this.st;
        this.st = base;
        const b = this.expr(node.alternate);
        const afterB = this.st;
        this.st = mergeStates(afterA, afterB);
        this.dropCheck(check);
        // `v = ready ? v : await load()`: the branch that reads never yielded; the other branch's awaits count as
        // passed before its reads, as where two statement paths meet (see `mergeStates`).
        const onlyA = afterA.passed.minus(afterB.passed);
        const onlyB = afterB.passed.minus(afterA.passed);
        return [...test, ...a.map((f) => restate(f, onlyB)), ...b.map((f) => restate(f, onlyA))];
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
        let fields: Map<string, ReadFact[]> | null = new Map();
        for (const p of node.properties) {
          if (p.type === 'SpreadElement') {
            deps.push(...this.expr(p.argument));
            fields = null;
          } else {
            if (p.computed) this.expr(p.key);
            const value = this.expr(p.value);
            deps.push(...value);
            const key = p.computed ? null : propertyKey(p);
            if (key === null) fields = null;
            else fields?.set(key, value);
          }
        }
        if (fields) this.literalFields.set(node, fields);
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
      case 'YieldExpression': {
        const deps = node.argument ? this.expr(node.argument) : NO_DEPS;
        const owner = enclosingFunction(node);
        if (!owner || !this.suspendingGenerators.has(owner)) return deps;
        const program = programOf(node);
        const saga = program ? effectOf(node.argument, program) : null;
        // `yield put(setCount(n + 1))`: the runner dispatches the action when it takes the effect.
        if (saga?.effect === 'put') this.write(STORE_PATH, deps, node, 'assign');
        // The generator is suspended until its runner resumes it, with a value of the runner's choosing.
        this.flushContinuations();
        this.passAwait(node);
        // `yield select(getCount)`: the state as the runner reads it on resuming the saga.
        if (saga?.effect === 'select') {
          const selector = saga.call.arguments[0] ? unwrap(saga.call.arguments[0] as Node) : null;
          return [this.read(selector?.type === 'Identifier' ? `${STORE_PATH}.${selector.name}` : STORE_PATH, node)];
        }
        return NO_DEPS;
      }
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

  protected jsx(node: Node): void {
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
  protected awaitExpr(node: TSESTree.AwaitExpression): ReadFact[] {
    const operand = this.expr(node.argument);
    this.flushContinuations();
    this.passAwait(node);
    this.helperWritesAfterYield(node.argument);
    const acquire = promiseAcquire(node.argument, this.locks);
    if (acquire && acquire.kind === 'mutex') {
      this.st.holds = this.hold(this.st.holds, acquire.key);
      this.pendingAcquireKey = acquire.key;
    }
    // `const cached = await cache.get(key)`: what an async store answers is its entry as of now, after the
    // yield; a check of it is a check of the store.
    const store = this.storeRead(node.argument);
    const stale = staleOperand(node) ? operand : NO_DEPS;
    return store === null ? stale : [...stale, this.read(store, node.argument)];
  }

  /**
   * The stored thing an accessor call reads or writes: `this.loadWallet()` and `this.saveWallet(w)` both reach
   * `this.wallet`. On `this`, only when the class defines both sides (an inherited `setState` is a framework's).
   */
  private accessorPath(call: TSESTree.CallExpression): { path: string; writes: boolean; holder: string } | null {
    const callee = unwrap(call.callee);
    if (callee.type !== 'MemberExpression' || callee.computed) return null;
    const method = memberName(callee);
    const accessor = method === null ? null : storedAccessor(method);
    if (!accessor) return null;
    const object = unwrap(callee.object);
    if (object.type === 'ThisExpression') {
      const klass = classOf(this.fn);
      const sides = klass ? accessorNouns(klass).get(accessor.noun) : undefined;
      const counterpart = accessor.writes ? sides?.reads : sides?.writes;
      return counterpart ? { path: `this.${accessor.noun}`, writes: accessor.writes, holder: 'this' } : null;
    }
    const base = sharedPath(object, this);
    return base === null || base === 'this' ? null : { path: `${base}.${accessor.noun}`, writes: accessor.writes, holder: base };
  }

  /**
   * `this.setState({ items: [...items, x] })`, `this.update({ collectibles })` in a class that inherits the setter
   * (a React component, a state-controller base): each named key is a write of `this.state.<key>` with its value's
   * reads. The updater form (`setState((prev) => …)`) reads the state as it is then, and is left alone.
   */
  private stateSetter(call: TSESTree.CallExpression): boolean {
    const callee = unwrap(call.callee);
    if (callee.type !== 'MemberExpression' || unwrap(callee.object).type !== 'ThisExpression') return false;
    const method = memberName(callee);
    const arg = call.arguments.length === 1 ? unwrap(call.arguments[0] as Node) : null;
    if ((method !== 'setState' && method !== 'update') || arg?.type !== 'ObjectExpression') return false;
    const klass = classOf(this.fn);
    const declaration = klass?.parent;
    if (!klass || !declaration || !('superClass' in declaration) || !declaration.superClass || methodsOf(klass).has(method) || !readsState(klass)) return false;
    for (const p of arg.properties) {
      const deps = this.expr(p.type === 'Property' ? (p.value as Node) : p.argument);
      const key = p.type === 'Property' ? propertyKey(p) : null;
      if (key !== null) this.write(`this.state.${key}`, deps, call, 'assign');
    }
    return true;
  }

  /** The shared store a `get`-style call reads (`cache.get(k)`, `this.store.has(k)`, `this.loadWallet()`), or null. */
  private storeRead(node: Node): string | null {
    const call = unwrap(node);
    if (call.type !== 'CallExpression') return null;
    const accessor = this.accessorPath(call);
    if (accessor && !accessor.writes) return accessor.path;
    const callee = unwrap(call.callee);
    if (callee.type !== 'MemberExpression') return null;
    // `await this.getQueue(registry)` that lists `this.redis.lrange(…)`: the helper's round trip reads the client's collection.
    if (unwrap(callee.object).type === 'ThisExpression') {
      const listed = listing(call);
      if (listed) return listed.path;
    }
    const method = memberName(callee);
    if (method === null || !(isKeyedLookup(method) || STORAGE_READS.has(method) || REMOTE_COLLECTION_READS.has(method))) return null;
    const path = sharedPath(callee.object, this);
    return path !== null && path !== 'this' ? path : null;
  }

  /**
   * `await this.refreshToken()` where the method sets `this.token` after its own await: the write lands once the
   * awaited call settles, that is, here, after the yield.
   */
  protected returnedCallSettles(returned: Node): void {
    if (this.helperWritesOf(returned).some((w) => w.afterYield)) {
      this.passAwait(returned);
      this.helperWritesAfterYield(returned);
    }
  }

  private helperWritesOf(awaited: Node): HelperWrite[] {
    const call = unwrap(awaited);
    if (call.type !== 'CallExpression') return [];
    const callee = unwrap(call.callee);
    if (callee.type !== 'MemberExpression' || unwrap(callee.object).type !== 'ThisExpression') return [];
    const method = memberName(callee);
    return (method === null ? undefined : this.classWrites()?.get(method)) ?? [];
  }

  private helperWritesAfterYield(awaited: Node): void {
    const call = unwrap(awaited);
    for (const w of this.helperWritesOf(call)) {
      if (!w.afterYield) continue;
      // `this.credentials = tokens` where the helper got `tokens` from `await this.refreshToken(t)`, which hands
      // every caller one in-flight refresh: each caller stores what that one refresh produced.
      const value = w.node.type === 'AssignmentExpression' ? w.node.right : null;
      this.asSharedResult(value !== null && this.fromSharedOperation(value, 0), () => this.write(w.path, NO_DEPS, call, w.kind, w.node));
    }
  }

  protected assignment(node: TSESTree.AssignmentExpression): ReadFact[] {
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
      const base = cloneState(this.st);
      const deps = this.expr(node.right);
      this.assignShared(node, deps);
      this.st = mergeStates(base, this.st);
      this.dropCheck(check);
      return [...old, ...deps];
    }
    const deps = [...old, ...refDeps, ...this.expr(node.right)];
    this.assignTo(node.left, deps, node);
    return deps;
  }

  /**
   * `this.remember(await refreshing)`: the helper is handed what one shared operation produced, and what it stores
   * (`this.token = resp.token`, `this.expiresAt = Date.now() + resp.ttl`) is that result's bookkeeping, the same
   * for every caller; the work itself ran once.
   */
  private passesSharedResult(call: TSESTree.CallExpression): boolean {
    return call.arguments.some((a) => a.type !== 'SpreadElement' && this.fromSharedOperation(a, 0));
  }

  protected assignShared(node: TSESTree.AssignmentExpression, deps: ReadFact[]): void {
    this.asSharedResult(this.fromSharedOperation(unwrap(node.right), 0), () => this.assignTo(node.left, deps, node));
  }

  /** Writes made by `write` store what one shared operation produced when `shared` (see `SharedWrite.sharedResult`). */
  private asSharedResult(shared: boolean, write: () => void): void {
    this.sharedResult = shared;
    try {
      write();
    } finally {
      this.sharedResult = false;
    }
  }

  /**
   * `(await import('m')).x`, `await getEncoding(name)` where `getEncoding` keeps one in-flight promise per name,
   * or a part of a const that holds either: every caller gets what the one shared operation produced (the loader
   * caches modules), so storing it repeats no work.
   */
  private fromSharedOperation(node: Node, depth: number): boolean {
    const n = unwrap(node);
    if (depth > 4) return false;
    if (n.type === 'AwaitExpression') {
      const awaited = unwrap(n.argument);
      if (awaited.type === 'ImportExpression' || this.sharedPromise(awaited, depth)) return true;
      if (awaited.type !== 'CallExpression') return false;
      const callee = resolveDeclaredCallee(awaited.callee);
      return callee !== null && sharesInFlight(callee);
    }
    if (n.type === 'MemberExpression') return this.fromSharedOperation(n.object, depth + 1);
    if (n.type !== 'Identifier') return false;
    const declared = this.declaredBy(n);
    if (!declared) return false;
    if (declared.kind !== 'const') {
      // `let r = null; try { r = await this.refreshToken(t); } …`: every value it is given comes from the shared
      // operation (or is nothing at all).
      const given = declared.variable.references.flatMap((r) => (r.isWrite() && r.writeExpr ? [unwrap(r.writeExpr as Node)] : []));
      const nothing = (e: Node): boolean => e.type === 'Literal' && e.value === null;
      return given.some((e) => !nothing(e)) && given.every((e) => nothing(e) || this.fromSharedOperation(e, depth + 1));
    }
    return declared.init !== null && this.fromSharedOperation(declared.init, depth + 1);
  }

  /** The one declaration of a local (`const x = …`, `let y = …`): its kind and initializer; null otherwise. */
  private declaredBy(id: TSESTree.Identifier): { variable: Variable; kind: TSESTree.VariableDeclaration['kind']; init: Node | null } | null {
    const variable = this.scope.variableOf(id);
    const def = variable?.defs;
    if (!variable || def?.length !== 1 || def[0]!.node.type !== 'VariableDeclarator' || def[0]!.parent?.type !== 'VariableDeclaration') return null;
    return { variable, kind: def[0]!.parent.kind, init: def[0]!.node.init ?? null };
  }

  /**
   * A promise every concurrent caller gets the same of: one kept in shared state (`await this.loading`), or put
   * there on first use (`await (this.loading ??= load())`, also through a const that holds it).
   */
  private sharedPromise(node: Node, depth: number): boolean {
    const n = unwrap(node);
    if (depth > 4) return false;
    if (n.type === 'AssignmentExpression') return (n.operator === '??=' || n.operator === '||=') && sharedPath(n.left, this) !== null;
    if (n.type !== 'Identifier') return sharedPath(n, this) !== null;
    if (sharedPath(n, this) !== null) return true;
    const declared = this.declaredBy(n);
    return declared?.kind === 'const' && declared.init !== null && this.sharedPromise(declared.init, depth + 1);
  }

  protected logical(node: TSESTree.LogicalExpression): ReadFact[] {
    const { deps, check } = this.logicalWithCheck(node);
    this.dropCheck(check);
    return deps;
  }

  /** Evaluates `a ?? b` / `a || b` / `a && b`; the left side is a check guarding the right. */
  protected logicalWithCheck(node: TSESTree.LogicalExpression): { deps: ReadFact[]; check: Check | null } {
    const left = this.expr(node.left);
    const rightYields = containsAwait(node.right);
    const check = this.pushCheck(left, node.left);
    const base = cloneState(this.st);
    const right = this.expr(node.right);
    const checks = this.st.checks;
    this.st = mergeStates(base, this.st);
    this.st.checks = checks;
    // When the right side awaits, the left value is only produced on the path that never yielded.
    return { deps: rightYields ? right : [...left, ...right], check };
  }

  protected call(node: TSESTree.CallExpression): ReadFact[] {
    const inlined = node.arguments.find((a) => isFunction(a) && callbackLock(a, this.locks) !== null);
    if (inlined) {
      const deps = this.exprs(node.arguments.filter((a) => a !== inlined));
      this.expr(node.callee);
      this.inlineCallback(inlined as FunctionNode, node);
      return deps;
    }
    const during = duringCall(node);
    if (during.length > 0) {
      // The arguments are evaluated first (functions evaluate to nothing); the callbacks run while the call does.
      const deps = this.exprs(node.arguments);
      this.expr(node.callee);
      for (const cb of during) this.walkDuring(cb);
      return deps;
    }
    const continuations = promiseContinuations(node);
    if (continuations.length > 0) {
      const deps = this.expr(node.callee);
      this.exprs(node.arguments.filter((a) => !continuations.includes(a as FunctionNode)));
      const shared = this.chainStoredShared(node);
      for (const cb of continuations) this.continuations.push({ cb, call: node, shared });
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
      if (object.type === 'ThisExpression' && method !== null) this.methodCall(node, method);
      else if (object.type === 'MemberExpression' && method !== null && unwrap(object.object).type === 'ThisExpression') {
        const path = sharedPath(object, this);
        if (path !== null) this.memberCall(node, path, method);
      }
      const accessor = this.accessorPath(node);
      if (accessor?.writes) {
        // `await this.saveWallet(wallet)`: every argument is evaluated; what it stores derives from all of them but
        // those that only say which record, when another carries the value (`updateUser({ verifiedAt: new Date()
        // }, user.id)`): the id, taken from an earlier read, names the row; it is not a copy of what the row held.
        this.expr(callee.object);
        const values = node.arguments.filter((a) => !namesRecord(a));
        const deps = node.arguments.flatMap((a) => {
          const read = this.expr(a);
          return values.length > 0 && !values.includes(a) ? NO_DEPS : read;
        });
        this.write(accessor.path, deps, node, 'collection', undefined, accessor.holder);
        return NO_DEPS;
      }
      const accessorRead = accessor ? [this.read(accessor.path, node)] : NO_DEPS;
      if (this.stateSetter(node)) return NO_DEPS;
      if (object.type === 'ThisExpression' && method !== null) {
        const fields = this.classReads()?.get(method);
        const writes = this.classWrites()?.get(method);
        if (fields || writes?.length) {
          const reads = (fields ?? []).map((f) => this.read(f, node));
          const args = this.exprs(node.arguments);
          // What the method writes before it first yields happens in this call; the rest once it settles.
          const shared = writes?.some((w) => !w.afterYield) === true && this.passesSharedResult(node);
          for (const w of writes ?? []) if (!w.afterYield) this.asSharedResult(shared, () => this.write(w.path, NO_DEPS, node, w.kind, w.node));
          return [...accessorRead, ...reads, ...args];
        }
      }
      const path = sharedPath(object, this);
      if (path !== null && path !== 'this' && method !== null) {
        if (COLLECTION_WRITES.has(method) || STORAGE_WRITES.has(method) || DOCUMENT_WRITES.has(method) || ENTRY_WRITES.has(method) || REMOTE_DELETES.has(method)) {
          // Every argument is evaluated; only what the call stores in the collection is its written value.
          const stored = storedArguments(method, node.arguments.length);
          const deps: ReadFact[] = [];
          const storedValues: Node[] = [];
          node.arguments.forEach((a, i) => {
            const read = this.expr(a);
            if (stored(i)) {
              deps.push(...read);
              storedValues.push(a);
            }
            // `this.queue.splice(0, idx)` with `idx = this.queue.indexOf(x)` found before an await: the position of
            // an element in the array as it was, which another call may have shifted since; the wrong entries are
            // removed. (Not a length copied before the await: `splice(0, copy.length)` drains a prefix that
            // appends leave in place.)
            else if (method === 'splice' && i < 2) deps.push(...read.filter((r) => pathsOverlap(r.path, path) && findsPosition(r.node)));
          });
          // `cache.set(name, (await import('./render')).default)`: the entry is what one shared operation produced,
          // as for an assignment of it.
          const shared = (method === 'set' || method === 'setItem' || method === 'put') && storedValues.length > 0 && storedValues.every((a) => a.type !== 'SpreadElement' && this.fromSharedOperation(a, 0));
          this.asSharedResult(shared, () => this.write(path, deps, node, 'collection'));
          return NO_DEPS;
        }
        if ((COLLECTION_READS.has(method) && !ownMethodNamedLikeArrays(callee, method)) || STORAGE_READS.has(method) || REMOTE_COLLECTION_READS.has(method) || isKeyedLookup(method)) {
          // The receiver is evaluated before the arguments: `this.items.concat(await more())` reads the old array.
          const read = this.read(path, node);
          return [read, ...this.exprs(node.arguments.filter((a) => !isFunction(a)))];
        }
      }
      // `alive.push(seed)`: a local collection holds what is put in it, as a local holds what is assigned.
      if (path === null && object.type === 'Identifier' && method !== null && COLLECTION_INSERTS.has(method)) {
        const binding = this.scope.bindingOf(object, this.fn);
        if (binding.kind === 'local') {
          const added = this.exprs(node.arguments);
          const held = this.st.taint.get(binding.variable) ?? NO_DEPS;
          if (added.some((d) => !held.includes(d))) this.st.taint.set(binding.variable, [...new Set([...held, ...added])]);
          return NO_DEPS;
        }
      }
      const objDeps = this.expr(callee.object);
      if (callee.computed) this.expr(callee.property);
      return [...accessorRead, ...objDeps, ...this.argumentReads(node)];
    }
    if (callee.type === 'Identifier') {
      const v = this.scope.variableOf(callee);
      const key = v ? this.st.releasers.get(v) : undefined;
      if (key !== undefined) {
        this.release(key);
        return NO_DEPS;
      }
      const deps = this.argumentReads(node);
      this.localCall(node);
      return deps;
    }
    this.expr(callee);
    return this.exprs(node.arguments);
  }

  /**
   * Walks a callback that a lock (or a promise-tail queue) runs later, as if it ran here after a yield:
   * what the caller read before handing it over is stale by the time it runs. The caller itself does not
   * wait for it: `this.tail = this.tail.then(work)` assigns in the same tick.
   */
  /** Promise callbacks chained but not yet walked: they run once the code that chained them yields. */
  private readonly continuations: { cb: FunctionNode; call: TSESTree.CallExpression; shared: boolean }[] = [];

  /**
   * `this.pending = fetchToken().then((t) => { this.token = t; })`, `inflight.set(k, load(k).then(…))`: the chain
   * is kept where other callers find it and await it instead of starting their own, so what its callbacks store
   * is one shared operation's result.
   */
  private chainStoredShared(call: TSESTree.CallExpression): boolean {
    let top: Node = call;
    while (top.parent?.type === 'MemberExpression' && top.parent.object === top && top.parent.parent?.type === 'CallExpression') {
      if (!isPromiseChainCall(top.parent.parent)) break;
      top = top.parent.parent;
    }
    if (this.storedShared(top)) return true;
    // `pending = load().then(…); inflight.set(key, pending)`: through a local.
    const at = top.parent;
    const local =
      at?.type === 'AssignmentExpression' && at.right === top && at.left.type === 'Identifier'
        ? this.scope.variableOf(at.left)
        : at?.type === 'VariableDeclarator' && at.init === top && at.id.type === 'Identifier'
          ? this.scope.declaredVariable(at.id)
          : null;
    return local?.references.some((ref) => ref.isRead() && this.storedShared(ref.identifier)) ?? false;
  }

  /** The value `node` is assigned to a shared location, or stored in a shared collection with `set(key, node)`. */
  private storedShared(node: Node): boolean {
    const at = node.parent;
    if (at?.type === 'AssignmentExpression' && at.right === node) return sharedPath(at.left, this) !== null;
    if (at?.type === 'CallExpression' && at.arguments[1] === node) {
      const callee = unwrap(at.callee);
      return callee.type === 'MemberExpression' && memberName(callee) === 'set' && sharedPath(callee.object, this) !== null;
    }
    return false;
  }

  /**
   * Walks the promise callbacks chained since `from` (`load().then((v) => { this.v = v; })`), as if they ran
   * now after a yield at their `.then`: a callback runs in a later turn, after the code that chained it has run
   * on to its end of block or its next await, so it sees that code's writes (`this.p = load().finally(() =>
   * (this.p = undefined))` has stored the promise by then). Each runs on a copy of the state: the code that
   * goes on after this point does not see what a callback did.
   */
  protected flushContinuations(from = 0): void {
    while (this.continuations.length > from) {
      const { cb, call, shared } = this.continuations.splice(from, 1)[0]!;
      const outerFn = this.fn;
      const outer = cloneState(this.st);
      const outerShared = this.inSharedChain;
      this.st.exited = false;
      this.passAwait(call);
      this.fn = cb;
      this.inSharedChain = outerShared || shared;
      try {
        if (cb.body.type === 'BlockStatement') this.block(cb.body);
        else this.expr(cb.body);
      } finally {
        this.fn = outerFn;
        this.st = outer;
        this.inSharedChain = outerShared;
      }
    }
  }

  protected pendingContinuations(): number {
    return this.continuations.length;
  }

  /** Walks a callback that runs while the caller waits for the call it was handed to (see `runsDuringCall`). */
  protected walkDuring(cb: FunctionNode): void {
    const outerFn = this.fn;
    const outerExited = this.st.exited;
    this.fn = cb;
    try {
      if (cb.body.type === 'BlockStatement') this.block(cb.body);
      else this.expr(cb.body);
      this.flushContinuations();
    } finally {
      this.fn = outerFn;
      // A `return` inside the callback ends the callback, not the caller.
      this.st.exited = outerExited;
    }
  }

  protected inlineCallback(cb: FunctionNode, call: Node): void {
    const lock = callbackLock(cb, this.locks)!;
    const outerFn = this.fn;
    const outerHolds = this.st.holds;
    const outerExited = this.st.exited;
    const outerPassed = this.st.passed;
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
      // The caller goes on in the same tick: the callback's yields are its own. (Awaiting the call yields at the await.)
      this.st.passed = outerPassed;
    }
  }
}

const accessorCache = new WeakMap<TSESTree.ClassBody, Map<string, { reads: boolean; writes: boolean }>>();

/** For each noun a class's own accessor methods name (`loadWallet`, `saveWallet`), which sides it defines. */
function accessorNouns(klass: TSESTree.ClassBody): Map<string, { reads: boolean; writes: boolean }> {
  let nouns = accessorCache.get(klass);
  if (nouns) return nouns;
  nouns = new Map();
  for (const name of methodsOf(klass).keys()) {
    const accessor = storedAccessor(name);
    if (!accessor) continue;
    const sides = nouns.get(accessor.noun) ?? { reads: false, writes: false };
    if (accessor.writes) sides.writes = true;
    else sides.reads = true;
    nouns.set(accessor.noun, sides);
  }
  accessorCache.set(klass, nouns);
  return nouns;
}

/** `ctx.session`: a field of a local or parameter object, as text (its holder is no shared location); else null. */
function localField(member: TSESTree.MemberExpression, ctx: ExpressionWalker & PathContext): string | null {
  const root = memberRoot(member);
  if (root.type !== 'Identifier') return null;
  const kind = ctx.scope.bindingOf(root, ctx.fn).kind;
  return kind === 'local' ? receiverText(member) : null;
}

/** The callbacks a call runs while the caller waits for it: function arguments, or methods of an options object. */
function duringCall(call: TSESTree.CallExpression): FunctionNode[] {
  const found: FunctionNode[] = [];
  for (const a of call.arguments) {
    if (isFunction(a)) {
      if (runsDuringCall(a)) found.push(a);
    } else if (a.type === 'ObjectExpression') {
      for (const p of a.properties) if (p.type === 'Property' && isFunction(p.value) && runsDuringCall(p.value as FunctionNode)) found.push(p.value as FunctionNode);
    }
  }
  return found;
}

/** The function arguments of `p.then(…)`, `.catch(…)`, `.finally(…)`: they run in a later turn. */
export function promiseContinuations(call: TSESTree.CallExpression): FunctionNode[] {
  return isPromiseChainCall(call) ? (call.arguments.filter((a) => isFunction(a)) as FunctionNode[]) : [];
}

/** `list.indexOf(x)`, `list.findIndex((e) => …)`: the read gives a position in the list. */
function findsPosition(read: Node): boolean {
  if (read.type !== 'CallExpression') return false;
  const callee = unwrap(read.callee);
  return callee.type === 'MemberExpression' && ['indexOf', 'lastIndexOf', 'findIndex', 'findLastIndex'].includes(memberName(callee) ?? '');
}

/**
 * Which arguments of a collection write are stored in the collection: the value of `set(key, value)`, the items
 * of `push`/`unshift`/`add` and of `splice(start, count, ...items)`, the value of `fill`. A key, an index or a
 * count only says where; `delete`, `clear`, `pop`, `shift`, `sort` and `reverse` store nothing, so no update
 * they make can carry a stale value.
 */
function storedArguments(method: string, count: number): (index: number) => boolean {
  switch (method) {
    case 'set':
    case 'setItem':
    case 'put':
      return (i) => i === 1;
    case 'save':
      return () => true;
    case 'push':
    case 'unshift':
    case 'add':
      return () => true;
    case 'splice':
      return (i) => i >= 2 && i < count;
    case 'fill':
      return (i) => i === 0;
    default:
      // A document write: the filter says which document; the update or replacement is what is stored.
      return DOCUMENT_WRITES.has(method) ? (i) => i === 1 : () => false;
  }
}

const stateReaders = new WeakMap<TSESTree.ClassBody, boolean>();

/** Does the class read `this.state` anywhere: is it a holder of the state its inherited setter writes? */
function readsState(body: TSESTree.ClassBody): boolean {
  let known = stateReaders.get(body);
  if (known === undefined) {
    known = false;
    forEachNode(body, (n) => {
      if (!known && n.type === 'MemberExpression' && unwrap(n.object).type === 'ThisExpression' && memberName(n) === 'state') known = true;
      return !known;
    });
    stateReaders.set(body, known);
  }
  return known;
}

/**
 * Does an await's value carry what its operand read before the await suspended? When the operand is a plain read
 * (`count = base + await count` awaits the value it read: a non-promise settles to itself), and when a call
 * suspends inside its own arguments (`state = await merge(state, await fetchPatch())` passes the `state` it read
 * before the inner await). Not `x = await x` alone, which unwraps a stored promise; not `await fetchPage(this.cursor)`,
 * whose call took the cursor as it was (what it resolves to is the server's answer).
 */
function staleOperand(node: TSESTree.AwaitExpression): boolean {
  const arg = unwrap(node.argument);
  if (arg.type === 'Identifier' || arg.type === 'MemberExpression') {
    const parent = node.parent;
    return !(parent?.type === 'AssignmentExpression' && parent.right === node) && !(parent?.type === 'VariableDeclarator' && parent.init === node);
  }
  if (arg.type !== 'CallExpression' && arg.type !== 'NewExpression') return false;
  // An argument after the first that suspends: what the earlier ones read is stale by the time of the call.
  return arg.arguments.slice(1).some((a) => containsAwait(a));
}

/** The array methods that take a callback: on anything but a collection, the names are free for a project's own. */
const ARRAY_CALLBACK_METHODS = new Set(['find', 'findIndex', 'findLast', 'some', 'every', 'filter', 'forEach', 'reduce', 'map']);

/**
 * `Note.filter(note)` where `Note` is a model class of the project with a static `filter` of its own: the call
 * runs the project's code, which the analysis follows as a call, not an array's scan of its elements.
 */
function ownMethodNamedLikeArrays(callee: TSESTree.MemberExpression, method: string): boolean {
  return ARRAY_CALLBACK_METHODS.has(method) && resolveCallee(callee) !== null;
}

/** `{ zoom, scrollX }` (with or without defaults): the fields a parameter pattern names, when it names them all. */
function destructuredKeys(param: TSESTree.Parameter | undefined): string[] | null {
  const pattern = param?.type === 'AssignmentPattern' ? param.left : param;
  if (pattern?.type !== 'ObjectPattern') return null;
  const keys: string[] = [];
  for (const p of pattern.properties) {
    if (p.type !== 'Property' || p.computed || p.key.type !== 'Identifier') return null;
    keys.push(p.key.name);
  }
  return keys;
}

/**
 * Property and variable names that identify a record rather than hold its contents: `id`, `userId`, `_id`, `uuid`,
 * `slug`. Not a `key`: an `encryptionKey` or an `apiKey` is a value.
 */
const RECORD_ID = /^(id|_id|uuid|slug)$|[a-z0-9](Id|ID|Uuid)$|_(id|uuid)$/;

/** `user.id`, `userId`, `row._id`: an argument that says which record a store call is about. */
function namesRecord(arg: Node): boolean {
  const a = unwrap(arg);
  if (a.type === 'Identifier') return RECORD_ID.test(a.name);
  return a.type === 'MemberExpression' && RECORD_ID.test(memberName(a) ?? '');
}
