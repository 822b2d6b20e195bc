import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { unwrap, type Node } from './ast.js';

/**
 * redux-saga's effects, as a saga yields them to its runner: `select` reads the store when the runner resumes the
 * saga, `put` dispatches (writes the store) when the runner takes the effect. `takeEvery` runs a worker per
 * action, so its runs overlap; `takeLatest` cancels the run before, `takeLeading` ignores actions while one runs,
 * so a worker registered only through them never interleaves with itself.
 */
export type SagaEffect = 'select' | 'put' | 'takeEvery' | 'takeLatest' | 'takeLeading';

const EFFECT_MODULES = ['redux-saga/effects', 'typed-redux-saga', 'typed-redux-saga/macro'];
const EFFECTS = new Set<string>(['select', 'put', 'takeEvery', 'takeLatest', 'takeLeading']);

/** The store, as a path no identifier can spell; a `select(getCount)` reads `redux-store.getCount`. */
export const STORE_PATH = 'redux-store';

/** The store, or a part of it a selector picks. */
export function isStorePath(path: string): boolean {
  return path === STORE_PATH || path.startsWith(STORE_PATH + '.');
}

const effectsCache = new WeakMap<TSESTree.Program, Map<string, SagaEffect>>();

/** Local names of the effects a file imports (`import { select as s } from 'redux-saga/effects'`). */
export function sagaEffects(program: TSESTree.Program): Map<string, SagaEffect> {
  let found = effectsCache.get(program);
  if (found) return found;
  found = new Map();
  for (const stmt of program.body) {
    if (stmt.type !== 'ImportDeclaration' || !EFFECT_MODULES.includes(stmt.source.value)) continue;
    for (const spec of stmt.specifiers) {
      if (spec.type !== 'ImportSpecifier' || spec.imported.type !== 'Identifier' || !EFFECTS.has(spec.imported.name)) continue;
      found.set(spec.local.name, spec.imported.name as SagaEffect);
    }
  }
  effectsCache.set(program, found);
  return found;
}

/** The effect a yielded expression makes, if it is one (`select(getCount)`, `put(inc())`). */
export function effectOf(node: Node | null | undefined, program: TSESTree.Program): { effect: SagaEffect; call: TSESTree.CallExpression } | null {
  const call = node ? unwrap(node) : null;
  if (call?.type !== 'CallExpression') return null;
  const callee = unwrap(call.callee);
  const effect = callee.type === 'Identifier' ? sagaEffects(program).get(callee.name) : undefined;
  return effect ? { effect, call } : null;
}

/**
 * Names of the workers a file registers with `takeLatest` or `takeLeading` and not with `takeEvery`: each runs
 * alone, whatever the actions.
 */
export function workersRunAlone(program: TSESTree.Program, calls: readonly TSESTree.CallExpression[]): Set<string> {
  const effects = sagaEffects(program);
  const alone = new Set<string>();
  const overlapping = new Set<string>();
  if (effects.size === 0) return alone;
  for (const call of calls) {
    const callee = unwrap(call.callee);
    const effect = callee.type === 'Identifier' ? effects.get(callee.name) : undefined;
    if (effect !== 'takeEvery' && effect !== 'takeLatest' && effect !== 'takeLeading') continue;
    const worker = call.arguments[1] ? unwrap(call.arguments[1] as Node) : null;
    if (worker?.type !== 'Identifier') continue;
    (effect === 'takeEvery' ? overlapping : alone).add(worker.name);
  }
  for (const name of overlapping) alone.delete(name);
  return alone;
}
