import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { FunctionNode } from './scope.js';

type Node = TSESTree.Node;

/**
 * Names the function a finding sits in as a dotted path of the enclosing classes and functions
 * (`Account.deposit`, `handler.(anonymous)`), or undefined at module level.
 *
 * Baselines and SARIF logical locations key on this instead of a line number, so an edit elsewhere
 * in the file does not make an old finding look new.
 *
 * Built once per file: a file can have tens of thousands of findings and as many functions, so each
 * lookup is a binary search plus a walk up the nesting, and each function is named once.
 */
export class EnclosingContexts {
  /** Sorted by start; ties keep the index's order. */
  private readonly byStart: FunctionNode[];
  private readonly names = new Map<FunctionNode, string>();
  private readonly outer = new Map<FunctionNode, FunctionNode | undefined>();

  constructor(
    functions: readonly FunctionNode[],
    private readonly text: string,
  ) {
    this.byStart = [...functions].sort((a, b) => a.range[0] - b.range[0]);
  }

  at(offset: number): string | undefined {
    const fn = this.innermost(offset);
    if (!fn) return undefined;
    let name = this.names.get(fn);
    if (name === undefined) this.names.set(fn, (name = contextName(fn, this.text)));
    return name;
  }

  /** The outermost function around `offset` (a top-level function, or a class's method), as [start, end) offsets. */
  outermost(offset: number): [number, number] | undefined {
    let fn = this.innermost(offset);
    for (let up = fn && this.enclosing(fn); up; up = this.enclosing(up)) fn = up;
    return fn ? [fn.range[0], fn.range[1]] : undefined;
  }

  /**
   * Functions nest, so the innermost one around `offset` is the last to start at or before it, or, when that one
   * ends before `offset`, the nearest of its enclosing functions that still reaches it.
   */
  private innermost(offset: number): FunctionNode | undefined {
    let fn = this.lastStartingAtOrBefore(offset);
    while (fn && offset >= fn.range[1]) fn = this.enclosing(fn);
    return fn;
  }

  private lastStartingAtOrBefore(offset: number): FunctionNode | undefined {
    let lo = 0;
    let hi = this.byStart.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.byStart[mid]!.range[0] <= offset) lo = mid + 1;
      else hi = mid;
    }
    return this.byStart[lo - 1];
  }

  private enclosing(fn: FunctionNode): FunctionNode | undefined {
    if (this.outer.has(fn)) return this.outer.get(fn);
    let node: Node | undefined = fn.parent;
    while (node && !isFunctionNode(node)) node = node.parent;
    this.outer.set(fn, node);
    return node;
  }
}

function isFunctionNode(node: Node): node is FunctionNode {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

function contextName(innermost: FunctionNode, text: string): string {
  const names: string[] = [];
  for (let node: Node | undefined = innermost; node; node = node.parent) {
    if (isFunctionNode(node)) {
      // A method's or property's function is named by its key, visited next.
      if (node.parent?.type === 'MethodDefinition' || node.parent?.type === 'Property' || node.parent?.type === 'PropertyDefinition') continue;
      names.push(functionName(node, text));
    } else if (node.type === 'MethodDefinition' || node.type === 'PropertyDefinition' || node.type === 'Property') {
      names.push(keyName(node.key, node.computed, text));
    } else if (node.type === 'ClassDeclaration' || node.type === 'ClassExpression') {
      names.push(node.id?.name ?? bindingName(node.parent, text) ?? '(anonymous class)');
    }
  }
  return names.reverse().join('.');
}

function functionName(fn: FunctionNode, text: string): string {
  if (fn.type !== 'ArrowFunctionExpression' && fn.id) return fn.id.name;
  return bindingName(fn.parent, text) ?? '(anonymous)';
}

/** `const f = …`, `x.y = …`: the name a function or class expression is bound to. */
function bindingName(parent: Node | undefined, text: string): string | undefined {
  if (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
  if (parent?.type === 'AssignmentExpression') return text.slice(parent.left.range[0], parent.left.range[1]);
  return undefined;
}

function keyName(key: Node, computed: boolean, text: string): string {
  if (!computed && key.type === 'Identifier') return key.name;
  if (key.type === 'PrivateIdentifier') return `#${key.name}`;
  if (key.type === 'Literal') return String(key.value);
  return `[${text.slice(key.range[0], key.range[1])}]`;
}
