import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { forEachNode, isFunction, type Fix, type FixSubject, type FunctionNode, type Node, type TextEdit } from '../engine/index.js';
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
  if (body.body.some((s) => s.type === 'ReturnStatement') || setsOutside(subject)) return [];
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

/**
 * "Abort stale runs": the AbortController variant, offered besides the flag when the effect's work awaits
 * `fetch(…)` inside a `try` with a `catch` (an aborted fetch rejects, and that rejection must land somewhere):
 *
 *   useEffect(() => {
 *     const controller = new AbortController();
 *     (async () => {
 *       try {
 *         const res = await fetch(url, { signal: controller.signal });
 *         if (!controller.signal.aborted) setData(await res.json());
 *       } catch (e) {
 *         if (!controller.signal.aborted) setError(e);
 *       }
 *     })();
 *     return () => {
 *       controller.abort();
 *     };
 *   }, [url]);
 *
 * The request stops on the network too; the sets are still guarded, the one in the `catch` above all, which would
 * otherwise report the abort as an error.
 */
export function abortStaleRunFix(subject: Effect, ctx: FixContext): Fix[] {
  const body = subject.effect.body;
  if (body.type !== 'BlockStatement' || body.body.length === 0 || subject.sets.length === 0) return [];
  if (body.body.some((s) => s.type === 'ReturnStatement') || setsOutside(subject)) return [];
  const fetches = fetchesIn(subject.effect);
  if (fetches.length === 0 || fetches.some((f) => !caught(f, subject.effect) || !signalSlot(f))) return [];
  const used = namesIn(subject.effect);
  const controller = freshName('controller', (n) => used.has(n));
  const aborted = `${controller}.signal.aborted`;
  const { semi, eol, indentUnit } = ctx.style;
  const first = body.body[0]!;
  const inner = indentAt(ctx.text, first.range[0]);
  const edits: TextEdit[] = [{ offset: [first.range[0], first.range[0]], text: `const ${controller} = new AbortController()${semi}${eol}${inner}` }];
  for (const f of fetches) edits.push(signalSlot(f)!(`${controller}.signal`));
  for (const set of subject.sets) edits.push(guard(set, aborted, ctx.text, semi));
  const last = body.body[body.body.length - 1]!;
  edits.push({
    offset: [last.range[1], last.range[1]],
    text: `${eol}${inner}return () => {${eol}${inner}${indentUnit}${controller}.abort()${semi}${eol}${inner}}${semi}`,
  });
  edits.sort((a, b) => a.offset[0] - b.offset[0]);
  return [
    {
      kind: 'abort-stale-run',
      data: { controller },
      title: `Abort stale runs: pass an AbortController's signal to fetch and abort it in the effect cleanup`,
      edits,
    },
  ];
}

/** The `fetch(…)` calls of the effect's work (the global one: a local `fetch` is someone else's function). */
function fetchesIn(effect: FunctionNode): TSESTree.CallExpression[] {
  const out: TSESTree.CallExpression[] = [];
  let shadowed = false;
  forEachNode(effect.body, (n) => {
    if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && n.callee.name === 'fetch') out.push(n);
    if ((n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && n.id.name === 'fetch') || (isFunction(n) && n.params.some((p) => p.type === 'Identifier' && p.name === 'fetch'))) shadowed = true;
    return !shadowed;
  });
  return shadowed ? [] : out;
}

/** The fetch sits in a `try` with a `catch`, inside the effect. */
function caught(call: Node, effect: FunctionNode): boolean {
  for (let p = call.parent; p && p !== effect; p = p.parent) {
    if (p.type === 'TryStatement' && p.handler && call.range[0] >= p.block.range[0] && call.range[1] <= p.block.range[1]) return true;
  }
  return false;
}

/** How to hand `fetch` a signal: a new options argument, or a property of the literal one it has; null otherwise. */
function signalSlot(call: TSESTree.CallExpression): ((signal: string) => TextEdit) | null {
  const [url, init] = call.arguments;
  if (!url || url.type === 'SpreadElement' || call.arguments.length > 2) return null;
  if (!init) return (signal) => ({ offset: [url.range[1], url.range[1]], text: `, { signal: ${signal} }` });
  if (init.type !== 'ObjectExpression' || init.properties.some((p) => p.type !== 'Property' || (p.key.type === 'Identifier' && p.key.name === 'signal'))) return null;
  const at = init.range[0] + 1;
  return (signal) => ({ offset: [at, at], text: init.properties.length === 0 ? ` signal: ${signal} ` : ` signal: ${signal},` });
}

/**
 * A set in a function the effect calls but does not hold (`const load = useCallback(async () => { …; setX(v) })`)
 * cannot see a flag declared in the effect; guarding it there is the author's redesign, not an edit.
 */
function setsOutside(subject: Effect): boolean {
  const [start, end] = subject.effect.range;
  return subject.sets.some((set) => set.range[0] < start || set.range[1] > end);
}
