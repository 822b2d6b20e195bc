import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeName, enclosingFunction, forEachNode, isFunction, memberName, unwrap, type Node } from './ast.js';
import { fileOf, importedFile, inLibrary, modulesMentioning, resolveCallee } from './callees.js';
import { moduleTable, programOf } from './modules.js';
import { importableFromOutside } from './publicSurface.js';
import type { Program } from './parse.js';
import type { FunctionNode } from './scope.js';
import { classOf, memberKeyName } from './summaries.js';

/*
 * `const runner = new Runner(client, query); return await runner.run()`: an object the project makes for one call
 * and keeps to that call. Its fields look shared to its methods, but two of its runs overlap only when the one
 * caller that holds it starts them together, and it does not: it waits on each call it makes of it. Judged on
 * real code (a query runner per query, a provider per chat request, a repository loader per request, a record
 * loaded per request), check-then-act and lost-update findings on such fields were not races; they are shown
 * on request.
 *
 * The places the project makes one are found by name in its modules (`ProjectHost.mentioning`); tests and
 * benchmarks are left out, as they do not show how the code runs. Any other use of the class as a value (handed
 * to a container, kept in a table of providers, made at a module's top level, stored in a field) leaves the
 * question open, and the answer is no.
 */

/** How many factories deep (`getProvider()` returning `new OpenAiLLM()`) a made object is followed. */
const MAX_DEPTH = 2;

/**
 * What makes the objects: a class, or a constructor function whose methods are assigned to its prototype
 * (`function RestWrite(config) { … }` with `RestWrite.prototype.execute = function () { … }`).
 */
type Klass = TSESTree.ClassDeclaration | TSESTree.ClassExpression | TSESTree.FunctionDeclaration;

const memo = new WeakMap<Node, boolean>();

/** Is `node` in a method of a class whose every instance the project makes for one call and keeps to it? */
export function inPerCallInstance(node: Node): boolean {
  const fn = enclosingFunction(node);
  const body = fn ? classOf(fn) : null;
  const klass = body?.parent ?? (fn ? constructorOfPrototypeMethod(fn) : null);
  if (!klass || (klass.type !== 'ClassDeclaration' && klass.type !== 'ClassExpression' && klass.type !== 'FunctionDeclaration')) return false;
  let answer = memo.get(klass);
  if (answer === undefined) {
    answer = madePerCall(klass, 0);
    memo.set(klass, answer);
  }
  return answer;
}

function madePerCall(klass: Klass, depth: number): boolean {
  const name = className(klass);
  const program = programOf(klass);
  // A decorated class is made by a framework (a container's singleton, a component): not by the code in sight.
  if (name === null || program === null) return false;
  if (klass.type === 'FunctionDeclaration') {
    if ([klass, ...prototypeMethods(klass).values()].some((f) => registersCallbacks(f.body) || handsOutItself(f.body))) return false;
  } else if ((klass.decorators?.length ?? 0) > 0 || registersCallbacks(klass.body) || handsOutItself(klass.body)) return false;
  // A library's users make what it exports, and keep it as they like; not what its entry points keep to the project.
  if (inLibrary(program) && exportedFrom(program, name) && importableFromOutside(program, name)) return false;
  const modules = whereMade(program, name);
  return modules !== null && everyUse(modules.keys(), (n, module) => (n !== klass.id && modules.get(module)!.has(n.name) ? useOf(n, klass, depth) : 'none'));
}

/**
 * Looks at every identifier of `modules` with `judge`: true when some use makes one kept to its call and none
 * leaves the question open.
 */
function everyUse(modules: Iterable<Program>, judge: (id: TSESTree.Identifier, module: Program) => Use): boolean {
  let made = 0;
  for (const module of modules) {
    let open = false;
    forEachNode(module, (n) => {
      if (open) return false;
      if (n.type !== 'Identifier') return true;
      const use = judge(n, module);
      if (use === 'open') open = true;
      else if (use === 'made') made++;
      return !open;
    });
    if (open) return false;
  }
  return made > 0;
}

/** The modules that may make the class: the project's modules that name it, or only its own if it is not exported. */
function whereNamed(program: Program, name: string): readonly Program[] | null {
  const found = modulesMentioning(program, name);
  if (found) return found;
  const table = moduleTable(program);
  return [...table.exports.values()].includes(name) ? null : [program];
}

