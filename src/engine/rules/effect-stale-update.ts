import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Variable } from '@typescript-eslint/scope-manager';
import { containsAwait, enclosingFunction, exits, forEachNode, isFunction, isPromiseChainCall, memberName, memberRoot, returnedFrom, unwrap, type Node } from '../ast.js';
import { callsAbort, mentionsSignal } from '../abortSignals.js';
import { constInit, resolveCallee, settlesAtOnce } from '../callees.js';
import { propFixedWhereRendered } from '../fixedProps.js';
import type { FunctionNode, ScopeInfo } from '../scope.js';
import type { Rule, RuleReport } from './rule.js';
import { line } from './text.js';

/*
 * A React effect starts async work and sets state when it ends: `useEffect(() => { (async () => { const user =
 * await fetchUser(id); setUser(user); })(); }, [id])`. When `id` changes while the request is pending, the effect
 * runs again; whichever response comes last wins, and a slow one for the old `id` overwrites the new user. (On
 * unmount the set is wasted work.) The effect's cleanup is where a stale run is told it is stale: a flag it sets
 * (`ignore = true`) that the set checks, or an AbortController it aborts that the request takes.
 */

export const effectStaleUpdate: Rule<'effect-stale-update'> = {
  meta: {
    id: 'effect-stale-update',
    shortDescription: 'A React effect sets state after an await with no cleanup that ignores or aborts a stale run.',
    fullDescription:
      'Reports a state setter called after an await (or in a promise callback) inside async work that a useEffect/useLayoutEffect with dependencies starts, when the effect returns no cleanup that marks the run stale (an ignore/cancelled flag the set checks) or aborts the request. When a dependency changes while the work is pending, the effect runs again, and a slow response for the old value can arrive last and overwrite the state for the new one.',
    defaultSeverity: 'warning',
    docsPath: 'docs/rules/effect-stale-update.md',
    messageId: 'effectStaleUpdate',
    fixKinds: ['ignore-stale-run', 'abort-stale-run'],
    // A test renders the component with one set of props. An example or a demo app is clicked through by its
    // author: judged on real code, 8 of 20 findings there were not races and 1 was real. Shown on request.
    confidenceIn: { test: 'low', script: 'low' },
  },
  check(model) {
    const reports: RuleReport[] = [];
    for (const call of model.index.calls) {
      const effect = effectOf(call, model.scope);
      if (!effect) continue;
      const states = statesAround(call);
      const setters = new Set(states.keys());
      if (setters.size === 0 || runsOnce(effect.body) || gatedWhilePending(effect.body, states) || waitsOnLatches(effect, states, model.scope)) continue;
      const guarded = cleanupGuards(effect.body);
      const late = lateSets(effect.body, setters).filter(({ set, after, waits }) => !guarded.checked(set, after) && isStateRead(setterOf(set), model.scope) && !settlesInOrder(waits));
      if (late.length > 0 && latchesOnItsOwnState(effect, states, late, model.scope)) continue;
      // One fix guards every late set of the effect: each finding of it offers the same edits.
      const subject = { kind: 'effect' as const, effect: effect.body, sets: late.map((l) => l.set) };
      // One report per effect, at its first late set: the missing cleanup is one problem, however many sets it lets through.
      const first = late[0];
      if (!first) continue;
      // Its changing dependencies are props the project only ever renders it with one literal for: each mount
      // runs the effect once. Shown on request, as the next place that renders it may pass a variable.
      const fixed = effect.deps !== null && effect.deps.elements.every((d) => d !== null && (isStable(d, model.scope, 0) || fixedProp(d, model.scope, call)));
      reports.push({ ...report(first.set, first.after, effect.deps, late.length - 1), subject, ...(fixed ? { confidence: 'low' as const } : {}) });
    }
    return reports;
  },
};

const EFFECT_HOOKS = new Set(['useEffect', 'useLayoutEffect', 'useInsertionEffect']);

/** `useEffect`, `React.useCallback`: the name a call's callee ends in. */
function hookName(call: TSESTree.CallExpression): string | null {
  const callee = unwrap(call.callee);
  return callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? memberName(callee) : null;
}

/** `useEffect(fn, [deps…])` with at least one dependency, or none given (it runs after every render). */
function effectOf(call: TSESTree.CallExpression, scope: ScopeInfo): { body: FunctionNode; deps: TSESTree.ArrayExpression | null } | null {
  const name = hookName(call);
  if (name === null || !EFFECT_HOOKS.has(name)) return null;
  const fn = call.arguments[0] ? unwrap(call.arguments[0]) : null;
  if (!fn || !isFunction(fn)) return null;
  const deps = call.arguments[1] ? unwrap(call.arguments[1]) : null;
  // `[]`: the effect runs once; nothing newer can be overwritten (unmounting only wastes the set).
  if (deps?.type === 'ArrayExpression' && deps.elements.length === 0) return null;
  if (deps && deps.type !== 'ArrayExpression') return null;
  // `[load]` with `const load = useCallback(async () => …, [])`: no dependency ever changes, so it runs once too.
  if (deps?.type === 'ArrayExpression' && deps.elements.every((d) => d !== null && isStable(d, scope, 0))) return null;
  return { body: fn, deps: deps as TSESTree.ArrayExpression | null };
}

/**
 * `offset` of `function TimeDisplay({ offset })`, rendered only with a literal `offset`, or `webhook.id` of a
 * component rendered only as `<Inspector key={w.id} webhook={w} />` (see `propFixedWhereRendered`). The props
 * may be destructured in the parameter, kept whole (`props.code` of `function Mermaid(props)`), or destructured
 * from the whole in the body (`const { code } = props`).
 */
