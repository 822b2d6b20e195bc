import { calleeName, containsAwait, containsNode, enclosingFunction, forEachNode, forEachNodeIn, isFunction, isNullOrUndefined, memberName, presenceTest, unwrap, type Node } from '../ast.js';
import { shareHold, type GuardingCheck, type ReadFact, type SharedWrite } from '../flow/index.js';
import { COLLECTION_INSERTS, displayPath, pathsOverlap } from '../locations.js';
import { promiseTailKey, receiverText } from '../locks.js';
import { fieldOfSequentialInstance } from '../records.js';
import { inOneAtATimeFunction, waitedOnWhereverItsModuleCallsIt } from '../oneAtATime.js';
import { underTryLock } from '../tryLocks.js';
import { storesComputedSince, storesFromModuleLoadSince, waitedOnNothingSince, waitedOnSharedWorkSince } from '../microtaskWindow.js';
import { inSingleFlight } from '../singleFlight.js';
import { memberKeyName, memberReads, methodsOf, ownerOf, thisMemberUses } from '../summaries.js';
import { inApplication, resolveDeclaredCallee } from '../callees.js';
import { moduleTable, programOf } from '../modules.js';
import { staleRead } from './lost-update.js';
import type { FlowRule, RuleReport } from './rule.js';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { callKey, differentKeys, entryPhrase, keyOf } from '../keys.js';
import { isPromiseCallback, line, yieldPhrase } from './text.js';
import { twoCalls, type InterleavingDraft } from '../interleaving.js';
import { latestRunOnly } from '../ownToken.js';

