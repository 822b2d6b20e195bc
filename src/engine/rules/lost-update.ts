import { empties, shareHold, type AwaitPoint, type LocalCall, type ReadFact, type SharedWrite } from '../flow/index.js';
import { displayPath, isStoreRead, pathsOverlap } from '../locations.js';
import { fieldOfSequentialInstance } from '../records.js';
import { onlyGatedWaits } from '../inputGates.js';
import { inOneAtATimeFunction } from '../oneAtATime.js';
import { inSingleFlight } from '../singleFlight.js';
import { enclosingFunction, forEachNode, isFunction, memberName, memberRoot, unwrap, type Node } from '../ast.js';
import { constInit, resolveCallee } from '../callees.js';
import { receiverText } from '../locks.js';
import type { FunctionNode } from '../scope.js';
import type { FileKind } from '../fileKinds.js';
import type { FlowRule, RuleReport } from './rule.js';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { differentKeys, entryPhrase, keyOf, sharedKey } from '../keys.js';
import { deletesWhatWasListed, listing } from '../listings.js';
import { line, yieldPhrase } from './text.js';
import { underTryLock } from '../tryLocks.js';
import { twoCalls, type InterleavingDraft } from '../interleaving.js';
import { latestRunOnly } from '../ownToken.js';

/**
 * The read a write's value derives from that an await separates from the write, outside any lock hold the two
 * share: what another call wrote in between is overwritten. Null when there is none.
 */
export function staleRead(w: SharedWrite): { read: ReadFact; yielded: AwaitPoint } | null {
  for (const read of w.deps) {
    if (!pathsOverlap(read.path, w.path) || picksElement(read.node, w.node)) continue;
    const yielded = w.yieldedSince(read.passed) ?? roundTrip(read, w.node);
    if (yielded && !shareHold(read.holds, w.holds) && !underTryLock(read.node, w.node)) return { read, yielded };
  }
  return null;
}

/**
 * `for (const node of this.nodes) { …await…; this.nodes = [node, ...fresh]; return; }`: inside a loop over the
 * old collection, the write keeps the element it is at; what it stores is built afresh, not from the collection
 * as it was. (A copy accumulated over the whole loop and written after it still counts.)
 */
function picksElement(read: Node, write: Node): boolean {
  const loop = read.parent;
  // The collection itself (`this.nodes`), not what a helper derives from state (`this.#fetchableDomains()`).
  if (read.type !== 'MemberExpression' && read.type !== 'Identifier') return false;
  return loop?.type === 'ForOfStatement' && loop.right === read && write.range[0] >= loop.body.range[0] && write.range[1] <= loop.body.range[1];
}

/**
 * `const n = await redis.get(k); await redis.set(k, n + 1)`: a store read that is awaited answers with the entry
 * as it was when the store looked, before the await ended; another call's write can land in between, and this
 * write, made from the old value, overwrites it. The read's own await is the window.
 */
function roundTrip(read: ReadFact, write: Node): AwaitPoint | null {
  const at = read.node.parent;
  if (read.node.type !== 'CallExpression' || at?.type !== 'AwaitExpression' || at.argument !== read.node) return null;
  // Only one entry of a store, read and written by the same key (`get(k)` … `set(k, v)`, `findOne(f)` …
  // `updateOne(f, u)`). Not a pair of accessors (`fetchVersion()` … `setVersion(v)` fills a local copy of what a
  // server said; `readFile(p)` … `writeFile(p, s)` in a script runs once), nor an ORM's `save(entity)`, which
  // persists the loaded entity's changed fields rather than the whole read: for those only an await between the
  // two (seen without this) leaves room for a lost update.
  const callee = unwrap(read.node.callee);
  const method = callee.type === 'MemberExpression' ? memberName(callee) : null;
  // `const ids = await redis.smembers(k); await redis.del(k)`: the members listed are gone with the key, and so is
  // any member another client added after the listing.
  if (listing(read.node)) return deletesWhatWasListed(write, read.node) ? { id: -1, node: at } : null;
  if (method === null || !isStoreRead(method)) return null;
  if (write.type !== 'CallExpression' || sharedKey(read.node, write) === null) return null;
  const written = unwrap(write.callee);
  if (written.type === 'MemberExpression' && memberName(written) === 'save') return null;
  return { id: -1, node: at };
}

