import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeName, containsAwait, enclosingFunction, exits, forEachNode, isFunction, isPromiseChainCall, isPropertyName, LOOP_STATEMENTS, memberName, presenceTest, unwrap, type Node } from './ast.js';
import { bindsName, inLibrary, localCallSites, localUses, modulesMentioning, resolveCallee, shadowed } from './callees.js';
import { callsOnFreshObjects, keptInItsModule } from './freshObjects.js';
import { commonJsExport, moduleTable, programOf } from './modules.js';
import { callsName } from './locks.js';
import { starterOf } from './startedOnce.js';
import { disabledWhileBusy } from './disabledWhileBusy.js';
import { declaredPrivate, memberKeyName, privateMethodCalls, thisMemberUses } from './summaries.js';
import type { FunctionNode } from './scope.js';

/*
 * A check-then-act or a lost update inside one function needs two runs of that function to overlap. A function
 * only this file can call, called only from code that runs once (a script's top level, a `main()` called once)
 * and only ever waited on before the next call, never overlaps itself: `for (const r of releases) await
 * resolveUsername(r)` in a release script, `run()` called once at the end of a CLI. Judged on real code, such
 * findings were never races; they are shown on request.
 */

/** How many callers deep the question is followed; a chain longer than this is not assumed sequential. */
const MAX_DEPTH = 6;

const memo = new WeakMap<FunctionNode, boolean>();
const memoPerObject = new WeakMap<FunctionNode, boolean>();

/**
 * Do the runs of `fn` never overlap one another, by how this file calls it? `perObject`: asked about state of
 * `this`, so runs on two objects may overlap (each object's calls are kept apart by its own field).
 */
export function runsOneAtATime(fn: FunctionNode, perObject = false): boolean {
  const table = perObject ? memoPerObject : memo;
  let answer = table.get(fn);
  if (answer === undefined) {
    answer = decide(fn, new Set(), 0, perObject) !== 'may overlap';
    table.set(fn, answer);
  }
  return answer;
}

/** How often a function runs: at most once, one run after another, or maybe several at once. */
type Runs = 'once' | 'in turn' | 'may overlap';

function decide(fn: FunctionNode, deciding: Set<FunctionNode>, depth: number, perObject: boolean): Runs {
  if (depth > MAX_DEPTH || deciding.has(fn)) return 'may overlap';
  // A constructor runs once per object, and with it the promise callbacks it chains (`if (!this.auth)
  // p.get().then((a) => (this.auth = a))`) and the async functions it calls in place; so does a framework's
  // once-per-object hook (Lit's `firstUpdated`).
  if (commandEntry(fn) || commandModuleHandler(fn) || commandAction(fn) || (perObject && (isConstructor(fn) || isOncePerObjectHook(fn) || madeFreshForIt(fn)))) return 'once';
  // A stream's `_write` (`_transform`, `_read`, …) runs again on its object only after it called back; a
  // method under a decorator that queues its calls per object (`@sequentialize()`) or hands callers the run in
  // flight (`@gate()`) does not overlap itself on one object either, nor a handler that disables its own button
  // until it ends.
  if (perObject && (isStreamHook(fn) || serializedByDecorator(fn) || disabledWhileBusy(fn) || onWriteSideOnly(fn, 0))) return 'in turn';
  if (perObject) {
    // An object's start method: its owner's helper when the owner calls it from its own start; and, reached from
    // a helper (not the function asked about), one its users call once.
    const starter = starterOf(fn);
    if (starter === 'its owner' || (depth > 0 && starter === 'its user')) return 'once';
  }
  // `return poll()` at the end of `poll`: the next turn of its own loop, which its run waits on.
  const calls = callSites(fn)?.filter((c) => !(enclosingFunction(c) === fn && awaitedInPlace(c)));
  if (!calls || calls.length === 0) return 'may overlap';
  // `initPromise ??= (async () => { … })()`: each call starts a run only while the last one's promise is kept,
  // however often the code around it runs.
  if (calls.every((c) => storedWhileMissing(c, perObject))) return 'in turn';
  // Every call made from one place that runs once at a time: two call sites in two different such functions
  // may still run together (`a(); b();`, each calling it).
  const home = enclosingFunction(calls[0]!);
  if (calls.some((c) => enclosingFunction(c) !== home)) return 'may overlap';
  let homeRuns: Runs = 'once';
  if (home !== null) {
    deciding.add(fn);
    homeRuns = decide(home, deciding, depth + 1, perObject);
    deciding.delete(fn);
  }
  if (homeRuns === 'may overlap') return 'may overlap';
  const awaited = calls.every((c) => awaitedInPlace(c) || (home !== null && callsBackAfter(c, home)));
  // One call outside any loop, in code that runs once, runs once; left running, it could otherwise overlap the
  // next run of its caller's. Calls waited on before the code goes on run one after another.
  if (calls.length === 1 && !inLoop(calls[0]!, home) && (homeRuns === 'once' || awaited)) return homeRuns;
  return awaited ? 'in turn' : 'may overlap';
}