export const checkThenAct: FlowRule<'check-then-act'> = {
  meta: {
    id: 'check-then-act',
    shortDescription: 'A condition on shared state is checked, the call yields at an await, then acts as if the check still held.',
    fullDescription:
      'Reports code that tests shared state (is the connection open, is the key cached, has the token expired), then awaits, then acts on the result of that test, for example by initializing or filling the state. Concurrent calls all pass the check before any of them acts: double initialization, cache stampedes and token-refresh stampedes.',
    defaultSeverity: 'warning',
    docsPath: 'docs/rules/check-then-act.md',
    messageId: 'checkThenAct',
    fixKinds: ['lock-wrap', 'share-in-flight'],
    // Test runners run a file's cases and hooks one after another, and so do benchmark harnesses their rounds:
    // concurrency there is deliberate and rare.
    // A script or an example runs once, on a developer's machine, usually one call at a time: judged on real
    // code, 7 of 16 findings there were not races and 3 were real. Shown on request.
    confidenceIn: { test: 'low', benchmark: 'low', script: 'low' },
  },
  observe() {
    const reports: RuleReport[] = [];
    const seen = new Set<Node>();
    // Where the rest of a function runs once at a time: a latch behind an early exit, up to the function's end.
    const once: [number, number][] = [];
    return {
      write(w) {
        const fresh = (r: ReadFact): boolean => w.yieldedSince(r.passed) === null;
        const latched = latches(w);
        for (const g of w.guards) {
          if (!fresh(g.read) || !(latched || movesStateOut(w, g.check, g.read.node))) continue;
          g.check.close();
          // Past an early exit that now always exits for later callers, nothing after it runs twice at once: the
          // checks in force now, and those made later in the function (`if (inited) return; inited = true; …
          // this.branch ||= await defaultBranch()`).
          if (g.check.guardsRest) {
            for (const c of w.checksInForce()) if (c.reads.every(fresh)) c.check.close();
            const rest = unconditionalTail(w.node, g.check.node);
            if (rest) once.push(rest);
          } else {
            const rest = latchedBranchTail(w.node, g.check.node);
            if (rest) once.push(rest);
          }
        }
        if (once.some(([from, to]) => w.node.range[0] >= from && w.node.range[1] <= to)) return;
        // A lost update at the same write explains it better; storing one shared operation's result repeats no work.
        if (w.guards.length === 0 || w.sharedResult || seen.has(w.node) || staleRead(w) || inSingleFlight(w.node, w.kind === 'collection')) return;
        if (takesInTest(w.node)) return;
        for (const { check, read } of w.guards) {
          if (check.loopTest) continue;
          const yielded = w.yieldedSince(read.passed);
          if (!yielded || shareHold(read.holds, w.holds) || underTryLock(read.node, w.node)) continue;
          if (askedOtherFields(read, w.path)) continue;
          // Through a called method, only the lazy fill: the check asks whether the very field is there
          // (`if (!this.token) await this.refresh()`); a test of its value that selects what to do next
          // (`if (this.blockUntil <= 0) await this.moveToActive()`) is no claim the method's write undoes.
          if (w.via && (!pathsOverlap(read.path, w.path) || !(testsPresence(read.node) || lookupBound(read.node)))) continue;
          // That an object is there says nothing of what is inside it: `if (!driver) return; …; await
          // driver.port.writeFrame(b)` uses what the check found rather than filling it.
          if ((testsPresence(read.node) || presenceOfBound(read.node, check.node)) && !fillsChecked(read.path, w.path)) continue;
          // `if (!(await cache.get(a))) { …; await cache.set(b, v) }`: another entry than the one checked.
          if (w.kind === 'collection' && differentKeys(read.node, w.node)) continue;
          // Clearing is a race on a resource the check found there; `if (this.last === event) return` dedupes.
          if (w.kind === 'assign' && clears(w) && !testsPresence(read.node)) continue;
          // `if (ready !== null) { await ready; ready = null; }`: every caller waits on the one promise it found and
          // starts nothing; dropping it twice is the same as once.
          if (clears(w) && awaitsTheChecked(yielded.node, read.node)) continue;
          // `if (storage != null) { …await…; storage.setItem(k, v) }`, `if (storage?.entries)`: that the store (or one
          // of its methods) exists says nothing of its contents; its `length` or `size` would.
          if (w.kind === 'collection' && read.node.type !== 'CallExpression' && testsPresence(read.node) && testsContainer(read.path, w.path)) continue;
          // A condition still in force looks at the location afresh (`if (saved && !map.has(k))`, or a loop
          // `while (queue.length === 0) await more();` that exits only on a fresh look), or under the lock the act
          // holds (each turn of a loop that takes the lock reads it again): the check is redone.
          const afresh = (g: (typeof w.guards)[number]): boolean => w.yieldedSince(g.read.passed) === null || shareHold(g.read.holds, w.holds);
          if (w.guards.some((g) => g.read.path === read.path && afresh(g))) continue;
          // `if (live.getToken() === tokenSeenBefore) live.setToken(next)`: the condition compares the stale copy
          // with the location as it is now, a compare-and-set.
          if (w.guards.some((g) => g.check === check && afresh(g))) continue;
          // `result.then((v) => cache.set(k, v)); … cache.set(k, result)`: the promise is kept before the callback runs.
          if (isPromiseCallback(yielded.node) && keptBeforeCallback(w.node, yielded.node)) continue;
          // One report per check: the first act it guarded is enough to explain the stampede.
          check.close();
          seen.add(w.node);
          // Through a called method, the write is out of this function's sight: judged on real code, most such
          // findings had a guard elsewhere (a caller's in-flight promise, a queue), so they are shown on request.
          const unsure = (w.via !== undefined && !(insertsAfterLookup(w, read.node) && !awaitsFound(read.node, yielded.node)) && !testsExpiry(check.node)) || blindTeardown(w, yielded.node) || isPrecondition(check.node) || updatesWhatItFound(w, check.node) || startsOnItsOwnFlag(w, read) || deferredBySyncCaller(check.node, yielded.node) || recordsOutcome(w, yielded.node) || fieldOfSequentialInstance(w.path, w.node) || inOneAtATimeFunction(check.node, w.path) || waitedOnNothingSince(w, read.passed) || storesComputedSince(w, read.passed) || waitedOnSharedWorkSince(w, read.passed, check.node) || storesFromModuleLoadSince(w, read.passed) || latestRunOnly(w.node) || inApplicationCode(check.node) || check.writtenByLeavingBranch;
          reports.push({ ...report(w, check.node, read.node, yielded.node), confidence: unsure ? 'low' : 'medium' });
          return;
        }
      },
      reports: () => reports,
    };
  },
};

/**
 * `if (this.closing || this.state === 'end') return; this.closing = true; await quit(); this.state = 'end'`: a
 * truthy constant stored before any await, on a location the check tests, makes the check fail for every
 * later caller, so what follows runs once. (An increment does not: the next caller may pass the same check.)
 */
function latches(w: SharedWrite): boolean {
  const node = w.node;
  // `this.loading.set(name, promise)` before the await: later callers find the entry (`if (loading.get(name)) return …`).
  if (w.kind === 'collection' && node.type === 'CallExpression') {
    const callee = unwrap(node.callee);
    const value = node.arguments[1];
    return callee.type === 'MemberExpression' && memberName(callee) === 'set' && value !== undefined && value.type !== 'SpreadElement' && latchValue(unwrap(value), true);
  }
  if (w.kind !== 'assign' || node.type !== 'AssignmentExpression' || node.operator !== '=' || w.deps.some((d) => d.path === w.path)) return false;
  return latchValue(unwrap(node.right), false);
}

