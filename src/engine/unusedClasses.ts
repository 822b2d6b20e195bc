import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Node } from './ast.js';
import { identifiersByName, inApplication, mentionedElsewhere } from './callees.js';
import { programOf } from './modules.js';

/*
 * A class of an application (a private package: every caller is in the repository) that no module of the
 * project names, its own included: nothing makes its objects, so no two calls of its methods can overlap, and
 * whatever race its code has cannot happen as the project stands. Judged on real code, findings in such classes
 * (a download service left behind after a rewrite, a store method of a removed feature) were not races. A class
 * with decorators is left out: frameworks find those by scanning folders (routing-controllers' controllers,
 * TypeORM's subscribers), and so is a default export, which a router or a loader may take by its file's path.
 */

const memo = new WeakMap<TSESTree.ClassDeclaration, boolean>();

/** Is `node` inside a class nothing in its application names (see above)? */
export function inUnusedClass(node: Node): boolean {
  let klass: TSESTree.ClassDeclaration | null = null;
  for (let p: Node | undefined = node.parent; p; p = p.parent) if (p.type === 'ClassDeclaration') klass = p;
  if (!klass) return false;
  let answer = memo.get(klass);
  if (answer === undefined) memo.set(klass, (answer = unused(klass)));
  return answer;
}

function unused(klass: TSESTree.ClassDeclaration): boolean {
  const program = programOf(klass);
  const holder = klass.parent;
  if (!program || !klass.id || (holder?.type !== 'Program' && holder?.type !== 'ExportNamedDeclaration')) return false;
  if ((klass.decorators?.length ?? 0) > 0 || klass.body.body.some((m) => 'decorators' in m && (m.decorators?.length ?? 0) > 0)) return false;
  if (!inApplication(program)) return false;
  const name = klass.id.name;
  // Its own module may make it, or hand it on by another name (`export { Store as default }`).
  if ((identifiersByName(program).get(name) ?? []).some((id) => id !== klass.id)) return false;
  return mentionedElsewhere(program, name) === false;
}