/**
 * The calls of a function only this file can reach: a module function it does not export, a private method, an
 * IIFE; and for a callback chained on a promise (`p.then(() => this.step())`), the `.then` that runs it once.
 */
function callSites(fn: FunctionNode): TSESTree.CallExpression[] | null {
  const owner = fn.parent;
  if (owner?.type === 'MethodDefinition') return privateMethodCalls(owner) ?? protectedMethodCalls(owner);
  if (owner?.type === 'CallExpression' && unwrap(owner.callee) === fn) return [owner];
  if (owner?.type === 'CallExpression' && owner.arguments.includes(fn as TSESTree.CallExpressionArgument) && (isPromiseChainCall(owner) || runsItOnce(owner, fn))) return [owner];
  return localCallSites(fn);
}

/**
 * `app.once('ready', async () => { … })`, `emitter.prependOnceListener(…)`, `addEventListener(type, fn, { once:
 * true })`: the listener runs at most once per registration, like a `.then` callback, so the registration is
 * its one call.
 */
function runsItOnce(registration: TSESTree.CallExpression, listener: Node): boolean {
  const name = calleeName(registration);
  if (name === 'once' || name === 'prependOnceListener') return true;
  if (name !== 'addEventListener' || registration.arguments[1] !== listener) return false;
  const options = registration.arguments[2] ? unwrap(registration.arguments[2]) : null;
  return options?.type === 'ObjectExpression' && options.properties.some((p) => p.type === 'Property' && !p.computed && p.key.type === 'Identifier' && p.key.name === 'once' && unwrap(p.value).type === 'Literal' && (unwrap(p.value) as TSESTree.Literal).value === true);
}

/**
 * A protected method's calls through `this` in its class, when no class of the project extends it: a subclass
 * made elsewhere reaches it only from the overrides it writes, which run in the chain that calls them.
 */
function protectedMethodCalls(method: TSESTree.MethodDefinition): TSESTree.CallExpression[] | null {
  const name = memberKeyName(method);
  if (name === null || method.accessibility !== 'protected' || method.static || method.kind !== 'method') return null;
  const klass = method.parent.parent;
  if ((klass?.type !== 'ClassDeclaration' && klass?.type !== 'ClassExpression') || !klass.id || extendedInProject(klass.id.name, method)) return null;
  return thisMemberUses(method.parent).get(name) ?? [];
}

const extendedMemo = new WeakMap<TSESTree.ClassBody, boolean>();

function extendedInProject(className: string, method: TSESTree.MethodDefinition): boolean {
  let answer = extendedMemo.get(method.parent);
  if (answer === undefined) extendedMemo.set(method.parent, (answer = findsSubclass(className, method)));
  return answer;
}

function findsSubclass(className: string, at: Node): boolean {
  const program = programOf(at);
  const modules = program ? modulesMentioning(program, className) : null;
  if (!modules) return true;
  return modules.some((m) => {
    let extended = false;
    forEachNode(m, (n) => {
      if (extended) return false;
      if ((n.type === 'ClassDeclaration' || n.type === 'ClassExpression') && n.superClass && unwrap(n.superClass).type === 'Identifier' && (unwrap(n.superClass) as TSESTree.Identifier).name === className) extended = true;
      return !extended;
    });
    return extended;
  });
}

