import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Variable } from '@typescript-eslint/scope-manager';
import { calleeName, containsAwait, containsNode, enclosingFunction, forEachNode, identifierWords, isFunction, isPromiseChainCall, LOOP_STATEMENTS, memberName, memberRoot, namePattern, propertyKey, unwrap, type Node } from '../ast.js';
import { promiseAcquire, receiverText } from '../locks.js';
import { LIMITED_METHODS, LIMITER_NAME } from '../locks/index.js';
import type { FileModel } from '../model.js';
import { limitedQuery, returnsOnePage } from '../pages.js';
import { bindsName, computes, inLibrary, localCallSites, mentionedElsewhere, modulesMentioningAtMost, resolveCallee, returnsNoPromise, resolveDeclaredCallee, startsUnlimitedIo, waitedOn } from '../callees.js';
import { awaitedWork, calledMethod, classOf, lockingMethods, memberKeyName, privateMethodCalls, thisMemberUses } from '../summaries.js';
import { programOf } from '../modules.js';
import { listsOwnFolder } from '../ownFiles.js';
import { cappedBefore, fixedCount } from '../sizeGuards.js';
import { validatedMaximum } from '../validatedInput.js';
import { elementType, finiteValues, madeWithKeyType } from '../finiteTypes.js';
import type { FunctionNode } from '../scope.js';
import type { Rule, RuleReport } from './rule.js';
import { line } from './text.js';
import type { InterleavingDraft } from '../interleaving.js';

const COMBINATORS = new Set(['all', 'allSettled']);
/**
 * A name that says it holds one bounded slice: `batch`, `chunk`, `pageItems`, `firstTen`, `topUsers`. Whole words
 * only, and singular: `pages`, `batches` and `chunks` are every page or batch there is, and `topics` no top of
 * anything.
 */
const BOUND_WORDS = new Set(['chunk', 'batch', 'page', 'window', 'group', 'pair', 'few', 'top', 'first']);

function namesABound(name: string): boolean {
  return identifierWords(name).some((w) => BOUND_WORDS.has(w));
}

export const unboundedConcurrency: Rule<'unbounded-concurrency'> = {
  meta: {
    id: 'unbounded-concurrency',
    shortDescription: 'Promise.all over an array of unbounded size starts every I/O call at once.',
    fullDescription:
      'Reports Promise.all / Promise.allSettled over a mapped array whose size the code does not bound, when the callbacks do I/O. With a large input every request, query or file handle is opened at once: connection pools run dry, rate limits trip, memory spikes. Bound the fan-out with a Semaphore.',
    defaultSeverity: 'warning',
    docsPath: 'docs/rules/unbounded-concurrency.md',
    messageId: 'unboundedConcurrency',
    fixKinds: ['semaphore-limit'],
    // Deliberate fan-out: "run 10 calls at once" in a test, a benchmark's load.
    kinds: { test: 'off', benchmark: 'off' },
    // A build, release or docs script fans out over the repository's own files and packages, once, on a
    // developer's machine: judged on real code, none of those was a real overload. Shown on request.
    confidenceIn: { script: 'low' },
  },
  check(model) {
    const reports: RuleReport[] = [];
    for (const node of model.index.calls) {
      if (!isPromiseCombinator(node)) continue;
      const arg = node.arguments[0];
      if (!arg) continue;
      for (const { source, callback, call } of mappedCalls(arg, model)) {
        if (isBounded(source) || !doesIo(callback, model) || isLimited(callback, model) || onOneTransaction(callback) || drainsSharedQueue(callback)) continue;
        const invoked = invokesElement(callback);
        const origin = originOf(source, { model, handlers: invoked }, 0);
        if (origin === 'bounded') continue;
        const src = sourceText(source, model);
        const firstAwait = findAwait(callback);
        // Each element goes through methods a base class in another module defines: the I/O, and whatever
        // serializes it (one connection, a lock in `query()`), is out of this file's sight.
        const klass = classOf(callback);
        const unseen = klass !== null && awaitedWork(callback, klass) === 'inherited';
        // `entries.map((entry) => entry.run(ctx))`, `loaders.map((load) => load())`: what each element does is out of
        // sight, so the I/O is a guess. Judged on real code, none of these was a real overload (handlers' bookkeeping,
        // a session's `finish()`): shown on request, except rows from outside that each write themselves back
        // (`rows.map((row) => row.destroy())`), one query per row.
        const guessed = waitsOnlyOnElement(callback) && !madeHere(source, model) && !(origin === 'outside' && persistsElement(callback));
        // `workers.map((w) => w.stop())`, `children.map((c) => this.kill(c))`: stopping what already runs frees
        // connections and processes rather than taking more. Judged on real code, none was a real overload.
        const tearsDown = onlyTearsDown(callback);
        reports.push({
          anchor: node,
          message: `\`${calleeText(node)}\` on line ${line(node)} starts one call per element of \`${src}\` at once, and nothing bounds its size: with a large input every I/O operation runs concurrently; bound the fan-out with a Semaphore`,
          location: src,
          subject: { kind: 'fan-out', combinator: node, map: call, callback },
          confidence: unseen || guessed || tearsDown ? 'low' : CONFIDENCE[origin],
          related: [
            { anchor: call, message: 'one callback per element, all started at once' },
            ...(firstAwait ? [{ anchor: firstAwait, message: 'each callback does I/O here' }] : []),
          ],
          interleaving: timeline(node, call, firstAwait, src, origin),
        });
      }
    }
    return reports;
  },
};

const SIZED_BY = {
  outside: 'comes from outside the program',
  caller: 'is whatever the caller passes',
  unknown: 'is not known here',
} as const;

/**
 * The first element's callback starts and waits on its I/O; every other element's starts before it is done: n
 * operations in flight at once, and nothing bounds n.
 */
function timeline(combinator: TSESTree.CallExpression, map: Node, firstAwait: Node | null, src: string, origin: Exclude<Origin, 'bounded'>): InterleavingDraft {
  const code = '`' + src + '`';
  return {
    actors: [
      { id: 'item 1', label: `the first element of ${code}` },
      { id: 'items 2…n', label: 'every other element' },
    ],
    steps: [
      { actor: 0, anchor: map, text: 'starts' },
      ...(firstAwait ? [{ actor: 0, anchor: firstAwait, text: 'starts its I/O and waits' }] : []),
      { actor: 1, anchor: map, text: 'start at once, before item 1 is done' },
      ...(firstAwait ? [{ actor: 1, anchor: firstAwait, text: 'n I/O operations in flight together' }] : []),
      { actor: 0, anchor: combinator, text: `\`${calleeText(combinator)}\` waits for all n` },
    ],
    outcome: `n is the size of ${code}, which ${SIZED_BY[origin]}: nothing bounds how many run at once`,
  };
}

/**
 * Where the mapped collection's size comes from. Only a size from outside can be unbounded: rows of a query, a
 * response, a directory listing, a request body (`outside`), or whatever a caller passes (`caller`). A field or
 * module variable the code fills itself, the keys of an object, an unresolved call (`unknown`) are usually
 * small; a literal array or a constant list (`bounded`) is.
 */
type Origin = 'outside' | 'caller' | 'unknown' | 'bounded';