function fixedProp(dep: Node, scope: ScopeInfo, effectCall: Node): boolean {
  // `webhook.id` of the prop `webhook`: the part of it the render sites fix (`key={w.id} webhook={w}`).
  let d = unwrap(dep);
  const parts: string[] = [];
  while (d.type === 'MemberExpression' && !d.computed && d.property.type === 'Identifier') {
    parts.unshift(d.property.name);
    d = unwrap(d.object);
  }
  if (d.type !== 'Identifier') return false;
  const component = enclosingFunction(effectCall);
  const param = component?.params[0];
  const def = scope.variableOf(d)?.defs[0];
  if (!component || !param || !def) return false;
  const fixed = (key: string | null, rest: readonly string[]): boolean => key !== null && propFixedWhereRendered(component, key, rest.map((p) => `.${p}`).join(''));
  if (def.type === 'Parameter' && def.node === component) {
    if (param.type === 'ObjectPattern') return fixed(propBinding(param, d.name), parts);
    return param.type === 'Identifier' && param.name === d.name && fixed(parts[0] ?? null, parts.slice(1));
  }
  // `const { code } = props;` at the top of the component.
  const declarator = def.type === 'Variable' && def.parent?.kind === 'const' ? def.node : null;
  const init = declarator?.init ? unwrap(declarator.init) : null;
  if (declarator?.id.type !== 'ObjectPattern' || init?.type !== 'Identifier' || param.type !== 'Identifier' || init.name !== param.name) return false;
  if (enclosingFunction(declarator) !== component || scope.variableOf(init)?.defs[0]?.node !== component) return false;
  return fixed(propBinding(declarator.id, d.name), parts);
}

/** The property of `{ code, id: recordId }` that binds `name` (`id` for `recordId`), when it is a plain one. */
function propBinding(pattern: TSESTree.ObjectPattern, name: string): string | null {
  for (const p of pattern.properties) {
    if (p.type !== 'Property' || p.computed || p.key.type !== 'Identifier') continue;
    const value = unwrap(p.value);
    if (value.type === 'Identifier' && value.name === name) return p.key.name;
  }
  return null;
}

/**
 * Hooks whose result is the same object on every render: a ref; react-redux's `dispatch` (the store's own, as
 * long as the Provider keeps its store; `useAppDispatch` is the typed alias Redux's docs set up); and (below)
 * state setters and dispatchers.
 */
const STABLE_HOOKS = new Set(['useRef', 'useDispatch', 'useAppDispatch']);
const STATE_HOOKS = new Set(['useState', 'useReducer', 'useTransition', 'useActionState']);
const MEMO_HOOKS = new Set(['useCallback', 'useMemo']);

/**
 * A dependency that is the same on every render of the component: a module's constant or import, a ref, a
 * state setter, a literal, or a `useCallback` / `useMemo` whose own dependencies are all such. React compares
 * them with `Object.is`, so an effect that depends only on them never runs again while mounted.
 */
function isStable(dep: Node, scope: ScopeInfo, depth: number): boolean {
  const d = unwrap(dep);
  if (d.type === 'Literal') return true;
  if (d.type !== 'Identifier' || depth > 4) return false;
  const variable = scope.variableOf(d);
  const def = variable?.defs[0];
  if (!variable || !def) return false;
  const owner = variable.scope.variableScope.type;
  const declarator = def.type === 'Variable' && def.parent?.kind === 'const' ? def.node : null;
  if (owner === 'module' || owner === 'global') return def.type === 'ImportBinding' || def.type === 'FunctionName' || def.type === 'ClassName' || declarator !== null;
  const init = declarator?.init ? unwrap(declarator.init) : null;
  if (!declarator || !init) return false;
  if (init.type === 'Literal') return true;
  if (init.type !== 'CallExpression') return false;
  const hook = hookName(init);
  if (hook === null) return false;
  // `const [value, setValue] = useState()`: the setter (second) is stable, the value is not.
  if (declarator.id.type === 'ArrayPattern') {
    const second = declarator.id.elements[1];
    return STATE_HOOKS.has(hook) && second?.type === 'Identifier' && second.name === d.name;
  }
  if (STABLE_HOOKS.has(hook) || handsBackOwnRef(init)) return true;
  if (!MEMO_HOOKS.has(hook)) return false;
  const memoDeps = init.arguments[1] ? unwrap(init.arguments[1]) : null;
  return memoDeps?.type === 'ArrayExpression' && memoDeps.elements.every((e) => e !== null && e.type !== 'SpreadElement' && isStable(e, scope, depth + 1));
}

/**
 * `const latest = useLatest(value)`: a hook of the project that hands back a ref it made (`const ref =
 * useRef(value); useLayoutEffect(() => { ref.current = value }); return ref`), the same object on every render.
 */
function handsBackOwnRef(call: TSESTree.CallExpression): boolean {
  const hook = resolveCallee(call.callee);
  if (!hook || !/^use[A-Z0-9]/.test(hookName(call) ?? '')) return false;
  const returned = returnedFrom(hook);
  return returned.length > 0 && returned.every((r) => isRef(unwrap(r)));
}

/** `useRef(…)`, or a `const` of the hook given one. */
function isRef(value: Node): boolean {
  const made = value.type === 'Identifier' ? constInit(value) : value;
  const call = made ? unwrap(made) : null;
  return call?.type === 'CallExpression' && hookName(call) === 'useRef';
}

/**
 * The effect starts its work behind a flag it sets itself: `if (didRestore.current) return; didRestore.current =
 * true;`, `if (IS_RUNNING) return; IS_RUNNING = true;`, `if (chartRef.current === chart) return; chartRef.current
 * = chart;`. A later run finds the flag and does not start a second request, so none can come back stale.
 */
