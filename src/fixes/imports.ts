import path from 'node:path';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { fixLibrary, type CreatedFile, type TextEdit } from '../engine/index.js';
import type { ModuleTop } from './moduleTop.js';
import type { FixOptions } from './options.js';
import type { CodeStyle } from './style.js';

export type RuntimeName = 'Lock' | 'Semaphore' | 'KeyedLock';

/** How the edited file gets a runtime class: the name to use in code, the edit that imports it, files to create. */
export interface RuntimeImport {
  /** Identifier to construct: `Lock`, `Mutex`, or an alias when the file already uses the name. */
  local: string;
  edit: TextEdit | null;
  createFiles: CreatedFile[];
}

/** How the file gets the runtime class `name`; fixes ask `ModuleTop.runtimeImport`, which works it out once. */
export function runtimeImport(name: RuntimeName, top: ModuleTop): RuntimeImport {
  const { fileName, style, options, moduleNames } = top;
  const { specifier, createFiles } = moduleSpecifier(fileName, style, options, top);
  const target = fixLibrary(options.runtime);
  const exported = target.writes.classes[name] ?? name;

  // Already imported, from this module or from another copy of the same runtime?
  const equivalent = [specifier, target.module];
  for (const stmt of top.imports) {
    if (stmt.importKind === 'type') continue;
    if (!equivalent.includes(stmt.source.value) && !target.writes.vendored?.test(stmt.source.value)) continue;
    for (const spec of stmt.specifiers) {
      if (spec.type === 'ImportSpecifier' && importedName(spec) === exported && spec.importKind !== 'type') {
        return { local: spec.local.name, edit: null, createFiles: stmt.source.value === specifier ? createFiles : [] };
      }
    }
  }
  const local = moduleNames.has(exported) ? `Awaitguard${exported}` : exported;
  const binding = local === exported ? exported : `${exported} as ${local}`;
  const q = style.quote;

  // Add to an existing named import from the module.
  for (const stmt of top.imports) {
    if (stmt.source.value !== specifier || stmt.importKind === 'type') continue;
    const named = stmt.specifiers.filter((s) => s.type === 'ImportSpecifier');
    const last = named[named.length - 1];
    if (last) return { local, edit: { offset: [last.range[1], last.range[1]], text: `, ${binding}` }, createFiles };
  }

  const useRequire = !style.typescript && style.module === 'cjs';
  const line = useRequire
    ? `const { ${local === exported ? exported : `${exported}: ${local}`} } = require(${q}${specifier}${q})${style.semi}`
    : `import { ${binding} } from ${q}${specifier}${q}${style.semi}`;
  return { local, edit: top.insertAfterImports(line), createFiles };
}

function importedName(spec: TSESTree.ImportSpecifier): string {
  return spec.imported.type === 'Identifier' ? spec.imported.name : String(spec.imported.value);
}

/** The module specifier to import the runtime from, and the vendored file to create when it is copied in. */
function moduleSpecifier(
  fileName: string,
  style: CodeStyle,
  options: FixOptions,
  top: ModuleTop,
): { specifier: string; createFiles: CreatedFile[] } {
  if (options.runtime !== 'vendor') return { specifier: fixLibrary(options.runtime).module, createFiles: [] };
  const posix = path.posix;
  const root = toPosix(options.projectRoot);
  const file = toPosix(fileName);
  const vendorTs = posix.resolve(root, toPosix(options.vendorPath));
  const base = vendorTs.replace(/\.[mc]?[jt]sx?$/, '');
  // JavaScript copies come with a declaration twin, so projects that check their JS get real types.
  let target: string;
  let files: CreatedFile[];
  const existing = new Set((options.existingCopies ?? []).map(toPosix));
  const reused = reusableCopy(base, style, existing);
  if (reused) {
    target = reused;
    files = [];
  } else if (style.typescript) {
    target = base + '.ts';
    files = [{ path: target, template: 'runtime-ts' }];
  } else if (style.module === 'cjs') {
    target = base + '.cjs';
    files = [{ path: target, template: 'runtime-cjs' }, { path: base + '.d.cts', template: 'runtime-dcts' }];
  } else {
    target = base + '.js';
    files = [{ path: target, template: 'runtime-js' }, { path: base + '.d.ts', template: 'runtime-dts' }];
  }
  let rel = posix.relative(posix.dirname(file), target);
  if (!rel.startsWith('.')) rel = './' + rel;
  if (style.typescript) {
    // TypeScript resolves `./x.js` to `./x.ts`; use whatever the file's other relative imports do.
    rel = rel.replace(/\.(ts|js)$/, usesJsExtensions(top) ? '.js' : '');
  }
  return { specifier: rel, createFiles: files };
}

/**
 * A copy already in the project this file can import: TypeScript takes the `.ts` copy, or the ESM `.js` copy with
 * its `.d.ts` twin; an ES module takes the `.js` copy; CommonJS only the `.cjs` one (it cannot require ESM).
 */
function reusableCopy(base: string, style: CodeStyle, existing: ReadonlySet<string>): string | undefined {
  const has = (ext: string): boolean => existing.has(base + ext);
  if (style.typescript) return has('.ts') ? base + '.ts' : has('.js') && has('.d.ts') ? base + '.js' : undefined;
  if (style.module === 'cjs') return has('.cjs') ? base + '.cjs' : undefined;
  return has('.js') ? base + '.js' : undefined;
}

function usesJsExtensions(top: ModuleTop): boolean {
  for (const stmt of top.imports) {
    if (stmt.source.value.startsWith('.')) {
      return /\.[mc]?js$/.test(stmt.source.value);
    }
  }
  return true;
}

function toPosix(p: string): string {
  return p.replace(/\\/g, '/');
}
