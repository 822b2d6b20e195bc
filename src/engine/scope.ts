import { analyze as analyzeScopes, type Scope, type ScopeManager, type Variable } from '@typescript-eslint/scope-manager';
import type { TSESTree } from '@typescript-eslint/typescript-estree';

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
    return new ScopeInfo(analyzeScopes(ast, { sourceType: isModule ? 'module' : 'script', lib: [] }));
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