function runsOnce(effect: FunctionNode): boolean {
  if (effect.body.type !== 'BlockStatement') return false;
  if (asyncRuns(effect).some((run) => startsOnce(run))) return true;
  const assigned = new Set<string>();
  // A variable of the run itself (`let timer; … if (timer) clearTimeout(timer)`) lives and dies with the run.
  const own = new Set<string>();
  forEachNode(effect.body, (n) => {
    if (isFunction(n)) return false;
    if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier') own.add(n.id.name);
    if (n.type === 'AssignmentExpression') {
      const target = flagText(n.left);
      if (target !== null) assigned.add(target);
    }
    return true;
  });
  for (const name of own) assigned.delete(name);
  if (assigned.size === 0) return false;
  let guarded = false;
  forEachNode(effect.body, (n) => {
    if (guarded || isFunction(n)) return false;
    if (n.type === 'IfStatement') {
      const flag = flagsRead(n.test).find((f) => assigned.has(f));
      // `if (flag) return;`, or `if (!flag) { flag = true; start(); }`: not `if (channelRef.current) { close it }`.
      if (flag !== undefined && (exitsAt(n.consequent) || setsFlag(n.consequent, flag))) guarded = true;
    }
    return !guarded;
  });
  return guarded;
}

/**
 * The effect starts its work only while no run is pending: `if (postLoading) return; refresh();` (or `if
 * (!refreshing) refresh()`) where `refresh`, an async function of the component, raises that flag before its
 * first await (`setPostLoading(true)`, `inFlightRef.current = true`) and lowers it when done; or `refresh` tests
 * and raises a ref itself before its first await (`if (inFlightRef.current) return; inFlightRef.current = true`).
 * A run that starts while another is pending starts nothing, so none can come back stale.
 */
function gatedWhilePending(effect: FunctionNode, states: ReadonlyMap<string, string | null>): boolean {
  if (effect.body.type !== 'BlockStatement') return false;
  const runs = new Map<string, FunctionNode>();
  forEachNode(effect.body, (n) => {
    if (isFunction(n)) return false;
    const callee = n.type === 'CallExpression' ? unwrap(n.callee) : null;
    const run = callee?.type === 'Identifier' ? componentAsync(effect, callee.name) : null;
    if (run) runs.set((callee as TSESTree.Identifier).name, run);
    return true;
  });
  if ([...runs.values()].some((run) => startsOnce(run, states))) return true;
  const raised = new Set<string>();
  for (const run of runs.values()) for (const flag of raisedBeforeAwait(run, states)) raised.add(flag);
  if (raised.size === 0) return false;
  let gated = false;
  forEachNode(effect.body, (n) => {
    if (gated || isFunction(n)) return false;
    if (n.type !== 'IfStatement') return true;
    // `if (postLoading || !ready) return;`: leaves while the flag is up.
    if (exitsAt(n.consequent) && anyTerm(n.test, '||', (t) => raisedFlag(t, raised) || comparedWith(t, true, raised))) gated = true;
    // `if (ready && !refreshing) refresh();`, `if (ready && refreshing === false)`: starts only while it is down.
    else if (callsAny(n.consequent, runs) && anyTerm(n.test, '&&', (t) => (t.type === 'UnaryExpression' && t.operator === '!' && raisedFlag(unwrap(t.argument), raised)) || comparedWith(t, false, raised))) gated = true;
    return !gated;
  });
  return gated;
}

/** One of the terms a chain of `op` joins (or the test itself) passes `match`. */
function anyTerm(test: Node, op: '||' | '&&', match: (term: Node) => boolean): boolean {
  const t = unwrap(test);
  if (t.type === 'LogicalExpression' && t.operator === op) return anyTerm(t.left, op, match) || anyTerm(t.right, op, match);
  return match(t);
}

/** `refreshing === false`, `true == refreshing`: a raised flag compared for equality with `value`. */
function comparedWith(term: Node, value: boolean, raised: ReadonlySet<string>): boolean {
  if (term.type !== 'BinaryExpression' || (term.operator !== '===' && term.operator !== '==')) return false;
  const isValue = (n: Node): boolean => n.type === 'Literal' && n.value === value;
  const left = unwrap(term.left);
  const right = unwrap(term.right);
  return (isValue(right) && raisedFlag(left, raised)) || (isValue(left) && raisedFlag(right, raised));
}

function raisedFlag(term: Node, raised: ReadonlySet<string>): boolean {
  const text = term.type === 'Identifier' || term.type === 'MemberExpression' ? flagText(term) : null;
  return text !== null && raised.has(text);
}

function callsAny(branch: Node, runs: ReadonlyMap<string, FunctionNode>): boolean {
  let calls = false;
  forEachNode(branch, (n) => {
    if (calls || isFunction(n)) return false;
    if (n.type === 'CallExpression') {
      const callee = unwrap(n.callee);
      calls = callee.type === 'Identifier' && runs.has(callee.name);
    }
    return !calls;
  });
  return calls;
}

/**
 * The flags a run raises while it is still synchronous, before its first await: `setPostLoading(true)` (the
 * state `postLoading`), `inFlightRef.current = true`.
 */
function raisedBeforeAwait(run: FunctionNode, states: ReadonlyMap<string, string | null>): string[] {
  if (run.body.type !== 'BlockStatement') return [];
  const flags: string[] = [];
  for (const stmt of run.body.body) {
    if (containsAwait(stmt) || stmt.type === 'TryStatement') break;
    if (stmt.type !== 'ExpressionStatement') continue;
    const e = unwrap(stmt.expression);
    const value = e.type === 'AssignmentExpression' && e.operator === '=' ? unwrap(e.right) : e.type === 'CallExpression' && e.arguments.length === 1 ? unwrap(e.arguments[0]!) : null;
    if (value?.type !== 'Literal' || value.value !== true) continue;
    if (e.type === 'AssignmentExpression') {
      const flag = flagText(e.left);
      if (flag?.endsWith('.current')) flags.push(flag);
    } else if (e.type === 'CallExpression') {
      const callee = unwrap(e.callee);
      const state = callee.type === 'Identifier' ? states.get(callee.name) : undefined;
      if (state) flags.push(state);
    }
  }
  return flags;
}

/** The async functions the effect defines in its own body (`async function run() { … } run()`): its runs' work. */
function asyncRuns(effect: FunctionNode): FunctionNode[] {
  const runs: FunctionNode[] = [];
  forEachNode(effect.body, (n) => {
    if (!isFunction(n)) return true;
    if (n.async && n.parent?.type !== 'ReturnStatement') runs.push(n);
    return false;
  });
  return runs;
}

