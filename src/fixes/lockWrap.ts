import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { enclosingFunction, forEachNode, forEachNodeIn, isFunction, unwrap, fixLibrary, classOf, tryLockTestBefore, type Node, type FileModel, type Fix, type FixSubject, type TextEdit, type FunctionNode } from '../engine/index.js';
import type { RuntimeImport } from './imports.js';
import { absorbableRegions, runsUnderLock, type HeldRegion } from './heldRegions.js';
import { reindent } from './indent.js';
import type { ClassMembers } from './classMembers.js';
import type { LockReach, PlannedSection } from './lockReach.js';
import type { ModuleTop } from './moduleTop.js';
import { freshName } from './names.js';
import type { FixOptions } from './options.js';
import { coveringStatements, extendToBlockEnd, movableIntoCallback, pathMentionedAfter, rangeStatements, readsNarrowableLet, type StatementRange } from './ranges.js';
import { indentAt, lineEnd, lineStart, type CodeStyle } from './style.js';

type RaceSubject = Extract<FixSubject, { kind: 'race' }>;

/** Where the lock lives and how code refers to it. */
interface LockPlan {
  /** Expression that evaluates to the lock: `this.balanceLock`, `balanceLock`, `Account.totalLock`. */
  expr: string;
  /** Edits that declare it (and import its class); empty when an existing lock is reused. */
  edits: TextEdit[];
  createFiles: Fix['createFiles'];
  reused: boolean;
  /** For a `KeyedLock`: the key expression the section takes (`await locks.acquire(key)`). */
  key?: string;
}

export interface FixContext {
  model: FileModel;
  text: string;
  fileName: string;
  style: CodeStyle;
  options: FixOptions;
  /** Names declared at module level, to avoid clashing with an import. */
  moduleNames: ReadonlySet<string>;
  /** The words the file spells (see `WordsOfText`): a new lock's name avoids them all. */
  names: { has(name: string): boolean };
  /** The file's imports and top-level declarations, looked at once for all its fixes. */
  top: ModuleTop;
  /** The members of its classes, likewise. */
  members: ClassMembers;
  /** Which of its functions take which locks, through which calls. */
  reach: LockReach;
}

/** "Guard with a Lock" fixes for a lost-update or check-then-act finding, in every style that applies. */
export function lockFixes(subject: RaceSubject, ctx: FixContext): Fix[] {
  let range = coveringStatements(sectionStart(subject), subject.to, ctx.model);
  if (!range) return [];
  // A callback would cut off narrowing that later code relies on; keep the names in scope instead. A check in
  // JavaScript narrows too where it is type-checked (`// @ts-check`, JSDoc types, `checkJs`).
  const narrowed = (ctx.style.typescript || subject.check) && pathMentionedAfter(range, subject.path, ctx.text);
  if (narrowed && range.exports.names.length > 0) range = extendToBlockEnd(range);
  const fn = enclosingFunction(range.first);
  // `await` needs an async function; a lock at module top level would serialize nothing useful.
  if (!fn || !fn.async) return [];
  const lock = planLock(subject, range, fn, ctx);
  if (!lock || runsUnderLock(range, lock.expr, ctx.text)) return [];
  const key = lock.key;
  const lockClass = key !== undefined ? 'KeyedLock' : 'Lock';
  if (ctx.reach.deadlocks(rangeStatements(range), fn, lock.expr)) return [];
  const absorbed = absorbableRegions(range, lock.expr, ctx.text);
  if (!absorbed) return [];
  const shown = '`' + subject.path.replace(/\[\*\]/g, '[…]') + '`' + (key !== undefined ? ` entry \`${key}\`` : '');
  const fixes: Fix[] = [];
  const make = (style: Extract<Fix, { kind: 'lock-wrap' }>['data']['style'], body: TextEdit, preferred: boolean): Fix => ({
    kind: 'lock-wrap', data: { path: subject.path, location: shown, style, lock: lockClass },
    title: `Guard ${shown} with a ${lockClass} (${style})`,
    edits: sortEdits([...lock.edits, body]),
    ...(preferred ? { preferred: true } : {}),
    ...(lock.createFiles && lock.createFiles.length > 0 ? { createFiles: lock.createFiles } : {}),
  });
  const want = ctx.options.lockStyle;
  if (range.exports.names.length > 0) {
    // Declarations used after the range: only a callback can hand them back without knowing their types.
    return [make('runExclusive', wrapRunExclusive(range, lock, absorbed, ctx), true)];
  }
  const tryFinally = make('try/finally', wrapTryFinally(range, lock, absorbed, ctx), want === 'try-finally');
  fixes.push(tryFinally);
  if (!narrowed && movableIntoCallback(range, ctx.model) && !readsNarrowableLet(range, fn, ctx.model)) {
    fixes.push(make('runExclusive', wrapRunExclusive(range, lock, absorbed, ctx), want === 'runExclusive'));
  }
  if (ctx.options.allowAwaitUsing && ctx.options.runtime !== 'async-mutex' && ctx.style.typescript) {
    fixes.push(make('await using', wrapAwaitUsing(range, lock, absorbed, ctx), want === 'await-using'));
  }
  if (!fixes.some((f) => f.preferred)) fixes[0] = { ...fixes[0]!, preferred: true };
  return fixes;
}