/**
 * Decorators that, by the name the house styles give them (VS Code's git extension and the extensions that copy
 * its `decorators.ts`, `synchronized`-style helpers), run a method's calls one after another on its object or let
 * an overlapping call share the run in flight. Not `throttle` or `debounce`: they space calls out in time, and an
 * async run may still be pending when the next one starts.
 */
const SERIALIZING_DECORATORS = /^(sequentiali[sz]ed?|seriali[sz]ed?|synchroni[sz]ed|exclusive|locked|withLock|queued|singleFlight|gated?)$/i;

function serializedByDecorator(fn: FunctionNode): boolean {
  const method = fn.parent;
  if (method?.type !== 'MethodDefinition' || method.static) return false;
  return (method.decorators ?? []).some((d) => {
    const e = unwrap(d.expression);
    const callee = e.type === 'CallExpression' ? unwrap(e.callee) : e;
    const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? memberName(callee) : null;
    return name !== null && SERIALIZING_DECORATORS.test(name);
  });
}

/** The hooks a Node.js stream calls one at a time: the next only once the last one called its callback. */
const STREAM_HOOKS = new Set(['_write', '_writev', '_transform', '_flush', '_final', '_read']);
const STREAM_CLASSES = new Set(['Writable', 'Readable', 'Duplex', 'Transform', 'PassThrough']);

/** The name of a method of a class that extends a Node.js stream (`class Splitter extends Writable`), or null. */
function streamMethodName(fn: FunctionNode): string | null {
  const method = fn.parent;
  if (method?.type !== 'MethodDefinition' || method.static) return null;
  const klass = method.parent.parent;
  const base = (klass?.type === 'ClassDeclaration' || klass?.type === 'ClassExpression') && klass.superClass ? unwrap(klass.superClass) : null;
  const name = base?.type === 'Identifier' ? base.name : base?.type === 'MemberExpression' ? memberName(base) : null;
  return name !== null && STREAM_CLASSES.has(name) ? (memberKeyName(method) ?? '') : null;
}

/** `class Splitter extends Writable { _write(chunk, encoding, callback) { … } }` */
function isStreamHook(fn: FunctionNode): boolean {
  return STREAM_HOOKS.has(streamMethodName(fn) ?? '');
}

/** A writable stream's hooks: besides each running after the last one called back, they never overlap each other. */
const WRITE_SIDE_HOOKS = new Set(['_write', '_writev', '_transform', '_flush', '_final']);

/**
 * Does only its stream's write side run `fn`: one of the write hooks, or a method of the stream that only they
 * (or such methods) call and wait for (`_write` calls `this.fill(chunk).then(() => callback())`, `_writev` a
 * loop that awaits `this.fill(c)` for each chunk)? Two write hooks are two call sites, but the stream runs them
 * in turn.
 */
function onWriteSideOnly(fn: FunctionNode, depth: number): boolean {
  const name = streamMethodName(fn);
  if (name === null) return false;
  if (STREAM_HOOKS.has(name)) return WRITE_SIDE_HOOKS.has(name);
  const calls = depth < MAX_DEPTH ? callSites(fn) : null;
  if (!calls || calls.length === 0) return false;
  return calls.every((call) => {
    const home = enclosingFunction(call);
    return home !== null && home !== fn && (awaitedInPlace(call) || callsBackAfter(call, home)) && onWriteSideOnly(home, depth + 1);
  });
}

/**
 * `this.handle(chunk).then(() => callback()).catch(callback)` in a stream hook: the stream waits for the hook's
 * callback, which runs only once the call settled, before it calls the hook again.
 */
