import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { containsAwait, unwrap, fixLibrary, type Node, type Fix, type FixSubject, type TextEdit } from '../engine/index.js';
import { freshName } from './names.js';
import type { FixContext } from './lockWrap.js';
import { indentAt, lineStart } from './style.js';

type FanOut = Extract<FixSubject, { kind: 'fan-out' }>;

/**
 * "Limit concurrency with a Semaphore": a Semaphore declared just before the statement that maps, and each
 * callback's body run under it. Arrow functions keep `this` and `arguments`, so the body is unchanged. The
 * statement is the map's, not the combinator's: `const uploads = xs.map(…)` runs its callbacks where it stands,
 * so a Semaphore declared later, before `await Promise.all(uploads)`, would not exist yet when they call it.
 */
export function semaphoreFix(subject: FanOut, ctx: FixContext): Fix[] {
  const { callback } = subject;
  let stmt: Node = subject.map;
  while (stmt.parent && stmt.parent.type !== 'BlockStatement' && stmt.parent.type !== 'Program') stmt = stmt.parent;
  if (!stmt.parent) return [];
  const permits = ctx.options.semaphorePermits;
  const name = freshName(`${limitBase(subject.map)}Limit`, (n) => ctx.names.has(n));
  const imp = ctx.top.runtimeImport('Semaphore');
  const at = lineStart(ctx.text, stmt.range[0]);
  const edits: TextEdit[] = [];
  if (imp.edit) edits.push(imp.edit);
  edits.push({
    offset: [at, at],
    text: `${indentAt(ctx.text, stmt.range[0])}const ${name} = new ${imp.local}(${permits})${ctx.style.semi}${ctx.style.eol}`,
  });
  const body = callback.body;
  const bodyText = ctx.text.slice(body.range[0], body.range[1]);
  const run = fixLibrary(ctx.options.runtime).writes.run;
  if (body.type === 'BlockStatement') {
    const wrapped = `${name}.${run}(async () => ${bodyText})`;
    edits.push({
      offset: [body.range[0], body.range[1]],
      text: callback.type === 'ArrowFunctionExpression' ? wrapped : `{ return ${wrapped}${ctx.style.semi} }`,
    });
  } else {
    const expr = unwrap(body).type === 'ObjectExpression' ? `(${bodyText})` : bodyText;
    // An expression body that awaits (`async (x) => ({ v: await get(x) })`) keeps its await inside an async callback.
    const arrow = callback.async && containsAwait(body) ? 'async () =>' : '() =>';
    edits.push({ offset: [body.range[0], body.range[1]], text: `${name}.${run}(${arrow} ${expr})` });
  }
  edits.sort((a, b) => a.offset[0] - b.offset[0]);
  return [
    {
      kind: 'semaphore-limit', data: { permits },
      title: `Limit concurrency with a Semaphore(${permits})`,
      edits,
      preferred: true,
      ...(imp.createFiles.length > 0 ? { createFiles: imp.createFiles } : {}),
    },
  ];
}

function limitBase(map: TSESTree.CallExpression): string {
  const callee = unwrap(map.callee);
  const source = callee.type === 'MemberExpression' ? unwrap(callee.object) : map.arguments[0];
  if (source?.type === 'Identifier') return source.name;
  if (source?.type === 'MemberExpression' && !source.computed && source.property.type === 'Identifier') return source.property.name;
  return 'fanOut';
}