/**
 * Where the section starts: at the read, or at the test of a try-lock whose claim the read comes before
 * (`if (this.busy) return; const n = this.count; this.busy = true;`), which the lock's wait must not split.
 */
function sectionStart(subject: RaceSubject): Node {
  return tryLockTestBefore(subject.from) ?? subject.from;
}

/** The function a lock fix for `subject` would guard statements of, and the lock it would take (no checks). */
export function plannedSection(subject: RaceSubject, ctx: FixContext): PlannedSection | null {
  const range = coveringStatements(sectionStart(subject), subject.to, ctx.model);
  const fn = range && enclosingFunction(range.first);
  if (!range || !fn || !fn.async) return null;
  const lock = planLock(subject, range, fn, ctx);
  return lock && { fn, lock: lock.expr };
}

/**
 * The text a wrap replaces. A range that starts and ends its own lines is replaced line-wise (trailing
 * comments included) and re-indented; a range that shares a line with other code is wrapped in place.
 */
interface Span {
  start: number;
  end: number;
  indent: string;
  ownLines: boolean;
}

function span(range: StatementRange, text: string): Span {
  const lineAt = lineStart(text, range.first.range[0]);
  const startsLine = text.slice(lineAt, range.first.range[0]).trim() === '';
  const eol = lineEnd(text, range.last.range[1]);
  const tail = text.slice(range.last.range[1], eol).trim();
  const endsLine = tail === '' || tail.startsWith('//') || (tail.startsWith('/*') && tail.endsWith('*/'));
  const indent = indentAt(text, range.first.range[0]);
  if (startsLine && endsLine) return { start: lineAt, end: eol, indent, ownLines: true };
  return { start: range.first.range[0], end: range.last.range[1], indent, ownLines: false };
}

/**
 * `return this.refresh()` in an async function: the `finally` (or the end of an `await using` block) would run
 * as soon as the promise is returned, releasing the lock before it settles; `return await` keeps it held.
 */
function awaitedReturns(range: StatementRange, s: Span, ctx: FixContext): { at: number; text: string }[] {
  const fn = enclosingFunction(range.first);
  if (!fn?.async) return [];
  const out: { at: number; text: string }[] = [];
  forEachNodeIn(ctx.model.ast, s.start, s.end, (n) => {
    if (isFunction(n) && n !== fn) return false;
    if (n.type === 'ReturnStatement' && n.argument && n.range[0] >= s.start && n.range[1] <= s.end) {
      const arg = unwrap(n.argument);
      if (arg.type === 'CallExpression' || arg.type === 'NewExpression') out.push({ at: n.argument.range[0], text: 'await ' });
    }
    return true;
  });
  return out;
}

