import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { enclosingFunction, forEachNode, LOOP_STATEMENTS, memberName, unwrap, type Node } from './ast.js';
import { fileOf, modulesMentioningAtMost } from './callees.js';
import { conventionalFileKind } from './fileKinds.js';
import { moduleTable, programOf } from './modules.js';
import type { Program } from './parse.js';
import type { FunctionNode } from './scope.js';
import { classOf, declaredPrivate, memberKeyName, thisMemberUses } from './summaries.js';

/*
 * `await adapter.start()`, `await client.connect()`: the user of an object starts it once, and when nothing in
 * the project calls its start method, that call is the only one. The helpers the start method runs one after
 * the other (`initPort()` then `closePort()`, the sync loop it starts) then run once per object: a check in such a
 * helper is not overlapped by a second run of itself. Judged on real code (a serial port closed while opening, a
 * key file written while starting a replica set, a sync loop's room list), such findings were never races.
 *
 * Only the walk up from a helper stops at a start method. A check in the start method itself stays: starting an
 * object twice (once per UI connection, again on reconnect) is a race users do hit. Unless the object is a part
 * of another that starts it from its own start method (`async start() { await this.rulesRuntime.start() }`): that
 * start method is then one of the owner's helpers, and a second start is the owner's finding to make. The same
 * holds for any public method the project calls only that way (`await this.zoneService.initZones()`, one step
 * of an initializer's `onModuleInit`).
 */

/**
 * The names an object's start method goes by, and the hooks a framework calls once per object (NestJS's
 * lifecycle: a provider's `onModuleInit` runs once, at startup).
 */
const START_NAMES = new Set([
  'start', 'init', 'initialize', 'connect', 'open', 'setup', 'configure', 'bootstrap', 'launch', 'listen', 'boot', 'begin',
  'onModuleInit', 'onApplicationBootstrap', 'onModuleDestroy', 'beforeApplicationShutdown', 'onApplicationShutdown',
]);

/** How many modules naming the class are looked at before giving up. */
const MAX_MODULES = 80;

/** Who starts an object: its user (nothing in the project calls the start method), its owner, or anyone. */
export type Starter = 'its user' | 'its owner' | 'anyone';

const memo = new WeakMap<FunctionNode, Starter>();

/**
 * Who starts `fn`, a public method: `its owner` when the project calls it only as a part of other objects, from
 * their start methods (`this.rulesRuntime.start()` in `StorageEmulator.start`, `this.zoneService.initZones()` in
 * a NestJS `onModuleInit`), each call outside any loop, each owner started once by its user or as a part of its
 * own owner; for a start method (see `START_NAMES`), `its user` when neither its class nor any module of the
 * project naming the class (or its base class) calls it (scripts and examples, which call it the way its users
 * do, once, are left out); `anyone` otherwise. Any other method nothing in the project calls is its users' to
 * call as they like.
 */
export function starterOf(fn: FunctionNode): Starter {
  let answer = memo.get(fn);
  if (answer === undefined) {
    // Owners started by their owners are asked in turn; one asked again while deciding proves nothing.
    memo.set(fn, 'anyone');
    memo.set(fn, (answer = decide(fn)));
  }
  return answer;
}

function decide(fn: FunctionNode): Starter {
  const method = fn.parent;
  if (method?.type !== 'MethodDefinition' || method.static || method.kind !== 'method' || declaredPrivate(method)) return 'anyone';
  const name = memberKeyName(method);
  const body = method.parent;
  const klass = body.parent;
  if (name === null || (klass?.type !== 'ClassDeclaration' && klass?.type !== 'ClassExpression') || !klass.id) return 'anyone';
  // `this.start()` elsewhere in the class: it starts itself again (a reconnect, a restart).
  if (thisMemberUses(body).has(name)) return 'anyone';
  const program = programOf(method);
  const file = program ? fileOf(program) : null;
  if (!program || !file) return 'anyone';
  const base = klass.superClass ? unwrap(klass.superClass) : null;
  // Callers may hold it as its base class of the project's own (`this.adapter.start()` of an `Adapter`); a
  // package's base (`EventEmitter`) names nothing of the project's.
  const imported = base?.type === 'Identifier' ? moduleTable(program).imports.get(base.name) : undefined;
  const ownBase = base?.type === 'Identifier' && (imported === undefined || imported.from.startsWith('.'));
  const words = [klass.id.name, ...(ownBase ? [base.name] : [])];
  let starter: Starter = START_NAMES.has(name) ? 'its user' : 'anyone';
  for (const word of words) {
    const modules = modulesMentioningAtMost(program, word, MAX_MODULES);
    if (!modules) return 'anyone';
    for (const module of modules) {
      const calls = callsMethod(module, name, body, klass.id.name, file);
      if (calls === 'anyone') return 'anyone';
      if (calls === 'its owner') starter = 'its owner';
    }
  }
  return starter;
}