interface OriginWalk {
  model: FileModel;
  /**
   * The callback calls each element (`handlers.map((h) => h(event))`): the collection holds functions, and code
   * that adds to it registers a listener, a hook, a plugin. Their number is the program's, not its input's.
   */
  handlers: boolean;
}
const CONFIDENCE = { outside: 'high', caller: 'medium', unknown: 'low' } as const;
/** Calls whose result is as large as their receiver at most: the origin is the receiver's. */
const DERIVED = new Set(['filter', 'map', 'slice', 'concat', 'flat', 'sort', 'reverse', 'toSorted', 'toReversed', 'values', 'entries', 'keys', 'split', 'match', 'matchAll']);
/** Calls that add to a collection: one that code grows from its callers' input is as large as they make it. */
const GROWS = new Set(['push', 'unshift', 'add', 'set', 'splice']);
const LISTINGS = /^(readdir|readdirSync|glob|globSync|globby|fastGlob)$/;
/** Modules whose every call lists files: `import { sync } from 'globby'`, `import fg from 'fast-glob'; fg.sync(…)`. */
const LISTING_MODULES = new Set(['glob', 'globby', 'fast-glob', 'tiny-glob', 'tinyglobby', 'readdirp', 'recursive-readdir', 'klaw', 'klaw-sync']);
const REQUEST = /^(req|request|ctx|context|event|body|payload|message|msg|job)$/i;
/** Helpers that hand their callback one batch (chunk, page) of a collection at a time. */
const BATCHING = /batch|chunk|page/i;

/**
 * `findAllInBatches(…)`, `forEachChunk(…)`, or a function of a module named for batches: `batch.processArray(…)`.
 * Only the module's whole name counts: a page of a browser (`this.pupPage.evaluate(async (ids) => …)`) hands
 * its callback whatever the caller passed.
 */
function batchesItsInput(call: TSESTree.CallExpression): boolean {
  const callee = unwrap(call.callee);
  if (BATCHING.test(calleeName(call) ?? '')) return true;
  if (callee.type !== 'MemberExpression') return false;
  const holder = receiverText(unwrap(callee.object));
  return holder !== null && BATCH_MODULE.test(holder.slice(holder.lastIndexOf('.') + 1));
}

const BATCH_MODULE = /^(batch(es|er)?|chunk(s|er)?)$/i;
/** What awaiting `awaited` gives is one page: a query with a cap, or the body of a request with one. */
function onePage(awaited: Node, walk: OriginWalk): boolean {
  return limitedQuery(awaited) || cappedResponseBody(awaited, walk) || pageOfCallee(awaited);
}

/** `await api.listPartners({ cursor })`, where the method returns one page of a capped request (see `returnsOnePage`). */
function pageOfCallee(awaited: Node): boolean {
  const call = unwrap(awaited);
  if (call.type !== 'CallExpression') return false;
  const fn = resolveDeclaredCallee(call.callee);
  return fn !== null && returnsOnePage(fn);
}

/** How a fetch response hands over its body. */
const BODY_READERS = new Set(['json', 'text']);

/**
 * `await res.json()`, where `res` came from a request whose rows are capped (`const res = await
 * fetch(url + '?limit=50')`, or `fetch(…).then(async (res) => …)`): the body of one page.
 */
function cappedResponseBody(node: Node, walk: OriginWalk): boolean {
  const call = unwrap(node);
  if (call.type !== 'CallExpression' || call.arguments.length > 0 || !BODY_READERS.has(calleeName(call) ?? '')) return false;
  const callee = unwrap(call.callee);
  const response = callee.type === 'MemberExpression' ? unwrap(callee.object) : null;
  const def = response?.type === 'Identifier' ? walk.model.scope.variableOf(response)?.defs : undefined;
  if (def?.length !== 1) return false;
  const { node: declared, name } = def[0]!;
  if (def[0]!.type === 'Parameter') {
    const handler = declared as FunctionNode;
    const chained = handler.parent;
    if (handler.params[0] !== name || chained?.type !== 'CallExpression' || chained.arguments[0] !== handler || calleeName(chained) !== 'then') return false;
    const request = unwrap(chained.callee);
    return request.type === 'MemberExpression' && limitedQuery(request.object);
  }
  const init = declared.type === 'VariableDeclarator' && declared.init ? unwrap(declared.init) : null;
  return init?.type === 'AwaitExpression' && limitedQuery(init.argument);
}

/**
 * For `const [a, b] = await Promise.all([x, y])`, the element of the array that `binding` takes (`y` for `b`);
 * null for any other initializer.
 */
function combinedElement(init: Node, pattern: TSESTree.ArrayPattern, binding: Node): Node | null {
  const awaited = init.type === 'AwaitExpression' ? unwrap(init.argument) : null;
  if (awaited?.type !== 'CallExpression' || !isPromiseCombinator(awaited)) return null;
  const list = awaited.arguments[0] ? unwrap(awaited.arguments[0]) : null;
  const index = pattern.elements.findIndex((e) => e !== null && unwrap(e) === binding);
  const element = list?.type === 'ArrayExpression' && index >= 0 ? list.elements[index] : undefined;
  return element && element.type !== 'SpreadElement' ? element : null;
}

