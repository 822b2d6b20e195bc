import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { containsAwait, enclosingFunction, forEachNode, isFunction, setParents } from './ast.js';
import type { AwaitguardConfig } from './config.js';
import { analyzeFunction, type FlowResult } from './flow.js';
import { callbackLock, LockTable } from './locks.js';
import { ScopeInfo, type FunctionNode } from './scope.js';

/** Everything the rules look at for one file, computed once. */
export interface FileModel {
  ast: TSESTree.Program;
  text: string;
  fileName: string;
  scope: ScopeInfo;
  locks: LockTable;
  /** Functions that contain an await point of their own (not counting nested functions). */
  asyncFunctions: FunctionNode[];
  flow: FlowResult;
}

export function buildModel(ast: TSESTree.Program, text: string, fileName: string, config: AwaitguardConfig): FileModel {
  setParents(ast);
  const scope = ScopeInfo.build(ast, isModuleFile(ast, fileName));
  const locks = new LockTable(ast, config.lockClasses);
  const asyncFunctions: FunctionNode[] = [];
  // Lock callbacks are walked inline by the function that hands them to the lock (see flow.ts),
  // so that function is analysed even when it has no await of its own.
  const inlined = new Set<FunctionNode>();
  forEachNode(ast, (node) => {
    if (isFunction(node) && callbackLock(node, locks) && enclosingFunction(node)) inlined.add(node);
  });
  const hostsInlined = new Set<FunctionNode>();
  for (const cb of inlined) {
    let host = enclosingFunction(cb);
    while (host && inlined.has(host)) host = enclosingFunction(host);
    if (host) hostsInlined.add(host);
  }
  forEachNode(ast, (node) => {
    if (!isFunction(node) || inlined.has(node)) return;
    if (containsAwait(node.body) || hostsInlined.has(node)) asyncFunctions.push(node);
  });
  const flow: FlowResult = { lostUpdates: [], checkThenActs: [], guardedBy: new Map() };
  for (const fn of asyncFunctions) analyzeFunction(fn, scope, locks, flow);
  return { ast, text, fileName, scope, locks, asyncFunctions, flow };
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