/**
 * Who, in `module` (outside the class `body`, and unless it is a script or an example), calls a method `name`:
 * nobody (`its user` is then the only one), owners starting their part from their own start method, or anyone.
 */
function callsMethod(module: Program, name: string, body: TSESTree.ClassBody, className: string, classFile: string): Starter {
  const file = fileOf(module);
  if (file && file !== classFile && conventionalFileKind(relativeToShared(file, classFile)) === 'script') return 'its user';
  let found: Starter = 'its user';
  forEachNode(module, (n) => {
    if (found === 'anyone') return false;
    if (n.type !== 'MemberExpression' || memberName(n) !== name) return true;
    if (n.range[0] >= body.range[0] && n.range[1] <= body.range[1] && module === programOf(body)) return true;
    const object = unwrap(n.object);
    // A subclass's `super.start()` is the same start, once per object.
    if (object.type === 'Super') return true;
    // Another class's `this.start()` is its own method, unless that class extends this one.
    if (object.type === 'ThisExpression' && !inSubclass(n, className)) return true;
    // `const instance = new MongoInstance(opts); await instance.start()`: another class's object.
    if (object.type === 'Identifier' && madeOfOtherClass(object, className)) return true;
    found = startsItsPart(n, className) ? 'its owner' : 'anyone';
    return found !== 'anyone';
  });
  return found;
}

/**
 * `await this.rulesRuntime.start()` in the start method of another class (one that does not extend
 * `className`), outside any loop, that is itself started once: the owner starts its part as it starts itself.
 */
function startsItsPart(member: TSESTree.MemberExpression, className: string): boolean {
  const object = unwrap(member.object);
  const call = member.parent;
  if (object.type !== 'MemberExpression' || unwrap(object.object).type !== 'ThisExpression' || call?.type !== 'CallExpression' || call.callee !== member) return false;
  const owner = enclosingFunction(call);
  const method = owner?.parent;
  if (!owner || method?.type !== 'MethodDefinition' || method.static || !START_NAMES.has(memberKeyName(method) ?? '') || inSubclass(call, className)) return false;
  for (let p: Node | undefined = call.parent; p && p !== owner; p = p.parent) if (LOOP_STATEMENTS.has(p.type)) return false;
  // The owner is started once too: by its user, or as a part of its own owner.
  return starterOf(owner) !== 'anyone';
}

/** `x` declared `const x = new Other(…)` in the function (or module) it is used in, `Other` not `className`. */
function madeOfOtherClass(x: TSESTree.Identifier, className: string): boolean {
  const scope = enclosingFunction(x) ?? programOf(x);
  let other = false;
  if (!scope) return false;
  forEachNode(scope, (n) => {
    if (other) return false;
    if (n.type !== 'VariableDeclarator' || n.id.type !== 'Identifier' || n.id.name !== x.name || !n.init) return true;
    const init = unwrap(n.init);
    // `new this(opts)` in a static factory makes the factory's own class.
    const made = init.type !== 'NewExpression' ? null : init.callee.type === 'Identifier' ? init.callee.name : init.callee.type === 'ThisExpression' ? classNameOf(classOf(init)) : null;
    other = made !== null && made !== className;
    return false;
  });
  return other;
}

function classNameOf(body: TSESTree.ClassBody | null): string | null {
  const klass = body?.parent;
  return klass && (klass.type === 'ClassDeclaration' || klass.type === 'ClassExpression') ? (klass.id?.name ?? null) : null;
}

/** Is `node` in a class (the nearest one around it) that extends `className`? */
function inSubclass(node: Node, className: string): boolean {
  const body = classOf(node);
  const klass = body?.parent;
  const base = klass && (klass.type === 'ClassDeclaration' || klass.type === 'ClassExpression') && klass.superClass ? unwrap(klass.superClass) : null;
  return base?.type === 'Identifier' && base.name === className;
}

/** `file`'s path below the deepest folder it shares with `other`: where it sits in their common project. */
function relativeToShared(file: string, other: string): string {
  const a = file.split(/[\\/]+/);
  const b = other.split(/[\\/]+/);
  let i = 0;
  while (i < a.length - 1 && i < b.length - 1 && a[i] === b[i]) i++;
  return a.slice(i).join('/');
}