function originOf(node: Node, walk: OriginWalk, depth: number): Origin {
  if (depth > 12) return 'unknown';
  const n = unwrap(node);
  // What the fan-out itself would take as bounded (`rows.slice(i, i + 200)`, a `chunk`) is bounded wherever it
  // comes from: an initializer, a caller's argument. Not a window of a size the code does not fix there
  // (`files.slice(offset, offset + limit)`, where `limit` may be 'all').
  if (depth > 0 && isBounded(n, false)) return 'bounded';
  switch (n.type) {
    case 'AwaitExpression': {
      // `(await import(path)).manifest`: what a module exports is code, as large as its author wrote it.
      if (unwrap(n.argument).type === 'ImportExpression') return 'unknown';
      // `await Model.findAll({ where, limit })`, `await db.select().from(t).limit(n)`: one page of rows.
      if (onePage(n.argument, walk)) return 'bounded';
      // `await readdir(path.join(__dirname, 'templates'))`: the files shipped with the code.
      const awaited = unwrap(n.argument);
      return awaited.type === 'CallExpression' && isListing(awaited, walk.model) && listsOwnFolder(awaited, walk.model.scope) ? 'unknown' : 'outside';
    }
    case 'ArrayExpression': {
      let origin: Origin = 'bounded';
      for (const e of n.elements) if (e?.type === 'SpreadElement') origin = widest(origin, originOf(e.argument, walk, depth + 1));
      return origin;
    }
    case 'Identifier':
      return identifierOrigin(n, walk, depth);
    case 'MemberExpression': {
      if (cappedBefore(n)) return 'bounded';
      // `input.urls` of a handler whose schema says `urls: z.array(z.string()).max(100)`.
      const field = memberName(n);
      if (field !== null && validatedMaximum(n.object, field, walk.model.scope)) return 'bounded';
      const root = memberRoot(n);
      if (root.type === 'ThisExpression') return grows(n, walk) ? 'caller' : 'unknown';
      // A request's body is the caller's; a local named `body` that holds one capped page (`const body = await
      // res.json()` of `fetch(url + '?take=25')`) is not.
      if (root.type === 'Identifier' && REQUEST.test(root.name) && /\bbody\b|\bdata\b|\bparams\b|\bquery\b/.test(walk.model.text.slice(n.range[0], n.range[1])) && !cappedQueryResult(root, walk)) return 'outside';
      if (root.type !== 'Identifier' && root.type !== 'AwaitExpression' && root.type !== 'CallExpression') return 'unknown';
      const rootOrigin = originOf(root, walk, depth + 1);
      // `manifests[0].tables` of a two-element `manifests`: a list of few elements says nothing of how large
      // what each holds is. One page of a query (`snap.docs` of `await getDocs(query(ref, limit(20)))`) is a page.
      if (rootOrigin === 'bounded') return root.type === 'Identifier' && cappedQueryResult(root, walk) ? 'bounded' : 'unknown';
      return rootOrigin;
    }
    case 'NewExpression':
      // `new Set(metrics)` of `metrics: Metric[]`, a union of a few literals: as many as the type has values.
      if (finiteValues(madeWithKeyType(n)) !== null || (calleeName(n) === 'Set' && n.arguments[0] && finiteValues(elementType(declaredAnnotation(n.arguments[0], walk))) !== null)) return 'bounded';
      return n.arguments[0] ? originOf(n.arguments[0], walk, depth + 1) : 'bounded';
    case 'CallExpression': {
      const callee = unwrap(n.callee);
      const name = calleeName(n) ?? '';
      if (callee.type === 'MemberExpression') {
        const object = unwrap(callee.object);
        // Object.keys(payload): the fields of one object, not a stream of records; unless code keeps adding keys.
        if (object.type === 'Identifier' && object.name === 'Object') {
          const target = n.arguments[0] ? unwrap(n.arguments[0]) : null;
          return target && (target.type === 'MemberExpression' || target.type === 'Identifier') && grows(target, walk) ? 'caller' : 'unknown';
        }
        if (object.type === 'Identifier' && object.name === 'Array' && name === 'from') {
          const first = n.arguments[0] ? unwrap(n.arguments[0]) : null;
          if (first?.type === 'ObjectExpression') {
            const length = first.properties.find((p) => p.type === 'Property' && propertyKey(p) === 'length');
            return length && length.type === 'Property' && isLiteralBound(length.value as Node) ? 'bounded' : 'unknown';
          }
          return first ? originOf(first, walk, depth + 1) : 'bounded';
        }
        if (DERIVED.has(name)) return originOf(object, walk, depth + 1);
      }
      return isListing(n, walk.model) && !listsOwnFolder(n, walk.model.scope) ? 'outside' : 'unknown';
    }
    case 'ConditionalExpression':
      return widest(originOf(n.consequent, walk, depth + 1), originOf(n.alternate, walk, depth + 1));
    case 'LogicalExpression':
      return widest(originOf(n.left, walk, depth + 1), originOf(n.right, walk, depth + 1));
    default:
      return 'unknown';
  }
}

/** The type a name is declared with: a parameter's (`...metrics: Metric[]` too) or a variable's annotation. */
function declaredAnnotation(node: Node, walk: OriginWalk): TSESTree.TypeNode | null {
  const n = unwrap(node);
  const def = n.type === 'Identifier' ? walk.model.scope.variableOf(n)?.defs[0] : undefined;
  const name = def?.name;
  if (name?.type !== 'Identifier') return null;
  return name.typeAnnotation?.typeAnnotation ?? (name.parent?.type === 'RestElement' ? (name.parent.typeAnnotation?.typeAnnotation ?? null) : null);
}

/** `const snap = await getDocs(query(ref, limit(20)))`: the variable holds what one capped query gave. */
function cappedQueryResult(id: TSESTree.Identifier, walk: OriginWalk): boolean {
  const def = walk.model.scope.variableOf(id)?.defs;
  const node = def?.length === 1 ? def[0]!.node : null;
  const init = node?.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.init ? unwrap(node.init) : null;
  return init?.type === 'AwaitExpression' && onePage(init.argument, walk);
}

/** A directory listing: `readdir(dir)`, a glob, a call of a file-listing module. */
function isListing(call: TSESTree.CallExpression, model: FileModel): boolean {
  return LISTINGS.test(calleeName(call) ?? '') || fromListingModule(unwrap(call.callee), model);
}

/** The callee (or the object it is called on) is imported from a file-listing module. */
function fromListingModule(callee: Node, model: FileModel): boolean {
  const base = callee.type === 'MemberExpression' ? unwrap(callee.object) : callee;
  if (base.type !== 'Identifier') return false;
  const def = model.scope.variableOf(base)?.defs[0];
  if (def?.type === 'ImportBinding') return def.parent?.type === 'ImportDeclaration' && LISTING_MODULES.has(def.parent.source.value);
  // `const { sync } = require('globby')`
  const init = def?.node.type === 'VariableDeclarator' && def.node.init ? unwrap(def.node.init) : null;
  const arg = init?.type === 'CallExpression' && calleeName(init) === 'require' ? init.arguments[0] : undefined;
  return arg?.type === 'Literal' && typeof arg.value === 'string' && LISTING_MODULES.has(arg.value);
}

function identifierOrigin(id: TSESTree.Identifier, walk: OriginWalk, depth: number): Origin {
  const variable = walk.model.scope.variableOf(id);
  if (!variable || variable.defs.length !== 1) return 'unknown';
  const def = variable.defs[0]!;
  // `if (ids.length > MAX) throw …` before the use, and `ids` not assigned again: as large as the cap.
  if (cappedBefore(id) && variable.references.every((r) => !r.isWrite() || r.identifier === def.name)) return 'bounded';
  if (def.type === 'Parameter') return parameterOrigin(def.node as FunctionNode, id.name, walk, depth);
  if (def.node.type !== 'VariableDeclarator' || !def.node.init) return 'unknown';
  const init = unwrap(def.node.init);
  // `const [total, rows] = await Promise.all([count(q), findAll({ …q, limit })])`: what its own element gave.
  const element = def.node.id.type === 'ArrayPattern' ? combinedElement(init, def.node.id, def.name as Node) : null;
  if (element) return limitedQuery(element) ? 'bounded' : 'outside';
  // `const { rows } = await db.query(…)`: a part of what the awaited call gave; of one page (`const { data } =
  // await get('/items?limit=100')`), the page.
  if (def.node.id.type !== 'Identifier') {
    if (init.type === 'AwaitExpression' && onePage(init.argument, walk)) return 'bounded';
    // `const { series } = req.body` of a handler whose schema caps `series`.
    const field = def.name.parent?.type === 'Property' && def.name.parent.value === def.name && def.name.parent.parent === def.node.id ? propertyKey(def.name.parent) : null;
    if (field !== null && validatedMaximum(init, field, walk.model.scope)) return 'bounded';
    return originOf(init, walk, depth + 1) === 'outside' ? 'outside' : 'unknown';
  }
  const isConst = def.parent?.type === 'VariableDeclaration' && def.parent.kind === 'const';
  const written = variable.references.some((r) => r.isWrite() && r.identifier !== def.name);
  if (isConst && init.type === 'ArrayExpression' && (filledByFixedPushes(variable, init) || cappedPushes(variable, init))) return 'bounded';
  // `const clients = new Map<Region, Client>()`, `const seen: Set<Level> = new Set()`: keyed by a type of a few values.
  if (init.type === 'NewExpression' && finiteValues(madeWithKeyType(init, def.node.id.typeAnnotation?.typeAnnotation)) !== null) return 'bounded';
  // `const active = []; for (const a of page) if (a.live) active.push(a)`: as large as what the loop walks, when
  // that says something; otherwise an array code pushes to, as before.
  const walked = isConst && init.type === 'ArrayExpression' ? filledFromOneLoop(variable, init) : null;
  const walkedOrigin = walked ? originOf(walked, walk, depth + 1) : 'unknown';
  if (walkedOrigin !== 'unknown') return walkedOrigin;
  if (grows(id, walk)) return 'caller';
  if (!isConst && written) return 'unknown';
  return originOf(init, walk, depth + 1);
}

