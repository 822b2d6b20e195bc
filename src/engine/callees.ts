import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { enclosingFunction, forEachNode, indexTree, isFunction, isPromiseChainCall, isPropertyName, memberName, memberRoot, propertyKey, returnedFrom, unwrap, type Node } from './ast.js';
import { moduleTable, programOf, type ModuleTable } from './modules.js';
import { parseSource, type FastParser, type Program } from './parse.js';
import type { FunctionNode } from './scope.js';
import { calledMethod, classOf, memberKeyName, methodsOf } from './summaries.js';
import { LIMITED_METHODS, LOCK_LIBRARIES } from './locks/index.js';

/*
 * What a call does, read from the function it calls: in this file, or in another module of the project that a
 * front end loads on request (`ProjectHost`). Three facts let a rule stay quiet, one lets it see shared state:
 * - `startsIo`: whether awaiting the call can wait on I/O it starts (a query, a request, a file); waiting for an
 *   event or a timer starts none. An async function that only filters an in-memory list does not, whatever its name.
 * - `sharesInFlight`: whether every concurrent call gets the one promise the function keeps in shared state
 *   (`if (!(k in cache)) cache[k] = load(k); return cache[k]`): awaiting it repeats no work, and storing its
 *   result stores the same value whoever stores it.
 * - `settlesAtOnce`: whether awaiting the call lets only the microtasks already queued run: it waits on nothing.
 * - `returnsSingleton`: whether the call hands every caller the one object its module keeps, so what a caller
 *   changes through it is shared.
 * A method of a parameter or field is known when its declared type is a class of the project (`bot: Bot`,
 * `private readonly channel: SecureChannel`). Unknown callees (an interface's method, a package) have no facts:
 * the callers assume the worst.
 */

/** Loads the modules of the project a file imports; front ends implement it (files on disk, open documents). */
export interface ProjectHost {
  /**
   * The module `specifier` names when imported from `fromFile`, as `loadModule` parses it; undefined when it
   * is outside the project (a package), cannot be found or read, or does not parse.
   */
  load(fromFile: string, specifier: string): LoadedModule | undefined;
  /**
   * The project's modules whose text names `word`, as `load` parses them, to ask how the project uses a
   * declaration (where it makes a class). Test and benchmark files are left out: they do not show how the code
   * runs. Undefined when the project cannot be listed (or is too large to).
   */
  mentioning?(fromFile: string, word: string): LoadedModule[] | undefined;
  /** The files `mentioning` would load, loading none: whether another module names a word at all. */
  filesMentioning?(fromFile: string, word: string): string[] | undefined;
  /**
   * Whether `fromFile` belongs to a package other code imports (a library: its package.json declares `types`,
   * `exports`, `module` or `publishConfig`). What such a package exports may be made and kept by code outside
   * the project, so how the project itself uses it says little.
   */
  inLibrary?(fromFile: string): boolean;
  /**
   * Whether `fromFile` belongs to an application: the package.json above it is private, or runs (`main`, `bin`)
   * without declaring a library. Every caller of its code is then in the repository.
   */
  inApplication?(fromFile: string): boolean;
  /**
   * What code outside the project can import of `fromFile`'s package, by its package.json `exports`: the modules
   * the entry points name, and the folders a subpath pattern (`./runtime/*`) opens whole. Undefined when outside
   * code can import any module of it (no `exports` map), or an entry point cannot be traced to its source.
   */
  publicEntries?(fromFile: string): { modules: LoadedModule[]; folders: string[] } | undefined;
}

export interface LoadedModule {
  fileName: string;
  ast: Program;
}

/** Parses a module for a `ProjectHost`: the tree the facts are read from, or undefined when it does not parse. */
export function loadModule(text: string, fileName: string, parser?: FastParser): Program | undefined {
  const parsed = parseSource(text, fileName, parser);
  if (!parsed.ok) return undefined;
  indexTree(parsed.ast); // links each node to its parent
  return parsed.ast;
}

interface Binding {
  fileName: string;
  host: ProjectHost | undefined;
}

// Which file, and which project, each tree belongs to; trees go with their analysis.
const bindings = new WeakMap<Program, Binding>();

/** Says which file `program` is and how to load what it imports; done once per analysed or loaded tree. */
export function bindProgram(program: Program, fileName: string, host: ProjectHost | undefined): void {
  bindings.set(program, { fileName, host });
}

const MAX_DEPTH = 8;

/** The file `specifier`, imported from `program`, names in its project; null when it is outside or unknown. */
export function importedFile(program: Program, specifier: string): string | null {
  const binding = bindings.get(program);
  return binding?.host?.load(binding.fileName, specifier)?.fileName ?? null;
}

/** Is `program` part of a package that other code imports (see `ProjectHost.inLibrary`)? Unknown counts as yes. */
export function inLibrary(program: Program): boolean {
  const binding = bindings.get(program);
  return binding?.host?.inLibrary?.(binding.fileName) ?? true;
}

/** Is `program` part of an application's package (see `ProjectHost.inApplication`)? Unknown counts as no. */
export function inApplication(program: Program): boolean {
  const binding = bindings.get(program);
  return binding?.host?.inApplication?.(binding.fileName) ?? false;
}

/**
 * The entry modules of `program`'s package and the folders it opens whole (see `ProjectHost.publicEntries`),
 * bound to its project; null when code outside the project can import any of its modules, or it cannot be told.
 */
export function publicEntriesOf(program: Program): { modules: Program[]; folders: string[] } | null {
  const binding = bindings.get(program);
  const found = binding?.host?.publicEntries?.(binding.fileName);
  if (!found) return null;
  for (const m of found.modules) if (!bindings.has(m.ast)) bindProgram(m.ast, m.fileName, binding!.host);
  return { modules: found.modules.map((m) => m.ast), folders: found.folders };
}

/** The module `specifier` names when `program` imports it, bound to the same project; null when outside or unknown. */
export function importedProgram(program: Program, specifier: string): Program | null {
  const binding = bindings.get(program);
  const loaded = binding?.host?.load(binding.fileName, specifier);
  if (!loaded) return null;
  if (!bindings.has(loaded.ast)) bindProgram(loaded.ast, loaded.fileName, binding!.host);
  return loaded.ast;
}

/** The file `program` was parsed from, as its front end named it. */
export function fileOf(program: Program): string | null {
  return bindings.get(program)?.fileName ?? null;
}

/**
 * The modules of `program`'s project that name `word`, `program` itself among them when it does (as analysed,
 * not as on disk); null when its front end cannot say.
 */
export function modulesMentioning(program: Program, word: string): Program[] | null {
  const binding = bindings.get(program);
  const found = binding?.host?.mentioning?.(binding.fileName, word);
  if (!found) return null;
  const others = found.filter((m) => m.fileName !== binding!.fileName);
  for (const m of others) if (!bindings.has(m.ast)) bindProgram(m.ast, m.fileName, binding!.host);
  return [program, ...others.map((m) => m.ast)];
}

/**
 * `modulesMentioning`, when at most `max` modules name `word`: counted before any is parsed, so a question
 * that gives up past `max` (a method named `find`, named in hundreds of modules) costs no parsing.
 */
export function modulesMentioningAtMost(program: Program, word: string, max: number): Program[] | null {
  const binding = bindings.get(program);
  const files = binding?.host?.filesMentioning?.(binding.fileName, word);
  if (files && new Set([...files, binding!.fileName]).size > max) return null;
  const modules = modulesMentioning(program, word);
  return modules && modules.length <= max ? modules : null;
}

/**
 * Whether a module of `program`'s project other than `program` names `word` (parsing none of them); null when
 * its front end cannot say.
 */
export function mentionedElsewhere(program: Program, word: string): boolean | null {
  const binding = bindings.get(program);
  const files = binding?.host?.filesMentioning?.(binding.fileName, word);
  return files ? files.some((f) => f !== binding!.fileName) : null;
}

/** The function a callee expression names, when it can be found: a function of its module, an import, `this.m`. */
export function resolveCallee(callee: Node): FunctionNode | null {
  return resolveIn(unwrap(callee), 0);
}

/**
 * `resolveCallee`, or else the method of the project class the receiver is declared as (`bot: Bot`). A subclass
 * may override that method, so it answers only the questions whose answer lets a rule stay quiet when the
 * declared class's method says so (does it settle at once, does it share its in-flight work); whether a call
 * starts I/O also weighs the method's name (see `startsIo`).
 */
export function resolveDeclaredCallee(callee: Node): FunctionNode | null {
  return resolveIn(unwrap(callee), 0, true);
}

