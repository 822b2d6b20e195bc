import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { forEachNode, isPropertyName, memberName, unwrap, type Node } from './ast.js';
import { exportedLocals, identifiersByName, modulesMentioningAtMost } from './callees.js';
import { programOf } from './modules.js';

/*
 * Methods the project calls only on objects it has just made: `const channel = new Channel(opts); await
 * channel.open(); return channel`, `this.db = new Database(name); await this.db.init()`,
 * `new Performance(app)._init(settings)`. Each object then runs the method once, right after its constructor,
 * before anyone else holds it; how the method's code might overlap a second run of itself on one object, or a
 * teardown another holder starts, does not arise.
 */

/** How many modules' mentions of a method name are looked at before giving up. */
const MAX_MODULES = 40;

/** One call of the method on a just-made object. */
export interface FreshCall {
  /** The call is awaited in place: the object is used for nothing else until the method settles. */
  awaited: boolean;
  /** The object was stored somewhere others may reach (`this.db = new Database()`) before the call. */
  stored: boolean;
}

// Per class body and method name: asked for every finding in the class.
const memo = new WeakMap<TSESTree.ClassBody, Map<string, readonly FreshCall[] | null>>();

/**
 * Every call of method `name` of the class `body` belongs to, across the project, when each is made on an object
 * of that class made just before (see `FreshCall`); null when some mention of the name is anything else, or the
 * project cannot be listed. Calls through `this` inside the class are the class's own and are not counted.
 */
export function callsOnFreshObjects(body: TSESTree.ClassBody, name: string): readonly FreshCall[] | null {
  let byName = memo.get(body);
  if (!byName) memo.set(body, (byName = new Map()));
  let answer = byName.get(name);
  if (answer === undefined) byName.set(name, (answer = findCalls(body, name)));
  return answer;
}

function findCalls(body: TSESTree.ClassBody, name: string): FreshCall[] | null {
  const klass = body.parent;
  const className = klass?.type === 'ClassDeclaration' || klass?.type === 'ClassExpression' ? klass.id?.name : undefined;
  const program = programOf(body);
  if (!className || !program) return null;
  // Objects of a class its module keeps to itself are used only there.
  const modules = keptInItsModule(body) ? [program] : modulesMentioningAtMost(program, name, MAX_MODULES);
  if (!modules) return null;
  const calls: FreshCall[] = [];
  for (const module of modules) {
    let other = false;
    forEachNode(module, (n) => {
      if (other) return false;
      if (n.type !== 'MemberExpression' || memberName(n) !== name) return true;
      // The class's own `this.open()` is its callers' business; a subclass's is a call on an object it holds.
      if ((unwrap(n.object).type === 'ThisExpression' || unwrap(n.object).type === 'Super') && n.range[0] >= body.range[0] && n.range[1] <= body.range[1]) return true;
      const call = n.parent;
      const fresh = call?.type === 'CallExpression' && call.callee === n ? freshCall(call, n.object, className) : null;
      if (fresh) calls.push(fresh);
      else other = true;
      return !other;
    });
    if (other) return null;
  }
  return calls;
}

/**
 * `x.open()` as the statement right after `const x = new Name(…)` (or `this.x = new Name(…)` before
 * `this.x.open()`), awaited or not, or `new Name(…).open()` in place.
 */
