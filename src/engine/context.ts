import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { FunctionNode } from './scope.js';

type Node = TSESTree.Node;

/**
 * Names the function a finding sits in as a dotted path of the enclosing classes and functions
 * (`Account.deposit`, `handler.(anonymous)`), or undefined at module level.
 *
 * Baselines and SARIF logical locations key on this instead of a line number, so an edit elsewhere
 * in the file does not make an old finding look new.
 */
export function enclosingContext(functions: readonly FunctionNode[], offset: number, text: string): string | undefined {
  let innermost: FunctionNode | undefined;
  for (const fn of functions) {
    if (fn.range[0] <= offset && offset < fn.range[1] && (!innermost || fn.range[0] >= innermost.range[0])) innermost = fn;
  }
  if (!innermost) return undefined;
  const names: string[] = [];
  for (let node: Node | undefined = innermost; node; node = node.parent) {
    if (node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression') {
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