/**
 * `if (this.state !== IDLE) return; this.state = STARTING;`, `if (s === 'idle') { s = 'busy'; … }`: the write
 * moves a state the check compares with a constant to another constant, before any await, so a later caller
 * takes the exit (or skips the branch). Constants: literals, a module's `const` given one, an enum's member.
 */
function movesStateOut(w: SharedWrite, check: GuardingCheck, read: Node): boolean {
  const node = w.node;
  if (w.kind !== 'assign' || node.type !== 'AssignmentExpression' || node.operator !== '=') return false;
  const test = unwrap(check.node);
  if (test.type !== 'BinaryExpression') return false;
  const equal = test.operator === '===' || test.operator === '==';
  if (!equal && test.operator !== '!==' && test.operator !== '!=') return false;
  const side = (n: Node): boolean => containsNode(n, (m) => m === read);
  const other = side(test.left) ? test.right : side(test.right) ? test.left : null;
  const from = other ? constantKey(other) : null;
  const to = constantKey(node.right);
  if (from === null || to === null || from === to) return false;
  return equal ? !check.guardsRest : check.guardsRest;
}

function constantKey(value: Node): string | null {
  const v = unwrap(value);
  if (v.type === 'Literal') return `${typeof v.value}:${String(v.value)}`;
  if (v.type === 'Identifier') {
    const program = programOf(v);
    const init = program ? moduleTable(program).constInits.get(v.name) : undefined;
    return init && unwrap(init).type === 'Literal' ? constantKey(init) : null;
  }
  // `Status.Ready`: an enum's (or a frozen table's) member, told apart by its name.
  if (v.type === 'MemberExpression' && !v.computed && unwrap(v.object).type === 'Identifier') {
    return `${(unwrap(v.object) as TSESTree.Identifier).name}.${memberName(v)}`;
  }
  return null;
}

/**
 * A value that makes a presence check fail from now on: a truthy constant, or what a call, `new` or literal made;
 * for a map entry also a local (the entry is there, whatever it holds).
 */
function latchValue(value: Node, entry: boolean): boolean {
  // Only a truthy constant: `this.token = ''` before the await leaves `if (!this.token)` passing for the next caller.
  if (value.type === 'Literal') return Boolean(value.value);
  // A call's result stored before any await is the in-flight promise (or the object) later callers find; so is a
  // local that holds one (`const pending = this.load(name); this.loading.set(name, pending)`).
  if (entry && value.type === 'Identifier') return value.name !== 'undefined';
  return ['ObjectExpression', 'ArrayExpression', 'NewExpression', 'ArrowFunctionExpression', 'FunctionExpression', 'CallExpression'].includes(value.type);
}

/**
 * The source span that runs after `latch` whenever the function gets past `check`: the latch is a statement of
 * the block that holds the check's early-exit `if`, so every path past the check sets it; the span ends where
 * that block does. Null when the latch sits in a branch of its own.
 */
function unconditionalTail(latch: Node, check: Node): [number, number] | null {
  const stmt = latch.parent;
  let guard: Node | undefined = check;
  while (guard && guard.type !== 'IfStatement') guard = guard.parent;
  const block = stmt?.parent;
  if (stmt?.type !== 'ExpressionStatement' || !guard || guard.parent !== block || block?.type !== 'BlockStatement') return null;
  return [stmt.range[1], block.range[1]];
}

/**
 * `if (this.loading) { await this.loading; } else { this.loading = load(); …; this.loaded = true; }`: the latch is
 * a statement of the branch taken only while the location is empty, so every later caller takes the other
 * branch, and the rest of this one runs once at a time. The span runs from the latch to the branch's end.
 */
function latchedBranchTail(latch: Node, check: Node): [number, number] | null {
  const stmt = latch.parent;
  const block = stmt?.parent;
  const branch = check.parent;
  if (stmt?.type !== 'ExpressionStatement' || block?.type !== 'BlockStatement' || branch?.type !== 'IfStatement' || branch.test !== check) return null;
  const taken = branchTakenWhenEmpty(check);
  if (taken === null || branch[taken] !== block) return null;
  return [stmt.range[1], block.range[1]];
}

/** Which branch of an `if` on this test runs while the tested location is empty: `!x`, `x == null` the first; `x`, `x.has(k)` the other. */
function branchTakenWhenEmpty(test: Node): 'consequent' | 'alternate' | null {
  const passesWhenSet = presenceTest(test, isLocation);
  return passesWhenSet === null ? null : passesWhenSet ? 'alternate' : 'consequent';
}

