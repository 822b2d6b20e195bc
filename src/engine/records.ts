import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { enclosingFunction, isPromiseChainCall, unwrap, type Node } from './ast.js';
import { moduleTable, programOf } from './modules.js';
import { inIteratorStep } from './iterators.js';
import { inPerCallInstance } from './perCallInstances.js';
import { classOf } from './summaries.js';

/*
 * An ORM record (`@Table class Document extends Model`, `@Entity() class User`): each instance is one row,
 * loaded afresh for the request or job that works on it. Its fields look shared to a method, but two calls
 * that race on one instance are rare: the rows they load are distinct objects, and the race that matters is
 * on the row in the database, which a field check cannot show. Findings on such fields are shown on request.
 */

/** Class decorators of ORM entities (sequelize-typescript, TypeORM, MikroORM, NestJS Mongoose, LoopBack). */
const RECORD_DECORATORS = new Set(['Table', 'Entity', 'Schema', 'model']);
/** Packages whose `Model`/`BaseEntity` base makes a class an entity. */
const ORM_PACKAGES = /^(sequelize|sequelize-typescript|typeorm|objection|@mikro-orm\/.*)$/;
const RECORD_BASES = new Set(['Model', 'BaseEntity']);

const cache = new WeakMap<Node, boolean>();

/** Is `node` in a method of an ORM record class? */
export function inRecordClass(node: Node): boolean {
  const fn = enclosingFunction(node);
  const body = fn ? classOf(fn) : null;
  if (!body) return false;
  let answer = cache.get(body);
  if (answer === undefined) {
    answer = isRecord(body.parent as TSESTree.ClassDeclaration | TSESTree.ClassExpression);
    cache.set(body, answer);
  }
  return answer;
}

function isRecord(klass: TSESTree.ClassDeclaration | TSESTree.ClassExpression): boolean {
  for (const d of klass.decorators ?? []) {
    const e = unwrap(d.expression);
    const callee = e.type === 'CallExpression' ? unwrap(e.callee) : e;
    if (callee.type === 'Identifier' && RECORD_DECORATORS.has(callee.name)) return true;
  }
  const base = klass.superClass ? unwrap(klass.superClass) : null;
  if (base?.type !== 'Identifier' || !RECORD_BASES.has(base.name)) return false;
  const program = programOf(klass);
  const from = program ? moduleTable(program).imports.get(base.name)?.from : undefined;
  return from !== undefined && ORM_PACKAGES.test(from);
}

/**
 * Is the `this` field `path`, written at `node`, on an instance whose calls do not overlap in practice: an ORM
 * record, an iterator stepped by its `next`, an object the project makes for one call and keeps to it, or the
 * constructor's own run? Findings there are shown on request.
 */
export function fieldOfSequentialInstance(path: string, node: Node): boolean {
  return path.startsWith('this.') && (inRecordClass(node) || inIteratorStep(node) || inPerCallInstance(node) || inConstructorRun(node));
}

/**
 * `constructor(p) { if (!this.auth) p.get().then((a) => (this.auth = a)); }`: a constructor runs once per object,
 * and so do the promise callbacks it chains and the async function it calls in place; what they check and set on
 * `this` has no second run to race with. (A listener it registers runs once per event, and may.)
 */
function inConstructorRun(node: Node): boolean {
  let fn = enclosingFunction(node);
  while (fn?.type === 'ArrowFunctionExpression' && runsWhereMade(fn)) fn = enclosingFunction(fn);
  return fn?.parent?.type === 'MethodDefinition' && fn.parent.kind === 'constructor';
}

/** An arrow called in place (`(async () => { … })()`) or chained on a promise (`p.then((v) => …)`): it runs once for each run of the code that makes it. */
function runsWhereMade(fn: TSESTree.ArrowFunctionExpression): boolean {
  let made: Node = fn;
  while (made.parent && (made.parent.type === 'TSAsExpression' || made.parent.type === 'TSNonNullExpression')) made = made.parent;
  const call = made.parent;
  if (call?.type !== 'CallExpression') return false;
  return unwrap(call.callee) === fn || (call.arguments.includes(made as TSESTree.CallExpressionArgument) && isPromiseChainCall(call));
}