const READS_ONLY = new Set(['map', 'filter', 'forEach', 'length', 'includes', 'indexOf', 'join', 'some', 'every', 'find', 'slice', 'at']);

/**
 * `const channels = []; if (events) channels.push('events'); if (delayed) channels.push('delayed');`: an array
 * literal that only a fixed number of pushes outside any loop or callback fill holds at most that many elements.
 * Handed to anything else, it may grow there.
 */
function filledByFixedPushes(variable: Variable, literal: TSESTree.ArrayExpression): boolean {
  const home = enclosingFunction(literal);
  if (literal.elements.some((e) => e?.type === 'SpreadElement')) return false;
  const filledHere = onlyReadAndPushed(
    variable,
    (call) => {
      if (call.arguments.some((a) => a.type === 'SpreadElement')) return false;
      for (let p: Node | undefined = call.parent; p && p !== home; p = p.parent) if (LOOP_STATEMENTS.has(p.type) || isFunction(p)) return false;
      return true;
    },
    listsConstants(literal),
  );
  // Other modules are read only for a list this one leaves fixed.
  return filledHere && (home !== null || !exported(variable) || !pushedElsewhere(literal, variable.name));
}

/**
 * `export const SUPPORTED = [Id.GitHub, Id.GitLab]`: a list the code spells out, element by element, holds what
 * it names; handing it to a call (`accounts(SUPPORTED)`) reads it there too: code does not add to a list of
 * constants. An empty literal or one of computed values is what some code fills in.
 */
function listsConstants(literal: TSESTree.ArrayExpression): boolean {
  const constant = (e: Node): boolean => {
    const n = unwrap(e);
    if (n.type === 'Literal' || n.type === 'Identifier') return true;
    if (n.type === 'TemplateLiteral') return n.expressions.length === 0;
    return n.type === 'MemberExpression' && !n.computed && constant(n.object);
  };
  return literal.elements.length > 0 && literal.elements.every((e) => e !== null && e.type !== 'SpreadElement' && constant(e));
}

/** A module-level variable declared with `export`. */
function exported(variable: Variable): boolean {
  const decl = variable.defs[0]?.node.parent;
  return decl?.parent?.type === 'ExportNamedDeclaration';
}

/** Does another module of the project add to the exported list (`SUPPORTED.push(…)`)? Yes when that cannot be told. */
function pushedElsewhere(at: Node, name: string): boolean {
  const program = programOf(at);
  const modules = program ? modulesMentioningAtMost(program, name, 40) : null;
  if (!modules) return true;
  return modules.some((m) => m !== program && containsNode(m, (n) => n.type === 'MemberExpression' && GROWS.has(memberName(n) ?? '') && unwrap(n.object).type === 'Identifier' && (unwrap(n.object) as TSESTree.Identifier).name === name));
}

/**
 * `const jobs = []; for (const c of channels) { if (jobs.length >= MAX_JOBS) return; jobs.push(job(c)); }`: an
 * array literal every push to which comes after a check that leaves once it holds enough (see `cappedBefore`),
 * one element at a time: as large as the cap.
 */
function cappedPushes(variable: Variable, literal: TSESTree.ArrayExpression): boolean {
  if (literal.elements.some((e) => e?.type === 'SpreadElement')) return false;
  let pushes = 0;
  const capped = onlyReadAndPushed(variable, (call) => {
    pushes++;
    return call.arguments.length === 1 && call.arguments[0]!.type !== 'SpreadElement' && cappedBefore((call.callee as TSESTree.MemberExpression).object);
  });
  return capped && pushes > 0;
}

/** Every use of the array's variable reads it (`READS_ONLY`) or is a `push`/`unshift` that `accepts`. */
function onlyReadAndPushed(variable: Variable, accepts: (push: TSESTree.CallExpression) => boolean, handedOnToRead = false): boolean {
  return variable.references.every((r) => {
    const at = r.identifier.parent;
    // `(typeof IDS)[number]`: a type, not a use.
    if (r.init || r.isTypeReference || at?.type === 'TSTypeQuery') return true;
    // `for (const id of ids)`, `[...ids]`: read whole.
    if ((at?.type === 'ForOfStatement' && at.right === r.identifier) || at?.type === 'SpreadElement') return true;
    if (handedOnToRead && at?.type === 'CallExpression' && at.arguments.includes(r.identifier as TSESTree.CallExpressionArgument)) return true;
    const member = at;
    if (member?.type !== 'MemberExpression' || member.object !== r.identifier) return false;
    const method = memberName(member);
    const call = member.parent;
    if (call?.type !== 'CallExpression' || call.callee !== member || (method !== 'push' && method !== 'unshift')) return method !== null && READS_ONLY.has(method);
    return accepts(call);
  });
}

/**
 * `const active = []; for (const a of affiliates) { if (a.status === 'active') active.push(a); }`: an empty array
 * literal that pushes of one element each, all in the body of one `for…of` loop (and in no loop or callback
 * inside it), fill: it holds at most a few elements per element of what the loop walks. That collection, or null.
 */
function filledFromOneLoop(variable: Variable, literal: TSESTree.ArrayExpression): Node | null {
  if (literal.elements.length > 0) return null;
  const home = enclosingFunction(literal);
  let loop: TSESTree.ForOfStatement | null = null;
  let pushes = 0;
  const filled = onlyReadAndPushed(variable, (call) => {
    if (call.arguments.length !== 1 || call.arguments[0]!.type === 'SpreadElement') return false;
    let around: TSESTree.ForOfStatement | null = null;
    // Up to the block that holds the array: a loop around both makes a new array each time round.
    for (let p: Node | undefined = call.parent; p && p !== home && !(p.range[0] <= literal.range[0] && literal.range[1] <= p.range[1]); p = p.parent) {
      if (isFunction(p) || (LOOP_STATEMENTS.has(p.type) && p.type !== 'ForOfStatement')) return false;
      if (p.type === 'ForOfStatement') {
        if (around !== null) return false;
        around = p;
      }
    }
    if (around === null || (loop !== null && loop !== around)) return false;
    loop = around;
    pushes++;
    return true;
  });
  const found = loop as TSESTree.ForOfStatement | null;
  return filled && pushes > 0 && found && !found.await ? found.right : null;
}

/**
 * What a caller passes: unbounded, unless the function is private to this file (a private method, a module
 * function not exported) and every call here passes something bounded (`containsSelectors(RETRY_SELECTORS)`,
 * `fetchEdits(event)` into a rest parameter).
 */