function resolveIn(callee: Node, depth: number, declared = false): FunctionNode | null {
  const program = programOf(callee);
  if (!program) return null;
  const table = moduleTable(program);
  if (callee.type === 'Identifier') {
    const nested = enclosingDeclaration(callee);
    if (nested !== undefined) return nested;
    const local = table.functions.get(callee.name);
    if (local) return local;
    const imported = table.imports.get(callee.name);
    return imported && imported.name !== '*' ? exported(program, imported.from, imported.name, depth) : null;
  }
  if (callee.type !== 'MemberExpression') return null;
  const object = unwrap(callee.object);
  if (object.type === 'ThisExpression') return calledMethod(callee) ?? inheritedMethod(callee, depth);
  // `const selector = new Selector(args); selector.addExample(e)`: a method of a class this module defines.
  if (object.type === 'Identifier') {
    const made = instanceMethod(object, memberName(callee), program, depth) ?? factoryMethod(object, memberName(callee), depth);
    if (made) return made;
  }
  // `import * as utils from './utils'; utils.load()`, `const utils = require('./utils'); utils.load()`
  if (object.type === 'Identifier' && !shadowed(object)) {
    const ns = table.imports.get(object.name);
    const name = memberName(callee);
    if ((ns?.name === '*' || ns?.commonJs) && name !== null) return exported(program, ns.from, name, depth);
    // `HubLock.acquire(file)`: a static method of a class this module declares or imports.
    const klass = name === null ? null : classNamed(program, object.name, depth, false);
    if (klass && name !== null) return staticMethod(klass.body, name);
  }
  return declared ? declaredClassMethod(object, memberName(callee), depth) : null;
}

/**
 * `this.connect()` in a class that inherits `connect` from a base class of the project (`class Runner extends
 * AbstractRunner`, the base in another module): the nearest base's method, when no class on the way has a member
 * of that name (a field holding a function, an accessor) that would shadow it.
 */
function inheritedMethod(callee: TSESTree.MemberExpression, depth: number): FunctionNode | null {
  const name = memberName(callee);
  const own = classOf(callee);
  if (name === null || name.startsWith('#') || own === null || declaresMember(own, name)) return null;
  return methodFrom(baseBodyOf(own), name, depth);
}

/** Method `name` of the class `body` or of its nearest project base, unless a member of that name shadows it. */
function methodFrom(body: TSESTree.ClassBody | null, name: string, depth: number): FunctionNode | null {
  for (let d = depth; body && d < MAX_DEPTH; d++) {
    const method = methodsOf(body).get(name);
    if (method) return method;
    if (declaresMember(body, name)) return null;
    body = baseBodyOf(body);
  }
  return null;
}

/**
 * `bot.init()` with the parameter `bot: Bot<C>`, `this.channel.generateCode()` with the field `private readonly
 * channel: SecureChannel`: the method of the project class the receiver is declared as (or its nearest base's).
 * A subclass may override it; a caller that declares the base class relies on what the base class does, and so
 * do the facts read from it.
 */
function declaredClassMethod(object: Node, name: string | null, depth: number): FunctionNode | null {
  if (name === null || name.startsWith('#') || depth >= MAX_DEPTH) return null;
  const annotation = declaredType(object);
  const klass = annotation ? classOfType(annotation, depth) : null;
  return klass ? methodFrom(klass.body, name, depth) : null;
}

/** The type annotation of the parameter, variable or field a receiver names (`x`, `this.x`, `this.#x`). */
function declaredType(object: Node): TSESTree.TypeNode | null {
  if (object.type === 'Identifier') {
    for (let fn = enclosingFunction(object); fn; fn = enclosingFunction(fn)) {
      if (!namesBoundIn(fn).has(object.name)) continue;
      return annotatedBinding(fn, object.name);
    }
    return null;
  }
  if (object.type !== 'MemberExpression' || unwrap(object.object).type !== 'ThisExpression') return null;
  const field = memberName(object);
  const body = classOf(object);
  if (field === null || body === null) return null;
  for (const member of body.body) {
    if (member.type === 'PropertyDefinition' && !member.static && memberKeyName(member) === field) return member.typeAnnotation?.typeAnnotation ?? null;
    if (member.type === 'MethodDefinition' && member.kind === 'constructor') {
      for (const p of member.value.params) {
        if (p.type === 'TSParameterProperty' && p.parameter.type === 'Identifier' && p.parameter.name === field) return p.parameter.typeAnnotation?.typeAnnotation ?? null;
      }
    }
  }
  return null;
}

/** The annotation `fn` gives `name` where it binds it: a parameter (`bot: Bot`) or a variable (`let q: Queue`). */
function annotatedBinding(fn: FunctionNode, name: string): TSESTree.TypeNode | null {
  for (const p of fn.params) {
    const id = p.type === 'TSParameterProperty' ? p.parameter : p.type === 'AssignmentPattern' ? p.left : p;
    const bound = id.type === 'AssignmentPattern' ? id.left : id;
    if (bound.type === 'Identifier' && bound.name === name) return bound.typeAnnotation?.typeAnnotation ?? null;
  }
  let found: TSESTree.TypeNode | null = null;
  forEachNode(fn.body, (n) => {
    if (found || (n !== fn.body && isFunction(n))) return false;
    if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && n.id.name === name) found = n.id.typeAnnotation?.typeAnnotation ?? null;
    return found === null;
  });
  return found;
}

/** The project class a type names: `Bot`, `Bot<C>`, `Channel | undefined`; null for an interface or a package's. */
function classOfType(type: TSESTree.TypeNode, depth: number): TSESTree.ClassDeclaration | null {
  if (type.type === 'TSUnionType') {
    const named = type.types.filter((t) => t.type !== 'TSUndefinedKeyword' && t.type !== 'TSNullKeyword');
    return named.length === 1 ? classOfType(named[0]!, depth) : null;
  }
  if (type.type !== 'TSTypeReference' || type.typeName.type !== 'Identifier') return null;
  const program = programOf(type);
  return program ? classNamed(program, type.typeName.name, depth + 1, true) : null;
}

/**
 * The class `name` means in `program`: one it declares, or one it imports from a module of the project (by a
 * type-only import too, when `types`: an annotation may name it so).
 */
function classNamed(program: Program, name: string, depth: number, types: boolean): TSESTree.ClassDeclaration | null {
  const table = moduleTable(program);
  const local = table.classes.get(name);
  if (local) return local;
  const imported = table.imports.get(name) ?? (types ? table.typeImports.get(name) : undefined);
  return imported && imported.name !== '*' ? exportedDeclaration(program, imported.from, imported.name, depth, (t, n) => t.classes.get(n)) : null;
}

/**
 * The instance methods named `name` of the classes a module declares or imports from the project: what a call
 * `x.name()` can reach when nothing says what `x` is (`const { lock } = createLock()` in a test of the class).
 */
export function methodsInSight(program: Program, name: string): FunctionNode[] {
  const table = moduleTable(program);
  const found: FunctionNode[] = [];
  const add = (klass: TSESTree.ClassDeclaration | null): void => {
    const method = klass ? methodFrom(klass.body, name, 0) : null;
    if (method) found.push(method);
  };
  for (const klass of table.classes.values()) add(klass);
  for (const [local, imported] of table.imports) if (imported.name !== '*') add(classNamed(program, local, 0, false));
  return found;
}

/**
 * The instance methods named `name` of every class in the project's modules that name it, declared or
 * expressed (`module.exports = class SessionState { … }`): what `this.state._unlock()` can reach when neither
 * the receiver's type nor an import says which class it is. Null when the front end cannot list the modules.
 */
export function methodsNamedInProject(program: Program, name: string): FunctionNode[] | null {
  let byName = methodsNamedMemo.get(program);
  if (!byName) methodsNamedMemo.set(program, (byName = new Map()));
  if (byName.has(name)) return byName.get(name)!;
  const modules = modulesMentioning(program, name);
  const found: FunctionNode[] | null = modules ? [] : null;
  for (const module of modules ?? []) {
    forEachNode(module, (n) => {
      if (n.type !== 'ClassBody') return true;
      const method = methodsOf(n).get(name);
      if (method) found!.push(method);
      return true;
    });
  }
  byName.set(name, found);
  return found;
}

// Per program: one lock-leak check asks once per helper call in a `finally`, and a file has many.
const methodsNamedMemo = new WeakMap<Program, Map<string, FunctionNode[] | null>>();

function staticMethod(body: TSESTree.ClassBody, name: string): FunctionNode | null {
  for (const m of body.body) {
    if (m.type === 'MethodDefinition' && m.static && m.kind === 'method' && m.value.body && memberKeyName(m) === name) return m.value;
  }
  return null;
}

