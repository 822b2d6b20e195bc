import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { containsAwait, enclosingFunction, forEachNode, indexTree, isFunction, unwrap, type NodeIndex } from './ast.js';
import type { AwaitguardConfig } from './config.js';
import { walkFunction, type FlowObserver } from './flow/index.js';
import { promiseContinuations } from './flow/expressions.js';
import { bindProgram, type ProjectHost } from './callees.js';
import { callbackLock, LockTable } from './locks.js';
import { runsDuringCall } from './locations.js';
import { workersRunAlone } from './sagas.js';
import { ScopeInfo, type FunctionNode } from './scope.js';

/** Everything the rules look at for one file, computed once. */
export interface FileModel {
  ast: TSESTree.Program;
  text: string;
  fileName: string;
  /** Built on first use. */
  readonly scope: ScopeInfo;
  locks: LockTable;
  /** Every function, await, call and `new` in the file. */
  index: NodeIndex;
  /** Functions that contain an await point of their own (not counting nested functions). */
  asyncFunctions: FunctionNode[];
  /** Shared path -> keys of the locks held somewhere it is written (for a fix to reuse). */
  guardedBy: ReadonlyMap<string, ReadonlySet<string>>;
}

/** A callback of `p.then(…)`/`.catch(…)`/`.finally(…)`: walked inline, after a yield, by the function that chains it. */
function isContinuation(fn: FunctionNode): boolean {
  const call = fn.parent;
  return call?.type === 'CallExpression' && promiseContinuations(call).includes(fn);
}

/** Builds the model of a file; `observers` (the flow rules') hear the walk of each of its async functions. */
export function buildModel(
  ast: TSESTree.Program,
  text: string,
  fileName: string,
  config: AwaitguardConfig,
  observers: readonly FlowObserver[] = [],
  project?: ProjectHost,
): FileModel {
  const index = indexTree(ast);
  bindProgram(ast, fileName, project);
  // Scope analysis is the costliest step after parsing; files without async code never need it.
  let scopeInfo: ScopeInfo | undefined;
  const scope = (): ScopeInfo => (scopeInfo ??= ScopeInfo.build(ast, isModuleFile(ast, fileName)));
  // Locks are made by `new` (`new Mutex()`) and by factory calls (`pLimit(8)`).
  const locks = new LockTable(ast, [...index.news, ...index.calls], config.lockClasses);
  // Lock callbacks are walked inline by the function that hands them to the lock (see flow/expressions.ts),
  // so that function is analysed even when it has no await of its own.
  const inlined = new Set<FunctionNode>();
  for (const fn of index.functions) {
    if ((callbackLock(fn, locks) || isContinuation(fn) || runsDuringCall(fn)) && enclosingFunction(fn)) inlined.add(fn);
  }
  const hostsInlined = new Set<FunctionNode>();
  for (const cb of inlined) {
    let host = enclosingFunction(cb);
    while (host && inlined.has(host)) host = enclosingFunction(host);
    if (host) hostsInlined.add(host);
  }
  // A saga worker that takeLatest or takeLeading runs never interleaves with itself: its yields are not walked.
  const alone = workersRunAlone(ast, index.calls);
  const suspending = new Set(config.generatorsSuspend === false ? [] : index.functions.filter((fn) => suspendsAtYield(fn) && !alone.has(workerName(fn) ?? '')));
  const asyncFunctions = index.functions
    .filter((fn) => !inlined.has(fn) && (hostsInlined.has(fn) || suspending.has(fn) || (fn.async && (containsAwait(fn.body) || returnsMethodCall(fn)))))
    .sort((a, b) => a.range[0] - b.range[0]);
  const guardedBy = new Map<string, Set<string>>();
  const locksAtWrites: FlowObserver = {
    write(w) {
      for (const key of w.holds.keys()) {
        let keys = guardedBy.get(w.path);
        if (!keys) guardedBy.set(w.path, (keys = new Set()));
        keys.add(key);
      }
    },
  };
  // Without a flow rule to hear it (a test file, where only the rules that read the model can report anything
  // shown), the walk has no one to tell; `guardedBy` serves the fixes of flow rules' findings only.
  if (observers.length > 0) for (const fn of asyncFunctions) walkFunction(fn, scope(), locks, [locksAtWrites, ...observers], suspending);
  return {
    ast,
    text,
    fileName,
    get scope() {
      return scope();
    },
    locks,
    index,
    asyncFunctions,
    guardedBy,
  };
}

/**
 * The name a saga registers a generator under: `function* handleOpen()`, or the variable it is stored in
 * (`const handleOpen = function* () { … }`, a common style in React Native apps).
 */
function workerName(fn: FunctionNode): string | null {
  if (fn.type === 'ArrowFunctionExpression') return null;
  if (fn.id) return fn.id.name;
  const owner = fn.parent;
  return owner?.type === 'VariableDeclarator' && owner.init === fn && owner.id.type === 'Identifier' ? owner.id.name : null;
}

/**
 * Does a generator give up control at its `yield`s, as an async function does at an `await`? An async
 * generator always does: its consumer resumes it when it chooses, and other code runs meanwhile. A plain
 * generator does when it yields work to a runner (`yield call(api.fetch, id)` under redux-saga, `yield db.get(k)`
 * under co, `yield* other()`): a yield of a call, a `new`, an await or a delegation. One that yields only values
 * (`yield item`) is taken for an iterator, whose caller resumes it synchronously. `generatorsSuspend: false` in
 * the configuration turns this off.
 */
function suspendsAtYield(fn: FunctionNode): boolean {
  if (!fn.generator) return false;
  let found = false;
  forEachNode(fn.body, (n) => {
    if (found || (n !== fn.body && isFunction(n))) return false;
    if (n.type === 'YieldExpression') {
      const arg = n.argument ? unwrap(n.argument) : null;
      found = fn.async || n.delegate || arg?.type === 'CallExpression' || arg?.type === 'NewExpression' || arg?.type === 'AwaitExpression';
    }
    return !found;
  });
  return found;
}

/** `async get() { if (this.token) return this.token; return this.refresh(); }`: it waits for the method's promise. */
function returnsMethodCall(fn: FunctionNode): boolean {
  let found = false;
  forEachNode(fn.body, (n) => {
    if (found || (n !== fn.body && isFunction(n))) return false;
    if (n.type === 'ReturnStatement' && n.argument) {
      const arg = unwrap(n.argument);
      found = arg.type === 'CallExpression' && unwrap(arg.callee).type === 'MemberExpression' && unwrap((unwrap(arg.callee) as TSESTree.MemberExpression).object).type === 'ThisExpression';
    }
    return !found;
  });
  return found;
}

/** CommonJS files are scripts; everything else with import/export, or any .mjs/.mts, is a module. */
function isModuleFile(ast: TSESTree.Program, fileName: string): boolean {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.cjs') || lower.endsWith('.cts')) return false;
  if (lower.endsWith('.mjs') || lower.endsWith('.mts') || /\.[tj]sx?$/.test(lower) && /\.tsx?$/.test(lower)) return true;
  return ast.body.some(
    (s) =>
      s.type === 'ImportDeclaration' ||
      s.type === 'ExportNamedDeclaration' ||
      s.type === 'ExportDefaultDeclaration' ||
      s.type === 'ExportAllDeclaration',
  );
}