/**
 * The modules that may make the class, each with the names it goes by there: its own, and what an importer
 * binds it to (`import Loader from './loader'`, `const RepoLoader = require('./RepoLoader')` of a class a
 * module exports as a whole, `import { Runner as R }`).
 */
function whereMade(program: Program, name: string): Map<Program, Set<string>> | null {
  const named = whereNamed(program, name);
  if (!named) return null;
  const file = fileOf(program);
  const byDefault = exportsAsWhole(program, name);
  // A default export is imported under any name: its importers name the file instead.
  const importers = byDefault && file ? modulesMentioning(program, importStem(file)) : [];
  if (!importers) return null;
  const found = new Map<Program, Set<string>>();
  for (const module of new Set([...named, ...importers])) {
    const names = new Set([name]);
    if (module !== program && file) {
      for (const [local, imported] of moduleTable(module).imports) {
        if ((imported.name === name || (byDefault && imported.name === 'default')) && importedFile(module, imported.from) === file) names.add(local);
      }
    }
    found.set(module, names);
  }
  return found;
}

/**
 * `export function make()`, `export const make = () => …`, `module.exports = { make }`, where outside code can
 * import it (see `importableFromOutside`).
 */
function importedFromOutside(fn: FunctionNode): boolean {
  const declarator = fn.parent;
  const id = fn.type === 'FunctionDeclaration' ? fn.id : declarator?.type === 'VariableDeclarator' && declarator.id.type === 'Identifier' ? declarator.id : null;
  const program = programOf(fn);
  return id === null || program === null || (exportedFrom(program, id.name) && importableFromOutside(program, id.name));
}

function exportedFrom(program: Program, name: string): boolean {
  return [...moduleTable(program).exports.values()].includes(name) || commonJsExport(program, name) !== null;
}

/** `export default class Loader`, `module.exports = Loader`: the module is the class, imported under any name. */
function exportsAsWhole(program: Program, name: string): boolean {
  return moduleTable(program).exports.get('default') === name || commonJsExport(program, name) === 'whole';
}

/** `module.exports = Loader` ('whole'); `module.exports = { make }`, `exports.make = make` ('member'). */
function commonJsExport(program: Program, name: string): 'whole' | 'member' | null {
  const named = (n: Node): boolean => n.type === 'Identifier' && n.name === name;
  let found: 'whole' | 'member' | null = null;
  for (const stmt of program.body) {
    const e = stmt.type === 'ExpressionStatement' ? unwrap(stmt.expression) : null;
    if (e?.type !== 'AssignmentExpression' || !isExportsTarget(unwrap(e.left))) continue;
    const left = unwrap(e.left);
    const value = unwrap(e.right);
    const whole = left.type === 'MemberExpression' && memberName(left) === 'exports' && unwrap(left.object).type === 'Identifier';
    if (named(value)) return whole ? 'whole' : 'member';
    if (value.type === 'ObjectExpression' && value.properties.some((p) => p.type === 'Property' && named(unwrap(p.value)))) found = 'member';
  }
  return found;
}

/** The word an import of `file` ends with: its name without extension, or its folder's for an index module. */
function importStem(file: string): string {
  const parts = file.split(/[\\/]/);
  const base = (parts[parts.length - 1] ?? '').replace(/\.[^.]*$/, '');
  return base === 'index' ? (parts[parts.length - 2] ?? base) : base;
}

type Use = 'made' | 'none' | 'open';

function useOf(id: TSESTree.Identifier, klass: Klass, depth: number): Use {
  const at = id.parent;
  if (!at || isDeclarationOrExport(id)) return 'none';
  if (isPropertyName(id)) return 'none';
  if (at.type === 'BinaryExpression' && at.operator === 'instanceof') return 'none';
  if (at.type === 'NewExpression' && at.callee === id) {
    if (!keptToCall(at, klass, depth)) return 'open';
    // Made in a static factory of its own: the factory's calls are where instances are made.
    const maker = enclosingFunction(at)?.parent;
    return maker?.type === 'MethodDefinition' && maker.static && maker.parent === klass.body ? 'none' : 'made';
  }
  // A subclass's instances run this class's methods: they must be made per call too.
  if ((at.type === 'ClassDeclaration' || at.type === 'ClassExpression') && at.superClass === id) return depth < MAX_DEPTH && madePerCall(at, depth + 1) ? 'none' : 'open';
  if (at.type === 'MemberExpression' && at.object === id) {
    const factory = staticFactory(klass, memberName(at), depth);
    if (factory !== 'factory') return factory;
    const call = at.parent;
    return call?.type === 'CallExpression' && call.callee === at && keptToCall(call, klass, depth) ? 'made' : 'open';
  }
  return 'open';
}