/**
 * The same flag, checked and set inside the async work the effect starts, before its first await:
 * `async function run() { if (IS_RUNNING || !preview) return; …; IS_RUNNING = true; try { await create(); … } }`.
 * Both happen while the run is synchronous, so a later run finds the flag set and starts nothing. A state flag
 * counts too (`if (sending) return; setSending(true)`): a later run of the effect calls the function of a later
 * render, which sees the flag up while the first run's work is pending. A `useCallback` around it that leaves
 * the flag out of its dependencies keeps the first render's value, and the gate with it: that does not count.
 */
function startsOnce(run: FunctionNode, states: ReadonlyMap<string, string | null> = new Map()): boolean {
  if (run.body.type !== 'BlockStatement') return false;
  const memo = run.parent?.type === 'CallExpression' && hookName(run.parent) === 'useCallback' ? run.parent.arguments[1] : undefined;
  const memoDeps = memo ? unwrap(memo) : null;
  const remembered = (state: string): boolean => run.parent?.type !== 'CallExpression' || (memoDeps?.type === 'ArrayExpression' && memoDeps.elements.some((e) => e?.type === 'Identifier' && e.name === state));
  // A variable of the run itself lives and dies with the run.
  const own = new Set<string>();
  const checked = new Set<string>();
  for (const stmt of run.body.body) {
    if (containsAwait(stmt)) return false;
    if (stmt.type === 'VariableDeclaration') {
      for (const d of stmt.declarations) if (d.id.type === 'Identifier') own.add(d.id.name);
    } else if (stmt.type === 'IfStatement' && exitsAt(stmt.consequent)) {
      for (const flag of flagsRead(stmt.test)) checked.add(flag);
    } else if (stmt.type === 'ExpressionStatement') {
      const e = unwrap(stmt.expression);
      const flag = e.type === 'AssignmentExpression' && e.operator === '=' ? flagText(e.left) : null;
      const value = flag !== null ? unwrap((e as TSESTree.AssignmentExpression).right) : null;
      if (flag !== null && !own.has(flag) && checked.has(flag) && value?.type === 'Literal' && Boolean(value.value)) return true;
      const setter = e.type === 'CallExpression' && e.arguments.length === 1 ? unwrap(e.callee) : null;
      const state = setter?.type === 'Identifier' ? states.get(setter.name) : undefined;
      const raised = state ? unwrap((e as TSESTree.CallExpression).arguments[0]!) : null;
      if (state && checked.has(state) && remembered(state) && raised?.type === 'Literal' && raised.value === true) return true;
    }
  }
  return false;
}

/** The flags a condition reads (see `flagText`). */
function flagsRead(test: Node): string[] {
  const flags: string[] = [];
  forEachNode(test, (t) => {
    const text = t.type === 'Identifier' || t.type === 'MemberExpression' ? flagText(t) : null;
    if (text !== null) flags.push(text);
    return true;
  });
  return flags;
}

function exitsAt(branch: Node): boolean {
  return branch.type === 'ReturnStatement' || (branch.type === 'BlockStatement' && branch.body.some((s) => s.type === 'ReturnStatement'));
}

function setsFlag(branch: Node, flag: string): boolean {
  let sets = false;
  forEachNode(branch, (n) => {
    if (sets || isFunction(n)) return false;
    if (n.type === 'AssignmentExpression' && flagText(n.left) === flag) sets = true;
    return !sets;
  });
  return sets;
}

/** `IS_RUNNING` or `didRestore.current`: a flag an effect can keep across its runs. */
function flagText(n: Node): string | null {
  if (n.type === 'Identifier') return n.name;
  if (n.type === 'MemberExpression' && memberName(n) === 'current' && unwrap(n.object).type === 'Identifier') return `${(unwrap(n.object) as TSESTree.Identifier).name}.current`;
  return null;
}

/**
 * `const [user, setUser] = useState(…)` (or `useReducer`'s dispatch) in the component around the effect: each
 * setter, with the state it sets (null for a reducer's dispatch, whose argument is an action, not the state).
 */
function statesAround(effectCall: TSESTree.CallExpression): Map<string, string | null> {
  const component = enclosingFunction(effectCall);
  const pairs = new Map<string, string | null>();
  if (!component) return pairs;
  forEachNode(component.body, (n) => {
    if (isFunction(n)) return false;
    if (n.type === 'VariableDeclarator' && n.id.type === 'ArrayPattern' && n.init) {
      const init = unwrap(n.init);
      if (init.type !== 'CallExpression') return true;
      const hook = hookName(init);
      const [state, setter] = n.id.elements;
      if ((hook === 'useState' || hook === 'useReducer') && setter?.type === 'Identifier') pairs.set(setter.name, hook === 'useState' && state?.type === 'Identifier' ? state.name : null);
    }
    return true;
  });
  return pairs;
}

function setterOf(set: LateSet): TSESTree.Identifier | null {
  if (set.type === 'Identifier') return set;
  const callee = unwrap(set.callee);
  return callee.type === 'Identifier' ? callee : null;
}

/** The `[state, setState]` (or `[state, dispatch]`) pattern a setter was declared in. */
function statePattern(setter: TSESTree.Identifier, scope: ScopeInfo): TSESTree.ArrayPattern | null {
  const def = scope.variableOf(setter)?.defs[0];
  const pattern = def?.node.type === 'VariableDeclarator' ? def.node.id : null;
  return pattern?.type === 'ArrayPattern' && pattern.elements[1] === def?.name ? pattern : null;
}

/**
 * `const [_recent, setRecent] = useState([])` with `_recent` read nowhere (or `const [, setRecent]`): what a
 * stale run stores is never shown or used, so it overwrites nothing anyone sees.
 */
function isStateRead(setter: TSESTree.Identifier | null, scope: ScopeInfo): boolean {
  if (!setter) return true;
  const pattern = statePattern(setter, scope);
  if (!pattern) return true;
  const state = pattern.elements[0];
  if (state === null || state === undefined) return false;
  if (state.type !== 'Identifier') return true;
  const variable = scope.declaredVariable(state);
  return !variable || variable.references.some((r) => r.isRead());
}

