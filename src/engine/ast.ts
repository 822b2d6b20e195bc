import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { visitorKeys } from '@typescript-eslint/visitor-keys';
import type { FunctionNode } from './scope.js';

export type Node = TSESTree.Node;

export function childNodes(node: Node): Node[] {
  const out: Node[] = [];
  const keys = visitorKeys[node.type] ?? [];
  for (const key of keys) {
    const value = (node as unknown as Record<string, unknown>)[key];
    if (Array.isArray(value)) {
      for (const item of value) if (isNode(item)) out.push(item);
    } else if (isNode(value)) {
      out.push(value);
    }
  }
  return out;
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string';
}

/**
 * Keys that hold only types, wherever they appear: no await, call, write or binding of a value is under them.
 * (A class's base is `superClass`, a value; `extends` belongs to interfaces and type parameters.)
 */
const TYPE_KEYS = new Set(['typeAnnotation', 'typeParameters', 'typeArguments', 'returnType', 'superTypeArguments', 'implements', 'extends']);

/** Declarations that are types through and through. */
const TYPE_DECLARATIONS = new Set(['TSInterfaceDeclaration', 'TSTypeAliasDeclaration']);

/** For each node type, the keys that can hold values (see `forEachNode`). */
const VALUE_KEYS: Readonly<Record<string, readonly string[] | undefined>> = Object.fromEntries(
  Object.entries(visitorKeys).map(([type, keys]) => [type, TYPE_DECLARATIONS.has(type) ? [] : (keys ?? []).filter((k) => !TYPE_KEYS.has(k))]),
);
const PUSH_VALUE_CHILDREN = compileChildPushers(VALUE_KEYS, { adopt: false, sourceOrder: true });
/** Every child, types included, with its `parent` set (see `indexTree`, whose lists keep the order they always had). */
const ADOPT_CHILDREN = compileChildPushers(visitorKeys, { adopt: true, sourceOrder: false });

/** The nodes rules start from, collected in one pass over the tree. */
export interface NodeIndex {
  functions: FunctionNode[];
  awaits: TSESTree.AwaitExpression[];
  calls: TSESTree.CallExpression[];
  news: TSESTree.NewExpression[];
  assignments: TSESTree.AssignmentExpression[];
}

/**
 * Sets `parent` on every node (types too: scope analysis hands out identifiers in type positions) and indexes
 * the node kinds the rules need, in one pass. Iterative, so deeply nested input cannot overflow the stack here.
 * Lists are in no particular order.
 */
export function indexTree(root: Node): NodeIndex {
  const index: NodeIndex = { functions: [], awaits: [], calls: [], news: [], assignments: [] };
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    switch (node.type) {
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        index.functions.push(node);
        break;
      case 'AwaitExpression':
        index.awaits.push(node);
        break;
      case 'CallExpression':
        index.calls.push(node);
        break;
      case 'NewExpression':
        index.news.push(node);
        break;
      case 'AssignmentExpression':
        index.assignments.push(node);
        break;
      default:
        break;
    }
    ADOPT_CHILDREN.get(node.type)?.(node, stack);
  }
  return index;
}

/** Pushes a node's children onto a walk's stack. */
type PushChildren = (node: Node, stack: Node[]) => void;

/**
 * One function per node type, compiled once from its keys, that pushes its children: each reads the node's
 * properties by name. A loop over a list of keys reads them by a computed name, on every shape of node in the
 * tree, and that read was the costliest step of a whole-tree walk. `adopt` also sets each child's `parent`.
 * The first child is pushed last (so that it pops first, in source order) unless `sourceOrder` is false.
 */
function compileChildPushers(keys: Readonly<Record<string, readonly string[] | undefined>>, options: { adopt: boolean; sourceOrder: boolean }): ReadonlyMap<string, PushChildren> {
  const { adopt, sourceOrder } = options;
  const isChild = (v: string) => `${v} !== null && typeof ${v} === 'object' && typeof ${v}.type === 'string'`;
  const push = (v: string) => (adopt ? `{ ${v}.parent = node; stack.push(${v}); }` : `stack.push(${v});`);
  const pushers = new Map<string, PushChildren>();
  for (const [type, list] of Object.entries(keys)) {
    const own = (list ?? []).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k));
    if (own.length === 0) continue;
    const loop = sourceOrder ? 'for (let i = v.length - 1; i >= 0; i--)' : 'for (let i = 0; i < v.length; i++)';
    const body = (sourceOrder ? [...own].reverse() : own)
      .map(
        (k) => `v = node.${k};
  if (Array.isArray(v)) { ${loop} { const x = v[i]; if (${isChild('x')}) ${push('x')} } }
  else if (${isChild('v')}) ${push('v')}`,
      )
      .join('\n  ');
    pushers.set(type, new Function('node', 'stack', `let v;\n  ${body}`) as PushChildren);
  }
  return pushers;
}