/**
 * Where the object `made` goes: kept to the function that made it (a local every use of which is a member call
 * it waits on, or a property), used at once (`new Runner().run()`), or handed back by a factory whose every call
 * does the same. Stored anywhere, handed to a call, captured by a nested function: not.
 */
function keptToCall(made: Node, klass: Klass, depth: number): boolean {
  let value: Node = made;
  let at = value.parent;
  while (at && (at.type === 'AwaitExpression' || at.type === 'TSAsExpression' || at.type === 'TSNonNullExpression')) {
    value = at;
    at = at.parent;
  }
  if (!at) return false;
  if (at.type === 'MemberExpression' && at.object === value) return usedInPlace(at, klass);
  if (at.type === 'VariableDeclarator' && at.init === value && at.id.type === 'Identifier') {
    const fn = enclosingFunction(at);
    return fn !== null && localKeptToCall(at.id.name, at.id, fn, klass, depth);
  }
  const returnedBy = at.type === 'ReturnStatement' ? enclosingFunction(at) : at.type === 'ArrowFunctionExpression' && at.body === value ? at : null;
  return returnedBy !== null && depth < MAX_DEPTH && factoryKeepsToCall(returnedBy, klass, depth + 1);
}

/**
 * `await runner.run()`, `return runner.run()`, `runner.release()` of a method that is not async, `runner.id` read
 * or set: a use that keeps the object where it is and leaves no run of it going.
 */
function usedInPlace(member: TSESTree.MemberExpression, klass: Klass): boolean {
  const call = member.parent;
  if (call?.type !== 'CallExpression' || call.callee !== member) return true;
  // `.then(…)` chains on a promise the factory handed back; the callbacks are the call's own continuation.
  if (memberName(member) === 'then' || memberName(member) === 'catch' || memberName(member) === 'finally') return true;
  if (settledWhereCalled(call)) return true;
  const method = instanceMethod(klass, memberName(member));
  return method !== null && !method.async;
}

function instanceMethod(klass: Klass, name: string | null): FunctionNode | null {
  if (name === null) return null;
  if (klass.type === 'FunctionDeclaration') return prototypeMethods(klass).get(name) ?? null;
  for (const m of klass.body.body) if (m.type === 'MethodDefinition' && !m.static && m.kind === 'method' && memberKeyName(m) === name && m.value.type === 'FunctionExpression') return m.value;
  return null;
}

const prototypeMethodsMemo = new WeakMap<TSESTree.FunctionDeclaration, Map<string, FunctionNode>>();

/** `X.prototype.run = function () { … }` at the top level of the module that declares `function X`. */
function prototypeMethods(ctor: TSESTree.FunctionDeclaration): Map<string, FunctionNode> {
  let found = prototypeMethodsMemo.get(ctor);
  if (found) return found;
  found = new Map();
  const program = programOf(ctor);
  for (const stmt of program?.body ?? []) {
    const e = stmt.type === 'ExpressionStatement' ? unwrap(stmt.expression) : null;
    if (e?.type !== 'AssignmentExpression' || e.operator !== '=') continue;
    const target = prototypeTarget(e.left);
    const value = unwrap(e.right);
    if (target && target.owner === ctor.id?.name && (value.type === 'FunctionExpression' || value.type === 'ArrowFunctionExpression')) found.set(target.method, value);
  }
  prototypeMethodsMemo.set(ctor, found);
  return found;
}

/** `X.prototype.m`: the constructor's and the method's names. */
function prototypeTarget(left: Node): { owner: string; method: string } | null {
  const member = unwrap(left);
  if (member.type !== 'MemberExpression') return null;
  const proto = unwrap(member.object);
  const method = memberName(member);
  if (proto.type !== 'MemberExpression' || memberName(proto) !== 'prototype' || method === null) return null;
  const owner = unwrap(proto.object);
  return owner.type === 'Identifier' ? { owner: owner.name, method } : null;
}