export const lostUpdate: FlowRule<'lost-update'> = {
  meta: {
    id: 'lost-update',
    shortDescription: 'A shared value is read, the call yields at an await, and a value computed from the old read is written back.',
    fullDescription:
      'Reports writes to shared state (module variables, this.fields, static fields, variables captured by concurrently running callbacks) whose value was computed from a read taken before an await. Another call can update the same state while this one is suspended; the write then overwrites that update with a value based on stale data.',
    defaultSeverity: 'error',
    docsPath: 'docs/rules/lost-update.md',
    messageId: 'lostUpdate',
    fixKinds: ['lock-wrap'],
    // Test runners run a file's cases and hooks one after another, and so do benchmark harnesses their rounds:
    // concurrency there is deliberate and rare.
    // A script or an example runs once, on a developer's machine, usually one call at a time: judged on real
    // code, 5 of 7 findings there were not races. Shown on request.
    confidenceIn: { test: 'low', benchmark: 'low', script: 'low' },
  },
  observe({ kind }) {
    const reports: RuleReport[] = [];
    // A loop body is walked twice: one report per write.
    const seen = new Set<Node>();
    const installs = new Map<Node, LocalCall>();
    return {
      write(w) {
        const stale = staleRead(w);
        // `const a = await cache.get(k1); …; cache.set(k2, f(a))`: another entry than the one read.
        if (!stale || differentKeys(stale.read.node, w.node) || seen.has(w.node) || appends(w) || inSingleFlight(w.node, w.kind === 'collection')) return;
        // Writing back the very value read restores a state on purpose. In code that runs calls at once, a value
        // set for the time of an await and restored after it is a race of its own (see `scopedOverride`).
        const restore = restores(w.node, stale.read.node) ? w.node : null;
        const override = restore && !STUBBING_KINDS.has(kind) ? scopedOverride(restore as TSESTree.AssignmentExpression, stale.read.node, stale.yielded.node) : null;
        if (restore && !override) return;
        seen.add(w.node);
        // A value set for an await and restored is seen by any other code that runs meanwhile, not only by this function's next run.
        // A Durable Object's own storage calls keep its input gate shut: nothing else runs in the object meanwhile.
        const gated = onlyGatedWaits([stale.yielded, ...w.yieldsSince(stale.read.passed)]);
        const confidence = gated || rechecked(w) || latestRunOnly(w.node) || fieldOfSequentialInstance(w.path, w.node) || (!override && inOneAtATimeFunction(w.node, w.path)) ? 'low' : 'medium';
        reports.push({ ...(override ? overrideReport(w.path, stale.read.node, override, stale.yielded.node, w.node) : report(w.path, stale.read.node, stale.yielded.node, w.node)), confidence });
      },
      localCall(c) {
        if (STUBBING_KINDS.has(kind)) return;
        // `const unhook = hookResolver(…)`: where it is made, to measure the window to its call from.
        if (c.node.parent?.type === 'VariableDeclarator') {
          installs.set(c.node, c);
          return;
        }
        if (seen.has(c.node)) return;
        const override = helperOverride(c.node);
        const installed = override ? installs.get(override.install) : undefined;
        if (!override || !installed) return;
        const yielded = c.yieldedSince(installed.passed);
        if (!yielded || shareHold(installed.holds, c.holds)) return;
        seen.add(c.node);
        reports.push({ ...helperOverrideReport(override.target, override.install, yielded.node, c.node), confidence: 'medium' });
      },
      reports: () => reports,
    };
  },
};

/**
 * The write looks at the location again after the last await: its value merges in the current one
 * (`this.low = Math.min(this.low, seen)`) or a fresh check of it decides whether to write at all
 * (`if (map.get(k) === undefined) map.set(k, saved)`). That is how code written for concurrency reconciles a
 * stale value, so a lost update is possible (the merge may still count the stale part twice) but unlikely.
 */
function rechecked(w: SharedWrite): boolean {
  // An awaited store read is no fresh look: its own round trip is the window (see `roundTrip`). Nor is a read
  // re-stated from a path that excludes the stale one (`force ? { ...s, ...(await f()) } : s`): it never ran there.
  const fresh = (read: ReadFact): boolean => read.base === undefined && read.path === w.path && w.yieldedSince(read.passed) === null && roundTrip(read, w.node) === null;
  return w.deps.some(fresh) || w.guards.some((g) => fresh(g.read));
}