function freshCall(call: TSESTree.CallExpression, receiver: Node, className: string): FreshCall | null {
  const awaitNode = call.parent?.type === 'AwaitExpression' ? call.parent : null;
  const awaited = awaitNode !== null;
  const object = unwrap(receiver);
  if (object.type === 'NewExpression') return madeBy(object, className) ? { awaited, stored: false } : null;
  const expr = awaitNode ?? call;
  const stmt = expr.parent?.type === 'ExpressionStatement' || expr.parent?.type === 'ReturnStatement' ? expr.parent : null;
  const block = stmt?.parent;
  if (!stmt || (block?.type !== 'BlockStatement' && block?.type !== 'Program')) return null;
  const before = block.body[block.body.indexOf(stmt as TSESTree.Statement) - 1];
  if (object.type === 'Identifier') {
    const made = before?.type === 'VariableDeclaration' && before.declarations.length === 1 ? before.declarations[0] : null;
    const init = made?.init ? unwrap(made.init) : null;
    return made?.id.type === 'Identifier' && made.id.name === object.name && init !== null && madeBy(init, className) ? { awaited, stored: false } : null;
  }
  // `this.db = new Database(); await this.db.init()`: the same place, assigned the statement before.
  const assign = before?.type === 'ExpressionStatement' ? unwrap(before.expression) : null;
  if (object.type !== 'MemberExpression' || assign?.type !== 'AssignmentExpression' || assign.operator !== '=') return null;
  return samePlace(assign.left, object) && madeBy(unwrap(assign.right), className) ? { awaited, stored: true } : null;
}

function madeBy(node: Node, className: string): boolean {
  return node.type === 'NewExpression' && node.callee.type === 'Identifier' && node.callee.name === className;
}

/** `this.db` and `this.db`, `a.b.c` and `a.b.c`: one place spelled the same way, with no computed part. */
function samePlace(a: Node, b: Node): boolean {
  const x = unwrap(a);
  const y = unwrap(b);
  if (x.type === 'ThisExpression' && y.type === 'ThisExpression') return true;
  if (x.type === 'Identifier' && y.type === 'Identifier') return x.name === y.name;
  if (x.type !== 'MemberExpression' || y.type !== 'MemberExpression' || x.computed || y.computed) return false;
  return memberName(x) === memberName(y) && samePlace(x.object, y.object);
}

const keptMemo = new WeakMap<TSESTree.ClassBody, boolean>();

/**
 * `class HeartbeatWorker { … } const heartbeat = new HeartbeatWorker(config); heartbeat.start();`: a top-level
 * class its module does not export, whose objects are each made into a `const` used only to call methods on.
 * No other module can reach the class or any of its objects, so the module's own calls are all there are, even
 * in a library.
 */
export function keptInItsModule(body: TSESTree.ClassBody): boolean {
  let answer = keptMemo.get(body);
  if (answer === undefined) keptMemo.set(body, (answer = findKeptInModule(body)));
  return answer;
}

function findKeptInModule(body: TSESTree.ClassBody): boolean {
  const klass = body.parent;
  const program = programOf(body);
  if (klass?.type !== 'ClassDeclaration' || !klass.id || klass.parent?.type !== 'Program' || !program) return false;
  const className = klass.id.name;
  if (exportedLocals(program).has(className)) return false;
  const holders = new Set<string>();
  const mentions = identifiersByName(program);
  // A class member's key (`start() {}`) names no binding either.
  const isName = (id: TSESTree.Identifier): boolean => !isPropertyName(id) && !((id.parent?.type === 'MethodDefinition' || id.parent?.type === 'PropertyDefinition') && id.parent.key === id);
  for (const id of mentions.get(className) ?? []) {
    if (id === klass.id || !isName(id) || id.parent?.type === 'TSTypeReference') continue;
    const made = id.parent;
    const declarator = made?.parent;
    if (made?.type !== 'NewExpression' || made.callee !== id || declarator?.type !== 'VariableDeclarator' || declarator.init !== made || declarator.id.type !== 'Identifier' || declarator.parent?.type !== 'VariableDeclaration' || declarator.parent.kind !== 'const') return false;
    holders.add(declarator.id.name);
  }
  for (const holder of holders) {
    for (const id of mentions.get(holder) ?? []) {
      if (!isName(id) || (id.parent?.type === 'VariableDeclarator' && id.parent.id === id)) continue;
      const member = id.parent;
      if (member?.type !== 'MemberExpression' || member.object !== id || member.parent?.type !== 'CallExpression' || member.parent.callee !== member) return false;
    }
  }
  return true;
}