/**
 * The constructor function `fn` is a prototype method of (`RestWrite.prototype.execute = function () { … }`),
 * or an arrow function inside one, which keeps its `this`.
 */
function constructorOfPrototypeMethod(start: FunctionNode): TSESTree.FunctionDeclaration | null {
  let fn: FunctionNode | null = start;
  while (fn?.type === 'ArrowFunctionExpression') fn = enclosingFunction(fn);
  const assign = fn?.parent;
  if (fn?.type !== 'FunctionExpression' || assign?.type !== 'AssignmentExpression' || assign.right !== fn) return null;
  const target = prototypeTarget(assign.left);
  const program = target ? programOf(fn) : null;
  if (!target || !program) return null;
  for (const stmt of program.body) {
    const decl = stmt.type === 'ExportNamedDeclaration' || stmt.type === 'ExportDefaultDeclaration' ? stmt.declaration : stmt;
    if (decl?.type === 'FunctionDeclaration' && decl.id?.name === target.owner) return decl;
  }
  return null;
}

function localKeptToCall(name: string, declared: TSESTree.Identifier, fn: FunctionNode, klass: Klass, depth: number): boolean {
  let kept = true;
  let returned = false;
  forEachNode(fn.body, (n) => {
    if (!kept) return false;
    if (n.type !== 'Identifier' || n.name !== name || n === declared) return true;
    const at = n.parent;
    if (isPropertyName(n)) return true;
    // `const tx = new Transaction(client); await tx.begin(); return tx`: made and readied for the function's caller.
    if (at?.type === 'ReturnStatement' && enclosingFunction(n) === fn) {
      returned = true;
      return true;
    }
    // A use from a nested function may run whenever that function does, alongside the maker's own calls.
    kept = enclosingFunction(n) === fn && ((at?.type === 'MemberExpression' && at.object === n && usedInPlace(at, klass)) || (at?.type === 'CallExpression' && lentTo(at, n)));
    return kept;
  });
  return kept && (!returned || (depth < MAX_DEPTH && factoryKeepsToCall(fn, klass, depth + 1)));
}

/**
 * `generateChunkSource(repo, doc)`: the object handed to a function of the project that only reads it (every use
 * of its parameter is a member of it, in its own body) and is done with it when the call is: not async, or
 * waited on where it is called.
 */
function lentTo(call: TSESTree.CallExpression, arg: Node): boolean {
  const index = call.arguments.indexOf(arg as TSESTree.CallExpressionArgument);
  const callee = index < 0 ? null : resolveCallee(call.callee);
  const param = callee?.params[index];
  if (!callee || param?.type !== 'Identifier' || (callee.async && !settledWhereCalled(call))) return false;
  let reads = true;
  forEachNode(callee.body, (n) => {
    if (!reads) return false;
    if (n.type !== 'Identifier' || n.name !== param.name || isPropertyName(n)) return true;
    const at = n.parent;
    reads = enclosingFunction(n) === callee && at?.type === 'MemberExpression' && at.object === n && !(at.parent?.type === 'AssignmentExpression' && at.parent.left === at);
    return reads;
  });
  return reads;
}

/** `await f()`, `return f()`: the caller goes on only once the call is done (or hands its promise back). */
function settledWhereCalled(call: TSESTree.CallExpression): boolean {
  let n: Node = call;
  while (n.parent && (n.parent.type === 'TSAsExpression' || n.parent.type === 'TSNonNullExpression')) n = n.parent;
  const p = n.parent;
  return p?.type === 'AwaitExpression' || p?.type === 'ReturnStatement' || (p?.type === 'ArrowFunctionExpression' && p.body === n);
}

