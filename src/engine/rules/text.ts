import type { Node } from '../ast.js';

export function line(node: Node): number {
  return node.loc.start.line;
}