/**
 * `useEffect(() => { if (token === undefined) fetchToken().then((t) => setToken(t)); }, [token])`: every
 * dependency that can change is state only this effect sets, and it sets it last, after its awaits. The effect
 * runs again only once its own result has landed, when that run is over: no older run is left to land over a
 * newer one.
 */
function latchesOnItsOwnState(effect: { body: FunctionNode; deps: TSESTree.ArrayExpression | null }, states: Map<string, string | null>, late: { set: LateSet }[], scope: ScopeInfo): boolean {
  if (!effect.deps) return false;
  // The setters the effect calls late, by name: a dependency's setter must be one of them.
  const lateSetters = new Map<string, TSESTree.Identifier>();
  for (const { set } of late) {
    const setter = setterOf(set);
    if (setter) lateSetters.set(setter.name, setter);
  }
  const ownSetters = new Set<string>();
  for (const d of effect.deps.elements) {
    if (d === null || d.type === 'SpreadElement') return false;
    if (isStable(d, scope, 0)) continue;
    const dep = unwrap(d);
    const setter = dep.type === 'Identifier' ? setterOfState(states, dep.name) : undefined;
    const setterId = setter === undefined ? undefined : lateSetters.get(setter);
    if (!setter || !setterId || !setOnlyIn(scope.variableOf(setterId), effect.body, effect.deps)) return false;
    ownSetters.add(setter);
  }
  if (ownSetters.size === 0) return false;
  const awaits: Node[] = [];
  forEachNode(effect.body.body, (n) => {
    if (n.type === 'AwaitExpression' || (n.type === 'CallExpression' && isPromiseChainCall(n))) awaits.push(n);
    return true;
  });
  // Each of its sets comes after every await of the effect, so nothing of the run is left once it lands.
  return late.every(({ set }) => {
    const setter = setterOf(set);
    if (!setter || !ownSetters.has(setter.name)) return true;
    return awaits.every((a) => a.range[0] < set.range[0]);
  });
}

/**
 * `const [loaded, setLoaded] = useState(false)`, set only ever to `true`, and `useEffect(() => { if (!loaded)
 * return; … }, [loaded])`: every dependency that can change is such a latch, and the effect leaves before any
 * work while one is down. It changes once, from down to up, so the effect's work runs once per mount and no
 * older run is left to land over a newer one.
 */
function waitsOnLatches(effect: { body: FunctionNode; deps: TSESTree.ArrayExpression | null }, states: Map<string, string | null>, scope: ScopeInfo): boolean {
  if (!effect.deps || effect.body.body.type !== 'BlockStatement') return false;
  const gates = effect.body.body.body;
  let latches = 0;
  for (const d of effect.deps.elements) {
    if (d === null || d.type === 'SpreadElement') return false;
    if (isStable(d, scope, 0)) continue;
    const dep = unwrap(d);
    const setter = dep.type === 'Identifier' ? setterOfState(states, dep.name) : undefined;
    if (dep.type !== 'Identifier' || setter === undefined || !raisedOnlyOnce(dep, setter, scope) || !gatedFirst(gates, dep.name)) return false;
    latches++;
  }
  return latches > 0;
}

/** `if (!ready) return;` at the top of the effect: nothing before it calls anything. */
function gatedFirst(statements: readonly Node[], name: string): boolean {
  const at = statements.findIndex((g) => leavesWhileDown(g, name));
  return at >= 0 && statements.slice(0, at).every((st) => !callsAnything(st));
}

function callsAnything(statement: Node): boolean {
  let found = false;
  forEachNode(statement, (n) => {
    if (found || (n !== statement && isFunction(n))) return false;
    found = n.type === 'CallExpression' || n.type === 'NewExpression' || n.type === 'AwaitExpression';
    return !found;
  });
  return found;
}

/** `if (!ready) return;`, with nothing in its test that waits. */
function leavesWhileDown(statement: Node, name: string): boolean {
  if (statement.type !== 'IfStatement' || statement.alternate || !exitsAt(statement.consequent)) return false;
  const test = unwrap(statement.test);
  return test.type === 'UnaryExpression' && test.operator === '!' && unwrap(test.argument).type === 'Identifier' && (unwrap(test.argument) as TSESTree.Identifier).name === name && !containsAwait(statement);
}

/** The state starts down (`useState(false)`, `useState()`) and every call of its setter raises it (`setReady(true)`). */
function raisedOnlyOnce(state: TSESTree.Identifier, setterName: string, scope: ScopeInfo): boolean {
  const def = scope.variableOf(state)?.defs[0];
  const declarator = def?.node.type === 'VariableDeclarator' ? def.node : null;
  const init = declarator?.init ? unwrap(declarator.init) : null;
  const initial = init?.type === 'CallExpression' ? init.arguments[0] : undefined;
  if (init?.type !== 'CallExpression' || hookName(init) !== 'useState' || (initial !== undefined && !(unwrap(initial).type === 'Literal' && !(unwrap(initial) as TSESTree.Literal).value))) return false;
  const pattern = declarator?.id.type === 'ArrayPattern' ? declarator.id : null;
  const setterId = pattern?.elements[1];
  if (setterId?.type !== 'Identifier' || setterId.name !== setterName) return false;
  const variable = scope.declaredVariable(setterId);
  return (
    variable !== null &&
    variable !== undefined &&
    variable.references.every((r) => {
      if (r.init === true) return true;
      const call = r.identifier.parent;
      const arg = call?.type === 'CallExpression' && call.callee === r.identifier && call.arguments.length === 1 ? unwrap(call.arguments[0]!) : null;
      return arg?.type === 'Literal' && Boolean(arg.value);
    })
  );
}

/** The setter `useState` paired with the state `name` in the component. */
function setterOfState(states: ReadonlyMap<string, string | null>, name: string): string | undefined {
  for (const [setter, state] of states) if (state === name) return setter;
  return undefined;
}