/** `const conn = connections[id]; if (!conn) return;`: the check asks whether the object kept in a local is there. */
function presenceOfBound(read: Node, check: Node): boolean {
  const at = read.parent;
  if (at?.type !== 'VariableDeclarator' || at.init !== read || at.id.type !== 'Identifier') return false;
  const name = at.id.name;
  return presenceTest(check, (n) => n.type === 'Identifier' && n.name === name) !== null;
}

/**
 * `if (this.fsw._isIgnored(p)) return; …await…; this.fsw._symlinkPaths.set(p, real)`: the condition asked a method
 * of the object, and what it answered comes from the fields that method reads (its summary, when it reads only
 * fields and calls no other method of its class); a field it never looks at was not checked.
 */
function askedOtherFields(read: ReadFact, written: string): boolean {
  const callee = read.node.parent;
  if (callee?.type !== 'MemberExpression' || callee.object !== read.node || callee.parent?.type !== 'CallExpression' || callee.parent.callee !== callee) return false;
  if (!written.startsWith(`${read.path}.`)) return false;
  const method = resolveDeclaredCallee(callee);
  const owner = method ? ownerOf(method) : null;
  const name = memberName(callee);
  if (!owner || name === null) return false;
  const fields = memberReads(owner).get(name);
  if (!fields) return false;
  const methods = methodsOf(owner);
  if (fields.some((f) => methods.has(f.slice('this.'.length).split('.')[0]!))) return false;
  const field = `this.${written.slice(read.path.length + 1)}`;
  return !fields.some((f) => pathsOverlap(f, field));
}

/** Can a write at `written` fill what a presence check of `checked` looked for: the place itself, or an object holding it? */
function fillsChecked(checked: string, written: string): boolean {
  return !pathsOverlap(checked, written) || written.length <= checked.length;
}

/** `this.loading`, `loading`, `this.pending.get(key)`, `pending.has(key)`. */
function isLocation(n: Node): boolean {
  const e = unwrap(n);
  return e.type === 'MemberExpression' || e.type === 'Identifier' || (e.type === 'CallExpression' && isLookup(e));
}

/**
 * `if (…) { result = load(); result.then((v) => cache.set(k, v)); } cache.set(k, result);`: a promise callback runs
 * only once the code that chained it has gone on to its next await (or its end), so what that code stores at the
 * very location the callback writes (the in-flight promise, at the same key) is in place first: later callers
 * find it and wait, and the callback swaps in the one result. Looked for in the statements after the chaining one,
 * out of enclosing `if` branches, up to the first await; a loop or any other statement around stops the search.
 */
function keptBeforeCallback(act: Node, chained: Node): boolean {
  const target = writtenLocation(act);
  if (target === null) return false;
  let stmt: Node | undefined = chained;
  while (stmt && stmt.parent?.type !== 'BlockStatement') stmt = stmt.parent;
  while (stmt?.parent?.type === 'BlockStatement') {
    const block: TSESTree.BlockStatement = stmt.parent;
    for (const next of block.body.slice(block.body.indexOf(stmt as TSESTree.Statement) + 1)) {
      if (containsAwait(next)) return false;
      if (next.type === 'ExpressionStatement' && sameLocation(writtenLocation(next.expression), target, next.expression)) return true;
    }
    // Past the end of an `if` branch, the code after the `if` runs before the callback too.
    const branch = block.parent;
    if (branch?.type !== 'IfStatement') return false;
    stmt = branch;
  }
  return false;
}

/** What a write names: `cache.set(key, …)` the receiver and key as written, `x = …` / `this.x = …` its target. */
function writtenLocation(node: Node): { receiver: string; key: string | null } | null {
  const n = unwrap(node);
  if (n.type === 'AssignmentExpression' && n.operator === '=') {
    const receiver = receiverText(n.left);
    return receiver === null ? null : { receiver, key: null };
  }
  if (n.type !== 'CallExpression') return null;
  const callee = unwrap(n.callee);
  if (callee.type !== 'MemberExpression' || memberName(callee) !== 'set' || n.arguments.length !== 2) return null;
  const receiver = receiverText(callee.object);
  const key = callKey(n);
  return receiver === null || key === null ? null : { receiver, key };
}

/** The same location, stored a value later callers find (not `undefined` or `null`). */
function sameLocation(written: { receiver: string; key: string | null } | null, target: { receiver: string; key: string | null }, node: Node): boolean {
  if (written === null || written.receiver !== target.receiver || written.key !== target.key) return false;
  const n = unwrap(node);
  const value = n.type === 'AssignmentExpression' ? n.right : n.type === 'CallExpression' ? n.arguments[1] : undefined;
  return value !== undefined && value.type !== 'SpreadElement' && !isNullOrUndefined(value);
}