function wrapTryFinally(range: StatementRange, plan: LockPlan, absorbed: readonly HeldRegion[], ctx: FixContext): TextEdit {
  const { text, style } = ctx;
  const s = span(range, text);
  const returns = awaitedReturns(range, s, ctx);
  const api = fixLibrary(ctx.options.runtime).writes;
  const lock = plan.expr;
  // A KeyedLock hands back a guard of the one key it took: that guard releases it.
  const guard = plan.key !== undefined ? freshName('held', (n) => ctx.names.has(n)) : null;
  const acquire = guard ? `const ${guard} = await ${lock}.${api.acquire}(${plan.key})${style.semi}` : `await ${lock}.${api.acquire}()${style.semi}`;
  const release = guard ? `${guard}.${api.release}()${style.semi}` : `${lock}.${api.release}()${style.semi}`;
  if (!s.ownLines) {
    const body = reindent(text, ctx.model.ast, s.start, s.end, style.indentUnit, absorbed, false, returns);
    return { offset: [s.start, s.end], text: `${acquire} try { ${body} } finally { ${release} }` };
  }
  const nl = style.eol;
  const body = reindent(text, ctx.model.ast, s.start, s.end, style.indentUnit, absorbed, true, returns);
  return {
    offset: [s.start, s.end],
    text: `${s.indent}${acquire}${nl}${s.indent}try {${nl}${body}${nl}${s.indent}} finally {${nl}${s.indent}${style.indentUnit}${release}${nl}${s.indent}}`,
  };
}

function wrapRunExclusive(range: StatementRange, plan: LockPlan, absorbed: readonly HeldRegion[], ctx: FixContext): TextEdit {
  const { text, style } = ctx;
  const s = span(range, text);
  const lock = plan.expr;
  const keyArg = plan.key !== undefined ? `${plan.key}, ` : '';
  const { names, kind } = range.exports;
  const bind = names.length > 0 ? `${kind} { ${names.join(', ')} } = ` : '';
  const run = fixLibrary(ctx.options.runtime).writes.run;
  if (!s.ownLines) {
    const body = reindent(text, ctx.model.ast, s.start, s.end, style.indentUnit, absorbed, false);
    const ret = names.length > 0 ? ` return { ${names.join(', ')} }${style.semi}` : '';
    return { offset: [s.start, s.end], text: `${bind}await ${lock}.${run}(${keyArg}async () => { ${body}${ret} })${style.semi}` };
  }
  const nl = style.eol;
  const body = reindent(text, ctx.model.ast, s.start, s.end, style.indentUnit, absorbed);
  const ret = names.length > 0 ? `${nl}${s.indent}${style.indentUnit}return { ${names.join(', ')} }${style.semi}` : '';
  return {
    offset: [s.start, s.end],
    text: `${s.indent}${bind}await ${lock}.${run}(${keyArg}async () => {${nl}${body}${ret}${nl}${s.indent}})${style.semi}`,
  };
}

function wrapAwaitUsing(range: StatementRange, plan: LockPlan, absorbed: readonly HeldRegion[], ctx: FixContext): TextEdit {
  const { text, style } = ctx;
  const s = span(range, text);
  const nl = style.eol;
  const lock = plan.expr;
  const guard = `await using _${lockName(lock)}Held = await ${lock}.${fixLibrary(ctx.options.runtime).writes.acquire}(${plan.key ?? ''})${style.semi}`;
  const toEndOfBlock = range.block.body[range.block.body.length - 1] === range.last;
  const returns = awaitedReturns(range, s, ctx);
  const inPlace = reindent(text, ctx.model.ast, s.start, s.end, style.indentUnit, absorbed, false, returns);
  if (toEndOfBlock) {
    // Held until the end of the block, which is where the range ends anyway.
    const end = absorbed.length > 0 ? s.end : s.start;
    const rest = absorbed.length > 0 ? inPlace : '';
    return s.ownLines ? { offset: [s.start, end], text: `${s.indent}${guard}${nl}${rest}` } : { offset: [s.start, end], text: `${guard} ${rest}` };
  }
  if (!s.ownLines) {
    return { offset: [s.start, s.end], text: `{ ${guard} ${inPlace} }` };
  }
  const body = reindent(text, ctx.model.ast, s.start, s.end, style.indentUnit, absorbed, true, returns);
  return { offset: [s.start, s.end], text: `${s.indent}{${nl}${s.indent}${style.indentUnit}${guard}${nl}${body}${nl}${s.indent}}` };
}