/**
 * Visits every node that can hold a value in source order (pre-order), iteratively; type annotations, type
 * arguments and type declarations are not entered (nothing the engine looks for is in them, and in typed code
 * they are a good part of the tree). Return false from `visit` to skip a subtree.
 */
export function forEachNode(root: Node, visit: (node: Node) => boolean | undefined): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visit(node) === false) continue;
    PUSH_VALUE_CHILDREN.get(node.type)?.(node, stack);
  }
}

/** Like `forEachNode`, types included: for what a file spells anywhere (a name a fix may not reuse). */
export function forEachNodeWithTypes(root: Node, visit: (node: Node) => boolean | undefined): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visit(node) === false) continue;
    const children = childNodes(node);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}

/**
 * Like `forEachNode`, but only through nodes that overlap [start, end). Sibling lists are in source order,
 * so the first overlapping element of a long list (a file's or a block's statements) is found by binary
 * search: a fix that looks at a few lines costs that much, not the size of the file.
 */
export function forEachNodeIn(root: Node, start: number, end: number, visit: (node: Node) => boolean | undefined): void {
  const overlaps = (n: Node) => n.range[1] > start && n.range[0] < end;
  const stack: Node[] = overlaps(root) ? [root] : [];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (visit(node) === false) continue;
    const children: Node[] = [];
    for (const key of visitorKeys[node.type] ?? []) {
      const value = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(value)) {
        for (let i = firstEndingAfter(value, start); i < value.length; i++) {
          const item: unknown = value[i];
          if (!isNode(item)) continue;
          if (item.range[0] >= end) break;
          if (overlaps(item)) children.push(item);
        }
      } else if (isNode(value) && overlaps(value)) {
        children.push(value);
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}

/** The index of the first node in a source-ordered list that ends after `offset` (holes make it scan from there). */
function firstEndingAfter(list: readonly unknown[], offset: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const item = list[mid];
    if (!isNode(item)) return lo; // `[a, , b]`: no position to compare; scan linearly from here
    if (item.range[1] <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function isFunction(node: Node): node is FunctionNode {
  return (
    node.type === 'FunctionDeclaration' ||
    node.type === 'FunctionExpression' ||
    node.type === 'ArrowFunctionExpression'
  );
}

/**
 * What `fn` hands back: its expression body, or the argument of each of its own `return`s (the statement itself
 * for a bare `return;`), not those of functions nested in it.
 */
export function returnedFrom(fn: { body: Node }): Node[] {
  if (fn.body.type !== 'BlockStatement') return [fn.body];
  const returned: Node[] = [];
  forEachNode(fn.body, (n) => {
    if (isFunction(n)) return false;
    if (n.type === 'ReturnStatement') returned.push(n.argument ?? n);
    return true;
  });
  return returned;
}

/** A statement that always leaves the function: `return …`, `throw …`, or a block ending in one. */
export function exits(stmt: Node): boolean {
  if (stmt.type === 'ReturnStatement' || stmt.type === 'ThrowStatement') return true;
  return stmt.type === 'BlockStatement' && stmt.body.length > 0 && exits(stmt.body[stmt.body.length - 1]!);
}

/** Strips wrappers that do not change a value: `x!`, `x as T`, `<T>x`, `(x satisfies T)`, `a?.b` chains. */
export function unwrap(node: Node): Node {
  let n = node;
  for (;;) {
    if (
      n.type === 'TSNonNullExpression' ||
      n.type === 'TSAsExpression' ||
      n.type === 'TSTypeAssertion' ||
      n.type === 'TSSatisfiesExpression' ||
      n.type === 'ChainExpression'
    ) {
      n = n.expression;
    } else {
      return n;
    }
  }
}

/** `a` of `a.b?.c!.d`: the object a chain of member accesses starts from (`node` itself when it is none). */
export function memberRoot(node: Node): Node {
  let n = unwrap(node);
  while (n.type === 'MemberExpression') n = unwrap(n.object);
  return n;
}

/** `null` or `undefined`, as written (`x == null`, `x = undefined`). */
export function isNullOrUndefined(node: Node): boolean {
  const n = unwrap(node);
  return (n.type === 'Literal' && n.value === null) || (n.type === 'Identifier' && n.name === 'undefined');
}

/**
 * Does `test` pass when what `isSubject` names is set? `x`, `x != null` (true); `!x`, `x == null`, `x === undefined`
 * (false); null when the test says nothing of it.
 */
export function presenceTest(test: Node, isSubject: (n: Node) => boolean): boolean | null {
  const t = unwrap(test);
  if (isSubject(t)) return true;
  if (t.type === 'UnaryExpression' && t.operator === '!') {
    const inner = presenceTest(t.argument, isSubject);
    return inner === null ? null : !inner;
  }
  if (t.type === 'BinaryExpression' && ['==', '===', '!=', '!=='].includes(t.operator)) {
    const side = isSubject(unwrap(t.left)) ? t.right : isSubject(unwrap(t.right)) ? t.left : null;
    if (side === null || !isNullOrUndefined(side)) return null;
    return t.operator.startsWith('!');
  }
  return null;
}

/** Does any node under `root` (itself included) pass `test`? */
export function containsNode(root: Node, test: (n: Node) => boolean): boolean {
  let found = false;
  forEachNode(root, (n) => {
    if (found) return false;
    if (test(n)) found = true;
    return !found;
  });
  return found;
}

/** The function whose body directly contains `node` (not counting the node itself). */
export function enclosingFunction(node: Node): FunctionNode | null {
  for (let p = node.parent; p; p = p.parent) if (isFunction(p)) return p;
  return null;
}

/** `await x`, `for await (…)`, `await using r = …`: a point where the function gives up control. */
export function isAwaitPoint(n: Node): boolean {
  return n.type === 'AwaitExpression' || (n.type === 'ForOfStatement' && n.await) || (n.type === 'VariableDeclaration' && n.kind === 'await using');
}

/** Does `root` contain an await point outside nested functions? */
export function containsAwait(root: Node): boolean {
  let found = false;
  forEachNode(root, (n) => {
    if (found) return false;
    if (n !== root && isFunction(n)) return false;
    if (isAwaitPoint(n)) {
      found = true;
      return false;
    }
    return true;
  });
  return found;
}

export function memberName(node: TSESTree.MemberExpression): string | null {
  if (!node.computed) {
    return node.property.type === 'PrivateIdentifier' ? '#' + node.property.name : (node.property as TSESTree.Identifier).name;
  }
  if (node.property.type === 'Literal' && (typeof node.property.value === 'string' || typeof node.property.value === 'number')) {
    return String(node.property.value);
  }
  return null;
}

/** The name an object literal's property is written under (`a: 1`, `'a': 1`), null for a computed key. */
export function propertyKey(p: TSESTree.Property): string | null {
  if (p.computed) return null;
  return p.key.type === 'Identifier' ? p.key.name : p.key.type === 'Literal' ? String(p.key.value) : null;
}

/** `p.then(cb)`, `.catch(cb)`, `.finally(cb)`: the calls whose callbacks run when a promise settles. */
export const PROMISE_CALLBACK_METHODS: ReadonlySet<string> = new Set(['then', 'catch', 'finally']);

/** The statements that repeat their body. */
export const LOOP_STATEMENTS: ReadonlySet<string> = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);

/** `x.name`, `{ name: v }`: an identifier that names a property and refers to no binding. */
export function isPropertyName(id: TSESTree.Identifier): boolean {
  const at = id.parent;
  return (at?.type === 'MemberExpression' && at.property === id && !at.computed) || (at?.type === 'Property' && at.key === id && !at.computed && !at.shorthand);
}

/** Is `call` a `.then`/`.catch`/`.finally` on some promise? */
export function isPromiseChainCall(call: TSESTree.CallExpression): boolean {
  const callee = unwrap(call.callee);
  return callee.type === 'MemberExpression' && PROMISE_CALLBACK_METHODS.has(memberName(callee) ?? '');
}

/** The words of an identifier, lower-cased: `tenantConfigSingleFlight` -> tenant, config, single, flight. */
export function identifierWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
}

/**
 * Where source text names `name` as an identifier (or a member), not as part of a longer one nor as the private
 * `#name`: a text search that needs no parse.
 */
export function namePattern(name: string, flags = ''): RegExp {
  return new RegExp(`(?<![\\w$#])${name.replace(/[$]/g, '\\$')}(?![\\w$])`, flags);
}

/**
 * The statement that holds `node` in the nearest block (or the program), and that block's statements: where code
 * runs just before or after it.
 */
export function holdingStatement(node: Node): { stmt: Node; siblings: readonly Node[] } | null {
  let stmt: Node = node;
  while (stmt.parent && stmt.parent.type !== 'BlockStatement' && stmt.parent.type !== 'Program') stmt = stmt.parent;
  const block = stmt.parent;
  if (!block || (block.type !== 'BlockStatement' && block.type !== 'Program')) return null;
  return { stmt, siblings: block.body as Node[] };
}

/** Name of the method called: `a.b.c()` -> `c`, `f()` -> `f`. */
export function calleeName(call: TSESTree.CallExpression | TSESTree.NewExpression): string | null {
  const callee = unwrap(call.callee);
  if (callee.type === 'Identifier') return callee.name;
  if (callee.type === 'MemberExpression') return memberName(callee);
  return null;
}

export function calleeObject(call: TSESTree.CallExpression): Node | null {
  const callee = unwrap(call.callee);
  return callee.type === 'MemberExpression' ? unwrap(callee.object) : null;
}