/**
 * `this.queue.push(...drained)` after a failed send: adding to a collection keeps what others added meanwhile;
 * nothing is overwritten, so no update is lost (whatever was read stale is added, not written over).
 */
function appends(w: SharedWrite): boolean {
  if (w.kind !== 'collection' || w.node.type !== 'CallExpression') return false;
  const callee = unwrap(w.node.callee);
  return callee.type === 'MemberExpression' && ['push', 'unshift', 'add'].includes(memberName(callee) ?? '');
}

/**
 * `const saved = Impl.log; Impl.log = stub; try { await run(); } finally { Impl.log = saved; }`: writing back the
 * very value read, unchanged, restores a state on purpose; no update computed from it is lost.
 */
function restores(write: Node, read: Node): boolean {
  if (write.type !== 'AssignmentExpression' || write.operator !== '=') return false;
  const value = unwrap(write.right);
  const declarator = read.parent;
  return (
    value.type === 'Identifier' &&
    declarator?.type === 'VariableDeclarator' &&
    declarator.parent?.type === 'VariableDeclaration' &&
    declarator.parent.kind === 'const' &&
    declarator.init === read &&
    declarator.id.type === 'Identifier' &&
    declarator.id.name === value.name &&
    keepsAsItWas(read)
  );
}

/**
 * What a save keeps: the location itself (`const saved = this.handler`), what a getter of it answers, or a plain
 * copy (`this.items.slice()`). `const rest = this.items.filter((i) => i.id !== id)` is a new collection made from
 * it, and writing that back after an await loses what other calls changed in between.
 */
function keepsAsItWas(read: Node): boolean {
  if (read.type !== 'CallExpression') return true;
  const callee = unwrap(read.callee);
  const method = callee.type === 'MemberExpression' ? memberName(callee) : null;
  return method === null || !DERIVES.has(method) || (read.arguments.length === 0 && (method === 'slice' || method === 'concat'));
}

/** Array methods that make a new collection from the one they are called on. */
const DERIVES = new Set(['filter', 'map', 'flatMap', 'slice', 'concat', 'toSorted', 'toReversed', 'toSpliced', 'with']);

/**
 * Where saving a value, stubbing it for an await and putting it back is how the code is meant to run: a test
 * swaps a dependency around one awaited call, and its cases run one after another.
 */
const STUBBING_KINDS: ReadonlySet<FileKind> = new Set(['test', 'benchmark']);

/**
 * `const prev = current; current = next; try { return await work(); } finally { current = prev; }`: a shared value
 * set for the time of an await (a "current" context, a hook, a swapped implementation) and restored from the
 * saved copy in a `finally` (or a promise's `.finally` callback). Overlapping calls each save what the other set:
 * the first to finish restores the original while the second still runs, and the second then restores the first's
 * value, which stays. The assignment that sets the value between the save and the await, when there is one; a
 * restore in a `catch` or a branch (rolling back a claim that failed) is not this shape.
 */
function scopedOverride(restore: TSESTree.AssignmentExpression, saved: Node, yielded: Node): TSESTree.AssignmentExpression | null {
  if (!inFinally(restore)) return null;
  const fn = enclosingFunction(saved);
  if (!fn) return null;
  let found: TSESTree.AssignmentExpression | null = null;
  forEachNode(fn.body, (n) => {
    if (found) return false;
    if (n !== fn.body && isFunction(n)) return false;
    if (n.range[1] <= saved.range[1] || n.range[0] >= yielded.range[0]) return n.range[0] < yielded.range[0] && n.range[1] > saved.range[1];
    if (n.type === 'AssignmentExpression' && n.operator === '=' && n !== restore && sameTarget(n.left, restore.left)) found = n;
    return !found;
  });
  return found;
}

/**
 * `const unhook = hookResolve(make); try { return await load(id); } finally { unhook(); }`, where the helper saves a
 * shared value, replaces it and hands back a function that puts the saved one back: the scoped override of
 * `scopedOverride`, made by a helper of this module or an imported one. `restore` is the call of the restoring
 * function, a `const` of the caller, made with no condition in the `finally` of a `try` (a count of calls in
 * flight, `if (--inFlight === 0) unhook()`, keeps the override for as long as any call needs it); what is
 * returned is the call that made it and the place it replaces. Whether the call yields in between, outside a
 * lock held across both, is the walk's to say.
 */