function lockName(expr: string): string {
  const last = expr.slice(expr.lastIndexOf('.') + 1).replace(/^#/, '');
  return last;
}

function sortEdits(edits: TextEdit[]): TextEdit[] {
  // Stable: insertions at one offset keep their order (the import before the declaration).
  return edits.map((e, i) => [e, i] as const).sort((a, b) => a[0].offset[0] - b[0].offset[0] || a[1] - b[1]).map(([e]) => e);
}

/** Decides where the lock lives, reusing one that already guards the path when that cannot deadlock. */
function planLock(subject: RaceSubject, range: StatementRange, fn: FunctionNode, ctx: FixContext): LockPlan | null {
  for (const key of reusableLocks(subject.path, ctx)) {
    // A non-reentrant lock taken again inside the range, or around it, would deadlock.
    if (runsUnderLock(range, key, ctx.text) || !absorbableRegions(range, key, ctx.text)) continue;
    if (key.startsWith('this.') && !subject.path.startsWith('this')) continue;
    return { expr: key, edits: [], createFiles: [], reused: true };
  }
  const plan = newLock(subject, fn, keyedKind(subject, range, ctx), ctx);
  const key = plan && plan.kind === 'KeyedLock' ? subject.key : undefined;
  return plan && { ...plan, ...(key !== undefined ? { key } : {}) };
}

/**
 * `KeyedLock` when the race is on one entry of a keyed store (the finding names its key) and the runtime has
 * one: other keys' calls go on. The key must already be bound where the section starts.
 */
function keyedKind(subject: RaceSubject, range: StatementRange, ctx: FixContext): LockClass {
  if (subject.key === undefined || !fixLibrary(ctx.options.runtime).writes.classes.KeyedLock) return 'Lock';
  const arg = keyArgument(subject);
  if (!arg) return 'Lock';
  let bound = true;
  forEachNode(arg, (n) => {
    if (!bound || n.type !== 'Identifier' || (n.parent?.type === 'MemberExpression' && n.parent.property === n && !n.parent.computed)) return bound;
    const v = ctx.model.scope.variableOf(n);
    const def = v?.identifiers[0];
    if (def && def.range[0] >= range.first.range[0] && def.range[0] < range.last.range[1]) bound = false;
    return bound;
  });
  return bound ? 'KeyedLock' : 'Lock';
}

/** The key the racy write stores under: the first argument of `cache.set(key, …)`. */
function keyArgument(subject: RaceSubject): TSESTree.CallExpressionArgument | undefined {
  const write = subject.to;
  return write.type === 'CallExpression' ? write.arguments[0] : undefined;
}

type LockClass = 'Lock' | 'KeyedLock';

function newLock(subject: RaceSubject, fn: FunctionNode, kind: LockClass, ctx: FixContext): (LockPlan & { kind: LockClass }) | null {
  const base = baseName(subject.path);
  const root = rootOf(subject.path);
  const made = (plan: LockPlan | null): (LockPlan & { kind: LockClass }) | null => plan && { ...plan, kind };
  const typeArgs = kind === 'KeyedLock' ? keyTypeArgument(subject, ctx) : '';
  if (root === 'this') {
    const cls = classOf(fn);
    const method = methodOf(fn);
    if (cls && method?.static) return made(staticFieldLock(cls, base, kind, ctx, typeArgs));
    if (cls) return made(instanceFieldLock(cls, base, kind, ctx, typeArgs));
    return made(moduleLock(base, kind, ctx, typeArgs));
  }
  const rootId = findRootIdentifier(subject.to, root) ?? findRootIdentifier(subject.from, root);
  if (!rootId) return made(moduleLock(base, kind, ctx, typeArgs));
  const binding = ctx.model.scope.bindingOf(rootId, enclosingFunction(rootId)!);
  if (binding.kind === 'captured') return made(capturedLock(binding.owner, subject.to, base, kind, ctx, typeArgs));
  return made(moduleLock(base, kind, ctx, typeArgs));
}

/**
 * `<number>` for a store keyed by `port: number` or declared `new Map<number, Profile>()`: the runtime's
 * `KeyedLock` takes string keys unless told otherwise, so in TypeScript a key of another type names it. The
 * key's own annotation, else the store's declared key type; nothing for a string; and `<unknown>` when neither
 * tells and the key is not plainly a string (`user.id`), since a guess could make the fix fail to compile.
 */
function keyTypeArgument(subject: RaceSubject, ctx: FixContext): string {
  const arg = keyArgument(subject);
  if (!ctx.style.typescript || !arg) return '';
  const type = annotatedKeyType(arg, ctx) ?? storeKeyType(subject, ctx);
  if (type) return type.type === 'TSStringKeyword' ? '' : `<${ctx.text.slice(type.range[0], type.range[1])}>`;
  return stringValued(arg, ctx) ? '' : '<unknown>';
}

/** `port` declared `port: number`: its annotation. */
function annotatedKeyType(arg: Node, ctx: FixContext): TSESTree.TypeNode | undefined {
  if (arg.type !== 'Identifier') return undefined;
  const declared = ctx.model.scope.variableOf(arg)?.identifiers[0];
  return declared && 'typeAnnotation' in declared ? declared.typeAnnotation?.typeAnnotation : undefined;
}

/**
 * The key type of the store the racy write goes to (`cache.set(key, …)`), as its declaration gives it:
 * `const cache = new Map<number, P>()`, `cache: Map<number, P>`, `private readonly byId = new Map<…>()`.
 */
function storeKeyType(subject: RaceSubject, ctx: FixContext): TSESTree.TypeNode | undefined {
  const write = subject.to;
  const callee = write.type === 'CallExpression' ? unwrap(write.callee) : null;
  const store = callee?.type === 'MemberExpression' ? unwrap(callee.object) : null;
  let declared: { annotation: TSESTree.TypeNode | undefined; init: Node | null | undefined } | undefined;
  if (store?.type === 'Identifier') {
    const id = ctx.model.scope.variableOf(store)?.identifiers[0];
    const declarator = id?.parent;
    if (id) declared = { annotation: id.typeAnnotation?.typeAnnotation, init: declarator?.type === 'VariableDeclarator' && declarator.id === id ? declarator.init : null };
  } else if (store?.type === 'MemberExpression' && unwrap(store.object).type === 'ThisExpression' && !store.computed) {
    const name = store.property.type === 'Identifier' || store.property.type === 'PrivateIdentifier' ? store.property.name : null;
    const field = classOf(write)?.body.find(
      (m): m is TSESTree.PropertyDefinition => m.type === 'PropertyDefinition' && !m.computed && (m.key.type === 'Identifier' || m.key.type === 'PrivateIdentifier') && m.key.name === name && (m.key.type === 'PrivateIdentifier') === (store.property.type === 'PrivateIdentifier'),
    );
    if (field) declared = { annotation: field.typeAnnotation?.typeAnnotation, init: field.value };
  }
  if (!declared) return undefined;
  const made = declared.init ? unwrap(declared.init) : null;
  // `processed: string[]`, whose elements are the keys a `push` stores.
  if (declared.annotation?.type === 'TSArrayType') return declared.annotation.elementType;
  const fromType = declared.annotation?.type === 'TSTypeReference' && keyedFirst(declared.annotation.typeName) ? declared.annotation.typeArguments : undefined;
  const fromNew = made?.type === 'NewExpression' && keyedFirst(made.callee) ? made.typeArguments : undefined;
  return (fromType ?? fromNew)?.params[0];
}

/** Collections whose first type argument is the key: `Map<K, V>`, `Set<K>`, `Array<K>`, `LRUCache<K, V>`. */
const KEYED_FIRST = new Set(['Map', 'ReadonlyMap', 'WeakMap', 'Set', 'ReadonlySet', 'WeakSet', 'Array', 'ReadonlyArray', 'LRUCache', 'LRU', 'QuickLRU']);

function keyedFirst(name: Node): boolean {
  return name.type === 'Identifier' && KEYED_FIRST.has(name.name);
}

/** A key that is a string by its form: a string literal, a template, a concatenation with one. */
function stringValued(arg: Node, ctx: FixContext): boolean {
  const n = unwrap(arg);
  if (n.type === 'Literal') return typeof n.value === 'string';
  // `const key = \`${user}:${page}\``
  if (n.type === 'Identifier') {
    const declarator = ctx.model.scope.variableOf(n)?.identifiers[0]?.parent;
    return declarator?.type === 'VariableDeclarator' && declarator.parent?.type === 'VariableDeclaration' && declarator.parent.kind === 'const' && !!declarator.init && stringValued(declarator.init, ctx);
  }
  if (n.type === 'TemplateLiteral') return true;
  return n.type === 'BinaryExpression' && n.operator === '+' && (stringValued(n.left, ctx) || stringValued(n.right, ctx));
}

/** Lock receivers already held somewhere this path (or one overlapping it) is written. */
function reusableLocks(path: string, ctx: FixContext): string[] {
  const keys: string[] = [];
  for (const [p, held] of ctx.model.guardedBy) {
    if (p !== path && !p.startsWith(path + '.') && !path.startsWith(p + '.')) continue;
    for (const k of held) if (/^[\w$#.]+$/.test(k) && !keys.includes(k)) keys.push(k);
  }
  return keys;
}

function rootOf(path: string): string {
  return /^[^.[]+/.exec(path)![0];
}

function baseName(path: string): string {
  const words = path.split(/[.[\]"]+/).filter((w) => /^#?[A-Za-z_$][\w$]*$/.test(w) && w !== 'this');
  return (words[words.length - 1] ?? 'state').replace(/^#/, '');
}

function findRootIdentifier(node: Node, name: string): TSESTree.Identifier | null {
  let found: TSESTree.Identifier | null = null;
  forEachNode(node, (n) => {
    if (found) return false;
    if (n.type === 'Identifier' && n.name === name && !(n.parent?.type === 'MemberExpression' && n.parent.property === n && !n.parent.computed)) {
      found = n;
      return false;
    }
    return true;
  });
  return found;
}

function methodOf(fn: FunctionNode): TSESTree.MethodDefinition | TSESTree.PropertyDefinition | null {
  for (let f: Node | undefined = fn; f; f = f.parent) {
    if (f.type === 'MethodDefinition' || f.type === 'PropertyDefinition') return f;
    if (isFunction(f) && f.type !== 'ArrowFunctionExpression' && f.parent?.type !== 'MethodDefinition') return null;
  }
  return null;
}

/** `balanceLock` for a Lock, `cacheLocks` for a KeyedLock (one per key). */
function stem(base: string, kind: LockClass): string {
  return kind === 'KeyedLock' ? `${base}Locks` : `${base}Lock`;
}

function uniqueName(base: string, kind: LockClass, taken: (name: string) => boolean): string {
  return freshName(stem(base, kind), taken);
}

function importLock(ctx: FixContext, kind: LockClass): RuntimeImport {
  return ctx.top.runtimeImport(kind);
}

function moduleLock(base: string, kind: LockClass, ctx: FixContext, typeArgs = ''): LockPlan {
  const want = stem(base, kind);
  // A lock an earlier fix declared for the same state.
  if (ctx.top.constructs(want)) return { expr: want, edits: [], createFiles: [], reused: true };
  const name = uniqueName(base, kind, (n) => ctx.moduleNames.has(n) || ctx.names.has(n));
  const imp = importLock(ctx, kind);
  const decl = `const ${name} = new ${imp.local}${typeArgs}()${ctx.style.semi}`;
  const edits: TextEdit[] = [];
  if (imp.edit) edits.push(imp.edit);
  edits.push(ctx.top.insertAfterImports(decl));
  return { expr: name, edits, createFiles: imp.createFiles, reused: false };
}

/** The indentation of a new member at the top of the class body. */
export function memberIndent(cls: TSESTree.ClassBody, ctx: FixContext): string {
  const first = cls.body[0];
  if (first) return indentAt(ctx.text, first.range[0]);
  return indentAt(ctx.text, cls.range[0]) + ctx.style.indentUnit;
}

function instanceFieldLock(cls: TSESTree.ClassBody, base: string, kind: LockClass, ctx: FixContext, typeArgs = ''): LockPlan {
  const names = ctx.members.names(cls);
  const hash = !ctx.style.typescript || ctx.members.usesPrivateNames(cls);
  const want = stem(base, kind);
  if (names.has(want)) return { expr: hash ? `this.#${want}` : `this.${want}`, edits: [], createFiles: [], reused: true };
  const name = uniqueName(base, kind, (n) => names.has(n));
  const imp = importLock(ctx, kind);
  const decl = ctx.style.typescript
    ? hash
      ? `readonly #${name} = new ${imp.local}${typeArgs}()${ctx.style.semi}`
      : `private readonly ${name} = new ${imp.local}${typeArgs}()${ctx.style.semi}`
    : `#${name} = new ${imp.local}()${ctx.style.semi}`;
  const at = cls.range[0] + 1;
  const edits: TextEdit[] = [];
  if (imp.edit) edits.push(imp.edit);
  edits.push({ offset: [at, at], text: ctx.style.eol + memberIndent(cls, ctx) + decl });
  return { expr: hash ? `this.#${name}` : `this.${name}`, edits, createFiles: imp.createFiles, reused: false };
}

function staticFieldLock(cls: TSESTree.ClassBody, base: string, kind: LockClass, ctx: FixContext, typeArgs = ''): LockPlan {
  const owner = cls.parent;
  const className = owner && (owner.type === 'ClassDeclaration' || owner.type === 'ClassExpression') ? owner.id?.name : undefined;
  const names = ctx.members.names(cls);
  const hash = !ctx.style.typescript;
  const name = uniqueName(base, kind, (n) => names.has(n));
  const ref = className ? `${className}.${hash ? '#' : ''}${name}` : `this.${hash ? '#' : ''}${name}`;
  const imp = importLock(ctx, kind);
  const decl = ctx.style.typescript
    ? `private static readonly ${name} = new ${imp.local}${typeArgs}()${ctx.style.semi}`
    : `static #${name} = new ${imp.local}()${ctx.style.semi}`;
  const at = cls.range[0] + 1;
  const edits: TextEdit[] = [];
  if (imp.edit) edits.push(imp.edit);
  edits.push({ offset: [at, at], text: ctx.style.eol + memberIndent(cls, ctx) + decl });
  return { expr: ref, edits, createFiles: imp.createFiles, reused: false };
}

/** A lock shared by the concurrent callbacks: declared in the function that owns the captured variable. */
function capturedLock(owner: FunctionNode, inside: Node, base: string, kind: LockClass, ctx: FixContext, typeArgs = ''): LockPlan | null {
  if (owner.body.type !== 'BlockStatement') return null;
  let stmt: Node = inside;
  while (stmt.parent && stmt.parent !== owner.body) stmt = stmt.parent;
  if (stmt.parent !== owner.body) return null;
  const name = uniqueName(base, kind, (n) => ctx.names.has(n));
  const imp = importLock(ctx, kind);
  const at = lineStart(ctx.text, stmt.range[0]);
  const edits: TextEdit[] = [];
  if (imp.edit) edits.push(imp.edit);
  edits.push({ offset: [at, at], text: `${indentAt(ctx.text, stmt.range[0])}const ${name} = new ${imp.local}${typeArgs}()${ctx.style.semi}${ctx.style.eol}` });
  return { expr: name, edits, createFiles: imp.createFiles, reused: false };
}