function parameterOrigin(fn: FunctionNode, name: string, walk: OriginWalk, depth: number): Origin {
  // `findAllInBatches(query, async (rows) => …)`, `forEachChunk(items, 100, async (chunk) => …)`: the callback
  // gets one batch at a time.
  const host = fn.parent;
  if (host?.type === 'CallExpression' && host.arguments.includes(fn as TSESTree.CallExpressionArgument) && batchesItsInput(host)) return 'bounded';
  const index = fn.params.findIndex((p) => paramName(p) === name);
  if (index < 0) return 'caller';
  const own = privateCallSites(fn);
  const calls = own ?? methodCallsHere(fn, walk.model);
  if (!calls || calls.length === 0) return 'caller';
  const rest = fn.params[index]?.type === 'RestElement';
  let origin: Origin = 'bounded';
  for (const call of calls) {
    const args = rest ? call.arguments.slice(index) : [call.arguments[index]];
    for (const arg of args) {
      if (!arg) continue;
      // Into a rest parameter, each plain argument is one element; a spread brings its whole collection.
      const source = arg.type === 'SpreadElement' ? arg.argument : rest ? null : arg;
      if (source) origin = widest(origin, originOf(source, walk, depth + 1));
    }
  }
  // A public method's calls here are all the project makes only when no other module names it; one call here
  // that passes rows from outside is proof enough whatever others pass, so only a smaller answer asks.
  if (own || origin === 'caller' || origin === 'outside') return origin;
  const program = programOf(fn);
  const method = memberKeyName(fn.parent as TSESTree.MethodDefinition);
  if (!program || method === null || mentionedElsewhere(program, method) !== false) return 'caller';
  // Calls the project makes say what it passes, not what a library's users may: at best unsure.
  return inLibrary(program) ? widest(origin, 'unknown') : origin;
}

function paramName(p: TSESTree.Parameter): string | null {
  const n = p.type === 'TSParameterProperty' ? p.parameter : p;
  if (n.type === 'Identifier') return n.name;
  if (n.type === 'RestElement' && n.argument.type === 'Identifier') return n.argument.name;
  if (n.type === 'AssignmentPattern' && n.left.type === 'Identifier') return n.left.name;
  return null;
}

/**
 * Every call of a function only this file can call (a private method, a module function it does not export, a
 * function or `const` arrow of an enclosing function: a hook's own `execute(calls)` helper), or null when others
 * can (or it escapes as a value).
 */
function privateCallSites(fn: FunctionNode): TSESTree.CallExpression[] | null {
  const owner = fn.parent;
  if (owner?.type === 'MethodDefinition') return privateMethodCalls(owner);
  return localCallSites(fn);
}

/**
 * The calls of a public method when this file only ever calls it, as `this.filterMuted(chunk)` from its class,
 * and names it nowhere else: what the file passes it. Null for anything else (a function, a static method, a
 * method this file also hands on or calls on another receiver).
 */
function methodCallsHere(fn: FunctionNode, model: FileModel): TSESTree.CallExpression[] | null {
  const method = fn.parent;
  if (method?.type !== 'MethodDefinition' || method.static || method.kind !== 'method' || method.parent.type !== 'ClassBody') return null;
  const name = memberKeyName(method);
  const calls = name === null ? null : thisMemberUses(method.parent).get(name);
  if (name === null || calls === null) return null;
  const uses = model.text.match(namePattern(name, 'g'))?.length ?? 0;
  return uses === 1 + (calls?.length ?? 0) ? (calls ?? []) : null;
}

function grows(target: TSESTree.MemberExpression | TSESTree.Identifier, walk: OriginWalk): boolean {
  return !walk.handlers && growsAtRuntime(target, walk.model);
}

/**
 * `(fn) => fn()`, `async (h) => await h.call(this, e)`, `([, load]) => load()`: the element (or a part of it) is a
 * function. Functions are code, not data a query or a request brings in.
 */
function invokesElement(fn: FunctionNode): boolean {
  const names = elementNames(fn);
  let calls = false;
  forEachNode(fn.body, (n) => {
    if (calls || isFunction(n)) return false;
    if (n.type !== 'CallExpression') return true;
    let callee = unwrap(n.callee);
    if (callee.type === 'MemberExpression' && ['call', 'apply'].includes(memberName(callee) ?? '')) callee = unwrap(callee.object);
    calls = callee.type === 'Identifier' && names.has(callee.name);
    return !calls;
  });
  return calls;
}

/** The names the callback binds to its element: `(entry) => …`, `([, load]) => …`, `({ hook }) => …`. */
function elementNames(fn: FunctionNode): Set<string> {
  const names = new Set<string>();
  const bind = (p: Node | null): void => {
    if (!p) return;
    if (p.type === 'Identifier') names.add(p.name);
    else if (p.type === 'ArrayPattern') p.elements.forEach(bind);
    else if (p.type === 'ObjectPattern') for (const prop of p.properties) bind(prop.type === 'Property' ? (prop.value as Node) : prop.argument);
    else if (p.type === 'AssignmentPattern') bind(p.left);
  };
  bind(fn.params[0] ?? null);
  return names;
}

/**
 * Does code add to this collection (`this.subs.push(s)`, `registry[name] = url`, `set.add(x)`) outside the
 * constructor, or hand it to other modules (an exported module variable)? Then it is as large as callers make it.
 */
function growsAtRuntime(target: TSESTree.MemberExpression | TSESTree.Identifier, model: FileModel): boolean {
  const text = receiverText(target);
  if (text === null) return false;
  if (target.type === 'Identifier') {
    const variable = model.scope.variableOf(target);
    if (variable && exported(variable)) return true;
  }
  return grownIn(model).has(text);
}

// Per file, keyed by its model (no state shared between analyses): the receivers code adds to.
const grown = new WeakMap<FileModel, Set<string>>();

function grownIn(model: FileModel): Set<string> {
  let set = grown.get(model);
  if (set) return set;
  const found = new Set<string>();
  for (const call of model.index.calls) {
    const callee = unwrap(call.callee);
    if (callee.type !== 'MemberExpression' || !GROWS.has(memberName(callee) ?? '') || inConstructor(call)) continue;
    const text = receiverText(unwrap(callee.object));
    if (text !== null && !cappedAfter(call, text)) found.add(text);
  }
  for (const n of model.index.assignments) {
    if (n.left.type === 'MemberExpression' && n.left.computed && !inConstructor(n)) {
      const text = receiverText(unwrap(n.left.object));
      if (text !== null) found.add(text);
    }
  }
  set = found;
  grown.set(model, set);
  return set;
}

/**
 * `const n = this.recent.unshift(doc); if (n >= MAX) this.recent = this.recent.slice(0, MAX);`: the function that
 * adds to the collection cuts it back to a fixed size right after (a slice kept, `splice(n)`, `length = n`, or
 * a `pop`/`shift` under a test of its length), so it never holds more than that.
 */
function cappedAfter(growth: TSESTree.CallExpression, text: string): boolean {
  const fn = enclosingFunction(growth);
  if (!fn) return false;
  let capped = false;
  forEachNode(fn.body, (n) => {
    if (capped || isFunction(n)) return false;
    if (n.range[0] < growth.range[1]) return true;
    if (n.type === 'AssignmentExpression' && n.operator === '=') {
      const left = receiverText(n.left);
      const right = unwrap(n.right);
      if (left === text && right.type === 'CallExpression' && isTrimOf(right, text, 'slice', 2)) capped = true;
      if (n.left.type === 'MemberExpression' && memberName(n.left) === 'length' && receiverText(n.left.object) === text) capped = true;
    } else if (n.type === 'CallExpression') {
      if (isTrimOf(n, text, 'splice', 1)) capped = true;
      else if ((isTrimOf(n, text, 'pop', 0) || isTrimOf(n, text, 'shift', 0)) && underLengthTest(n, growth)) capped = true;
    }
    return !capped;
  });
  return capped;
}

