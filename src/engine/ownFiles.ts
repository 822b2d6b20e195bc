import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeName, propertyKey, unwrap, type Node } from './ast.js';
import type { ScopeInfo } from './scope.js';

/*
 * A folder named from where the module itself lives (`path.join(__dirname, 'lua')`, `new URL('./templates/',
 * import.meta.url)`) holds files shipped with the code: its templates, its scripts, its migrations. Listing it
 * gives as many entries as the authors wrote, not a collection a user or a request makes larger. Unless the
 * folder is named for what the program stores beside itself at run time (`path.join(__dirname, '..',
 * 'uploads')`): data kept next to the code grows with use.
 */

const DATA_FOLDER = /(^|[^a-z])(uploads?|data|logs?|te?mp|cache|storage|media|backups?|public|users?|sessions?|db|inbox|queues?)([^a-z]|$)/i;
const PATH_CALLS = new Set(['join', 'resolve', 'dirname', 'normalize', 'fileURLToPath']);

/** Does the listing call (`readdir(p)`, `glob(pattern, { cwd })`) read a folder shipped with this module? */
export function listsOwnFolder(call: TSESTree.CallExpression, scope: ScopeInfo): boolean {
  const [first, second] = call.arguments;
  if (first && first.type !== 'SpreadElement' && fromOwnFolder(first, scope, 0)) return true;
  // `glob('*.sql', { cwd: path.join(__dirname, 'migrations') })`
  const options = second && second.type !== 'SpreadElement' ? unwrap(second) : null;
  if (options?.type !== 'ObjectExpression') return false;
  const cwd = options.properties.find((p) => p.type === 'Property' && propertyKey(p) === 'cwd');
  return cwd?.type === 'Property' && fromOwnFolder(cwd.value as Node, scope, 0);
}

function fromOwnFolder(node: Node, scope: ScopeInfo, depth: number): boolean {
  if (depth > 6) return false;
  const n = unwrap(node);
  switch (n.type) {
    case 'Identifier': {
      if (n.name === '__dirname') return true;
      const def = scope.variableOf(n)?.defs;
      const d = def?.length === 1 ? def[0]!.node : null;
      const isConst = d?.type === 'VariableDeclarator' && d.parent?.type === 'VariableDeclaration' && d.parent.kind === 'const';
      return isConst && d.init !== null && fromOwnFolder(d.init, scope, depth + 1);
    }
    case 'MemberExpression':
      // `import.meta.dirname`, `import.meta.url`
      return n.object.type === 'MetaProperty';
    case 'TemplateLiteral':
      return n.expressions.length > 0 && n.quasis[0]!.value.cooked === '' && fromOwnFolder(n.expressions[0]!, scope, depth + 1) && !namesData(n.quasis.map((q) => q.value.cooked ?? ''));
    case 'NewExpression': {
      // `new URL('./templates/', import.meta.url)`
      const [rel, base] = n.arguments;
      return n.callee.type === 'Identifier' && n.callee.name === 'URL' && !!rel && !!base && base.type !== 'SpreadElement' && fromOwnFolder(base, scope, depth + 1) && !namesData(literals([rel]));
    }
    case 'CallExpression': {
      const [head, ...rest] = n.arguments;
      const name = calleeName(n) ?? '';
      if (!PATH_CALLS.has(name) || !head || head.type === 'SpreadElement') return false;
      // `path.resolve(__dirname, dir)` is `dir` itself when `dir` is absolute: only literal parts stay inside.
      if (name === 'resolve' && rest.some((a) => literals([a]).length === 0)) return false;
      return fromOwnFolder(head, scope, depth + 1) && !namesData(literals(rest));
    }
    default:
      return false;
  }
}

function literals(args: readonly (TSESTree.CallExpressionArgument | Node)[]): string[] {
  const out: string[] = [];
  for (const a of args) {
    const v = unwrap(a as Node);
    if (v.type === 'Literal' && typeof v.value === 'string') out.push(v.value);
    else if (v.type === 'TemplateLiteral') out.push(...v.quasis.map((q) => q.value.cooked ?? ''));
  }
  return out;
}

function namesData(parts: string[]): boolean {
  return parts.some((p) => DATA_FOLDER.test(p));
}