/**
 * `queue(op) { if (this.failed) return; this.chain = this.chain.then(run).catch((e) => (this.failed = e)); }`:
 * a function that never awaits, whose act runs in a promise callback it chains. Its callers run one after
 * another and the callbacks in chain order; the act usually records an outcome rather than claiming a
 * one-time action. Shown only on request.
 */
function deferredBySyncCaller(check: Node, yielded: Node): boolean {
  if (!isPromiseCallback(yielded) || enclosingFunction(check)?.async !== false || yielded.type !== 'CallExpression') return false;
  // A `.then` on a fresh call's promise (`if (!cached) return exchange(grant).then((t) => { cached = t; })`) is
  // the callback-style stampede itself; a `.catch`/`.finally` records how a chain ended.
  const callee = unwrap(yielded.callee);
  return callee.type === 'MemberExpression' && (memberName(callee) !== 'then' || promiseTailKey(yielded) !== null);
}

/**
 * `if (exhausted) return; const r = await it.next(); if (r.done) exhausted = true;`: a constant stored because
 * of what the awaited call answered (a condition looked at after the yield, not at the location) records an
 * outcome; every caller that sees it stores the same constant. Usually safe, so shown only on request.
 * (`if (!this.connected) { await connect(); this.connected = true; }` is no such record: nothing decides it after
 * the await.)
 */
function recordsOutcome(w: SharedWrite, yielded: Node): boolean {
  if (w.node.type !== 'AssignmentExpression' || w.node.operator !== '=' || unwrap(w.node.right).type !== 'Literal') return false;
  const fn = enclosingFunction(w.node);
  for (let p: Node | undefined = w.node.parent, child: Node = w.node; p && p !== fn; child = p, p = p.parent) {
    if (p.type === 'IfStatement' && p.test !== child && p.test.range[0] >= yielded.range[1]) {
      const test = p.test;
      let readsIt = false;
      forEachNode(test, (n) => {
        if (readsIt) return false;
        if ((n.type === 'MemberExpression' || n.type === 'Identifier') && receiverText(n) === w.path) readsIt = true;
        return !readsIt;
      });
      if (!readsIt) return true;
    }
  }
  return false;
}

/**
 * `if (this.pool) { await this.pool.end(); this.pool = undefined; }`: a double teardown that repeats a close which
 * is idempotent or fails loudly at shutdown (judged on real code: 18 of 25 harmless, 5 no race). Not when the
 * call looks at the location again after the await, before clearing it (`const t = this.topology; this.topology =
 * undefined; t.close()`): the second caller then works on what the first already took away.
 */
function blindTeardown(w: SharedWrite, yielded: Node): boolean {
  if (w.kind !== 'assign' || !clears(w)) return false;
  const fn = enclosingFunction(w.node);
  if (!fn) return false;
  const [from, to] = [yielded.range[1], w.node.range[0]];
  let looks = false;
  forEachNodeIn(fn.body, from, to, (n) => {
    if (looks) return false;
    if (n.range[0] >= from && n.range[1] <= to && (n.type === 'MemberExpression' || n.type === 'Identifier') && receiverText(n) === w.path) looks = true;
    return !looks;
  });
  return !looks;
}

/**
 * `if (!this.inTransaction) throw new Error('no transaction'); await commit(); this.inTransaction = false;`: the
 * check asserts a state rather than claiming a one-time action; a second caller fails at the assertion or repeats
 * an idempotent reset. Usually safe, so shown only on request.
 */
function isPrecondition(check: Node): boolean {
  const stmt = check.parent;
  if (stmt?.type !== 'IfStatement' || stmt.test !== check || stmt.alternate) return false;
  const body = stmt.consequent;
  const last = body.type === 'BlockStatement' ? body.body[body.body.length - 1] : body;
  return last?.type === 'ThrowStatement';
}

/**
 * `if (!this.user) return; …await…; this.user = { ...this.user, name }`: the check only finds that the state is
 * there, and the act updates it from what it holds now (its value reads the location afresh, after the last
 * await). Nothing is made twice: a second caller updates the newer value in turn. Not when the write is reached
 * where the check found nothing (`if (!this.cache[k]) { … this.cache = { ...this.cache, [k]: v } }` still loads
 * twice), nor for a comparison (`if (this.count < max)`), which a second caller can push past its bound.
 */
function updatesWhatItFound(w: SharedWrite, check: Node): boolean {
  const n = w.node;
  if (w.kind !== 'assign' || n.type !== 'AssignmentExpression' || n.operator !== '=') return false;
  if (!w.deps.some((d) => d.path === w.path && w.yieldedSince(d.passed) === null)) return false;
  const stmt = check.parent;
  if (stmt?.type !== 'IfStatement' || stmt.test !== check) return false;
  const within = (b: Node | null | undefined): boolean => b != null && n.range[0] >= b.range[0] && n.range[1] <= b.range[1];
  const taken = within(stmt.consequent);
  const present = presenceTest(check, (t) => t.type === 'Identifier' || t.type === 'MemberExpression' || t.type === 'ChainExpression');
  return present !== null && present === taken;
}