/** `text.method(…)` with at least `args` arguments, none of them spread. */
function isTrimOf(call: TSESTree.CallExpression, text: string, method: string, args: number): boolean {
  const callee = unwrap(call.callee);
  return callee.type === 'MemberExpression' && memberName(callee) === method && receiverText(callee.object) === text && call.arguments.length >= args && call.arguments.every((a) => a.type !== 'SpreadElement');
}

/** Inside an `if` or `while` that compares a length, or the count the growth call returned, with `>` or `>=`. */
function underLengthTest(node: Node, growth: TSESTree.CallExpression): boolean {
  const counted = growth.parent?.type === 'VariableDeclarator' && growth.parent.id.type === 'Identifier' ? growth.parent.id.name : null;
  for (let p = node.parent; p && !isFunction(p); p = p.parent) {
    if (p.type !== 'IfStatement' && p.type !== 'WhileStatement') continue;
    const test = unwrap(p.test);
    if (test.type !== 'BinaryExpression' || (test.operator !== '>' && test.operator !== '>=')) continue;
    const left = unwrap(test.left as Node);
    if ((left.type === 'MemberExpression' && memberName(left) === 'length') || (left.type === 'Identifier' && left.name === counted)) return true;
  }
  return false;
}

function inConstructor(node: Node): boolean {
  for (let p = node.parent; p; p = p.parent) if (p.type === 'MethodDefinition') return p.kind === 'constructor';
  return false;
}

/** The origin that can hold more: outside > caller > unknown > bounded. */
function widest(a: Origin, b: Origin): Origin {
  const order: Origin[] = ['bounded', 'unknown', 'caller', 'outside'];
  return order[Math.max(order.indexOf(a), order.indexOf(b))]!;
}

function isPromiseCombinator(call: TSESTree.CallExpression): boolean {
  const callee = unwrap(call.callee);
  return (
    callee.type === 'MemberExpression' &&
    unwrap(callee.object).type === 'Identifier' &&
    (unwrap(callee.object) as TSESTree.Identifier).name === 'Promise' &&
    COMBINATORS.has(memberName(callee) ?? '')
  );
}

function calleeText(call: TSESTree.CallExpression): string {
  return `Promise.${calleeName(call)}`;
}

interface Mapped {
  source: Node;
  callback: FunctionNode;
  call: TSESTree.CallExpression;
}

/**
 * The mapped arrays a combinator waits on: `xs.map(fn)`, `Array.from(xs, fn)`, a const holding one, and each
 * spread of an array literal (`[...deletes, ...uploads]`); `xs?.map(fn) ?? []` is the map.
 */
function mappedCalls(arg: Node, model: FileModel, depth = 0): Mapped[] {
  const n = unwrap(arg);
  if (depth > 4) return [];
  if (n.type === 'ArrayExpression') {
    return n.elements.flatMap((e) => (e?.type === 'SpreadElement' ? mappedCalls(e.argument, model, depth + 1) : []));
  }
  if (n.type === 'LogicalExpression' && (n.operator === '??' || n.operator === '||') && isEmptyArray(n.right)) {
    return mappedCalls(n.left, model, depth + 1);
  }
  if (n.type === 'Identifier') {
    const v = model.scope.variableOf(n);
    const def = v?.defs[0];
    if (v && def?.node.type === 'VariableDeclarator' && def.node.init && v.defs.length === 1) {
      return mappedCalls(def.node.init, model, depth + 1);
    }
    return [];
  }
  const mapped = mappedCall(n);
  return mapped ? [mapped] : [];
}

function isEmptyArray(node: Node): boolean {
  const n = unwrap(node);
  return n.type === 'ArrayExpression' && n.elements.length === 0;
}

/** `xs.map(fn)`, `Array.from(xs, fn)`. */
function mappedCall(n: Node): Mapped | null {
  if (n.type !== 'CallExpression') return null;
  const callee = unwrap(n.callee);
  if (callee.type !== 'MemberExpression') return null;
  const method = memberName(callee);
  const object = unwrap(callee.object);
  if ((method === 'map' || method === 'flatMap') && n.arguments[0] && isFunction(n.arguments[0])) {
    return { source: object, callback: n.arguments[0], call: n };
  }
  if (method === 'from' && object.type === 'Identifier' && object.name === 'Array' && n.arguments[1] && isFunction(n.arguments[1])) {
    return { source: n.arguments[0]!, callback: n.arguments[1], call: n };
  }
  return null;
}

/**
 * The size of the source is visibly bounded: a literal array, a literal slice, a chunk or batch; with `anyWindow`,
 * also a moving window `slice(i, i + size)` of any size (the fan-out's own source, in a chunking loop).
 */
function isBounded(source: Node, anyWindow = true): boolean {
  const s = unwrap(source);
  if (s.type === 'ArrayExpression') return !s.elements.some((e) => e?.type === 'SpreadElement');
  if (s.type === 'CallExpression') {
    const callee = unwrap(s.callee);
    const name = calleeName(s) ?? '';
    if ((name === 'slice' || name === 'splice') && (isLiteralBound(s.arguments[1]) || (anyWindow && isWindow(s.arguments[0], s.arguments[1])))) return true;
    if (name === 'from' && s.arguments[0]?.type === 'ObjectExpression') return true;
    if (namesABound(name)) return true;
    if (callee.type === 'MemberExpression') return false;
  }
  const text = receiverText(s);
  return text !== null && namesABound(text.slice(text.lastIndexOf('.') + 1));
}

/** `slice(0, 10)`, `slice(i, i + 10)`, `splice(0, 10)`: the window has a literal size. */
function isLiteralBound(end: Node | undefined): boolean {
  if (!end) return false;
  const e = unwrap(end);
  // `slice(0, MAX_IDS)` with `const MAX_IDS = 100`: a constant is as fixed as the literal it names.
  if (e.type === 'Literal' || e.type === 'Identifier') return fixedCount(e);
  if (e.type === 'BinaryExpression' && e.operator === '+') {
    return (e.right.type === 'Literal' && typeof e.right.value === 'number') || (e.left.type === 'Literal' && typeof e.left.value === 'number');
  }
  // `Math.min(limit, 100)`: at most the constant, whatever the caller asks for.
  if (e.type === 'CallExpression' && unwrap(e.callee).type === 'MemberExpression') {
    const callee = unwrap(e.callee) as TSESTree.MemberExpression;
    const object = unwrap(callee.object);
    if (object.type === 'Identifier' && object.name === 'Math' && memberName(callee) === 'min') return e.arguments.some((a) => a.type !== 'SpreadElement' && isLiteralBound(a));
  }
  return false;
}

/**
 * `slice(i, i + size)`: a window that moves (a chunking loop steps `i` by `size`), whatever `size` is; unlike
 * `slice(0, limit)`, which only trims the front of a list the caller sizes.
 */
function isWindow(start: Node | undefined, end: Node | undefined): boolean {
  if (!start || !end) return false;
  const from = unwrap(start);
  const to = unwrap(end);
  if (from.type !== 'Identifier' || to.type !== 'BinaryExpression' || to.operator !== '+') return false;
  return [to.left, to.right].some((side) => side.type === 'Identifier' && side.name === from.name);
}

/**
 * `workers.map(async (worker) => { while (queue.length > 0) { const page = queue.shift(); await worker.run(page); } })`:
 * each callback is a worker that takes items one at a time from a queue they share, so as many operations run at
 * once as there are workers, however long the queue. The fan-out over the workers is the bound itself.
 */