function declaresMember(body: TSESTree.ClassBody, name: string): boolean {
  return body.body.some((m) => (m.type === 'MethodDefinition' || m.type === 'PropertyDefinition') && !m.static && memberKeyName(m) === name);
}

function instanceMethod(object: TSESTree.Identifier, name: string | null, program: Program, depth: number): FunctionNode | null {
  if (name === null) return null;
  const init = constInit(object);
  const made = init ? unwrap(init) : null;
  if (made?.type !== 'NewExpression' || made.callee.type !== 'Identifier' || shadowed(made.callee)) return null;
  // `const api = new PartnerStackApi(keys)`, the class of this module or imported from one of the project.
  const klass = classNamed(program, made.callee.name, depth, false);
  return klass ? (methodsOf(klass.body).get(name) ?? null) : null;
}

/**
 * `const mutex = makeMutex(); mutex.run(task)`: a method of the object a factory function returns (`return { run
 * }`, `() => ({ async run(task) { … } })`), the factory being of this module or imported.
 */
function factoryMethod(object: TSESTree.Identifier, name: string | null, depth: number): FunctionNode | null {
  if (name === null || depth >= MAX_DEPTH) return null;
  const init = constInit(object) ?? moduleConstInit(object);
  const call = init ? unwrap(init) : null;
  if (call?.type !== 'CallExpression') return null;
  const factory = resolveIn(unwrap(call.callee), depth + 1);
  // An async factory hands back a promise of the object, not the object.
  return factory && !factory.async ? returnedMethod(factory, name) : null;
}

/** The function property `name` of the object literal `fn` returns. */
function returnedMethod(fn: FunctionNode, name: string): FunctionNode | null {
  const objects: TSESTree.ObjectExpression[] = [];
  const collect = (value: Node): void => {
    const v = unwrap(value);
    if (v.type === 'ObjectExpression') objects.push(v);
  };
  if (fn.body.type !== 'BlockStatement') collect(fn.body);
  else
    forEachNode(fn.body, (n) => {
      if (isFunction(n)) return false;
      if (n.type === 'ReturnStatement' && n.argument) collect(n.argument);
      return true;
    });
  for (const o of objects) {
    for (const p of o.properties) {
      if (p.type !== 'Property' || propertyKey(p) !== name) continue;
      const v = unwrap(p.value);
      if (isFunction(v)) return v;
      return v.type === 'Identifier' ? (boundAt(fn, v)?.fn ?? null) : null;
    }
  }
  return null;
}

/** What a top-level `const` of the module was given, when no enclosing function binds the name. */
export function moduleConstInit(id: TSESTree.Identifier): Node | null {
  const program = programOf(id);
  return program && !shadowed(id) ? (moduleTable(program).constInits.get(id.name) ?? null) : null;
}

/** The function module `specifier` (imported from `program`) exports as `name`, following re-exports. */
function exported(program: Program, specifier: string, name: string, depth: number): FunctionNode | null {
  return exportedDeclaration(program, specifier, name, depth, (table, local) => table.functions.get(local), (table) => table.defaultFunction);
}

/** The type alias or enum that module `specifier` (imported from `program`) exports as `name`. */
export function exportedType(program: Program, specifier: string, name: string): TSESTree.TSTypeAliasDeclaration | TSESTree.TSEnumDeclaration | null {
  return exportedDeclaration(program, specifier, name, 0, (table, local) => table.types.get(local));
}

/**
 * What module `specifier` (imported from `program`) exports as `name`, following re-exports and imports of
 * imports: the declaration `pick` finds under the local name it is exported from.
 */
function exportedDeclaration<T>(
  program: Program,
  specifier: string,
  name: string,
  depth: number,
  pick: (table: ModuleTable, local: string) => T | undefined,
  pickDefault: (table: ModuleTable) => T | undefined = () => undefined,
): T | null {
  const binding = bindings.get(program);
  if (!binding?.host || depth >= MAX_DEPTH) return null;
  const loaded = binding.host.load(binding.fileName, specifier);
  if (!loaded) return null;
  if (!bindings.has(loaded.ast)) bindProgram(loaded.ast, loaded.fileName, binding.host);
  const table = moduleTable(loaded.ast);
  const anonymous = name === 'default' ? pickDefault(table) : undefined;
  if (anonymous) return anonymous;
  const local = table.exports.get(name);
  const next = (from: string, as: string): T | null => exportedDeclaration(loaded.ast, from, as, depth + 1, pick, pickDefault);
  if (local !== undefined) {
    const found = pick(table, local);
    if (found) return found;
    const imported = table.imports.get(local);
    return imported && imported.name !== '*' ? next(imported.from, imported.name) : null;
  }
  for (const r of table.reexports) {
    if (r.as === name) return next(r.from, r.name);
  }
  for (const r of table.reexports) {
    if (r.name !== '*') continue;
    const found = next(r.from, name);
    if (found) return found;
  }
  return null;
}

/** The class `klass` extends, when this module declares it or imports it from a module of the project. */
export function baseClassOf(klass: TSESTree.ClassDeclaration | TSESTree.ClassExpression): TSESTree.ClassDeclaration | null {
  const base = klass.superClass ? unwrap(klass.superClass) : null;
  if (base?.type !== 'Identifier' || shadowed(base)) return null;
  const program = programOf(klass);
  return program ? classNamed(program, base.name, 0, false) : null;
}

/** The body of the class `body`'s class extends, when the project defines it (see `baseClassOf`). */
export function baseBodyOf(body: TSESTree.ClassBody): TSESTree.ClassBody | null {
  const klass = body.parent;
  return klass?.type === 'ClassDeclaration' || klass?.type === 'ClassExpression' ? (baseClassOf(klass)?.body ?? null) : null;
}

/**
 * What an enclosing function binds `id` to: the function when it declares one of that name (`function walk()`
 * or `const walk = async () => …`), null when it binds the name to anything else, undefined when none binds it.
 */
function enclosingDeclaration(id: TSESTree.Identifier): FunctionNode | null | undefined {
  for (let fn = enclosingFunction(id); fn; fn = enclosingFunction(fn)) {
    const bound = boundAt(fn, id);
    if (bound !== undefined) return bound.fn;
  }
  return undefined;
}

/** Does `fn` bind `name` itself: a parameter, or a declaration of its own body (not of a nested function)? */
export function bindsName(fn: FunctionNode, name: string): boolean {
  return namesBoundIn(fn).has(name);
}

/** A name a function binds: to a function it declares, and, for a `const`, to its initializer. */
interface LocalBinding {
  fn: FunctionNode | null;
  /** The initializer of a `const`; null for a parameter, a `let`, a destructured name. */
  init: Node | null;
  /** A `let` given only awaited values or literals (`let s = await a(); s = await b(s)`, `let args = ''; args += …`): it never holds a pending promise. */
  settled?: boolean;
  /** Bound by a parameter, destructured or not (`async ({ heartbeat }) => …`): what the caller handed in. */
  param?: boolean;
  /** A name a `const` destructures (`const { data: { items } } = await get(url)`): the whole initializer. */
  partOf?: Node;
}

const boundCache = new WeakMap<FunctionNode, Map<string, LocalBinding>>();
/** Names a function declares more than once, in different blocks: each declaration with the block it is in. */
const shadowCache = new WeakMap<FunctionNode, Map<string, { scope: Node; binding: LocalBinding }[]>>();

/**
 * The names a function binds in its own body (parameters, declarations, destructured names; not those of
 * nested functions). Built once per function: every identifier the facts resolve asks. A name declared in two
 * blocks (`const typings` in two branches) maps to its last declaration: ask `boundAt` for the one in scope.
 */