/**
 * `async start() { if (this.started) return; await registrar.handle(…); this.started = true; }`: a lifecycle hook
 * whose flag only says it ran (a constant stored last). Its owner (an app's boot, a framework's service list)
 * starts an object once; two overlapping starts are the owner's bug, not a stampede of on-demand callers.
 * Not when the class starts itself (`this.start()` from `send`): then every operation is a caller, as for a lazy
 * `init()`, whose double run is the classic stampede. Nor when it takes arguments (`start(onUpdate)`): callers
 * that bring their own input are operations, not an owner.
 */
function startsOnItsOwnFlag(w: SharedWrite, read: ReadFact): boolean {
  if (w.kind !== 'assign' || w.via !== undefined || !w.path.startsWith('this.') || !pathsOverlap(read.path, w.path)) return false;
  // A resource stored last (`this.interval = setInterval(…)`, `this.processor = new JobProcessor(…)`) is what a
  // second start leaks: judged real on real code. Only a constant records that it ran.
  if (w.node.type !== 'AssignmentExpression' || w.node.operator !== '=' || unwrap(w.node.right).type !== 'Literal') return false;
  const fn = enclosingFunction(w.node);
  const method = fn?.parent;
  if (method?.type !== 'MethodDefinition' || method.parent.type !== 'ClassBody' || method.value.params.length > 0) return false;
  const name = memberKeyName(method);
  if (name === null || !START.test(name)) return false;
  // Null: the class hands the method on as a value (`this.start.bind(this)`), to callers out of sight.
  const calls = thisMemberUses(method.parent).get(name);
  return calls !== null && (calls?.length ?? 0) === 0;
}

const START = /^#?start($|[A-Z0-9_])/;

/** `this.topology = undefined`, `this.conn = null`, `store.delete(key)`: the act tears the state down rather than filling it. */
function clears(w: SharedWrite): boolean {
  if (w.kind === 'collection' && w.node.type === 'CallExpression') {
    const callee = unwrap(w.node.callee);
    return callee.type === 'MemberExpression' && ['delete', 'clear', 'removeItem'].includes(memberName(callee) ?? '');
  }
  if (w.node.type !== 'AssignmentExpression' || w.node.operator !== '=') return false;
  const value = unwrap(w.node.right);
  return isNullOrUndefined(value);
}

function awaitsTheChecked(yielded: Node, read: Node): boolean {
  if (yielded.type !== 'AwaitExpression') return false;
  const awaited = unwrap(yielded.argument);
  // `const pending = this.clients.get(k); if (pending) { const c = await pending; …; this.clients.delete(k) }`:
  // the const holds what the check read.
  const kept = read.parent;
  if (awaited.type === 'Identifier' && kept?.type === 'VariableDeclarator' && kept.init === read && kept.id.type === 'Identifier' && kept.id.name === awaited.name && kept.parent?.type === 'VariableDeclaration' && kept.parent.kind === 'const') return true;
  const text = receiverText(read);
  return text !== null && receiverText(awaited) === text;
}

function testsContainer(read: string, container: string): boolean {
  if (read === container) return true;
  const rest = read.startsWith(container + '.') ? read.slice(container.length + 1) : null;
  return rest !== null && !rest.includes('.') && rest !== 'length' && rest !== 'size';
}

/**
 * `const existing = this.callFor(user); if (existing) return;`: a look-up kept in a local, which the check then
 * tests. The read is in the check's reads only because the condition uses that local.
 */
function lookupBound(read: Node): boolean {
  const at = read.parent;
  if (read.type !== 'CallExpression' || at?.type !== 'VariableDeclarator' || at.init !== read || at.id.type !== 'Identifier') return false;
  // A look-up by its verb (`get`, `find`, `callFor`…); `this.resolveId(x)` kept in a local is not one.
  return isLookup(read);
}

/** A look-up takes the key it looks for: `callFor(member)`, `this.calls.get(id)`; not `hasSpaceForSession()`. */
function isLookup(call: TSESTree.CallExpression): boolean {
  const name = calleeName(call);
  return name !== null && LOOKUP.test(name) && call.arguments.length > 0;
}

const LOOKUP = /^(get|find|has|includes|some|lookup|peek|search)([A-Z]|$)|For$/;