function callsBackAfter(call: TSESTree.CallExpression, hook: FunctionNode): boolean {
  const last = hook.params[hook.params.length - 1];
  if (!isStreamHook(hook) || last?.type !== 'Identifier') return false;
  const callback = last.name;
  const callsIt = (handler: Node): boolean => {
    const h = unwrap(handler);
    return h.type === 'Identifier' ? h.name === callback : isFunction(h) && callsName(h, callback);
  };
  let n: Node = call;
  for (;;) {
    const member: Node | undefined = n.parent;
    const chained: Node | undefined = member?.parent;
    if (member?.type !== 'MemberExpression' || member.object !== n || chained?.type !== 'CallExpression' || chained.callee !== member || !isPromiseChainCall(chained)) return false;
    if (chained.arguments.some((a) => a.type !== 'SpreadElement' && callsIt(a))) return true;
    n = chained;
  }
}

function isConstructor(fn: FunctionNode): boolean {
  return fn.parent?.type === 'MethodDefinition' && fn.parent.kind === 'constructor';
}

/**
 * Hooks a component framework calls once per object, after it is made: Lit's `firstUpdated`, React's
 * `componentDidMount`, Angular's `ngOnInit` and `ngAfterViewInit`, Stencil's `componentWillLoad`. Not
 * `connectedCallback` or `updated`, which run again whenever the element is re-attached or re-rendered.
 */
const ONCE_PER_OBJECT_HOOKS = new Set(['firstUpdated', 'componentDidMount', 'ngOnInit', 'ngAfterViewInit', 'ngAfterContentInit', 'componentWillLoad', 'componentDidLoad']);

/** A framework's once-per-object hook, in a class the framework runs (it extends a base or has a decorator), never called by the class itself. */
function isOncePerObjectHook(fn: FunctionNode): boolean {
  const method = fn.parent;
  if (method?.type !== 'MethodDefinition' || method.static || method.kind !== 'method') return false;
  const name = memberKeyName(method);
  const klass = method.parent.parent;
  if (name === null || !ONCE_PER_OBJECT_HOOKS.has(name) || (klass?.type !== 'ClassDeclaration' && klass?.type !== 'ClassExpression')) return false;
  return (klass.superClass !== null || (klass.decorators?.length ?? 0) > 0) && !thisMemberUses(method.parent).has(name);
}

/**
 * `const perf = new Performance(app); perf._init(settings)`: a method the project calls only on objects made
 * just for the call, and the class never calls itself, runs once per object. In a library, outside code may call
 * a public method on any object it holds: only a method it cannot reach (private, protected, `#` or `_`-named, or
 * of a class its module keeps to itself) counts there.
 */
function madeFreshForIt(fn: FunctionNode): boolean {
  const method = fn.parent;
  if (method?.type !== 'MethodDefinition' || method.static || method.kind !== 'method') return false;
  const name = memberKeyName(method);
  const program = programOf(method);
  if (name === null || !program) return false;
  const internal = declaredPrivate(method) || method.accessibility === 'protected' || name.startsWith('_') || keptInItsModule(method.parent);
  if (!internal && inLibrary(program)) return false;
  if (thisMemberUses(method.parent).has(name)) return false;
  const calls = callsOnFreshObjects(method.parent, name);
  return calls !== null && calls.length > 0;
}

/** What a command-line framework's command class declares about itself: oclif, AdonisJS ace, npm's own commands. */
const COMMAND_STATICS = new Set(['commandName', 'description', 'summary', 'flags', 'args', 'params', 'usage', 'examples']);

/**
 * `class Logout extends BaseCommand { static description = '…'; async exec(args) { … } }`: a command of a
 * command-line tool, which the tool makes and runs once per process, so each of its public methods runs once.
 * A chat bot's commands (`class Ping extends Command` with its options handed to `super()` or a decorator) run
 * once per message, and do not declare themselves so.
 */