function namesBoundIn(fn: FunctionNode): Map<string, LocalBinding> {
  const known = boundCache.get(fn);
  if (known) return known;
  const found = new Map<string, LocalBinding>();
  const scopes = new Map<string, { scope: Node; binding: LocalBinding }[]>();
  const declare = (name: string, binding: LocalBinding, scope: Node): void => {
    found.set(name, binding);
    const list = scopes.get(name);
    if (list) list.push({ scope, binding });
    else scopes.set(name, [{ scope, binding }]);
  };
  const plain: LocalBinding = { fn: null, init: null };
  const bindPattern = (p: Node, scope: Node, as: LocalBinding = plain): void => {
    if (p.type === 'Identifier') {
      declare(p.name, as, scope);
    } else if (p.type === 'ObjectPattern') {
      for (const prop of p.properties) bindPattern(prop.type === 'Property' ? prop.value : prop, scope, as);
    } else if (p.type === 'ArrayPattern') {
      for (const el of p.elements) if (el) bindPattern(el, scope, as);
    } else if (p.type === 'AssignmentPattern') {
      bindPattern(p.left, scope, as);
    } else if (p.type === 'RestElement') {
      bindPattern(p.argument, scope, as);
    } else if (p.type === 'TSParameterProperty') {
      bindPattern(p.parameter, scope, as);
    }
  };
  const param: LocalBinding = { fn: null, init: null, param: true };
  for (const p of fn.params) bindPattern(p, fn, param);
  const body: Node = fn.body;
  forEachNode(body, (n) => {
    if (n !== body && isFunction(n)) {
      if (n.type === 'FunctionDeclaration' && n.id) declare(n.id.name, { fn: n, init: null }, blockOf(n, fn));
      return false;
    }
    if (n.type === 'VariableDeclarator') {
      const kind = n.parent?.type === 'VariableDeclaration' ? n.parent.kind : 'var';
      const isConst = kind === 'const';
      const scope = kind === 'var' ? fn : blockOf(n, fn);
      if (n.id.type === 'Identifier') {
        const init = n.init ? unwrap(n.init) : null;
        const settled = !isConst && init !== null && holdsNoPromise(init) && onlyAwaitedAssignments(body, n.id.name);
        declare(n.id.name, { fn: init && isFunction(init) && isConst ? init : null, init: isConst ? (n.init ?? null) : null, ...(settled ? { settled } : {}) }, scope);
      } else {
        bindPattern(n.id, scope, isConst && n.init ? { fn: null, init: null, partOf: n.init } : plain);
      }
    } else if (n.type === 'ClassDeclaration' && n.id) {
      declare(n.id.name, plain, blockOf(n, fn));
    } else if (n.type === 'CatchClause' && n.param) {
      bindPattern(n.param, n);
    }
    return true;
  });
  boundCache.set(fn, found);
  const shadowed = new Map([...scopes].filter(([, list]) => list.length > 1));
  if (shadowed.size > 0) shadowCache.set(fn, shadowed);
  return found;
}

const BLOCKS = new Set(['BlockStatement', 'ForStatement', 'ForInStatement', 'ForOfStatement', 'SwitchStatement', 'StaticBlock']);

/** The block a `let`, `const`, class or function declaration is scoped to, up to `fn` itself. */
function blockOf(n: Node, fn: FunctionNode): Node {
  for (let p = n.parent; p && p !== fn; p = p.parent) if (BLOCKS.has(p.type)) return p;
  return fn;
}

/** What `fn` binds the name `id` refers to: for a name it declares in two blocks, the declaration in scope at `id`. */
function boundAt(fn: FunctionNode, id: TSESTree.Identifier): LocalBinding | undefined {
  const names = namesBoundIn(fn);
  const declared = shadowCache.get(fn)?.get(id.name);
  if (!declared) return names.get(id.name);
  let inner: { scope: Node; binding: LocalBinding } | undefined;
  for (const d of declared) {
    if (id.range[0] < d.scope.range[0] || id.range[1] > d.scope.range[1]) continue;
    if (!inner || d.scope.range[1] - d.scope.range[0] < inner.scope.range[1] - inner.scope.range[0]) inner = d;
  }
  return inner?.binding;
}

/**
 * What a `const` a name refers to was given, or holds a part of when it destructures it (`const { data } = await
 * get(url)`: the awaited response); null for anything else, as for `constInit`.
 */
export function constSource(id: TSESTree.Identifier): Node | null {
  for (let fn = enclosingFunction(id); fn; fn = enclosingFunction(fn)) {
    const bound = boundAt(fn, id);
    if (bound) return bound.init ?? bound.partOf ?? null;
  }
  return null;
}

/**
 * What a `const` a name refers to was given, looked up in the nearest function that binds the name (a callback
 * sees its enclosing function's locals); null for anything else (a parameter, a `let`, a module variable).
 */
export function constInit(id: TSESTree.Identifier): Node | null {
  for (let fn = enclosingFunction(id); fn; fn = enclosingFunction(fn)) {
    const bound = boundAt(fn, id);
    if (bound) return bound.init;
  }
  return null;
}

/** An awaited value, or a literal (`''`, `0`, `` `args: ${x}` ``): never a pending promise. */
function holdsNoPromise(value: Node): boolean {
  const e = unwrap(value);
  return e.type === 'AwaitExpression' || e.type === 'Literal' || e.type === 'TemplateLiteral';
}

/**
 * Every assignment to `name` in `body` stores an awaited value or a literal, or updates a number or string in
 * place (`args += \`${await f()}, \``: arithmetic and concatenation make a primitive, whatever they add).
 */
function onlyAwaitedAssignments(body: Node, name: string): boolean {
  let only = true;
  forEachNode(body, (n) => {
    if (!only) return false;
    if (n.type === 'AssignmentExpression' && n.left.type === 'Identifier' && n.left.name === name) {
      const logical = n.operator === '??=' || n.operator === '||=' || n.operator === '&&=';
      if (n.operator === '=' || logical) only = holdsNoPromise(n.right);
    }
    return only;
  });
  return only;
}

/**
 * Every call of a function that only the code around it can reach: a `function f` or `const f = () => …` inside
 * another function, or one of a module that does not export it. Null when the name is used other than to call
 * it (returned, stored, handed on as a callback): then anyone may call it.
 */
export function localCallSites(fn: FunctionNode): TSESTree.CallExpression[] | null {
  const uses = localUses(fn);
  if (!uses) return null;
  const calls: TSESTree.CallExpression[] = [];
  for (const use of uses) {
    const at = use.parent;
    if (at?.type !== 'CallExpression' || at.callee !== use) return null;
    calls.push(at);
  }
  return calls;
}

/**
 * Every place a named function of a module or of an enclosing function is mentioned by its name (`function open()
 * {…}`, `const open = async () => {…}`), property keys aside; null when it has no such name or a module exports it,
 * so that code out of sight may use it too (`evenIfExported`: its own module's uses all the same).
 */
export function localUses(fn: FunctionNode, evenIfExported = false): TSESTree.Identifier[] | null {
  const declarator = fn.parent;
  const id =
    fn.type === 'FunctionDeclaration' ? fn.id
    : declarator?.type === 'VariableDeclarator' && declarator.init === fn && declarator.id.type === 'Identifier' && declarator.parent?.type === 'VariableDeclaration' && declarator.parent.kind === 'const' ? declarator.id
    : null;
  if (!id) return null;
  const outer = enclosingFunction(fn);
  const program = programOf(fn);
  if (!program || (!outer && !evenIfExported && exportedLocals(program).has(id.name))) return null;
  const bindsHere = (ref: TSESTree.Identifier): boolean => (outer ? enclosingDeclaration(ref) === fn : enclosingDeclaration(ref) === undefined);
  return (identifiersByName(outer ? outer.body : program).get(id.name) ?? []).filter((n) => {
    if (n === id || isPropertyName(n)) return false;
    return bindsHere(n);
  });
}

const identifierIndex = new WeakMap<Node, Map<string, TSESTree.Identifier[]>>();

/**
 * Every identifier under `root`, by name, in source order. Built in one walk per root: every named function of a
 * module asks about its own name, and a walk each would cost the module's size once per function.
 */
export function identifiersByName(root: Node): ReadonlyMap<string, TSESTree.Identifier[]> {
  let index = identifierIndex.get(root);
  if (!index) {
    const built = new Map<string, TSESTree.Identifier[]>();
    forEachNode(root, (n) => {
      if (n.type === 'Identifier') {
        const list = built.get(n.name);
        if (list) list.push(n);
        else built.set(n.name, [n]);
      }
      return true;
    });
    identifierIndex.set(root, (index = built));
  }
  return index;
}

const exportedIndex = new WeakMap<Program, ReadonlySet<string>>();

/** The local names a module exports, as a set: asked once per named function. */
export function exportedLocals(program: Program): ReadonlySet<string> {
  let names = exportedIndex.get(program);
  if (!names) exportedIndex.set(program, (names = new Set(moduleTable(program).exports.values())));
  return names;
}

/** A name bound by a parameter or a declaration of an enclosing function, hiding the module's. */
export function shadowed(id: TSESTree.Identifier): boolean {
  return enclosingDeclaration(id) !== undefined;
}

// ---------------------------------------------------------------------------------------------------------
// startsIo

const ioMemo = new WeakMap<FunctionNode, boolean>();
const unlimitedIoMemo = new WeakMap<FunctionNode, boolean>();

/**
 * One question's walk: the calls still being decided, and whether an answer leaned on one of them. `limited`:
 * work handed to a module's own limiter (`limitReads(() => read(p))` with `limitReads = pLimit(4)`) counts as
 * none, since however many calls start it, only so many run at once.
 */
