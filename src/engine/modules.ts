import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { isFunction, propertyKey, unwrap } from './ast.js';
import type { FunctionNode } from './scope.js';

/**
 * What a module declares at its top level, by name, as another module (or a call in this one) reaches it:
 * its functions, its classes, what it imports and what it exports. Syntactic, so it can be built for a
 * module that is only consulted, never analysed.
 */
export interface ModuleTable {
  /** `function f`, `const f = () => …`, `const f = function …`, at the top level. */
  functions: ReadonlyMap<string, FunctionNode>;
  classes: ReadonlyMap<string, TSESTree.ClassDeclaration>;
  /** `type Region = 'eu' | 'us'`, `enum Level { … }`: type names a declared type can refer to. */
  types: ReadonlyMap<string, TSESTree.TSTypeAliasDeclaration | TSESTree.TSEnumDeclaration>;
  /** Top-level variables that hold anything but a function (`let initPromise`, `const cache = {}`). */
  variables: ReadonlySet<string>;
  /** What each top-level `const` was given (`const mutex = makeMutex()`). */
  constInits: ReadonlyMap<string, TSESTree.Expression>;
  /** Local name -> where it comes from: `import { a as b } from './m'` gives b -> { from: './m', name: 'a' }. */
  imports: ReadonlyMap<string, Imported>;
  /**
   * `import type { Channel } from './channel'`, `import { type Channel }`: names only a type annotation can use.
   * Kept apart so no call resolves through them; a declared type (`bot: Bot`) does.
   */
  typeImports: ReadonlyMap<string, Imported>;
  /** Exported name -> the local name it exports (`default` for a default export of a named declaration). */
  exports: ReadonlyMap<string, string>;
  /** `export { x } from './y'` and `export * from './y'`: names passed on from another module. */
  reexports: readonly { from: string; name: string | '*'; as: string }[];
  /** The body of an anonymous `export default function () {}`. */
  defaultFunction?: FunctionNode;
}

export interface Imported {
  from: string;
  /** The name the other module exports; `default`, or `*` for a namespace import. */
  name: string;
  /** `require(…)`: a whole module's `module.exports`, called (`default`) or read for its members. */
  commonJs?: true;
}

const cache = new WeakMap<TSESTree.Program, ModuleTable>();