/** A function that hands back a made object: its calls are where the object is made. */
function factoryKeepsToCall(fn: FunctionNode, klass: Klass, depth: number): boolean {
  const method = fn.parent;
  if (method?.type === 'MethodDefinition' && method.static && klass.type !== 'FunctionDeclaration' && method.parent === klass.body) return true; // its calls are found as `Class.create(…)`
  if (method?.type === 'MethodDefinition') return methodCallsKeepToCall(method, klass, depth);
  if (inLibrary(programOf(fn)!) && importedFromOutside(fn)) return false;
  const declarator = fn.parent;
  const id = fn.type === 'FunctionDeclaration' ? fn.id : declarator?.type === 'VariableDeclarator' && declarator.init === fn && declarator.id.type === 'Identifier' ? declarator.id : null;
  const program = programOf(fn);
  if (!id || !program || enclosingFunction(fn) !== null) return false;
  const modules = whereNamed(program, id.name);
  return (
    modules !== null &&
    everyUse(modules, (n) => {
      if (n.name !== id.name || n === id || isDeclarationOrExport(n) || isPropertyName(n)) return 'none';
      const at = n.parent;
      return at?.type === 'CallExpression' && at.callee === n && keptToCall(at, klass, depth) ? 'made' : 'open';
    })
  );
}

/** A method of some object that makes one more ready for its caller may be called on any receiver: all its calls are looked at. */
const MAX_METHOD_MODULES = 40;

/** `driver.createSchemaBuilder()`: every call of a method by that name, in the project, keeps what it hands back. */
function methodCallsKeepToCall(method: TSESTree.MethodDefinition, klass: Klass, depth: number): boolean {
  const name = memberKeyName(method);
  const program = programOf(method);
  // A library's public method hands its object to the library's users.
  if (program && inLibrary(program) && method.key.type !== 'PrivateIdentifier' && method.accessibility !== 'private') return false;
  const modules = name === null || program === null ? null : modulesMentioning(program, name);
  if (!modules || modules.length > MAX_METHOD_MODULES) return false;
  return everyUse(modules, (n) => {
    const at = n.parent;
    if (n.name !== name || at?.type !== 'MemberExpression' || at.property !== n || at.computed) return 'none';
    const call = at.parent;
    return call?.type === 'CallExpression' && call.callee === at && keptToCall(call, klass, depth) ? 'made' : 'open';
  });
}

/**
 * What `Class.name` is: a static method that hands back an instance it makes (`static load(id) { return new
 * this(id) }`): a factory whose calls are where instances are made; one that keeps what it makes (a singleton's
 * `static instance() { return (this.one ??= new this()) }`): open; anything else: no use of an instance.
 */
function staticFactory(klass: Klass, name: string | null, depth: number): 'factory' | Use {
  if (name === null) return 'none';
  // `X.prototype.run = …` defines; any other use of a constructor's own properties is not looked into.
  if (klass.type === 'FunctionDeclaration') return name === 'prototype' ? 'none' : 'open';
  const own = className(klass);
  for (const m of klass.body.body) {
    if (m.type !== 'MethodDefinition' || !m.static || memberKeyName(m) !== name) continue;
    let makes = false;
    let kept = true;
    forEachNode(m.value, (n) => {
      if (!kept || (n !== m.value && isFunction(n))) return false;
      if (n.type === 'NewExpression') {
        const c = unwrap(n.callee);
        if (c.type === 'ThisExpression' || (c.type === 'Identifier' && c.name === own)) {
          makes = true;
          kept = keptToCall(n, klass, depth);
        }
      }
      return kept;
    });
    return !kept ? 'open' : makes ? 'factory' : 'none';
  }
  return 'none';
}

/**
 * `this.socket.on('data', () => this.read())`, `setInterval(() => this.poll(), ms)`: an object that registers its
 * own code as a callback runs it whenever the callback fires, alongside whatever its maker calls; its fields are
 * shared between those runs. (`new Promise((r) => setTimeout(r, ms))`, a pause, registers none of it.)
 */
function registersCallbacks(body: Node): boolean {
  let found = false;
  forEachNode(body, (n) => {
    if (found) return false;
    if (n.type === 'CallExpression' && REGISTERS.test(calleeName(n) ?? '') && n.arguments.some(runsOwnCode)) found = true;
    return !found;
  });
  return found;
}

/** A callback that runs the object's code: a function that uses `this`, or `this.method` (bound or not). */
function runsOwnCode(arg: Node): boolean {
  const a = unwrap(arg);
  if (a.type === 'MemberExpression' || a.type === 'CallExpression') {
    let root: Node = a;
    while (root.type === 'MemberExpression' || root.type === 'CallExpression') root = unwrap(root.type === 'MemberExpression' ? root.object : root.callee);
    return root.type === 'ThisExpression';
  }
  if (!isFunction(a)) return false;
  let uses = false;
  forEachNode(a.body, (n) => {
    if (uses || (isFunction(n) && n.type !== 'ArrowFunctionExpression')) return false;
    if (n.type === 'ThisExpression') uses = true;
    return !uses;
  });
  return uses;
}

