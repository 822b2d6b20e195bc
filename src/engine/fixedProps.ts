import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { forEachNode, memberName, unwrap, type Node } from './ast.js';
import { inLibrary, modulesMentioning, shadowed } from './callees.js';
import { receiverText } from './locks.js';
import { moduleTable, programOf } from './modules.js';
import { importableFromOutside } from './publicSurface.js';
import type { Program } from './parse.js';
import type { FunctionNode } from './scope.js';

/*
 * `function TimeDisplay({ offset }) { useEffect(() => { load(offset).then(setTime) }, [offset]) }`, rendered only
 * as `<TimeDisplay offset="-5:00" />`: every place the project renders the component gives the prop the same
 * literal (or leaves it out), so it never changes while the component is mounted, and an effect that depends on
 * it never runs again with a new value. An application's components are rendered only by the application; what a
 * library exports, by its users too, with any value (unless its entry points keep it to the library: see
 * `importableFromOutside`).
 */

/** How many modules naming the component are looked at before giving up. */
const MAX_MODULES = 40;

/**
 * Is `prop` (a property of `component`'s first parameter, destructured) given a literal, or nothing, at every
 * place the project renders `component`, and rendered at least once? With `path` (`.id`), is that part of it?
 */
export function propFixedWhereRendered(component: FunctionNode, prop: string, path = ''): boolean {
  const name = componentName(component);
  const program = programOf(component);
  if (name === null || !program || (inLibrary(program) && [...moduleTable(program).exports.values()].includes(name) && importableFromOutside(program, name))) return false;
  const modules = modulesMentioning(program, name);
  if (!modules || modules.length > MAX_MODULES) return false;
  let rendered = 0;
  for (const module of modules) {
    let open = false;
    forEachNode(module, (n) => {
      if (open) return false;
      if (n.type !== 'Identifier' && n.type !== 'JSXIdentifier') return true;
      if (n.name !== name) return true;
      const use = useOf(n, prop, path);
      if (use === 'open') open = true;
      else if (use === 'rendered') rendered++;
      return !open;
    });
    if (open) return false;
  }
  return rendered > 0;
}

/** `function TimeDisplay(…)`, `const TimeDisplay = (…) => …`: a component's name, capitalised as JSX needs. */
function componentName(fn: FunctionNode): string | null {
  const declarator = fn.parent;
  const id = fn.type === 'FunctionDeclaration' ? fn.id : declarator?.type === 'VariableDeclarator' && declarator.init === fn && declarator.id.type === 'Identifier' ? declarator.id : null;
  return id && /^[A-Z]/.test(id.name) ? id.name : null;
}

/** What one mention of the component's name does: renders it with the prop fixed, declares or imports it, or anything else. */
function useOf(n: TSESTree.Identifier | TSESTree.JSXIdentifier, prop: string, path: string): 'rendered' | 'none' | 'open' {
  const at = n.parent;
  if (!at) return 'open';
  if (n.type === 'JSXIdentifier') {
    if (at.type === 'JSXClosingElement') return 'none';
    if (at.type !== 'JSXOpeningElement' || at.name !== n) return 'open';
    const program = programOf(at);
    const key = at.attributes.find((a): a is TSESTree.JSXAttribute => a.type === 'JSXAttribute' && a.name.type === 'JSXIdentifier' && a.name.name === 'key');
    return program && at.attributes.every((a) => fixedAttribute(a, prop, program, key, path)) ? 'rendered' : 'open';
  }
  if ((at.type === 'FunctionDeclaration' || at.type === 'VariableDeclarator') && at.id === n) return 'none';
  if (at.type === 'ImportSpecifier' || at.type === 'ImportDefaultSpecifier' || at.type === 'ExportSpecifier') return 'none';
  if (at.type === 'ExportDefaultDeclaration') return 'none';
  return 'open';
}

/**
 * The prop is left out, or given the same value on every render of that element: a literal; a module's constant
 * or import (`api={API_URL}`); a build-time setting (`import.meta.env.VITE_ISSUER`, `process.env.X`); or the
 * value the element is keyed by (`<Reaction key={r.emoji} emoji={r.emoji} />`), since a new key mounts a new
 * component rather than changing this one's prop.
 */
function fixedAttribute(a: TSESTree.JSXAttribute | TSESTree.JSXSpreadAttribute, prop: string, program: Program, key: TSESTree.JSXAttribute | undefined, path: string): boolean {
  if (a.type === 'JSXSpreadAttribute') return false;
  if (a.name.type !== 'JSXIdentifier' || a.name.name !== prop) return true;
  const value: Node | null = a.value;
  if (value === null || value.type === 'Literal') return true;
  if (value.type !== 'JSXExpressionContainer' || value.expression.type === 'JSXEmptyExpression') return false;
  const e = unwrap(value.expression);
  if (e.type === 'Literal' || buildSetting(e)) return true;
  if (e.type === 'Identifier' && !shadowed(e)) {
    const table = moduleTable(program);
    if (table.constInits.has(e.name) || table.imports.has(e.name)) return true;
  }
  const keyValue = key?.value?.type === 'JSXExpressionContainer' && key.value.expression.type !== 'JSXEmptyExpression' ? unwrap(key.value.expression) : null;
  const keyText = keyValue ? receiverText(keyValue) : null;
  const given = receiverText(e);
  // `<WebhookInspector key={w.id} webhook={w} />` for a dependency on `webhook.id`: the part the key names.
  return keyText !== null && given !== null && keyText === given + path;
}

/** `import.meta.env.VITE_ISSUER`, `process.env.ISSUER`: fixed when the code is built or started. */
function buildSetting(e: Node): boolean {
  if (e.type !== 'MemberExpression') return false;
  const env = unwrap(e.object);
  if (env.type !== 'MemberExpression' || memberName(env) !== 'env') return false;
  const root = unwrap(env.object);
  return root.type === 'MetaProperty' || (root.type === 'Identifier' && root.name === 'process');
}