/** Every use of the setter, apart from its declaration and the dependency list, is inside the effect. */
function setOnlyIn(variable: Variable | null, body: FunctionNode, deps: TSESTree.ArrayExpression): boolean {
  if (!variable) return false;
  return variable.references.every((r) => {
    const id = r.identifier as Node;
    return r.init === true || (id.range[0] >= body.range[0] && id.range[1] <= body.range[1]) || id.parent === deps;
  });
}

/** Calls that register a callback to run on an event, later and apart from the effect's own run. */
const REGISTRATIONS = new Set(['on', 'once', 'addListener', 'addEventListener', 'subscribe', 'block', 'listen', 'watch', 'observe', 'register']);

/**
 * Does the effect start this async function as part of its run: called in place (an IIFE), called by name, or
 * handed to a call that runs it (`setTimeout(load)`, `void task(load)`)? An async callback handed to a
 * registration (`history.block({ blockerFn })`, `emitter.on('x', async () => …)`) is an event handler: its
 * awaits wait on the event's own work (here, the user's answer), not on a run of the effect.
 */
function startedByEffect(fn: FunctionNode, effect: FunctionNode): boolean {
  const parent = fn.parent;
  if (parent?.type === 'CallExpression') return parent.callee === fn || !registers(parent);
  const id = fn.type === 'FunctionDeclaration' ? fn.id : parent?.type === 'VariableDeclarator' && parent.init === fn && parent.id.type === 'Identifier' ? parent.id : null;
  if (!id) return false;
  let started = false;
  forEachNode(effect.body, (n) => {
    if (started) return false;
    if (n.type !== 'Identifier' || n.name !== id.name || n === id) return true;
    const at = n.parent;
    started = at?.type === 'CallExpression' && (at.callee === n || (at.arguments.includes(n) && !registers(at)));
    return !started;
  });
  return started;
}

/** `client.onRequest(handler)`, `socket.onMessage(handler)`, `map.addLayerListener(handler)`: named for the event. */
const NAMED_REGISTRATION = /^on[A-Z]|.Listener$/;

function registers(call: TSESTree.CallExpression): boolean {
  const callee = unwrap(call.callee);
  const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? memberName(callee) : null;
  return name !== null && (REGISTRATIONS.has(name) || (callee.type === 'MemberExpression' && NAMED_REGISTRATION.test(name)));
}

/** A late state update: a setter called (`setUser(u)`) or handed to a promise chain (`.then(setUser)`). */
export type LateSet = TSESTree.CallExpression | TSESTree.Identifier;

/**
 * The state updates in the effect that run after async work: after an await in an async function the effect
 * starts, or in (or as) a callback of a promise chain. `after` is the last await before it, or the chained call;
 * `waits` every await and chained call the update comes after, its own function's and those of the code that
 * started it.
 */
function lateSets(effect: FunctionNode, setters: ReadonlySet<string>): { set: LateSet; after: Node; waits: readonly Node[] }[] {
  const out: { set: LateSet; after: Node; waits: readonly Node[] }[] = [];
  const seen = new Set<FunctionNode>();
  const visit = (fn: FunctionNode, chained: Node | null, inherited: readonly Node[]): void => {
    // Source order: each await makes what follows it late, and is the one a guard must come after; not what
    // follows in a branch the await's branch excludes (`if (value) { await load() } else { setDocs([]) }`).
    const awaits: Node[] = [];
    const lastBefore = (n: Node): Node | null => {
      for (let i = awaits.length - 1; i >= 0; i--) if (!exclusive(awaits[i]!, n)) return awaits[i]!;
      return chained;
    };
    const waitsBefore = (n: Node): Node[] => [...inherited, ...awaits.filter((a) => !exclusive(a, n))];
    forEachNode(fn.body, (n) => {
      if (isFunction(n)) {
        const parent = n.parent;
        // A promise callback runs once the promise settles: after the work.
        if (parent?.type === 'CallExpression' && isPromiseChainCall(parent) && parent.arguments.includes(n as TSESTree.CallExpressionArgument)) visit(n, lastBefore(parent) ?? parent, [...waitsBefore(parent), parent]);
        // An async function the effect defines and starts (an IIFE, `const load = async () => …; load()`).
        else if (n.async && n !== effect && startedByEffect(n, effect)) visit(n, lastBefore(n), waitsBefore(n));
        // The cleanup and event handlers run apart from the async work.
        return false;
      }
      if (n.type === 'AwaitExpression') {
        awaits.push(n);
        return true;
      }
      if (n.type === 'CallExpression') {
        const callee = unwrap(n.callee);
        // `load()` of `const load = useCallback(async () => { … }, [id])` in the component: the effect starts it.
        const started = fn === effect && callee.type === 'Identifier' ? componentAsync(effect, callee.name) : null;
        if (started && !seen.has(started)) {
          seen.add(started);
          visit(started, lastBefore(n), waitsBefore(n));
        }
        const after = callee.type === 'Identifier' && setters.has(callee.name) ? lastBefore(n) : null;
        if (after !== null && n.range[0] > after.range[0]) out.push({ set: n, after, waits: waitsBefore(n) });
        // `.then(setUser)`: the setter itself is the callback.
        if (isPromiseChainCall(n)) {
          for (const a of n.arguments) if (a.type === 'Identifier' && setters.has(a.name)) out.push({ set: a, after: n, waits: [...waitsBefore(n), n] });
        }
      }
      return true;
    });
  };
  visit(effect, null, []);
  return out;
}

/**
 * The async function `name` holds in the component around `effect`, declared at its top level: `const load =
 * useCallback(async () => …, deps)`, `const load = async () => …`, `async function load() { … }`.
 */
