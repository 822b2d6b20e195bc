import { analyze as analyzeScopes, type Scope, type ScopeManager, type Variable } from '@typescript-eslint/scope-manager';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { childNodes, forEachNode, isFunction } from './ast.js';

export type FunctionNode =
  | TSESTree.FunctionDeclaration
  | TSESTree.FunctionExpression
  | TSESTree.ArrowFunctionExpression;

/** Where a name is declared, seen from a function that uses it. */
export type Binding =
  | { kind: 'module'; variable: Variable }
  | { kind: 'captured'; variable: Variable; owner: FunctionNode }
  | { kind: 'local'; variable: Variable; parameter: boolean }
  | { kind: 'global' };

/** Name resolution for one file, built once on top of scope-manager. */
export class ScopeInfo {
  private readonly resolved = new Map<TSESTree.Node, Variable | null>();
  private readonly declared = new Map<TSESTree.Node, Variable>();

  constructor(readonly manager: ScopeManager) {
    for (const scope of manager.scopes) {
      for (const ref of scope.references) this.resolved.set(ref.identifier, ref.resolved);
      for (const v of scope.variables) {
        for (const id of v.identifiers) this.declared.set(id, v);
      }
    }
  }

  static build(ast: TSESTree.Program, isModule: boolean): ScopeInfo {
    // lib: [] skips creating hundreds of TypeScript lib globals we never look at.
    return withTsEstreeArrays(ast, () => new ScopeInfo(analyzeScopes(ast, { sourceType: isModule ? 'module' : 'script', lib: [] })));
  }

  variableOf(id: TSESTree.Identifier): Variable | null {
    return this.resolved.get(id) ?? null;
  }

  /** Classifies a referenced name as seen from inside `fn`. */
  bindingOf(id: TSESTree.Identifier, fn: FunctionNode): Binding {
    const variable = this.variableOf(id);
    if (!variable) return { kind: 'global' };
    const owner = variable.scope.variableScope;
    if (owner.type === 'module' || owner.type === 'global') return { kind: 'module', variable };
    const ownerFn = functionBlock(owner);
    if (ownerFn === fn || !ownerFn) {
      return { kind: 'local', variable, parameter: variable.defs.some((d) => d.type === 'Parameter') };
    }
    return { kind: 'captured', variable, owner: ownerFn };
  }

  /** The variable a declarator's identifier declares. */
  declaredVariable(id: TSESTree.Identifier): Variable | null {
    return this.declared.get(id) ?? null;
  }
}

function functionBlock(scope: Scope): FunctionNode | null {
  const block = scope.block;
  if (
    block.type === 'FunctionDeclaration' ||
    block.type === 'FunctionExpression' ||
    block.type === 'ArrowFunctionExpression'
  ) {
    return block;
  }
  return null;
}

/**
 * scope-manager reads the TS-ESTree arrays `decorators` (classes, class members, parameters) and `implements`
 * (classes) without checking for them; plain ESTree, as ESLint's default parser espree gives it to the ESLint
 * plugin, leaves them out. Empty ones are lent for the analysis and taken back after, so a tree a host parsed
 * is left as it was given. A parser gives all nodes the same shape, so any one class or parameter tells which
 * kind of tree this is: a typescript-estree tree is walked only until the first one, and never changed.
 */
function withTsEstreeArrays<T>(ast: TSESTree.Program, run: () => T): T {
  const probe = firstDecoratable(ast);
  if (!probe || (probe as { decorators?: unknown }).decorators !== undefined) return run();
  const lent: { node: Record<string, unknown>; key: string; own: boolean }[] = [];
  const need = (node: object, key: 'decorators' | 'implements'): void => {
    const record = node as Record<string, unknown>;
    if (record[key] !== undefined) return;
    lent.push({ node: record, key, own: Object.hasOwn(record, key) });
    record[key] = [];
  };
  forEachNode(ast, (node) => {
    if (node.type === 'ClassDeclaration' || node.type === 'ClassExpression') {
      need(node, 'decorators');
      need(node, 'implements');
    } else if (node.type === 'MethodDefinition' || node.type === 'PropertyDefinition' || node.type === 'AccessorProperty') {
      need(node, 'decorators');
    } else if (isFunction(node)) {
      for (const param of node.params) need(param, 'decorators');
    }
    return undefined;
  });
  try {
    return run();
  } finally {
    for (const { node, key, own } of lent) {
      if (own) node[key] = undefined;
      else Reflect.deleteProperty(node, key);
    }
  }
}

/** A class or function parameter in the tree, if any; with none, scope-manager reads no `decorators`. */
function firstDecoratable(ast: TSESTree.Program): TSESTree.Node | undefined {
  const stack: TSESTree.Node[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === 'ClassDeclaration' || node.type === 'ClassExpression') return node;
    if (isFunction(node) && node.params[0]) return node.params[0];
    for (const child of childNodes(node)) stack.push(child);
  }
  return undefined;
}