function commandEntry(fn: FunctionNode): boolean {
  const method = fn.parent;
  if (method?.type !== 'MethodDefinition' || method.static || method.kind !== 'method' || declaredPrivate(method)) return false;
  const klass = method.parent.parent;
  if ((klass?.type !== 'ClassDeclaration' && klass?.type !== 'ClassExpression') || (klass.decorators?.length ?? 0) > 0 || !klass.superClass) return false;
  const base = unwrap(klass.superClass);
  const baseName = base.type === 'Identifier' ? base.name : base.type === 'MemberExpression' ? memberName(base) : null;
  if (!baseName?.endsWith('Command')) return false;
  return klass.body.body.some((m) => (m.type === 'PropertyDefinition' || m.type === 'MethodDefinition') && m.static && COMMAND_STATICS.has(memberKeyName(m) ?? ''));
}

/**
 * `export const command = 'install <name>'; export async function handler(argv) { … }`: a yargs command module
 * (and the like), whose handler the tool runs once per process, for the command the user typed.
 */
function commandModuleHandler(fn: FunctionNode): boolean {
  const owner = fn.parent;
  // `exports.handler = async (argv) => …` exports itself under the name it is assigned to.
  const assigned = owner?.type === 'AssignmentExpression' && owner.right === fn ? commonJsExport(owner.left) : null;
  const name = fn.type === 'FunctionDeclaration' ? fn.id?.name : owner?.type === 'VariableDeclarator' && owner.init === fn && owner.id.type === 'Identifier' ? owner.id.name : assigned;
  const program = programOf(fn);
  if (!name || !program || enclosingFunction(fn) !== null) return false;
  const exports = moduleTable(program).exports;
  // The module table keeps exported names and functions; `exports.command = 'add <name>'` is read here.
  const exportsCommand = exports.has('command') || program.body.some((s) => s.type === 'ExpressionStatement' && s.expression.type === 'AssignmentExpression' && commonJsExport(s.expression.left) === 'command');
  return exports.get('handler') === name && exportsCommand;
}

/**
 * `program.command('info').option(…).action(printMeta)` (commander, cac, sade), `yargs.command('serve', desc,
 * builder, async (argv) => { … })`: a command's handler, which the tool runs once per process, for the command the
 * user typed. Handed over in place, or a function of the module used nowhere else.
 */
function commandAction(fn: FunctionNode): boolean {
  const owner = fn.parent;
  if (owner?.type === 'CallExpression' && owner.arguments.includes(fn as TSESTree.CallExpressionArgument)) return registersCommand(owner);
  const uses = localUses(fn);
  if (!uses || uses.length !== 1) return false;
  const at = uses[0]!.parent;
  return at?.type === 'CallExpression' && at.arguments.includes(uses[0]!) && registersCommand(at);
}

/**
 * A call `.action(handler)` on a chain that declares a command (`.command('info')`), or yargs's
 * `.command('serve', 'describe', builder, handler)`. A chat bot's `bot.command('start', handler)` (Telegraf,
 * grammY, Bolt) runs its handler once per message, and hands it over with no description.
 */
function registersCommand(call: TSESTree.CallExpression): boolean {
  const name = calleeName(call);
  if (name === 'command') return call.arguments.length >= 3 && declaresCommand(call);
  if (name !== 'action') return false;
  for (let n: Node = unwrap(call.callee); ; ) {
    if (n.type === 'MemberExpression') n = unwrap(n.object);
    else if (n.type === 'CallExpression') {
      if (calleeName(n) === 'command') return declaresCommand(n);
      n = unwrap(n.callee);
    } else return false;
  }
}

/** `.command('serve [port]')`, `.command('serve', 'start the server', …)`: a name, then no handler yet. */
function declaresCommand(call: TSESTree.CallExpression): boolean {
  const [name, second] = call.arguments.map((a) => unwrap(a));
  const text = (n: Node | undefined): boolean => n?.type === 'Literal' ? typeof n.value === 'string' : n?.type === 'TemplateLiteral';
  return text(name) && (second === undefined || text(second) || second.type === 'ObjectExpression');
}

const CHAIN_METHODS = new Set(['then', 'catch', 'finally']);