interface IoWalk {
  deciding: Set<FunctionNode>;
  leaned: boolean;
  limited?: boolean;
}

/**
 * Can awaiting a call of `fn` wait on I/O the call starts? False only when everything `fn` awaits or returns is
 * a value, a promise started elsewhere, or a call of a function that starts none itself. A recursive call adds
 * no I/O of its own (a walk over a tree in memory stays in memory), so a cycle counts as none while it is decided.
 */
export function startsIo(fn: FunctionNode): boolean {
  return ioOf(fn, { deciding: new Set(), leaned: false });
}

/** `startsIo`, counting work that goes through a limiter of its module as none: what a fan-out of `fn` cannot multiply. */
export function startsUnlimitedIo(fn: FunctionNode): boolean {
  return ioOf(fn, { deciding: new Set(), leaned: false, limited: true });
}

function ioOf(fn: FunctionNode, walk: IoWalk): boolean {
  const memo = walk.limited ? unlimitedIoMemo : ioMemo;
  const known = memo.get(fn);
  if (known !== undefined) return known;
  if (walk.deciding.has(fn)) {
    walk.leaned = true;
    return false;
  }
  const outer = walk.leaned;
  walk.leaned = false;
  walk.deciding.add(fn);
  let answer: boolean;
  try {
    answer = waitedOn(fn).some((e) => valueStartsIo(e, 0, walk));
  } finally {
    walk.deciding.delete(fn);
  }
  // An answer that leaned on an undecided caller is final only once that caller is decided (or it found I/O).
  if (answer || !walk.leaned || walk.deciding.size === 0) memo.set(fn, answer);
  walk.leaned = outer || (walk.leaned && walk.deciding.size > 0);
  return answer;
}

/**
 * Can awaiting `value` (the argument of an `await`) wait on I/O? False only when it is a value, a promise
 * started elsewhere, or a call of code that starts none (see `startsIo`): `await this.deriveKey()` over Web Crypto.
 */
export function awaitedValueStartsIo(value: Node): boolean {
  return valueStartsIo(value, 0, { deciding: new Set(), leaned: false });
}

/** What awaiting a call of `fn` waits for: what it awaits, and what it returns (an async function adopts it). */
export function waitedOn(fn: FunctionNode): Node[] {
  const out: Node[] = fn.body.type === 'BlockStatement' ? [] : [fn.body];
  forEachNode(fn.body, (n) => {
    if (isFunction(n)) return false;
    if (n.type === 'AwaitExpression') out.push(n.argument);
    else if (n.type === 'ReturnStatement' && n.argument) out.push(n.argument);
    else if ((n.type === 'ForOfStatement' && n.await) || (n.type === 'VariableDeclaration' && n.kind === 'await using')) out.push(n);
    return true;
  });
  return out;
}

/**
 * Methods of built-in values (arrays, strings) that compute in memory and never return a promise. Not `has`,
 * `keys`, `values` or `entries`: key-value clients have them too (`await redis.keys(pattern)`).
 */
export const IN_MEMORY_METHODS: ReadonlySet<string> = new Set([
  'filter', 'map', 'sort', 'slice', 'concat', 'join', 'flat', 'flatMap', 'reverse', 'includes', 'indexOf', 'some',
  'every', 'toSorted', 'toReversed', 'toString', 'trim', 'split', 'replace', 'replaceAll', 'toLowerCase',
  'toUpperCase', 'startsWith', 'endsWith', 'padStart', 'padEnd', 'at',
  'charAt', 'charCodeAt', 'codePointAt', 'substring', 'substr', 'lastIndexOf', 'trimStart', 'trimEnd', 'localeCompare',
]);
/** Globals whose calls compute in memory. */
const IN_MEMORY_GLOBALS = new Set(['JSON', 'Object', 'Math', 'Array', 'Number', 'String', 'Boolean', 'structuredClone', 'parseInt', 'parseFloat']);

/** `JSON.parse(s)`, `Math.max(a, b)`, `structuredClone(v)`: a global that computes in memory. */
function callsInMemoryGlobal(callee: Node): boolean {
  if (callee.type === 'Identifier') return IN_MEMORY_GLOBALS.has(callee.name);
  const object = callee.type === 'MemberExpression' ? unwrap(callee.object) : null;
  return object?.type === 'Identifier' && IN_MEMORY_GLOBALS.has(object.name);
}

/** Array and string methods that hand back an array, a string, a number or a boolean (not `find`: an ORM's query is thenable). */
const VALUE_METHODS = new Set(['slice', 'filter', 'map', 'flatMap', 'flat', 'concat', 'join', 'sort', 'reverse', 'toSorted', 'toReversed', 'includes', 'indexOf', 'some', 'every', 'split', 'trim', 'toLowerCase', 'toUpperCase', 'padStart', 'padEnd', 'startsWith', 'endsWith', 'replace', 'replaceAll', 'substring']);

/**
 * An array or string literal, a `const` given one (in a function or at a module's top level), or what one of
 * their `VALUE_METHODS` hands back.
 */
function arrayOrString(node: Node, depth: number): boolean {
  const e = unwrap(node);
  if (e.type === 'ArrayExpression' || e.type === 'TemplateLiteral' || (e.type === 'Literal' && typeof e.value === 'string')) return true;
  if (depth > MAX_DEPTH) return false;
  if (e.type === 'Identifier') {
    const init = constInit(e) ?? moduleConstInit(e);
    return init !== null && arrayOrString(init, depth + 1);
  }
  if (e.type !== 'CallExpression') return false;
  const callee = unwrap(e.callee);
  return callee.type === 'MemberExpression' && VALUE_METHODS.has(memberName(callee) ?? '') && arrayOrString(callee.object, depth + 1);
}

/** Expressions whose value is no promise a call just started: awaiting one waits for nothing new. */
const PLAIN_VALUES = new Set<string>(['Literal', 'TemplateLiteral', 'ThisExpression', 'ArrayExpression', 'ObjectExpression', 'UnaryExpression', 'BinaryExpression', 'UpdateExpression', 'ArrowFunctionExpression', 'FunctionExpression']);

function valueStartsIo(node: Node, depth: number, walk: IoWalk): boolean {
  const e = unwrap(node);
  if (depth > MAX_DEPTH) return true;
  // A value, or a promise something else started: waiting for it starts nothing.
  if (PLAIN_VALUES.has(e.type)) return false;
  switch (e.type) {
    case 'AwaitExpression':
      return valueStartsIo(e.argument, depth + 1, walk);
    case 'Identifier':
      return identifierStartsIo(e, depth, walk);
    case 'MemberExpression': {
      // `await this.ready`, `await item.result`: a promise kept somewhere; `await local.p` may be one just started.
      const root = memberRoot(e);
      return root.type === 'Identifier' ? identifierStartsIo(root, depth, walk) : root.type !== 'ThisExpression';
    }
    case 'ConditionalExpression':
      return valueStartsIo(e.consequent, depth + 1, walk) || valueStartsIo(e.alternate, depth + 1, walk);
    case 'AssignmentExpression':
      // `(this.store[id] = row)` is the value stored; `n += 1` a number.
      return e.operator === '=' && valueStartsIo(e.right, depth + 1, walk);
    case 'LogicalExpression':
      return valueStartsIo(e.left, depth + 1, walk) || valueStartsIo(e.right, depth + 1, walk);
    case 'CallExpression':
      return callStartsIo(e, depth, walk);
    case 'NewExpression':
      return !waitsForAnEvent(e);
    default:
      // `for await`, a tagged template, a sequence: assume it waits on something.
      return true;
  }
}

/**
 * A parameter or a module variable holds a value or a promise started elsewhere; a const of the function holds
 * what its initializer gives; anything else (a `let`, a name of an outer function) may hold a promise just started.
 */
function identifierStartsIo(id: TSESTree.Identifier, depth: number, walk: IoWalk): boolean {
  if (id.name === 'undefined') return false;
  const fn = enclosingFunction(id);
  if (!fn) return false;
  const own = boundAt(fn, id);
  if (own === undefined) {
    const program = programOf(fn);
    return !(program && !shadowed(id) && (moduleTable(program).variables.has(id.name) || moduleTable(program).functions.has(id.name)));
  }
  // A parameter, destructured or not, holds a value or a promise started elsewhere.
  if (own.param) return false;
  if (own.settled) return false;
  return own.init === null || valueStartsIo(own.init, depth + 1, walk);
}