/** `const entry = this.get(key); if (entry) reply = await entry.promise;`: the call awaits what it found. */
function awaitsFound(read: Node, yielded: Node): boolean {
  const at = read.parent;
  if (yielded.type !== 'AwaitExpression' || at?.type !== 'VariableDeclarator' || at.id.type !== 'Identifier') return false;
  const text = receiverText(unwrap(yielded.argument));
  return text !== null && (text === at.id.name || text.startsWith(at.id.name + '.'));
}

// `isExpired`, `expiresAt`, `ttl`, `tokenIsValid`, `isAccessTokenValid`; not `validate()`, which checks a value's
// shape, nor `valid` in the middle of a name (`validFrom`).
const EXPIRY = /expir|stale|fresh|ttl|(^|is)valid$/i;
const IS_VALID = /^is[A-Z]\w*Valid$/;

/**
 * `if (!this.token || this.isExpired(this.token)) await this.refresh()`: a check that asks whether a cached value
 * has run out of time guards a refresh that recurs for as long as the object lives, not a one-time start-up
 * some caller already serializes. Concurrent callers past the expiry all refresh: the token-refresh stampede.
 */
function testsExpiry(check: Node): boolean {
  let found = false;
  forEachNode(check, (n) => {
    if (found) return false;
    const name = n.type === 'Identifier' ? n.name : n.type === 'MemberExpression' ? memberName(n) : null;
    if (name !== null && (EXPIRY.test(name) || IS_VALID.test(name) || (name === 'now' && n.type === 'MemberExpression' && receiverText(n.object) === 'Date') || name === 'getTime')) found = true;
    return !found;
  });
  return found;
}

/**
 * `if (!this.callFor(user)) { await place(call); this.addCall(call); }`: the check looks an entry up, and the
 * helper the call reaches adds one to that very collection. Two concurrent calls both find none and both add:
 * a duplicate entry, not a lazy fill some guard elsewhere may already serialize.
 */
function insertsAfterLookup(w: SharedWrite, read: Node): boolean {
  if (w.kind !== 'collection' || w.via?.type !== 'CallExpression' || read.type !== 'CallExpression') return false;
  const name = calleeName(w.via);
  // `splice(i, 1, replacement)` puts an entry in as much as `push` does.
  const inserts = name !== null && (COLLECTION_INSERTS.has(name) || (name === 'splice' && w.via.arguments.length > 2));
  return inserts && ((testsPresence(read) && isLookup(read)) || lookupBound(read));
}

/** The read is a test of whether the location holds anything: `if (!x)`, `x && …`, `x == null`, `x !== undefined`. */
function testsPresence(read: Node): boolean {
  let n: Node = read;
  while (n.parent && (n.parent.type === 'ChainExpression' || n.parent.type === 'TSNonNullExpression')) n = n.parent;
  const at = n.parent;
  if (!at) return false;
  if (at.type === 'UnaryExpression') return at.operator === '!';
  if (at.type === 'BinaryExpression') {
    const other = unwrap(at.left === n ? at.right : at.left);
    return ['==', '===', '!=', '!=='].includes(at.operator) && isNullOrUndefined(other);
  }
  return at.type === 'IfStatement' || at.type === 'LogicalExpression' || at.type === 'ConditionalExpression';
}

function report(w: SharedWrite, check: Node, read: Node, awaited: Node): RuleReport {
  const loc = entryPhrase(w.path, read, w.node);
  const consequence =
    w.kind === 'collection' && clears(w)
      ? `what the check saw may have changed by then: an entry another call stored meanwhile is removed with it`
      : w.kind === 'collection'
      ? 'concurrent calls all pass the check and each repeats the work before any stores its result (a stampede)'
      : clears(w)
        ? `concurrent calls all pass the check and each clears ${loc} (a double teardown: later calls act on what an earlier one already released)`
        : `concurrent calls all pass the check and each sets ${loc} (double initialization; all but the last result are lost)`;
  const c = line(read);
  const a = line(awaited);
  const act = line(w.node);
  const helper = w.via && w.node.type === 'CallExpression' ? calleeName(w.node) : null;
  const message = helper
    ? awaited === w.node
      ? `${loc} is checked on line ${c}, and line ${act} calls \`${helper}()\`, which sets it on line ${line(w.via!)} after its own \`await\`: ${consequence}`
      : `${loc} is checked on line ${c}, the call yields at ${yieldPhrase(awaited)}, and line ${act} calls \`${helper}()\`, which sets it on line ${line(w.via!)}: ${consequence}`
    : c === act && a === act
      ? `${loc} is checked and then assigned after ${yieldPhrase(awaited)}: ${consequence}`
      : a === act
        ? `${loc} is checked on line ${c}, and line ${act} acts on that check after yielding at ${awaited.type === 'CallExpression' ? yieldPhrase(awaited) : 'an `await`'}: ${consequence}`
        : `${loc} is checked on line ${c}, the call yields at ${yieldPhrase(awaited)}, and line ${act} acts on that check: ${consequence}`;
  return {
    anchor: w.node,
    message,
    location: displayPath(w.path),
    subject: { kind: 'race', path: w.path, from: read.range[0] < check.range[0] ? read : check, to: w.node, check: true, ...keyOf(read, w.node) },
    related: [
      { anchor: read, message: `${loc} is checked here` },
      { anchor: awaited, message: 'the call yields here; other calls can pass the same check' },
      ...(helper ? [{ anchor: w.via!, message: `\`${helper}()\` sets ${loc} here` }] : []),
    ],
    interleaving: timeline(w, loc, read, awaited, helper),
  };
}