function drainsSharedQueue(fn: FunctionNode): boolean {
  let drains = false;
  forEachNode(fn.body, (n) => {
    if (drains || (n !== fn.body && isFunction(n))) return false;
    if (LOOP_STATEMENTS.has(n.type)) drains = takesFromOutside(n, fn);
    return !drains;
  });
  return drains;
}

/** The loop takes items from a collection the callback does not own: `queue.shift()`, `this.pending.pop()`. */
function takesFromOutside(loop: Node, fn: FunctionNode): boolean {
  let takes = false;
  forEachNode(loop, (n) => {
    if (takes || isFunction(n)) return false;
    if (n.type !== 'CallExpression') return true;
    const callee = unwrap(n.callee);
    if (callee.type !== 'MemberExpression' || !TAKES.has(memberName(callee) ?? '')) return true;
    // A queue is a place (`queue`, `this.pending`); `name.split('_').shift()` takes from a fresh value.
    const queue = unwrap(callee.object);
    if (receiverText(queue) === null) return true;
    const root = memberRoot(queue);
    const own = root.type === 'Identifier' && bindsName(fn, root.name);
    takes = !own && containsAwait(loop);
    return !takes;
  });
  return takes;
}

const TAKES = new Set(['shift', 'pop']);

/** The callback awaits something, or returns the result of a call (a promise). */
function doesIo(fn: FunctionNode, model: FileModel): boolean {
  // What the callback awaits may be in-memory work behind an async signature, here or in another module.
  if (fn.async && containsAwait(fn.body)) return !awaitsOnlyStarted(fn) && !waitsOnlyOnError(fn) && startsUnlimitedIo(fn);
  if (fn.body.type !== 'BlockStatement') {
    const b = unwrap(fn.body);
    if (b.type === 'CallExpression') {
      if (chainsOnElement(b, fn, model)) return false;
      // `yieldToEventLoop().then(() => decode(bytes))`: a chain waits on its head and on what its handlers wait on.
      if (isPromiseChainCall(b)) return startsUnlimitedIo(fn);
      const callee = unwrap(b.callee);
      const resolved = definedHere(callee, model) ?? resolveCallee(callee);
      // Known only by its receiver's declared class, the method may be overridden: its name counts as well.
      const target = resolved ?? resolveDeclaredCallee(callee);
      // An async function that never awaits or hands back a promise runs to its end when called.
      // A function that hands back no promise (`createAssetProxy(file)`, a factory of in-memory records) leaves
      // the combinator nothing to wait on.
      if (target && ((target.async && !containsAwait(target.body) && !returnsCall(target)) || returnsNoPromise(target) || !startsUnlimitedIo(target))) return false;
      if (!resolved && computes(callee)) return false;
      if (callee.type !== 'MemberExpression') return true;
      const receiver = receiverText(callee.object) ?? '';
      const method = memberName(callee);
      const settled = receiver === 'Promise' && (method === 'resolve' || method === 'reject');
      // DataLoader-style loaders queue keys and send one batched request.
      const batched = (method === 'load' || method === 'loadMany') && isLoader(callee.object, model);
      return !settled && !batched;
    }
  }
  return false;
}

/**
 * `promises.map((p) => Promise.resolve(p).then((value) => ({ status: 'fulfilled', value }), …))`, an `allSettled`
 * written by hand: each callback waits on its element, a promise started before the fan-out, and its handlers
 * only shape the outcome; nothing new starts per element.
 */
function chainsOnElement(call: TSESTree.CallExpression, fn: FunctionNode, model: FileModel): boolean {
  const callee = unwrap(call.callee);
  const handlers = call.arguments.map((a) => unwrap(a));
  if (callee.type !== 'MemberExpression' || !PROMISE_METHODS.has(memberName(callee) ?? '')) return false;
  if (!handlers.every((h) => isFunction(h) && !doesIo(h, model))) return false;
  let target = unwrap(callee.object);
  if (target.type === 'CallExpression') {
    const wrapped = promiseResolveArgument(target);
    if (wrapped === null) return chainsOnElement(target, fn, model);
    target = wrapped;
  }
  const root = memberRoot(target);
  return root.type === 'Identifier' && fn.params.some((p) => p.type === 'Identifier' && p.name === root.name);
}

const PROMISE_METHODS = new Set(['then', 'catch', 'finally']);

/** `x` of `Promise.resolve(x)`, or null for any other call. */
function promiseResolveArgument(call: TSESTree.CallExpression): Node | null {
  const callee = unwrap(call.callee);
  const arg = call.arguments[0];
  if (callee.type !== 'MemberExpression' || memberName(callee) !== 'resolve' || !arg || arg.type === 'SpreadElement') return null;
  const object = unwrap(callee.object);
  return object.type === 'Identifier' && object.name === 'Promise' ? unwrap(arg) : null;
}

/** The function a callee names when this file defines it: a module function, or a method of the enclosing class. */
function definedHere(callee: Node, model: FileModel): FunctionNode | null {
  if (callee.type === 'Identifier') {
    const def = model.scope.variableOf(callee)?.defs[0];
    if (def?.type === 'FunctionName' && isFunction(def.node)) return def.node;
    const init = def?.node.type === 'VariableDeclarator' && def.node.init ? unwrap(def.node.init) : null;
    return init && isFunction(init) && def?.parent?.type === 'VariableDeclaration' && def.parent.kind === 'const' ? init : null;
  }
  return calledMethod(callee);
}

function returnsCall(fn: FunctionNode): boolean {
  if (fn.body.type !== 'BlockStatement') return handsBackCall(fn.body);
  let found = false;
  forEachNode(fn.body, (n) => {
    if (found || isFunction(n)) return false;
    if (n.type === 'ReturnStatement' && n.argument && handsBackCall(n.argument)) found = true;
    return !found;
  });
  return found;
}

/** `load()`, `win ? findWin() : findUnix()`, `cached ?? fetchIt()`: a value that can be what a call returned. */
function handsBackCall(value: Node): boolean {
  const v = unwrap(value);
  if (v.type === 'CallExpression') return true;
  if (v.type === 'ConditionalExpression') return handsBackCall(v.consequent) || handsBackCall(v.alternate);
  if (v.type === 'LogicalExpression') return handsBackCall(v.left) || handsBackCall(v.right);
  if (v.type === 'SequenceExpression') return handsBackCall(v.expressions[v.expressions.length - 1]!);
  return false;
}

/** The calls a callback waits on, outside `catch` blocks: reporting a failure is no work per element. */
function waitedCalls(fn: FunctionNode): { calls: TSESTree.CallExpression[]; onError: boolean } {
  const calls: TSESTree.CallExpression[] = [];
  let onError = false;
  for (const w of waitedOn(fn)) {
    const e = unwrap(w.type === 'AwaitExpression' ? w.argument : w);
    if (e.type !== 'CallExpression' && w.type !== 'AwaitExpression') continue;
    if (inCatch(w, fn)) onError = true;
    else if (e.type === 'CallExpression') calls.push(e);
    else return { calls: [], onError: false };
  }
  return { calls, onError };
}

function inCatch(node: Node, fn: FunctionNode): boolean {
  for (let p = node.parent; p && p !== fn; p = p.parent) if (p.type === 'CatchClause') return true;
  return false;
}

/**
 * `async (arg) => { try { return build(arg); } catch (e) { await report(e); … } }`: the callback waits only when
 * an element fails; the common path starts nothing.
 */