function helperOverride(restore: TSESTree.CallExpression): { install: TSESTree.CallExpression; target: TSESTree.MemberExpression | TSESTree.Identifier } | null {
  const undo = unwrap(restore.callee);
  if (undo.type !== 'Identifier' || restore.arguments.length > 0) return null;
  const stmt = restore.parent;
  const block = stmt?.parent;
  const attempt = block?.parent;
  if (stmt?.type !== 'ExpressionStatement' || block?.type !== 'BlockStatement' || attempt?.type !== 'TryStatement' || attempt.finalizer !== block) return null;
  const install = installedBefore(undo, attempt);
  const helper = install ? resolveCallee(install.callee) : null;
  const made = helper && !helper.async ? restoringClosure(helper) : null;
  return install && made ? { install, target: made.target } : null;
}

/** `const unhook = hookResolve(…)` among the statements of the block that holds `attempt`, before it. */
function installedBefore(undo: TSESTree.Identifier, attempt: TSESTree.TryStatement): TSESTree.CallExpression | null {
  const block = attempt.parent;
  if (block?.type !== 'BlockStatement') return null;
  for (const stmt of block.body) {
    if (stmt === attempt) break;
    if (stmt.type !== 'VariableDeclaration' || stmt.kind !== 'const') continue;
    for (const d of stmt.declarations) {
      const init = d.init ? unwrap(d.init) : null;
      if (d.id.type === 'Identifier' && d.id.name === undo.name && init?.type === 'CallExpression') return init;
    }
  }
  return null;
}

/**
 * `const prev = M._resolve; M._resolve = make(prev); return () => { M._resolve = prev; };` in `fn`: what it
 * replaces, when the place outlives the call (not a parameter's, nor an object the helper makes).
 */
function restoringClosure(fn: FunctionNode): { target: TSESTree.MemberExpression | TSESTree.Identifier } | null {
  if (fn.body.type !== 'BlockStatement') return null;
  const body = fn.body.body;
  const returned = body.find((s): s is TSESTree.ReturnStatement => s.type === 'ReturnStatement');
  const closure = returned?.argument ? unwrap(returned.argument) : null;
  if (!closure || !isFunction(closure)) return null;
  const statements = closure.body.type === 'BlockStatement' ? closure.body.body : [];
  for (const s of statements) {
    const put = s.type === 'ExpressionStatement' ? unwrap(s.expression) : null;
    if (put?.type !== 'AssignmentExpression' || put.operator !== '=' || unwrap(put.right).type !== 'Identifier') continue;
    const savedName = (unwrap(put.right) as TSESTree.Identifier).name;
    const target = put.left;
    if (target.type !== 'MemberExpression' && target.type !== 'Identifier') continue;
    const saves = body.some((d) => d.type === 'VariableDeclaration' && d.kind === 'const' && d.declarations.some((x) => x.id.type === 'Identifier' && x.id.name === savedName && x.init !== null && x.init !== undefined && sameTarget(x.init, target)));
    const replaces = body.some((r) => r.type === 'ExpressionStatement' && unwrap(r.expression).type === 'AssignmentExpression' && sameTarget((unwrap(r.expression) as TSESTree.AssignmentExpression).left, target));
    if (saves && replaces && outlivesCall(target, fn)) return { target };
  }
  return null;
}

/** The root of `target` is no parameter of `fn` and no object `fn` makes: the place is there for other calls too. */
function outlivesCall(target: Node, fn: FunctionNode): boolean {
  const root = memberRoot(target);
  if (root.type === 'ThisExpression') return true;
  if (root.type !== 'Identifier') return false;
  const name = root.name;
  if (fn.params.some((p) => p.type === 'Identifier' && p.name === name)) return false;
  const init = constInit(root);
  const made = init ? unwrap(init) : null;
  return !(made && (made.type === 'ObjectExpression' || made.type === 'ArrayExpression' || made.type === 'NewExpression'));
}