/** A checks and yields; B passes the same check before A acts; then both act. */
function timeline(w: SharedWrite, loc: string, read: Node, awaited: Node, helper: string | null): InterleavingDraft {
  const act = w.via ?? w.node;
  const before = [{ anchor: read, text: `checks ${loc}: passes` }, ...(awaited !== w.node ? [{ anchor: awaited, text: 'yields' }] : [])];
  const after = [
    ...(helper && awaited === w.node ? [{ anchor: w.node, text: `calls \`${helper}()\`, which yields` }] : helper ? [{ anchor: w.node, text: `calls \`${helper}()\`` }] : []),
    ...(!helper && awaited === w.node ? [{ anchor: w.node, text: 'yields, then acts:', quote: act }] : [{ anchor: act, text: w.kind === 'collection' ? 'acts:' : 'sets it:', quote: act }]),
  ];
  const outcome =
    w.kind === 'collection' && clears(w)
      ? `B acted on what it checked before A's change: an entry stored meanwhile is removed with it`
      : w.kind === 'collection'
        ? 'both passed the check and both did the work: it is done twice (a stampede)'
        : clears(w)
          ? `both passed the check and both cleared ${loc}: B acts on what A already released`
          : `both passed the check and both set ${loc}: it is initialized twice, and A's result is lost`;
  return twoCalls(w.node, before, after, outcome, { again: (s) => (s.anchor === read ? { ...s, text: `checks ${loc}: still passes` } : s) });
}

/**
 * A method of a class in an application (a package that publishes no library), or one of its module's own
 * functions: every caller is in the repository, and whether two runs overlap depends on them, on how many objects
 * the application makes and on what drives it (one command per process, a framework's lifecycle hook run once, a
 * connection pool that hands one connection to one caller, a worker that handles one repository at a time), which
 * this analysis does not follow. Judged on real code, about three in four such methods' findings and half such
 * functions' were not races, and one in twenty was real. A library's methods, which outside callers may run at
 * once, stay shown; so does a check in a callback the function starts, and a module function its own module
 * hands on as a value or starts without waiting for it.
 */
function inApplicationCode(node: Node): boolean {
  const fn = enclosingFunction(node);
  const program = programOf(node);
  if (!fn || !program || !inApplication(program)) return false;
  // In a callback the method starts (`Promise.all(items.map(async (item) => …))`, a listener), the overlap is
  // in sight and the finding keeps its confidence.
  const member = fn.parent;
  if ((member?.type === 'MethodDefinition' || member?.type === 'PropertyDefinition') && member.value === fn) return true;
  return enclosingFunction(fn) === null && waitedOnWhereverItsModuleCallsIt(fn);
}

/** Removals that hand back what they took, or nothing when there was nothing to take. */
const TAKES = new Set(['shift', 'pop', 'delete']);

/**
 * `while ((key = queue.shift())) …`, `if (!pending.delete(id)) return`: the removal is the loop's (or the
 * branch's) own test. It takes what is there now and says whether there was anything, so it looks afresh
 * rather than acting on an older look: a second drain finds the queue empty and stops.
 */
function takesInTest(write: Node): boolean {
  const call = unwrap(write);
  if (call.type !== 'CallExpression') return false;
  const callee = unwrap(call.callee);
  if (callee.type !== 'MemberExpression' || !TAKES.has(memberName(callee) ?? '')) return false;
  let child: Node = call;
  for (let p: Node | undefined = call.parent; p && !isFunction(p); p = p.parent) {
    if ((p.type === 'WhileStatement' || p.type === 'DoWhileStatement' || p.type === 'ForStatement' || p.type === 'IfStatement') && p.test === child) return true;
    if (p.type.endsWith('Statement')) return false;
    child = p;
  }
  return false;
}