function waitsOnlyOnError(fn: FunctionNode): boolean {
  const { calls, onError } = waitedCalls(fn);
  return onError && calls.length === 0;
}

/** `urls.map((url) => () => http.get(url))`, or a const holding it: elements this code makes, in sight. */
function madeHere(source: Node, model: FileModel): boolean {
  let s = unwrap(source);
  if (s.type === 'Identifier') {
    const def = model.scope.variableOf(s)?.defs[0];
    if (def?.node.type !== 'VariableDeclarator' || !def.node.init) return false;
    s = unwrap(def.node.init);
  }
  const maker = s.type === 'CallExpression' && calleeName(s) === 'map' ? s.arguments[0] : undefined;
  return maker !== undefined && isFunction(maker) && maker.body.type !== 'BlockStatement' && isFunction(unwrap(maker.body));
}

/** Every call the callback waits on is made on its element: `entry.run(ctx)`, `load()`, `row.item.save()`. */
/** An ORM record's own write: `row.destroy()`, `user.save()`, `doc.update({…})`. */
const RECORD_WRITES = /^(destroy|save|update|reload|remove|delete|restore|insert|upsert|increment|decrement|softDelete)/;

/** Every call the callback waits on is a record write of the element (`(row) => row.destroy()`). */
function persistsElement(fn: FunctionNode): boolean {
  const { calls } = waitedCalls(fn);
  return calls.length > 0 && calls.every((c) => {
    const callee = unwrap(c.callee);
    return callee.type === 'MemberExpression' && RECORD_WRITES.test(memberName(callee) ?? '');
  });
}

/** Every call the callback waits on stops or closes something: `close()`, `stopWorker(w)`, `kill(child)`. */
function onlyTearsDown(fn: FunctionNode): boolean {
  const { calls } = waitedCalls(fn);
  return calls.length > 0 && calls.every((c) => TEARDOWN.test(calleeName(c) ?? ''));
}

const TEARDOWN = /^(close|stop|kill|terminate|quit|disconnect|shutdown|dispose|unsubscribe|abort|cancel|end)([A-Z]|$)/;

function waitsOnlyOnElement(fn: FunctionNode): boolean {
  const names = elementNames(fn);
  const { calls } = waitedCalls(fn);
  return (
    names.size > 0 &&
    calls.length > 0 &&
    calls.every((c) => {
      const root = memberRoot(c.callee);
      return root.type === 'Identifier' && names.has(root.name);
    })
  );
}

/**
 * `async (item) => ({ op: item.op, result: await item.result })`: every await is on the element itself or a part
 * of it, a promise that was started before the fan-out; the callbacks start nothing new.
 */
function awaitsOnlyStarted(fn: FunctionNode): boolean {
  const params = new Set(fn.params.flatMap((p) => (p.type === 'Identifier' ? [p.name] : [])));
  if (params.size === 0) return false;
  let only = true;
  forEachNode(fn.body, (n) => {
    if (!only) return false;
    if (isFunction(n)) return false;
    if (n.type !== 'AwaitExpression') return true;
    let target = unwrap(n.argument);
    while (target.type === 'MemberExpression' && !target.computed) target = unwrap(target.object);
    if (!(target.type === 'Identifier' && params.has(target.name))) only = false;
    return only;
  });
  return only;
}

/**
 * `rows.map((row) => row.destroy({ transaction }))`, `ids.map((id) => trx('jobs').where({ id }).del())`: every call
 * the callback waits on runs in one transaction, on its one connection, which sends the queries one at a time.
 */
function onOneTransaction(fn: FunctionNode): boolean {
  // `return { row }` hands back a value it made, not work that runs outside the transaction.
  const waited = waitedOn(fn).filter((n) => !(n.parent?.type === 'ReturnStatement' && !['CallExpression', 'AwaitExpression'].includes(unwrap(n).type)));
  const inTransaction = (node: Node): boolean => {
    const e = unwrap(node.type === 'AwaitExpression' ? node.argument : node);
    if (e.type !== 'CallExpression') return false;
    const passes = e.arguments.some((a) => {
      const o = unwrap(a);
      return o.type === 'ObjectExpression' && o.properties.some((p) => p.type === 'Property' && TRANSACTION.test(propertyKey(p) ?? ''));
    });
    let root: Node = e;
    while (root.type === 'CallExpression' || root.type === 'MemberExpression') root = unwrap(root.type === 'CallExpression' ? root.callee : root.object);
    return passes || (root.type === 'Identifier' && TRANSACTION.test(root.name));
  };
  return waited.length > 0 && waited.every(inTransaction);
}

const TRANSACTION = /^(transaction|trx|tx)$/;

/** A DataLoader: named like one, or constructed from a class named like one. */
function isLoader(receiver: Node, model: FileModel): boolean {
  const r = unwrap(receiver);
  if (/loader$/i.test(receiverText(r) ?? '')) return true;
  if (r.type !== 'Identifier') return false;
  const def = model.scope.variableOf(r)?.defs[0];
  const init = def?.node.type === 'VariableDeclarator' ? def.node.init : null;
  return init?.type === 'NewExpression' && /loader$/i.test(calleeName(init) ?? '');
}

/** The callback's work already goes through a limiter: a semaphore, p-limit, a queue (see `../locks/`). */
function isLimited(fn: FunctionNode, model: FileModel): boolean {
  let limited = false;
  const body = classOf(fn);
  // `this.dropIndex(…)` per element, where `dropIndex` reaches `query()`, which takes `this.lock`: one at a time.
  const locking = body ? lockingMethods(body, (call) => promiseAcquire(call, model.locks) !== null) : null;
  forEachNode(fn.body, (n) => {
    if (limited) return false;
    if (n.type !== 'CallExpression') return true;
    const callee = unwrap(n.callee);
    const name = calleeName(n) ?? '';
    if (promiseAcquire(n, model.locks)) limited = true;
    else if (locking && callee.type === 'MemberExpression' && unwrap(callee.object).type === 'ThisExpression' && locking.has(memberName(callee) ?? '')) limited = true;
    else if (callee.type === 'MemberExpression') {
      const recv = receiverText(callee.object) ?? '';
      const last = recv.slice(recv.lastIndexOf('.') + 1);
      if (LIMITED_METHODS.has(name) && (LIMITER_NAME.test(last) || model.locks.kindOf(callee.object) !== null)) limited = true;
      // `this.limit(() => read(key))`: a gate kept in a field, called with the work it admits.
      else if (LIMITER_NAME.test(name) && n.arguments.length > 0 && isFunction(unwrap(n.arguments[0]!))) limited = true;
    } else if (callee.type === 'Identifier') {
      limited = model.locks.libraryOf(callee)?.callable === true || LIMITER_NAME.test(name);
    }
    return !limited;
  });
  return limited;
}

function sourceText(source: Node, model: FileModel): string {
  const [start, end] = source.range;
  const text = model.text.slice(start, end).replace(/\s+/g, ' ');
  return text.length > 40 ? text.slice(0, 37) + '…' : text;
}

function findAwait(fn: FunctionNode): Node | null {
  let found: Node | null = null;
  forEachNode(fn.body, (n) => {
    if (found) return false;
    if (isFunction(n)) return false;
    if (n.type === 'AwaitExpression') {
      found = n;
      return false;
    }
    return true;
  });
  return found;
}