function helperOverrideReport(target: TSESTree.MemberExpression | TSESTree.Identifier, install: TSESTree.CallExpression, awaited: Node, restore: TSESTree.CallExpression): RuleReport {
  const loc = helperTargetText(target);
  const helper = `${receiverText(install.callee) ?? 'the helper'}(…)`;
  const undo = (unwrap(restore.callee) as TSESTree.Identifier).name;
  return {
    anchor: restore,
    message: `\`${helper}\` on line ${line(install)} replaces \`${loc}\` and hands back \`${undo}\`, which puts back the value it saved; the call yields at ${yieldPhrase(awaited)}, and line ${line(restore)} calls \`${undo}\`: ${OVERRIDE_HARM}`,
    location: loc,
    subject: { kind: 'race', path: loc, from: install, to: restore, check: false },
    related: [
      { anchor: install, message: `saves \`${loc}\` and replaces it for the time of the await` },
      { anchor: awaited, message: OVERRIDE_YIELD },
    ],
    interleaving: overrideTimeline(loc, [{ anchor: install, text: `saves \`${loc}\` (v) and sets its own` }], awaited, restore, `restores what \`${helper}\` saved`),
  };
}

/**
 * The place a helper replaces, as its caller should read it: a root the helper binds to a required module is
 * shown as that module (`require('module')._resolveFilename`), since the helper's own name for it means nothing
 * where the finding is read.
 */
function helperTargetText(target: TSESTree.MemberExpression | TSESTree.Identifier): string {
  const text = receiverText(target) ?? '…';
  const root = memberRoot(target);
  const required = root.type === 'Identifier' ? requiredModule(root) : null;
  return required ? required + text.slice(text.indexOf('.') < 0 ? text.length : text.indexOf('.')) : text;
}

/** `require('module')` when `id` is a const given `require('module')` (or a `createRequire` result's call). */
function requiredModule(id: TSESTree.Identifier): string | null {
  const init = constInit(id);
  const call = init ? unwrap(init) : null;
  if (call?.type !== 'CallExpression') return null;
  const callee = unwrap(call.callee);
  const arg = call.arguments[0];
  const name = callee.type === 'Identifier' ? callee.name : null;
  return name !== null && /require$/i.test(name) && arg?.type === 'Literal' && typeof arg.value === 'string' ? `require('${arg.value}')` : null;
}

/** In the `finally` block of a `try`, or in a callback handed to a promise's `.finally(…)`. */
function inFinally(node: Node): boolean {
  for (let child: Node = node, p = node.parent; p; child = p, p = p.parent) {
    if (p.type === 'TryStatement' && p.finalizer === child) return true;
    if (isFunction(p)) {
      const call = p.parent;
      if (call?.type !== 'CallExpression' || !call.arguments.includes(p as TSESTree.CallExpressionArgument)) return false;
      const callee = unwrap(call.callee);
      return callee.type === 'MemberExpression' && memberName(callee) === 'finally';
    }
  }
  return false;
}

/** `current` and `current`, `this.#ctx` and `this.#ctx`, `Module._resolve` and `Module._resolve`: one place, written the same way. */
function sameTarget(a: Node, b: Node): boolean {
  const text = receiverText(a);
  return text !== null && text === receiverText(b);
}

/** What overlapping calls of a scoped override see, and what stays set: the end of both its messages. */
const OVERRIDE_HARM = "calls that overlap see each other's value while they wait and restore out of order, so the last to finish leaves another call's value set";
const OVERRIDE_YIELD = 'the call yields here; another call saves the replaced value and sets its own';

/**
 * A saves v and sets its own value, yields; B saves A's value and sets its own, yields; A restores v while B still
 * waits; B restores A's value, which stays. `saving` are the steps up to the await, the first of them the save.
 */
function overrideTimeline(loc: string, saving: { anchor: Node; text: string }[], awaited: Node, restore: Node, restoring: string): InterleavingDraft {
  const save = saving[0]!.anchor;
  return twoCalls(restore, [...saving, { anchor: awaited, text: 'yields' }], [{ anchor: restore, text: restoring, quote: restore }], `A restores v while B still waits, and B then restores A's value: it stays set after both calls ended`, {
    again: (s) => (s.anchor === save ? { ...s, text: `saves \`${loc}\`: A's value, not v` } : s),
  });
}

