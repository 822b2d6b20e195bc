import { fileOf, importedProgram, publicEntriesOf } from './callees.js';
import { moduleTable } from './modules.js';
import type { Program } from './parse.js';

/*
 * A library's users make what it exports, and call it as they like: an analysis that reads how the project itself
 * makes or calls a declaration learns nothing about them. But a package with an `exports` map lets them import
 * only its entry points (and the folders a subpath pattern opens): a class of an internal module that no entry
 * passes on (`export { Runner } from './runner'`, `export * from './core'`) is made only where the project makes
 * it, like an application's. Followed from the entries through the modules they re-export, by name.
 */

/** Exported names of a module that outside code can import: some, or every one. */
type Names = Set<string> | 'all';

const surfaces = new WeakMap<Program, Map<string, Names> | null>();

/** Can code outside the project import `name`, which `program` exports under that name? Yes when it cannot be told. */
export function importableFromOutside(program: Program, name: string): boolean {
  const file = fileOf(program);
  const entries = publicEntriesOf(program);
  if (!entries || file === null) return true;
  if (entries.folders.some((folder) => file.startsWith(folder))) return true;
  const first = entries.modules[0];
  if (!first) return false;
  let reached = surfaces.get(first);
  if (reached === undefined) {
    reached = walk(entries.modules);
    surfaces.set(first, reached);
  }
  if (reached === null) return true;
  const names = reached.get(file);
  return names !== undefined && (names === 'all' || names.has(name) || [...exportedAs(program, name)].some((as) => names.has(as)));
}

/** The names `program` exports its top-level `local` under (`export { Runner as QueryRunner }`). */
function exportedAs(program: Program, local: string): Set<string> {
  const out = new Set<string>();
  for (const [as, l] of moduleTable(program).exports) if (l === local) out.add(as);
  return out;
}

/** How many modules the walk from the entries reads before it gives up (and counts everything importable). */
const MAX_MODULES = 2000;

/**
 * Each module the entries pass names on from, with the names passed: every exported name of an entry, and of a
 * module an entry re-exports whole (`export * from`), the names a selective re-export or an import-then-export
 * names. Null when a module passes on what this cannot follow (CommonJS exports, a module outside the project).
 */
function walk(entries: readonly Program[]): Map<string, Names> | null {
  const reached = new Map<string, Names>();
  const queue: [Program, Names][] = entries.map((m) => [m, 'all']);
  let read = 0;
  while (queue.length > 0) {
    const [module, names] = queue.shift()!;
    const file = fileOf(module);
    if (file === null || ++read > MAX_MODULES) return null;
    const before = reached.get(file);
    const added = merge(before, names);
    if (added === null) continue;
    reached.set(file, added.all);
    if (assignsCommonJsExports(module)) return null;
    const table = moduleTable(module);
    const passes = (as: string): boolean => added.fresh === 'all' || added.fresh.has(as);
    for (const r of table.reexports) {
      if (r.name !== '*' && !passes(r.as)) continue;
      const target = importedProgram(module, r.from);
      if (!target) continue; // a package's own: outside the project
      queue.push([target, r.name === '*' ? added.fresh : new Set([r.name])]);
    }
    for (const stmt of module.body) {
      // `export * as ns from './m'`: everything `m` exports, once `ns` is.
      if (stmt.type === 'ExportAllDeclaration' && stmt.exported && passes(stmt.exported.name)) {
        const target = importedProgram(module, stmt.source.value);
        if (target) queue.push([target, 'all']);
      }
    }
    // `import { Runner } from './runner'; export { Runner }`, `export default Runner`.
    for (const [as, local] of table.exports) {
      if (!passes(as)) continue;
      const imported = table.imports.get(local) ?? table.typeImports.get(local);
      const target = imported ? importedProgram(module, imported.from) : null;
      if (imported && target) queue.push([target, imported.name === '*' ? 'all' : new Set([imported.name])]);
    }
  }
  return reached;
}

/** Adds `names` to what a module had: the union, and what is new in it (null when nothing is). */
function merge(before: Names | undefined, names: Names): { all: Names; fresh: Names } | null {
  if (before === 'all') return null;
  if (names === 'all') return { all: 'all', fresh: 'all' };
  const fresh = new Set([...names].filter((n) => !before?.has(n)));
  if (fresh.size === 0) return null;
  return { all: new Set([...(before ?? []), ...fresh]), fresh };
}

/** `module.exports = …`, `exports.x = …`: names passed on that the module table does not list. */
function assignsCommonJsExports(module: Program): boolean {
  return module.body.some((stmt) => {
    if (stmt.type !== 'ExpressionStatement' || stmt.expression.type !== 'AssignmentExpression') return false;
    let target = stmt.expression.left;
    while (target.type === 'MemberExpression') {
      const object = target.object;
      if (object.type === 'Identifier' && (object.name === 'exports' || object.name === 'module')) return true;
      target = object as typeof target;
    }
    return false;
  });
}