function componentAsync(effect: FunctionNode, name: string): FunctionNode | null {
  const component = effect.parent ? enclosingFunction(effect.parent) : null;
  if (!component || component.body.type !== 'BlockStatement') return null;
  for (const stmt of component.body.body) {
    if (stmt.type === 'FunctionDeclaration' && stmt.id?.name === name) return stmt.async ? stmt : null;
    if (stmt.type !== 'VariableDeclaration' || stmt.kind !== 'const') continue;
    for (const d of stmt.declarations) {
      if (d.id.type !== 'Identifier' || d.id.name !== name || !d.init) continue;
      let init = unwrap(d.init);
      if (init.type === 'CallExpression' && hookName(init) === 'useCallback' && init.arguments[0]) init = unwrap(init.arguments[0]);
      return isFunction(init) && init.async ? init : null;
    }
  }
  return null;
}

/**
 * `const found = await searchMentions(query)` where `searchMentions` is an async function of the project that
 * computes its answer without waiting on anything: each run's continuation is queued as a microtask and runs
 * before React can render again and start the next run, so the runs end in the order they started and none lands
 * over a newer one. Every await and chained promise before the update must settle so.
 */
function settlesInOrder(waits: readonly Node[]): boolean {
  return waits.length > 0 && waits.every((w) => (w.type === 'AwaitExpression' ? settlesAtOnce(w.argument) : w.type === 'CallExpression' && settlesAtOnce(chainHead(w))));
}

/** `load(id)` of `load(id).then(a).catch(b)`: the promise the chain starts from. */
function chainHead(call: TSESTree.CallExpression): Node {
  let head: Node = call;
  while (head.type === 'CallExpression' && isPromiseChainCall(head)) {
    const callee = unwrap(head.callee);
    if (callee.type !== 'MemberExpression') break;
    head = unwrap(callee.object);
  }
  return head;
}

/**
 * `a` and `b` sit in the two branches of one `if` or `? :`, or `a` in a branch that leaves the function before `b`
 * (`if (!current) { await dispose(thing); return; } setThing(thing)`): no run reaches both.
 */
function exclusive(a: Node, b: Node): boolean {
  const above = new Set<Node>();
  for (let p: Node | undefined = a; p; p = p.parent) above.add(p);
  let child: Node = b;
  for (let p = b.parent; p; child = p, p = p.parent) {
    if (!above.has(p)) continue;
    if (p.type !== 'IfStatement' && p.type !== 'ConditionalExpression') return leftBefore(a, p);
    const branchOf = (n: Node): 'then' | 'else' | null => {
      for (let q: Node | undefined = n; q && q !== p; q = q.parent) {
        if (q === p.consequent) return 'then';
        if (q === p.alternate) return 'else';
      }
      return null;
    };
    const sideA = branchOf(a);
    const sideB = child === p.consequent ? 'then' : child === p.alternate ? 'else' : null;
    return sideA !== null && sideB !== null && sideA !== sideB;
  }
  return false;
}

/** Below `top`, `a` is in a branch of an `if` that ends by returning or throwing. */
function leftBefore(a: Node, top: Node): boolean {
  for (let child: Node = a, p = a.parent; p && p !== top; child = p, p = p.parent) {
    if (p.type === 'IfStatement' && (child === p.consequent || child === p.alternate) && exits(child)) return true;
  }
  return false;
}

/**
 * What the effect's cleanup tells a stale run: a local flag it sets (`ignore = true`, `active = false`) that a
 * condition around the set reads, or a controller it aborts whose signal the awaited work takes (then the await
 * throws instead of the set running). Also quiet: a functional update (`setItems((xs) => …)`), whose result does
 * not depend on which response came last in the same way.
 */
function cleanupGuards(effect: FunctionNode): { checked(set: LateSet, after: Node): boolean } {
  const flags = new Set<string>();
  let aborts = false;
  if (effect.body.type === 'BlockStatement') {
    // Each branch may return its own cleanup (`if (typeof q === 'string') { …; return () => { cancelled = true } }
    // else { …; return () => { cancelled = true } }`).
    const returns: TSESTree.ReturnStatement[] = [];
    forEachNode(effect.body, (n) => {
      if (isFunction(n)) return false;
      if (n.type === 'ReturnStatement') returns.push(n);
      return true;
    });
    for (const stmt of returns) {
      if (!stmt.argument) continue;
      const cleanup = unwrap(stmt.argument);
      forEachNode(cleanup, (n) => {
        // `ignore = true`, `latest.current = null`, `generation.current++`, or a ref handed to a helper that
        // does it (`invalidateRequest(generationRef)`): what a check of the same name then tells apart.
        const target = n.type === 'AssignmentExpression' ? n.left : n.type === 'UpdateExpression' ? n.argument : null;
        // `flag`, `ref.current`, `state.gen.value`: the name the place hangs from.
        const root = target ? memberRoot(target) : null;
        if (root?.type === 'Identifier') flags.add(root.name);
        if (n.type === 'CallExpression') for (const a of n.arguments) if (a.type === 'Identifier') flags.add(a.name);
        return true;
      });
      if (callsAbort(cleanup)) aborts = true;
    }
  }
  return {
    checked(set, after) {
      const arg = set.type === 'CallExpression' && set.arguments[0] ? unwrap(set.arguments[0]) : null;
      if (arg && isFunction(arg)) return true;
      // The request takes the signal the cleanup aborts: the awaits after it reject too (a fetch's body stream is aborted with it).
      if (aborts && (mentionsSignal(after) || madeWithSignal(after) || abortableBefore(set))) return true;
      const seen = set.range[0] < effect.range[0] || set.range[1] > effect.range[1] ? flagsThroughParams(effect, set, flags) : flags;
      const guards = (test: Node): boolean => readsAny(test, seen) || staleTest(test);
      for (let p: Node | undefined = set.parent; p && p !== effect; p = p.parent) {
        const test = p.type === 'IfStatement' || p.type === 'ConditionalExpression' ? p.test : p.type === 'LogicalExpression' ? p.left : null;
        if (test && guards(test)) return true;
      }
      // `if (ignore) return;` before the set, after the last await.
      return earlyExit(set, after, guards);
    },
  };
}