export function moduleTable(program: TSESTree.Program): ModuleTable {
  let table = cache.get(program);
  if (table) return table;
  const functions = new Map<string, FunctionNode>();
  const classes = new Map<string, TSESTree.ClassDeclaration>();
  const types = new Map<string, TSESTree.TSTypeAliasDeclaration | TSESTree.TSEnumDeclaration>();
  const variables = new Set<string>();
  const constInits = new Map<string, TSESTree.Expression>();
  const imports = new Map<string, Imported>();
  const typeImports = new Map<string, Imported>();
  const exports = new Map<string, string>();
  const reexports: { from: string; name: string; as: string }[] = [];
  let defaultFunction: FunctionNode | undefined;
  const declare = (stmt: TSESTree.Node, exported: boolean): void => {
    if (stmt.type === 'FunctionDeclaration' && stmt.id) {
      functions.set(stmt.id.name, stmt);
      if (exported) exports.set(stmt.id.name, stmt.id.name);
    } else if (stmt.type === 'ClassDeclaration' && stmt.id) {
      classes.set(stmt.id.name, stmt);
      if (exported) exports.set(stmt.id.name, stmt.id.name);
    } else if (stmt.type === 'TSTypeAliasDeclaration' || stmt.type === 'TSEnumDeclaration') {
      types.set(stmt.id.name, stmt);
      if (exported) exports.set(stmt.id.name, stmt.id.name);
    } else if (stmt.type === 'VariableDeclaration') {
      for (const d of stmt.declarations) {
        const required = d.init ? requireOf(d.init) : null;
        if (required) bindRequire(d.id, required, imports);
        if (d.id.type !== 'Identifier') continue;
        if (stmt.kind === 'const' && d.init) constInits.set(d.id.name, d.init);
        const init = d.init ? unwrap(d.init) : null;
        // Only a const keeps the function it was given.
        if (stmt.kind === 'const' && init && isFunction(init)) functions.set(d.id.name, init);
        else if (!(init && isFunction(init))) variables.add(d.id.name);
        if (exported) exports.set(d.id.name, d.id.name);
      }
    }
  };
  for (const top of program.body) {
    if (top.type === 'ImportDeclaration') {
      for (const s of top.specifiers) {
        const name = s.type === 'ImportDefaultSpecifier' ? 'default' : s.type === 'ImportNamespaceSpecifier' ? '*' : nameOf(s.imported);
        const typeOnly = top.importKind === 'type' || (s.type === 'ImportSpecifier' && s.importKind === 'type');
        (typeOnly ? typeImports : imports).set(s.local.name, { from: top.source.value, name });
      }
    } else if (top.type === 'ExportNamedDeclaration') {
      if (top.declaration) declare(top.declaration, true);
      for (const s of top.specifiers) {
        const local = nameOf(s.local);
        const as = nameOf(s.exported);
        if (top.source) reexports.push({ from: top.source.value, name: local, as });
        else exports.set(as, local);
      }
    } else if (top.type === 'ExportAllDeclaration') {
      if (!top.exported) reexports.push({ from: top.source.value, name: '*', as: '*' });
    } else if (top.type === 'ExportDefaultDeclaration') {
      const d = top.declaration;
      if ((d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id) {
        declare(d, false);
        exports.set('default', d.id.name);
      } else if (d.type === 'FunctionDeclaration' || d.type === 'ArrowFunctionExpression' || d.type === 'FunctionExpression') {
        defaultFunction = d;
      } else if (d.type === 'Identifier') {
        exports.set('default', d.name);
      }
    } else if (top.type === 'ExpressionStatement' && top.expression.type === 'AssignmentExpression') {
      // CommonJS: `module.exports = fn`, `module.exports = { a, b }`, `exports.a = a`.
      const target = commonJsExport(top.expression.left);
      const value = unwrap(top.expression.right);
      if (target === 'default' && isFunction(value)) defaultFunction = value;
      else if (target === 'default' && value.type === 'ObjectExpression') {
        for (const p of value.properties) {
          const key = p.type === 'Property' ? propertyKey(p) : null;
          const local = p.type === 'Property' ? unwrap(p.value as TSESTree.Expression) : null;
          if (key !== null && local?.type === 'Identifier') exports.set(key, local.name);
        }
      } else if (target !== null && value.type === 'Identifier') exports.set(target, value.name);
      else if (target !== null && target !== 'default' && isFunction(value) && !functions.has(target)) {
        functions.set(target, value);
        exports.set(target, target);
      }
    } else {
      declare(top, false);
    }
  }
  table = { functions, classes, types, variables, constInits, imports, typeImports, exports, reexports, ...(defaultFunction ? { defaultFunction } : {}) };
  cache.set(program, table);
  return table;
}

/** `require('./m')` -> `./m`; `require('./m').load` -> `./m` and `load`. */
function requireOf(init: TSESTree.Expression): { from: string; name: string } | null {
  let e = unwrap(init);
  let name = 'default';
  if (e.type === 'MemberExpression' && !e.computed && e.property.type === 'Identifier') {
    name = e.property.name;
    e = unwrap(e.object);
  }
  if (e.type !== 'CallExpression' || e.callee.type !== 'Identifier' || e.callee.name !== 'require') return null;
  const arg = e.arguments[0];
  return arg?.type === 'Literal' && typeof arg.value === 'string' ? { from: arg.value, name } : null;
}

function bindRequire(id: TSESTree.BindingName, required: { from: string; name: string }, imports: Map<string, Imported>): void {
  if (id.type === 'Identifier') imports.set(id.name, required.name === 'default' ? { ...required, commonJs: true } : required);
  else if (id.type === 'ObjectPattern' && required.name === 'default') {
    // `const { load, save: store } = require('./m')`
    for (const p of id.properties) {
      if (p.type !== 'Property' || p.computed || p.key.type !== 'Identifier') continue;
      const local = p.value.type === 'AssignmentPattern' ? p.value.left : p.value;
      if (local.type === 'Identifier') imports.set(local.name, { from: required.from, name: p.key.name });
    }
  }
}

/** What `module.exports = …` (`default`) or `exports.a = …` / `module.exports.a = …` (`a`) exports; else null. */
export function commonJsExport(left: TSESTree.Node): string | null {
  if (left.type !== 'MemberExpression' || left.computed || left.property.type !== 'Identifier') return null;
  const object = left.object;
  const isModuleExports = (n: TSESTree.Node): boolean =>
    n.type === 'MemberExpression' && !n.computed && n.object.type === 'Identifier' && n.object.name === 'module' && n.property.type === 'Identifier' && n.property.name === 'exports';
  if (isModuleExports(left)) return 'default';
  if ((object.type === 'Identifier' && object.name === 'exports') || isModuleExports(object)) return left.property.name;
  return null;
}

function nameOf(node: TSESTree.Identifier | TSESTree.StringLiteral): string {
  return node.type === 'Identifier' ? node.name : node.value;
}

/** The program a node belongs to. */
export function programOf(node: TSESTree.Node): TSESTree.Program | null {
  let n: TSESTree.Node | undefined = node;
  while (n && n.type !== 'Program') n = n.parent;
  return n ?? null;
}
