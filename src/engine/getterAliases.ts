import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { memberName, unwrap, type Node } from './ast.js';
import type { FunctionNode } from './scope.js';
import { classOf } from './summaries.js';

/*
 * `get controller() { if (!this._controller) throw new Error('not ready'); return this._controller; }`: a class
 * that keeps a field private and hands it out through a getter, with no setter. `this.controller.setStatus(…)`
 * then writes what `this._controller.status` reads; spelled two ways, they are one place.
 */

const memo = new WeakMap<TSESTree.ClassBody, Map<string, string | null>>();

/** Per function: the class body its `this` is, asked for every `this.x` path the flow resolves in it. */
const classOfFn = new WeakMap<FunctionNode, TSESTree.ClassBody | null>();

/**
 * The field `this.<name>` reads through the class's getter, when the getter only guards and returns it. `fn`:
 * the function the read is in.
 */
export function getterField(fn: FunctionNode, name: string): string | null {
  let body = classOfFn.get(fn);
  // A plain `function` (not a method's) has a `this` of its own.
  if (body === undefined) classOfFn.set(fn, (body = fn.type === 'ArrowFunctionExpression' || fn.parent?.type === 'MethodDefinition' || fn.parent?.type === 'PropertyDefinition' ? classOf(fn) : null));
  if (!body) return null;
  let fields = memo.get(body);
  if (!fields) memo.set(body, (fields = new Map()));
  let field = fields.get(name);
  if (field === undefined) fields.set(name, (field = fieldReturned(body, name)));
  return field;
}

function fieldReturned(body: TSESTree.ClassBody, name: string): string | null {
  const getter = body.body.find((m): m is TSESTree.MethodDefinition => m.type === 'MethodDefinition' && m.kind === 'get' && !m.static && !m.computed && keyName(m) === name);
  // With a setter too, `this.state = x` is a call that may do more than store (emit an event), and the class's
  // summaries keep the accessor's name: left as it is written.
  if (body.body.some((m) => m.type === 'MethodDefinition' && m.kind === 'set' && !m.static && !m.computed && keyName(m) === name)) return null;
  const stmts = getter?.value.body?.body;
  if (!stmts || stmts.length === 0) return null;
  const last = stmts[stmts.length - 1]!;
  // Only guards before the return: `if (!this._x) throw …`.
  if (!stmts.slice(0, -1).every((s) => s.type === 'IfStatement' && !s.alternate && throws(s.consequent))) return null;
  if (last.type !== 'ReturnStatement' || !last.argument) return null;
  const returned = unwrap(last.argument);
  if (returned.type !== 'MemberExpression' || returned.computed || unwrap(returned.object).type !== 'ThisExpression') return null;
  const field = memberName(returned);
  return field !== null && field !== name ? field : null;
}

function keyName(m: TSESTree.MethodDefinition): string | null {
  return m.key.type === 'Identifier' ? m.key.name : m.key.type === 'PrivateIdentifier' ? '#' + m.key.name : null;
}

function throws(s: Node): boolean {
  return s.type === 'ThrowStatement' || (s.type === 'BlockStatement' && s.body.length === 1 && s.body[0]!.type === 'ThrowStatement');
}