/** The message of a scoped override (see `scopedOverride`): what overlapping calls see, and what stays set. */
function overrideReport(path: string, saved: Node, override: Node, awaited: Node, restore: Node): RuleReport {
  const loc = displayPath(path);
  return {
    anchor: restore,
    message: `\`${loc}\` is saved on line ${line(saved)} and replaced on line ${line(override)}, the call yields at ${yieldPhrase(awaited)}, and line ${line(restore)} restores the saved value: ${OVERRIDE_HARM}`,
    location: loc,
    subject: { kind: 'race', path, from: saved, to: restore, check: false },
    related: [
      { anchor: saved, message: `the value of \`${loc}\` is saved here` },
      { anchor: override, message: 'and replaced here for the time of the await' },
      { anchor: awaited, message: OVERRIDE_YIELD },
    ],
    interleaving: overrideTimeline(
      loc,
      [
        { anchor: saved, text: `saves \`${loc}\` (v)` },
        { anchor: override, text: 'sets its own value' },
      ],
      awaited,
      restore,
      'restores what it saved',
    ),
  };
}

/** `this.queue.splice(0, idx)` where `idx` came from the stale read: a position, not a stored value. */
function splicesAt(write: Node, read: Node): boolean {
  if (write.type !== 'CallExpression') return false;
  const callee = unwrap(write.callee);
  if (callee.type !== 'MemberExpression' || memberName(callee) !== 'splice') return false;
  return !write.arguments.slice(2).some((a) => a.range[0] <= read.range[0] && read.range[1] <= a.range[1]);
}

function report(path: string, read: Node, awaited: Node, write: Node): RuleReport {
  const loc = entryPhrase(path, read, write, deletesWhatWasListed(write, read) ? listing(read)?.key : undefined);
  const r = line(read);
  const a = line(awaited);
  const w = line(write);
  const message = empties(write)
    ? `${loc} is copied on line ${r}, the call yields at ${yieldPhrase(awaited)}, and line ${w} empties it: whatever other calls added in between is dropped without being handled`
    : splicesAt(write, read)
    ? `${loc} is read on line ${r}, the call yields at ${yieldPhrase(awaited)}, and line ${w} splices it at a position computed from the old read: entries another call added or removed in between shift the array, and the wrong ones are removed`
    : awaited.type === 'AwaitExpression' && awaited.argument === read
      ? `${loc} is read on line ${r} from a store that answers asynchronously, and line ${w} writes back a value computed from that answer: another call's write that lands in between is lost`
      : r === w && a === w
      ? `${loc} is read before ${yieldPhrase(awaited)} and written back after it from the old value: a concurrent call's update is lost`
      : `${loc} is read on line ${r}, the call yields at ${yieldPhrase(awaited)}, and line ${w} writes back a value computed from the old read: a concurrent call's update is lost`;
  return {
    anchor: write,
    message,
    location: displayPath(path),
    subject: { kind: 'race', path, from: read, to: write, check: false, ...keyOf(read, write) },
    related: [
      { anchor: read, message: `${loc} is read here` },
      { anchor: awaited, message: 'the call yields here; other calls can run and change it' },
    ],
    interleaving: timeline(loc, read, awaited, write),
  };
}

/**
 * A reads, yields; B reads the same value, yields; A writes; B writes what it computed from the same old value
 * over A's write.
 */
function timeline(loc: string, read: Node, awaited: Node, write: Node): InterleavingDraft {
  const asked = awaited.type === 'AwaitExpression' && awaited.argument === read;
  const before = asked
    ? [{ anchor: read, text: `reads ${loc} and waits for the answer (v)` }]
    : [
        { anchor: read, text: `reads ${loc} (v)` },
        { anchor: awaited, text: 'yields' },
      ];
  const outcome = empties(write)
    ? `both handled the entries they copied, and each emptied ${loc}: entries added between a copy and its emptying are dropped`
    : splicesAt(write, read)
      ? `B splices at positions it computed before A's splice moved the entries: the wrong entries are removed`
      : `B's write is computed from the same v as A's and overwrites it: A's update is lost`;
  return twoCalls(write, before, [{ anchor: write, text: empties(write) ? 'empties it:' : 'writes', quote: write }], outcome, {
    stale: read,
    again: (s) => (s.anchor === read ? { ...s, text: asked ? `reads ${loc}: the same v` : `reads ${loc}: still v` } : s),
  });
}