/**
 * `p ??= load()`, `if (!p) { p = load().catch(reset) }`, `if (p) return p; p = load().finally(() => (p = null))`:
 * the call's promise is stored in a module variable the code checks is empty, with no await between the check and
 * the store, so a second run starts only once the place is empty again: after the first run's promise is dropped
 * (when it settled, failed, or by a reset), not while it is kept. `perObject`: a field of `this` counts too.
 */
function storedWhileMissing(call: TSESTree.CallExpression, perObject: boolean): boolean {
  let value: Node = call;
  for (;;) {
    while (value.parent && (value.parent.type === 'TSAsExpression' || value.parent.type === 'TSNonNullExpression')) value = value.parent;
    const member: Node | undefined = value.parent;
    if (member?.type !== 'MemberExpression' || member.object !== value || !CHAIN_METHODS.has(memberName(member) ?? '')) break;
    const chained: Node | undefined = member.parent;
    if (chained?.type !== 'CallExpression' || chained.callee !== member) break;
    value = chained;
  }
  const assign = value.parent;
  if (assign?.type !== 'AssignmentExpression' || assign.right !== value) return false;
  // A module's own variable: one per program. A field or a factory's variable is one per object, and the runs
  // of two objects may still overlap on whatever else they share.
  const isPlace = storedPlace(assign.left, perObject);
  if (isPlace === null) return false;
  if (assign.operator === '??=' || assign.operator === '||=') return true;
  if (assign.operator !== '=') return false;
  const stmt = assign.parent;
  const block = stmt?.type === 'ExpressionStatement' ? stmt.parent : null;
  if (stmt?.type !== 'ExpressionStatement' || !block) return false;
  const before = block.type === 'BlockStatement' || block.type === 'Program' ? block.body.slice(0, block.body.indexOf(stmt)) : [];
  // `if (p) return p;` just before, nothing awaited between: a run stores only while the place is empty.
  for (let i = before.length - 1; i >= 0; i--) {
    const s = before[i]!;
    if (containsAwait(s)) return false;
    if (s.type === 'IfStatement' && !s.alternate && exits(s.consequent) && presenceTest(s.test, isPlace) === true) return true;
  }
  const branch = block.type === 'BlockStatement' ? block.parent : block;
  if (branch?.type !== 'IfStatement' || (branch.consequent !== block && branch.consequent !== stmt)) return false;
  return presenceTest(branch.test, isPlace) === false;
}

/** The test for the place an assignment stores into, when it is one that outlives the call: a module variable, or (`perObject`) a field of `this`. */
function storedPlace(left: Node, perObject: boolean): ((n: Node) => boolean) | null {
  const program = programOf(left);
  if (left.type === 'Identifier') {
    if (shadowed(left) || !program || !moduleTable(program).variables.has(left.name)) return null;
    const name = left.name;
    return (n) => n.type === 'Identifier' && n.name === name;
  }
  const name = perObject && left.type === 'MemberExpression' && unwrap(left.object).type === 'ThisExpression' ? memberName(left) : null;
  if (name === null) return null;
  return (n) => n.type === 'MemberExpression' && unwrap(n.object).type === 'ThisExpression' && memberName(n) === name;
}

function inLoop(call: Node, home: FunctionNode | null): boolean {
  for (let p = call.parent; p && p !== home; p = p.parent) if (LOOP_STATEMENTS.has(p.type)) return true;
  return false;
}

/**
 * `await f(x)`, wherever it stands in its function (`names.push(await f(x))`), or `return f(x)` (the function's
 * own promise settles only after it), also at the head of a promise chain (`await f(x).then(g)`): the function
 * waits for this run before it evaluates anything else, or before its caller goes on, so the next call starts
 * after it. Anything else (`const p = f(x)`, `[f(a), f(b)]`, an argument to `Promise.all`) may leave it running.
 */
function awaitedInPlace(call: TSESTree.CallExpression): boolean {
  let n: Node = call;
  for (;;) {
    while (n.parent && (n.parent.type === 'TSAsExpression' || n.parent.type === 'TSNonNullExpression')) n = n.parent;
    const member: Node | undefined = n.parent;
    const chained: Node | undefined = member?.parent;
    if (member?.type !== 'MemberExpression' || member.object !== n || chained?.type !== 'CallExpression' || chained.callee !== member || !isPromiseChainCall(chained)) break;
    n = chained;
  }
  const parent = n.parent;
  return parent?.type === 'AwaitExpression' || parent?.type === 'ReturnStatement' || (parent?.type === 'ArrowFunctionExpression' && parent.body === n);
}