/**
 * For a set in a loader the effect calls (`loadData(false, () => cancelled)`): the loader's parameters that the
 * effect fills with something reading a cleanup flag, so `if (isCancelled?.()) return` checks the flag.
 */
function flagsThroughParams(effect: FunctionNode, set: Node, flags: ReadonlySet<string>): ReadonlySet<string> {
  const loader = enclosingFunction(set);
  let holder: Node | undefined = loader?.parent;
  if (holder?.type === 'CallExpression') holder = holder.parent; // useCallback(async (…) => …, deps)
  const name = loader?.type === 'FunctionDeclaration' ? loader.id?.name : holder?.type === 'VariableDeclarator' && holder.id.type === 'Identifier' ? holder.id.name : undefined;
  if (!loader || !name) return flags;
  const names = new Set(flags);
  forEachNode(effect.body, (n) => {
    if (n.type !== 'CallExpression') return true;
    const callee = unwrap(n.callee);
    if (callee.type !== 'Identifier' || callee.name !== name) return true;
    loader.params.forEach((param, i) => {
      const arg = n.arguments[i];
      if (param.type === 'Identifier' && arg && readsAny(arg, flags)) names.add(param.name);
    });
    return true;
  });
  return names;
}

/**
 * `const sub = new Subscription(url, { signal }); await sub.subscribe()`: the awaited call is a method of an
 * object made with the signal, so aborting it rejects what the object does.
 */
function madeWithSignal(after: Node): boolean {
  const awaited = after.type === 'AwaitExpression' ? unwrap(after.argument) : null;
  const callee = awaited?.type === 'CallExpression' ? unwrap(awaited.callee) : null;
  const object = callee?.type === 'MemberExpression' ? unwrap(callee.object) : null;
  const init = object?.type === 'Identifier' ? constInit(object) : null;
  return init !== null && mentionsSignal(init);
}

/** An await before `set`, in its function, whose work takes a signal. */
function abortableBefore(set: Node): boolean {
  const fn = enclosingFunction(set);
  if (!fn) return false;
  let found = false;
  forEachNode(fn.body, (n) => {
    if (found || isFunction(n) || n.range[0] >= set.range[0]) return false;
    if (n.type === 'AwaitExpression' && mentionsSignal(n)) found = true;
    return !found;
  });
  return found;
}

function readsAny(test: Node, names: ReadonlySet<string>): boolean {
  let found = false;
  forEachNode(test, (n) => {
    if (n.type === 'Identifier' && names.has(n.name)) found = true;
    return !found;
  });
  return found;
}

/**
 * A test that asks whether this run is still the current one without a cleanup flag: the latest request kept in a
 * ref (`if (id === latest.current)`), or a signal (`if (!controller.signal.aborted)`).
 */
function staleTest(test: Node): boolean {
  let found = false;
  forEachNode(test, (n) => {
    if (n.type === 'MemberExpression' && memberName(n) === 'aborted') found = true;
    // A ref compared with this run's value; a bare `mounted.current` only says the component is still there.
    if (n.type === 'BinaryExpression' && ['===', '!==', '==', '!='].includes(n.operator) && [n.left, n.right].some((side) => side.type === 'MemberExpression' && memberName(side) === 'current')) found = true;
    return !found;
  });
  return found;
}

function earlyExit(set: Node, after: Node, guards: (test: Node) => boolean): boolean {
  const fn = enclosingFunction(set);
  if (!fn) return false;
  let found = false;
  forEachNode(fn.body, (n) => {
    if (found || isFunction(n)) return false;
    if (n.type === 'IfStatement' && n.range[0] > after.range[0] && n.range[1] <= set.range[0] && guards(n.test)) {
      const leaves = (x: Node): boolean => x.type === 'ReturnStatement' || x.type === 'ThrowStatement' || x.type === 'BreakStatement' || x.type === 'ContinueStatement';
      const exits = (b: Node | null | undefined): boolean => !!b && (leaves(b) || (b.type === 'BlockStatement' && b.body.some(leaves)));
      if (exits(n.consequent)) found = true;
    }
    return !found;
  });
  return found;
}

function report(set: LateSet, after: Node, deps: TSESTree.ArrayExpression | null, others: number): RuleReport {
  const setter = set.type === 'Identifier' ? set.name : (unwrap(set.callee) as TSESTree.Identifier).name;
  const depNames = deps ? deps.elements.filter((e): e is TSESTree.Identifier => e?.type === 'Identifier').map((e) => '`' + e.name + '`') : [];
  const when = deps ? `a dependency${depNames.length > 0 ? ` (${depNames.join(', ')})` : ''} changes` : 'the component renders again';
  const waits = after.type === 'AwaitExpression' ? `the await on line ${line(after)}` : `the promise chained on line ${line(after)}`;
  const also = others > 0 ? ` (and ${others} more state update${others > 1 ? 's' : ''} after it)` : '';
  return {
    anchor: set,
    message: `\`${setter}(…)\`${also} runs after ${waits}, and the effect has no cleanup that ignores or aborts a stale run: if ${when} while the work is pending, the effect runs again and a slow result for the old value can arrive last and overwrite the new state; set an \`ignore\` flag in the effect's cleanup and check it before \`${setter}\` (or abort the request)`,
    location: setter,
    related: [{ anchor: after, message: 'the effect waits here; the component can re-render with new dependencies meanwhile' }],
    interleaving: {
      actors: [
        { id: 'run 1', label: 'run 1 (old dependencies)' },
        { id: 'run 2', label: 'run 2 (new dependencies)' },
      ],
      steps: [
        { actor: 0, anchor: after, text: 'starts its work and waits (slow)' },
        { actor: 1, anchor: after, text: `runs when ${when}, while run 1 is pending, and waits (fast)` },
        { actor: 1, anchor: set, text: `calls \`${setter}\` with the new result` },
        { actor: 0, anchor: set, text: `resumes and calls \`${setter}\` with the old result` },
      ],
      outcome: `the state shows the result for the old dependencies, not the current ones`,
    },
  };
}