/** Calls that arrange for a callback to run later and start nothing themselves. */
const SCHEDULES = new Set(['once', 'on', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener', 'off', 'removeListener', 'removeEventListener', 'setTimeout', 'setImmediate', 'clearTimeout', 'queueMicrotask', 'nextTick']);

/**
 * `new Promise((resolve) => emitter.once('ready', resolve))`, `new Promise((r) => setTimeout(r, ms))`: the
 * executor only registers a listener, a timer or a handler on a promise it was handed (or settles at once), and
 * the function making it calls nothing else, so waiting on it waits for something that happens elsewhere and
 * starts no I/O. A function that first starts a request and then waits for its event (`const req =
 * store.delete(k); return new Promise((r) => { req.onsuccess = () => r(); })`, `child.kill(); await exited`) does
 * start one.
 */
function waitsForAnEvent(made: TSESTree.NewExpression): boolean {
  const callee = unwrap(made.callee);
  const executor = made.arguments[0] ? unwrap(made.arguments[0]) : null;
  if (callee.type !== 'Identifier' || callee.name !== 'Promise' || shadowed(callee) || !executor || !isFunction(executor)) return false;
  const outer = enclosingFunction(made);
  if (outer && callsOtherThan(outer, made)) return false;
  const settles = new Set(executor.params.flatMap((p) => (p.type === 'Identifier' ? [p.name] : [])));
  let quiet = true;
  forEachNode(executor.body, (n) => {
    if (!quiet || isFunction(n)) return false;
    if (n.type === 'NewExpression' || n.type === 'AwaitExpression') quiet = false;
    if (n.type !== 'CallExpression') return quiet;
    const c = unwrap(n.callee);
    const name = c.type === 'Identifier' ? c.name : c.type === 'MemberExpression' ? memberName(c) : null;
    quiet = name !== null && (SCHEDULES.has(name) || (c.type === 'Identifier' && settles.has(name)) || chainsOnParameter(c, outer));
    return quiet;
  });
  return quiet;
}

/** `promise.then(reject, resolve)`, where `promise` is a parameter: a handler on a promise started elsewhere. */
function chainsOnParameter(callee: Node, outer: FunctionNode | null): boolean {
  if (callee.type !== 'MemberExpression' || !PROMISE_HANDLERS.has(memberName(callee) ?? '') || !outer) return false;
  const object = unwrap(callee.object);
  return object.type === 'Identifier' && outer.params.some((p) => p.type === 'Identifier' && p.name === object.name);
}

const PROMISE_HANDLERS = new Set(['then', 'catch', 'finally']);

/** Does `fn` call or construct anything but `made`, outside the functions it defines? */
function callsOtherThan(fn: FunctionNode, made: Node): boolean {
  let calls = false;
  forEachNode(fn.body, (n) => {
    if (calls || isFunction(n)) return false;
    calls = n !== made && (n.type === 'CallExpression' || n.type === 'NewExpression' || n.type === 'TaggedTemplateExpression');
    return !calls;
  });
  return calls;
}

/** `Promise.all`, `allSettled`, `race`, `any`: they wait on what their argument starts. */
const COMBINATORS = new Set(['all', 'allSettled', 'race', 'any']);

function callStartsIo(call: TSESTree.CallExpression, depth: number, walk: IoWalk): boolean {
  const callee = unwrap(call.callee);
  if (walk.limited && callsModuleLimiter(callee)) return false;
  if (callee.type === 'MemberExpression' && unwrap(callee.object).type === 'Identifier' && (unwrap(callee.object) as TSESTree.Identifier).name === 'Promise' && COMBINATORS.has(memberName(callee) ?? '')) {
    const arg = call.arguments[0] ? unwrap(call.arguments[0]) : null;
    // `Promise.all([a(), ...items.map(async (item) => …)])`: each element, and what each spread mapping's callback starts.
    if (arg?.type === 'ArrayExpression') return arg.elements.some((el) => el !== null && (el.type === 'SpreadElement' ? mappingStartsIo(unwrap(el.argument), walk) : valueStartsIo(el, depth + 1, walk)));
    // `Promise.all(items.map(async (item) => …))`: what each callback starts.
    if (arg?.type === 'CallExpression') return mappingStartsIo(arg, walk);
    return true;
  }
  // `yieldToEventLoop().then(() => decode(bytes))`: what the head starts, and what each handler waits on.
  if (callee.type === 'MemberExpression' && isPromiseChainCall(call)) {
    return valueStartsIo(callee.object, depth + 1, walk) || call.arguments.some((a) => handlerStartsIo(a, depth, walk));
  }
  if (callsInMemoryGlobal(callee)) return false;
  if (callee.type === 'MemberExpression') {
    const object = unwrap(callee.object);
    const name = memberName(callee);
    // `Promise.resolve(t.close())` waits on the call it is handed; `Promise.resolve()` or a value on nothing.
    if (object.type === 'Identifier' && object.name === 'Promise' && name === 'resolve') return call.arguments[0] !== undefined && call.arguments[0].type !== 'SpreadElement' && valueStartsIo(call.arguments[0], depth + 1, walk);
    if (object.type === 'Identifier' && object.name === 'Promise' && name === 'reject') return false;
    if (object.type !== 'ThisExpression' && name !== null && IN_MEMORY_METHODS.has(name)) return false;
  }
  const target = resolveIn(callee, depth);
  if (target !== null) return ioOf(target, walk);
  // A method known only by the receiver's declared class: quiet when its body or its name says so.
  const declared = callee.type === 'MemberExpression' ? declaredClassMethod(unwrap(callee.object), memberName(callee), depth) : null;
  return !computes(callee) && (declared === null || ioOf(declared, walk));
}

/** A handler handed to `.then` / `.catch` / `.finally`: a function of the project, judged by what it waits on. */
function handlerStartsIo(handler: Node, depth: number, walk: IoWalk): boolean {
  const h = unwrap(handler);
  if (isFunction(h)) return ioOf(h, walk);
  if (h.type === 'Identifier' && h.name === 'undefined') return false;
  if (h.type === 'Literal' && h.value === null) return false;
  const target = h.type === 'Identifier' || h.type === 'MemberExpression' ? resolveIn(h, depth) : null;
  return target === null || ioOf(target, walk);
}

/** `items.map(async (item) => …)`: what its callback starts; anything else may hold promises started anywhere. */
function mappingStartsIo(node: Node, walk: IoWalk): boolean {
  const mapper = node.type === 'CallExpression' ? unwrap(node.callee) : null;
  const cb = node.type === 'CallExpression' && node.arguments[0] ? unwrap(node.arguments[0]) : null;
  return !(mapper?.type === 'MemberExpression' && memberName(mapper) === 'map' && cb && isFunction(cb)) || ioOf(cb, walk);
}

/**
 * `limit(() => …)` or `queue.add(() => …)`, where `limit` or `queue` is a top-level const of the module made by a
 * limiter library (`pLimit(4)`, `throat(2)`, `new PQueue({ concurrency: 4 })`).
 */
function callsModuleLimiter(callee: Node): boolean {
  const holder = callee.type === 'Identifier' ? callee : callee.type === 'MemberExpression' && LIMITED_METHODS.has(memberName(callee) ?? '') ? unwrap(callee.object) : null;
  if (holder?.type !== 'Identifier') return false;
  const init = moduleConstInit(holder);
  const made = init ? unwrap(init) : null;
  const maker = made?.type === 'CallExpression' || made?.type === 'NewExpression' ? unwrap(made.callee) : null;
  const program = programOf(holder);
  const from = maker?.type === 'Identifier' && program ? moduleTable(program).imports.get(maker.name)?.from : undefined;
  return from !== undefined && LOCK_LIBRARIES.some((lib) => lib.boundsFanOut && lib.modules.includes(from));
}

// ---------------------------------------------------------------------------------------------------------
// returnsSingleton

const singletonMemo = new WeakMap<FunctionNode, boolean>();

/**
 * Does `fn` hand every caller the one object it keeps: a variable of its module or a property of `globalThis`
 * (`return (globalThis as any)[key]`, `return instance ??= new Registry()`)? A synchronous getter of a singleton,
 * declared at the top of its module: what a caller changes through the result, every other caller sees.
 */
export function returnsSingleton(fn: FunctionNode): boolean {
  let answer = singletonMemo.get(fn);
  if (answer === undefined) {
    const values = returnedValues(fn);
    const program = programOf(fn);
    answer = !fn.async && !fn.generator && program !== null && enclosingFunction(fn) === null && values !== null && values.length > 0 && values.every((v) => isKept(v, fn, moduleTable(program)));
    singletonMemo.set(fn, answer);
  }
  return answer;
}

const PROMISE_TYPES = new Set(['Promise', 'PromiseLike', 'Thenable']);

/**
 * Whether a call of `fn` hands back no promise: it is not async, and it is declared to return something else
 * (`static acquire(file: string): HubLock`) or, undeclared, returns nothing or only values it makes (`new HubLock(file)`).
 * `any`, `unknown` or a type parameter could be a promise.
 */
export function returnsNoPromise(fn: FunctionNode): boolean {
  if (fn.async) return false;
  const declared = fn.returnType?.typeAnnotation;
  if (declared) return !mayBePromise(declared);
  // `acquire: () => { pending++; }`: no `return` hands anything back.
  if (!returnsAValue(fn)) return true;
  const values = returnedValues(fn);
  return values !== null && values.length > 0 && values.every((v) => plainValue(v) || plainValue(localConstInit(fn, v)));
}

/** A value that is no promise: an object made with `new` (of anything but `Promise`), a literal, `this`. */
function plainValue(v: Node | null): boolean {
  if (!v) return false;
  const e = unwrap(v);
  return (e.type === 'NewExpression' && !(e.callee.type === 'Identifier' && e.callee.name === 'Promise')) || e.type === 'ObjectExpression' || e.type === 'ArrayExpression' || e.type === 'Literal' || e.type === 'ThisExpression';
}

/** `const entry = new QueueEntry(this); …; return entry`: what a `const` of the function itself was given. */
function localConstInit(fn: FunctionNode, v: Node): Node | null {
  const id = unwrap(v);
  if (id.type !== 'Identifier') return null;
  let init: Node | null = null;
  forEachNode(fn.body, (n) => {
    if (init || isFunction(n)) return false;
    if (n.type === 'VariableDeclaration' && n.kind === 'const') {
      for (const d of n.declarations) if (d.id.type === 'Identifier' && d.id.name === id.name && d.init) init = d.init;
    }
    return !init;
  });
  return init;
}

function returnsAValue(fn: FunctionNode): boolean {
  if (fn.body.type !== 'BlockStatement') return true;
  let returns = false;
  forEachNode(fn.body, (n) => {
    if (isFunction(n)) return false;
    if (n.type === 'ReturnStatement' && n.argument) returns = true;
    return !returns;
  });
  return returns;
}

function mayBePromise(type: TSESTree.TypeNode): boolean {
  switch (type.type) {
    case 'TSUnionType':
    case 'TSIntersectionType':
      return type.types.some(mayBePromise);
    case 'TSTypeReference':
      // A type parameter (`T`) or an alias could stand for a promise; a class of the project cannot.
      return type.typeName.type !== 'Identifier' || PROMISE_TYPES.has(type.typeName.name) || classOfType(type, 0) === null;
    case 'TSAnyKeyword':
    case 'TSUnknownKeyword':
    case 'TSTypeQuery':
    case 'TSIndexedAccessType':
    case 'TSConditionalType':
      return true;
    default:
      return false;
  }
}

/** What `fn` returns, or null when some path returns nothing. */
function returnedValues(fn: FunctionNode): Node[] | null {
  if (fn.body.type !== 'BlockStatement') return [fn.body];
  const out: Node[] = [];
  let bare = false;
  forEachNode(fn.body, (n) => {
    if (isFunction(n)) return false;
    if (n.type === 'ReturnStatement') {
      if (n.argument) out.push(n.argument);
      else bare = true;
    }
    return true;
  });
  return bare ? null : out;
}

function isKept(value: Node, fn: FunctionNode, table: ModuleTable): boolean {
  const v = unwrap(value);
  switch (v.type) {
    case 'Identifier':
      return table.variables.has(v.name) && !namesBoundIn(fn).has(v.name);
    case 'MemberExpression': {
      const root = memberRoot(v);
      return root.type === 'Identifier' && root.name === 'globalThis' && !namesBoundIn(fn).has('globalThis');
    }
    case 'LogicalExpression':
      return isKept(v.left, fn, table) && isKept(v.right, fn, table);
    case 'ConditionalExpression':
      return isKept(v.consequent, fn, table) && isKept(v.alternate, fn, table);
    case 'AssignmentExpression':
      // `return (instance ??= new Registry())`: the value now kept there.
      return isKept(v.left, fn, table);
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------------------
// settlesAtOnce

/**
 * Does awaiting `awaited` give up control only until the microtasks already queued have run? True for a call of
 * a function the project defines that waits on nothing pending: everything it awaits or returns is a value, or
 * a call of such a function (`await this.stop()` where `stop` clears a timer, `await this.connect()` returning
 * `Promise.resolve(this.db)`). No request, timer or event can come in meanwhile; only a call started in the same
 * tick can. Stricter than `startsIo`: a promise kept in a field (`await this.ready`) may still be pending.
 */
export function settlesAtOnce(awaited: Node): boolean {
  return settledValue(awaited, new Set(), 0);
}

function settledValue(node: Node, deciding: Set<FunctionNode>, depth: number): boolean {
  const e = unwrap(node);
  if (depth > MAX_DEPTH) return false;
  if (PLAIN_VALUES.has(e.type)) return true;
  switch (e.type) {
    case 'AwaitExpression':
      return settledValue(e.argument, deciding, depth + 1);
    case 'ConditionalExpression':
      return settledValue(e.consequent, deciding, depth + 1) && settledValue(e.alternate, deciding, depth + 1);
    case 'LogicalExpression':
      return settledValue(e.left, deciding, depth + 1) && settledValue(e.right, deciding, depth + 1);
    case 'Identifier': {
      if (e.name === 'undefined') return true;
      // Only a const of the function, by what it was given: a parameter or a field may hold a pending promise.
      const fn = enclosingFunction(e);
      const own = fn ? boundAt(fn, e) : undefined;
      return own?.init != null && settledValue(own.init, deciding, depth + 1);
    }
    case 'CallExpression':
      return settledCall(e, deciding, depth);
    default:
      return false;
  }
}

function settledCall(call: TSESTree.CallExpression, deciding: Set<FunctionNode>, depth: number): boolean {
  const callee = unwrap(call.callee);
  if (callsInMemoryGlobal(callee)) return true;
  if (callee.type === 'MemberExpression') {
    const object = unwrap(callee.object);
    const name = memberName(callee);
    if (object.type === 'Identifier' && object.name === 'Promise') {
      const arg = call.arguments[0];
      if (name === 'reject') return true;
      // `Promise.resolve(this.db)` wraps a value on purpose: a pending promise would be returned as it is.
      if (name === 'resolve') return arg === undefined || (arg.type !== 'SpreadElement' && (unwrap(arg).type === 'MemberExpression' || settledValue(arg, deciding, depth + 1)));
      return false;
    }
  }
  const target = resolveIn(callee, depth, true);
  // `people.filter(…)`, `found.slice(0, 10)`, `'a-b'.split('-')`: a method of what is surely an array or a
  // string, which hands back an array or a string: no promise to wait on. (By its name alone, `Groups.join(…)`
  // or `client.map(port)` may well be I/O.)
  if (target === null) return callee.type === 'MemberExpression' && VALUE_METHODS.has(memberName(callee) ?? '') && arrayOrString(callee.object, 0);
  // A recursive call waits on nothing the outer one does not.
  if (deciding.has(target)) return true;
  deciding.add(target);
  try {
    return waitedOn(target).every((v) => v.type !== 'ForOfStatement' && v.type !== 'VariableDeclaration' && settledValue(v, deciding, depth + 1));
  } finally {
    deciding.delete(target);
  }
}

/**
 * Verbs of work done in memory, however a library wraps it (`devalue.parse(s)`, `this.compression.compress(b)`,
 * `serializer.serialize(v)`, `schema.validate(x)`): no connection, request or file is involved.
 */
const COMPUTE_VERBS = /^(parse|stringify|serialize|deserialize|encode|decode|encrypt|decrypt|compress|decompress|format|escape|unescape|normalize|clone|deepClone|validate|tokenize|hash|digest)($|[A-Z_0-9])/;

export function computes(callee: Node): boolean {
  const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? memberName(callee) : null;
  return name !== null && (COMPUTE_VERBS.test(name.replace(/^[_#]+/, '')) || isWebCrypto(callee));
}

/**
 * `crypto.subtle.importKey(…)`, `subtle.deriveBits(…)`: Web Crypto computes on the machine (a thread of its
 * own, no connection or file), whatever the method's name.
 */
function isWebCrypto(callee: Node): boolean {
  if (callee.type !== 'MemberExpression') return false;
  const object = unwrap(callee.object);
  return (object.type === 'Identifier' && object.name === 'subtle') || (object.type === 'MemberExpression' && memberName(object) === 'subtle');
}

// ---------------------------------------------------------------------------------------------------------
// sharesInFlight

const sharesMemo = new WeakMap<FunctionNode, boolean>();
const sharesInProgress = new WeakSet<FunctionNode>();

/**
 * Does every concurrent call of `fn` get the one promise it keeps in shared state? True when each value it
 * returns is read from shared state (a `this` field, a module variable, an entry of one) that `fn` fills before
 * its first await, or is the result of a call of such a function (`encodingForModel(m)` returning `getEncoding(…)`).
 */
export function sharesInFlight(fn: FunctionNode): boolean {
  const known = sharesMemo.get(fn);
  if (known !== undefined) return known;
  if (sharesInProgress.has(fn)) return false;
  sharesInProgress.add(fn);
  let answer: boolean;
  try {
    answer = decideShares(fn);
  } finally {
    sharesInProgress.delete(fn);
  }
  sharesMemo.set(fn, answer);
  return answer;
}

const sharedWorkMemo = new WeakMap<FunctionNode, boolean>();

/**
 * Whether awaiting a call of `fn` waits only on work that calls made at the same time share: it shares its
 * in-flight promise (`sharesInFlight`), or each of its awaits waits on a promise it kept in shared state before
 * its first await (`this.mePromise ??= getMe(); me = await this.mePromise`) or on such a call, and it hands back
 * no promise of its own. Callers that overlap start the work once.
 */
export function waitsOnSharedWork(fn: FunctionNode): boolean {
  let answer = sharedWorkMemo.get(fn);
  if (answer === undefined) {
    sharedWorkMemo.set(fn, false);
    answer = sharesInFlight(fn) || awaitsOnlyKept(fn);
    sharedWorkMemo.set(fn, answer);
  }
  return answer;
}

function awaitsOnlyKept(fn: FunctionNode): boolean {
  const stores = storesBeforeFirstAwait(fn);
  let waitsOnKept = false;
  for (const e of waitedOn(fn)) {
    if (e.type === 'ForOfStatement' || e.type === 'VariableDeclaration') return false;
    const awaited = e.parent?.type === 'AwaitExpression';
    if (sharedReturn(e, stores, fn, 0)) waitsOnKept ||= awaited;
    // A returned value that calls nothing is no promise of the call's own (`return this.me`).
    else if (awaited || callsAnything(e)) return false;
  }
  return waitsOnKept;
}

/** Anything under `root`, outside nested functions, that calls, makes or waits: `f()`, `new X()`, `await p`, a tagged template. */
export function callsAnything(root: Node): boolean {
  let found = false;
  forEachNode(root, (n) => {
    if (found || isFunction(n)) return false;
    found = n.type === 'CallExpression' || n.type === 'NewExpression' || n.type === 'AwaitExpression' || n.type === 'TaggedTemplateExpression';
    return !found;
  });
  return found;
}

function decideShares(fn: FunctionNode): boolean {
  const returned = returnedFrom(fn);
  // `if (!key) return this.loadUncached(key)`: with no key there is nothing to share an entry by; the other
  // returns decide.
  const keyed = returned.filter((r) => !whenParamMissing(r, fn));
  if (keyed.length === 0) return false;
  const stores = storesBeforeFirstAwait(fn);
  return keyed.every((r) => sharedReturn(r, stores, fn, 0));
}

/** The return sits in the `then` of `if (!param)` (or `param == null`) for a parameter of `fn`. */
function whenParamMissing(returned: Node, fn: FunctionNode): boolean {
  let n: Node | undefined = returned;
  while (n && n !== fn && n.parent?.type !== 'IfStatement') n = n.parent;
  const branch = n?.parent;
  if (!n || branch?.type !== 'IfStatement' || branch.consequent !== n) return false;
  const test = unwrap(branch.test);
  const tested =
    test.type === 'UnaryExpression' && test.operator === '!'
      ? unwrap(test.argument)
      : test.type === 'BinaryExpression' && (test.operator === '==' || test.operator === '===') && unwrap(test.right).type === 'Literal' && (unwrap(test.right) as TSESTree.Literal).value === null
        ? unwrap(test.left)
        : null;
  return tested?.type === 'Identifier' && fn.params.some((p) => p.type === 'Identifier' && p.name === tested.name);
}

function sharedReturn(node: Node, stores: ReadonlySet<string>, fn: FunctionNode, depth: number): boolean {
  const e = unwrap(node);
  if (depth > MAX_DEPTH) return false;
  if (e.type === 'AwaitExpression') return sharedReturn(e.argument, stores, fn, depth + 1);
  if (e.type === 'AssignmentExpression' && (e.operator === '??=' || e.operator === '||=')) return storageRoot(e.left, fn) !== null;
  if (e.type === 'CallExpression') {
    const callee = unwrap(e.callee);
    // `return this.cache.get(key)` after `this.cache.set(key, p)`
    if (callee.type === 'MemberExpression' && memberName(callee) === 'get') {
      const root = storageRoot(callee.object, fn);
      return root !== null && stores.has(root);
    }
    const target = resolveIn(callee, depth, true);
    return target !== null && target !== fn && sharesInFlight(target);
  }
  if (e.type === 'MemberExpression' || e.type === 'Identifier') {
    const root = storageRoot(e, fn);
    if (root !== null) return stores.has(root);
    // A local that holds what was stored: `const p = load(); cache.set(k, p); return p;`
    if (e.type !== 'Identifier') return false;
    if (stores.has('local:' + e.name)) return true;
    // `const pending = this.flights.get(key); if (pending) return pending;`: what the const was given.
    const init = boundAt(fn, e)?.init;
    return init !== null && init !== undefined && sharedReturn(init, stores, fn, depth + 1);
  }
  return false;
}

/**
 * The shared storage an expression reads, named by its root: `this.x` for `this.x`, `this.x[k]` or
 * `this.x.y`; `cache` for a module variable `cache` or `cache[k]`. Null for anything local to the call.
 */
function storageRoot(node: Node, fn: FunctionNode): string | null {
  let e = unwrap(node);
  while (e.type === 'MemberExpression') {
    const object = unwrap(e.object);
    if (object.type === 'ThisExpression') {
      const name = memberName(e);
      return name === null ? null : 'this.' + name;
    }
    e = object;
  }
  if (e.type !== 'Identifier') return null;
  // `let promise = null; return (...args) => (promise ??= run(...args))`: a variable of the function that made
  // `fn` outlives each call of it, shared by them all like a module variable.
  const binder = bindingFunction(e);
  if (binder) return binder !== fn && binder.range[0] <= fn.range[0] && fn.range[1] <= binder.range[1] ? `closure:${e.name}` : null;
  const program = programOf(fn);
  if (!program) return null;
  return moduleTable(program).variables.has(e.name) ? e.name : null;
}

/** The innermost function whose parameters or declarations bind the name; null for a module's own. */
function bindingFunction(id: TSESTree.Identifier): FunctionNode | null {
  for (let f = enclosingFunction(id); f; f = enclosingFunction(f)) if (namesBoundIn(f).has(id.name)) return f;
  return null;
}

/**
 * The shared storage `fn` writes before its first await (in source order, outside nested functions), by root:
 * `cache[k] = …`, `this.p = …`, `this.map.set(k, …)`; and `local:p` for a local handed to such a write.
 */
function storesBeforeFirstAwait(fn: FunctionNode): Set<string> {
  const stores = new Set<string>();
  let awaited = false;
  forEachNode(fn.body, (n) => {
    if (awaited || (n !== fn.body && isFunction(n))) return false;
    if (n.type === 'AwaitExpression') {
      // What the await's operand stores happens before it yields: `return await (cache[k] ??= load())`.
      visitStores(n.argument, fn, stores);
      awaited = true;
      return false;
    }
    recordStore(n, fn, stores);
    return true;
  });
  return stores;
}

function visitStores(root: Node, fn: FunctionNode, stores: Set<string>): void {
  forEachNode(root, (n) => {
    if (isFunction(n) || n.type === 'AwaitExpression') return false;
    recordStore(n, fn, stores);
    return true;
  });
}

function recordStore(n: Node, fn: FunctionNode, stores: Set<string>): void {
  if (n.type === 'AssignmentExpression') {
    const root = storageRoot(n.left, fn);
    if (root === null) return;
    stores.add(root);
    const value = unwrap(n.right);
    if (value.type === 'Identifier') stores.add('local:' + value.name);
  } else if (n.type === 'CallExpression') {
    const callee = unwrap(n.callee);
    if (callee.type !== 'MemberExpression' || memberName(callee) !== 'set') return;
    const root = storageRoot(callee.object, fn);
    if (root === null) return;
    stores.add(root);
    const value = n.arguments[1] ? unwrap(n.arguments[1]) : null;
    if (value?.type === 'Identifier') stores.add('local:' + value.name);
  }
}
