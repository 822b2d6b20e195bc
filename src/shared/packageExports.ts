/*
 * Where a package's manifest sends importers, traced back to source: `"exports": { ".": "./dist/index.js" }` is
 * `src/index.ts` in the checkout. Shared by the monorepo resolver (`import '@acme/utils'` from a sibling package)
 * and by what a library lets code outside the repository import (`ProjectHost.publicEntries`).
 */

/** Build output folders that mirror `src/` (the longer first: `dist/src/` is `src/`, not `src/src/`). */
const BUILD_DIRS = /^(\.\/)?(dist\/esm|dist\/cjs|dist\/src|build\/src|dist|build|out|lib|esm|cjs)\//;
/**
 * Targets that are no module of code: a declaration file alone (types, no code runs from it), a stylesheet, the
 * manifest itself, a native addon, a framework's component file.
 */
const NOT_CODE = /(\.d\.[cm]?ts|\.(json|css|scss|sass|less|wasm|node|svg|png|jpe?g|gif|html?|md|txt|ya?ml|astro|vue|svelte))$/i;

/**
 * Where a declared target (`./dist/index.js`, `lib/index.d.ts`) may be in the source, most likely first, without
 * an extension where the declaration file gave none: the project host expands them as it does an import.
 */
export function sourceCandidates(declared: string): string[] {
  // A declaration file names the module it describes: `lib/index.d.ts` is `lib/index`.
  const rel = declared.replace(/^\.\//, '').replace(/\.d\.[cm]?ts$/, '');
  if (!BUILD_DIRS.test(rel)) return [rel];
  // `dist/index.js` built from `src/index.ts`, kept as it is (a `lib/` of hand-written code), or built from
  // `index.ts` beside the manifest (`rootDir: "."`), in that order: a root `index.js` is often a shim.
  return [...new Set([rel.replace(BUILD_DIRS, 'src/'), rel, rel.replace(BUILD_DIRS, '')])];
}

/** A conditional export's target: the first string among `source`, `import`, `require`, `default`, `types`. */
export function exportTarget(value: unknown, depth = 0): string | null {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object' || Array.isArray(value) || depth > 3) return null;
  const v = value as Record<string, unknown>;
  for (const k of ['source', 'development', 'import', 'require', 'node', 'default', 'types']) {
    const t = exportTarget(v[k], depth + 1);
    if (t) return t;
  }
  return null;
}

/** What outside code can import of a package: modules (each as its source candidates), and folders opened whole. */
export interface ExportedSurface {
  modules: string[][];
  folders: string[][];
}

/**
 * The modules a package's `exports` map (and the one it publishes with, `publishConfig.exports`) lets outside
 * code import, and the folders a subpath pattern (`"./runtime/*": "./dist/runtime/*.js"`) opens whole. Null when
 * outside code may import any module: no `exports` (a deep import `pkg/lib/x` works), a pattern that opens the
 * package's root, or a target that is neither a module nor a file of another kind.
 */
export function exportedSurface(pkg: Record<string, unknown>): ExportedSurface | null {
  const maps = [pkg.exports, (pkg.publishConfig as Record<string, unknown> | undefined)?.exports].filter((m) => m !== undefined && m !== null);
  if (maps.length === 0) return null;
  const surface: ExportedSurface = { modules: [], folders: [] };
  for (const map of maps) {
    // `"exports": "./index.js"`, or conditions for the root alone (`{ "import": …, "require": … }`).
    const entries: [string, unknown][] =
      typeof map === 'string' || Array.isArray(map) || typeof map !== 'object' || !Object.keys(map as object).some((k) => k.startsWith('.')) ? [['.', map]] : Object.entries(map as Record<string, unknown>);
    for (const [key, value] of entries) {
      if (value === null) continue; // `"./internal/*": null` shuts a subpath
      const target = exportTarget(Array.isArray(value) ? value[0] : value);
      if (target === null) return null;
      if (NOT_CODE.test(target) || NOT_CODE.test(key)) continue;
      if (!key.includes('*')) {
        surface.modules.push(sourceCandidates(target));
        continue;
      }
      // `./runtime/*` -> `./dist/runtime/*.js`: every module under the folder the pattern's target starts in (a
      // partial name, `./dist/icon-*.js`, keeps its folder).
      const prefix = target.slice(0, target.indexOf('*')).replace(/^\.\//, '');
      const candidates = sourceCandidates(prefix.slice(0, prefix.lastIndexOf('/') + 1));
      // `"./*": "./dist/*.js"` opens the whole package.
      if (candidates.some((c) => c === '' || c === 'src/')) return null;
      surface.folders.push(candidates);
    }
  }
  return surface;
}
