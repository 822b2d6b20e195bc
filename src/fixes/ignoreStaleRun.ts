import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { type Fix, type FixSubject, type TextEdit } from '../engine/index.js';
import type { FixContext } from './lockWrap.js';
import { freshName, namesIn } from './names.js';
import { indentAt } from './style.js';

type Effect = Extract<FixSubject, { kind: 'effect' }>;

/**
 * "Ignore stale runs": React's own pattern for fetching in an effect. A flag declared at the top of the effect,
 * set by the cleanup React runs before the next run (and on unmount), and checked before each late set:
 *
 *   useEffect(() => {
 *     let ignore = false;
 *     (async () => { const u = await fetchUser(id); if (!ignore) setUser(u); })();
 *     return () => {
 *       ignore = true;
 *     };
 *   }, [id]);
 *
 * Not offered when the effect already returns something (its cleanup is the author's to extend) or has an
 * expression body.
 */
export function ignoreStaleRunFix(subject: Effect, ctx: FixContext): Fix[] {
  const body = subject.effect.body;
  if (body.type !== 'BlockStatement' || body.body.length === 0 || subject.sets.length === 0) return [];
  if (body.body.some((s) => s.type === 'ReturnStatement')) return [];
  // Declared in the effect's own scope: only a name the effect already uses would clash.
  const used = namesIn(subject.effect);
  const flag = freshName('ignore', (n) => used.has(n));
  const { semi, eol, indentUnit } = ctx.style;
  const first = body.body[0]!;
  const inner = indentAt(ctx.text, first.range[0]);
  const edits: TextEdit[] = [{ offset: [first.range[0], first.range[0]], text: `let ${flag} = false${semi}${eol}${inner}` }];
  for (const set of subject.sets) edits.push(guard(set, flag, ctx.text, semi));
  const last = body.body[body.body.length - 1]!;
  edits.push({
    offset: [last.range[1], last.range[1]],
    text: `${eol}${inner}return () => {${eol}${inner}${indentUnit}${flag} = true${semi}${eol}${inner}}${semi}`,
  });
  edits.sort((a, b) => a.offset[0] - b.offset[0]);
  return [
    {
      kind: 'ignore-stale-run',
      data: { flag },
      title: `Ignore stale runs with an \`${flag}\` flag set in the effect cleanup`,
      edits,
      preferred: true,
    },
  ];
}

/**
 * `setUser(u);` -> `if (!ignore) setUser(u);`; in an expression (`.then((u) => setUser(u))`) -> `(!ignore &&
 * setUser(u))`; a setter handed over (`.then(setUser)`) -> `.then((value) => { if (!ignore) setUser(value); })`.
 */
function guard(set: TSESTree.CallExpression | TSESTree.Identifier, flag: string, text: string, semi: string): TextEdit {
  if (set.type === 'Identifier') return { offset: [set.range[0], set.range[1]], text: `(value) => { if (!${flag}) ${set.name}(value)${semi} }` };
  const call = text.slice(set.range[0], set.range[1]);
  const stmt = set.parent;
  if (stmt?.type === 'ExpressionStatement' && stmt.expression === set) {
    const ending = text.slice(set.range[1], stmt.range[1]).trim() === ';' ? ';' : semi;
    return { offset: [stmt.range[0], stmt.range[1]], text: `if (!${flag}) ${call}${ending}` };
  }
  return { offset: [set.range[0], set.range[1]], text: `(!${flag} && ${call})` };
}
