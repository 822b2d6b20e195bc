import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { enclosingFunction, unwrap, type Node } from './ast.js';
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
 * record, an iterator stepped by its `next`, an object the project makes for one call and keeps to it? Findings
 * there are shown on request.
 */
export function fieldOfSequentialInstance(path: string, node: Node): boolean {
  return path.startsWith('this.') && (inRecordClass(node) || inIteratorStep(node) || inPerCallInstance(node));
}