/**
 * Does the module `fn` belongs to wait on every call of it it makes, and never hand it on as a value (a listener,
 * a route handler, an `onStart` option) or start it without waiting (`void run()`, `Promise.all([run(a), run(b)])`)?
 * The same is asked of the module's named functions that call it, up the chain: `await ensureRuntime()` in a
 * `runTurn` the module hands to a dispatcher may still overlap. Only the module's own uses are looked at: what
 * other modules do with an exported function is not.
 */
export function waitedOnWhereverItsModuleCallsIt(fn: FunctionNode, asking = new Set<FunctionNode>()): boolean {
  if (asking.has(fn) || asking.size > MAX_DEPTH) return true;
  const uses = localUses(fn, true);
  if (!uses) return false;
  asking.add(fn);
  const waited = uses.every((use) => {
    if (use.parent?.type !== 'CallExpression' || use.parent.callee !== use || !awaitedInPlace(use.parent)) return false;
    const caller = enclosingFunction(use.parent);
    if (caller === null || caller === fn) return true;
    // A callback (`items.map(async (item) => { await ensure(item) })`, a listener) may run beside itself.
    if (caller.parent?.type === 'CallExpression' && caller.parent.arguments.includes(caller as TSESTree.CallExpressionArgument)) return false;
    return localUses(caller, true) === null || waitedOnWhereverItsModuleCallsIt(caller, asking);
  });
  asking.delete(fn);
  return waited;
}

/** Is `node` in a function whose runs never overlap (see `runsOneAtATime`), as far as state at `path` can tell? */
export function inOneAtATimeFunction(node: Node, path?: string): boolean {
  const fn = enclosingFunction(node);
  if (fn === null) return false;
  const root = path ? /^[A-Za-z_$][\w$]*/.exec(path)?.[0] : undefined;
  return runsOneAtATime(fn, path?.startsWith('this.') === true) || (root !== undefined && root !== 'this' && inTurnWithinItsRun(fn, root));
}

/**
 * `let suggested; const estimates = async () => { if (!suggested) suggested = await fetchFees(); … }` inside
 * `updateFees`: the state is a variable of one run of the function around, so only that run's calls of
 * `estimates` can overlap one another, however often `updateFees` itself runs. They cannot when the run waits on
 * each before it goes on: a call awaited in place, or a hand-over to a function, itself awaited in place, that
 * awaits each call of what it was handed in place.
 */
function inTurnWithinItsRun(fn: FunctionNode, state: string): boolean {
  const owner = enclosingFunction(fn);
  if (owner === null || !bindsName(owner, state) || bindsName(fn, state)) return false;
  const uses = localUses(fn);
  if (!uses || uses.length === 0) return false;
  return uses.every((use) => {
    const at = use.parent;
    if (at?.type !== 'CallExpression' || enclosingFunction(at) !== owner || !awaitedInPlace(at)) return false;
    if (at.callee === use) return true;
    const helper = resolveCallee(at.callee);
    const param = helper?.params[at.arguments.indexOf(use)];
    return helper !== null && param?.type === 'Identifier' && awaitsEachCallOf(helper, param.name);
  });
}

/** Is every mention of the parameter `name` in `fn` a call of it that `fn` awaits in place? */
function awaitsEachCallOf(fn: FunctionNode, name: string): boolean {
  let each = true;
  forEachNode(fn.body, (n) => {
    if (!each) return false;
    if (n.type !== 'Identifier' || n.name !== name || isPropertyName(n)) return true;
    const at = n.parent;
    each = at?.type === 'CallExpression' && at.callee === n && enclosingFunction(at) === fn && awaitedInPlace(at);
    return each;
  });
  return each;
}