/**
 * `if (Wrapper._instance) return Wrapper._instance; Wrapper._instance = this`, `registry.set(id, this)`: an object
 * that keeps or hands itself out (or a constructor that returns another) is shared whoever makes it.
 */
function handsOutItself(body: Node): boolean {
  let found = false;
  forEachNode(body, (n) => {
    if (found || (isFunction(n) && n.type !== 'ArrowFunctionExpression' && n.parent?.type !== 'MethodDefinition')) return false;
    const at = n.parent;
    if (n.type === 'ThisExpression' && at && ((at.type === 'AssignmentExpression' && at.right === n) || (at.type === 'CallExpression' && at.callee !== n && !boundOrLent(at, n)) || at.type === 'ArrayExpression' || (at.type === 'Property' && at.value === n) || (at.type === 'VariableDeclarator' && at.init === n && at.id.type !== 'ObjectPattern'))) found = true;
    if (n.type === 'ReturnStatement' && n.argument && enclosingFunction(n)?.parent?.type === 'MethodDefinition' && (enclosingFunction(n)!.parent as TSESTree.MethodDefinition).kind === 'constructor') found = true;
    return !found;
  });
  return found;
}

/**
 * `this.next.bind(this)`: a method bound to its own object, which goes where the bound function goes (see
 * `registersCallbacks`); `await validate(data, this)`: lent to a call of the project that only reads it and is
 * done with it when the call is.
 */
function boundOrLent(call: TSESTree.CallExpression, self: Node): boolean {
  const callee = unwrap(call.callee);
  if (callee.type === 'MemberExpression' && memberName(callee) === 'bind' && call.arguments[0] === self) return true;
  return lentTo(call, self);
}

const REGISTERS = /^(on|once|addListener|addEventListener|subscribe|setInterval|setTimeout|setImmediate|watch)$/;

function className(klass: Klass): string | null {
  if (klass.id) return klass.id.name;
  const at = klass.parent;
  return at?.type === 'VariableDeclarator' && at.id.type === 'Identifier' ? at.id.name : null;
}

/** `x.Runner`, `{ Runner: 1 }`, the key half of `{ Runner }`: a name that binds nothing. */
function isPropertyName(id: TSESTree.Identifier): boolean {
  const at = id.parent;
  return (at?.type === 'MemberExpression' && at.property === id && !at.computed) || (at?.type === 'Property' && at.key === id && at.value !== id && !at.computed);
}

/** `import { Runner }`, `export { Runner }`, `module.exports = { Runner }`, `exports.Runner = Runner`. */
function isDeclarationOrExport(id: TSESTree.Identifier): boolean {
  const at = id.parent;
  if (!at) return false;
  if (at.type === 'ImportSpecifier' || at.type === 'ImportDefaultSpecifier' || at.type === 'ImportNamespaceSpecifier' || at.type === 'ExportSpecifier' || at.type === 'ExportDefaultDeclaration') return true;
  if ((at.type === 'FunctionDeclaration' || at.type === 'ClassDeclaration') && at.id === id) return true;
  if (at.type === 'VariableDeclarator' && at.id === id) return true;
  // `const { Runner } = require('./runner')`
  if (at.type === 'Property' && at.value === id && at.parent?.type === 'ObjectPattern') return true;
  let value: Node = id;
  let p: Node | undefined = at;
  if (p.type === 'Property' && p.value === id && p.parent?.type === 'ObjectExpression') {
    value = p.parent;
    p = p.parent.parent;
  }
  return p?.type === 'AssignmentExpression' && p.right === value && isExportsTarget(unwrap(p.left));
}

function isExportsTarget(target: Node): boolean {
  if (target.type === 'Identifier') return target.name === 'exports';
  if (target.type !== 'MemberExpression') return false;
  const object = unwrap(target.object);
  if (object.type === 'Identifier' && object.name === 'module' && memberName(target) === 'exports') return true;
  return isExportsTarget(object);
}
