import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { isDirectory } from './discover.js';
import { exportTarget, sourceCandidates } from './packageExports.js';

/*
 * The packages of a monorepo, as its package manager links them: `import { load } from '@acme/utils'` in one
 * package names another package's source in the same checkout. Read from the workspace manifest (package.json
 * `workspaces`, pnpm-workspace.yaml, lerna.json `packages`), so it works on a fresh clone with nothing installed.
 */

/** How deep a `**` in a workspace pattern is followed. */
const MAX_PATTERN_DEPTH = 5;
/** A monorepo with more packages than this is not indexed (the walk would cost more than the facts save). */
const MAX_PACKAGES = 2000;

/** Where a workspace package's source starts when its manifest names only built files. */
const SOURCE_ENTRIES = ['src/index', 'index', 'lib/index', 'source/index'];

interface Workspace {
  /** Package name -> its folder. */
  packages: Map<string, string>;
}

export class WorkspacePackages {
  /** Folder -> the workspace root above it (null: none). */
  private readonly rootOf = new Map<string, string | null>();
  private readonly workspaces = new Map<string, Workspace>();

  /**
   * Where a bare specifier (`@acme/utils`, `@acme/utils/sub`) may lead when a workspace package of the monorepo
   * `fromFile` sits in has that name, most likely first: paths with or without an extension, which the project
   * host expands as it does a relative import's (`./x.js` names `./x.ts`, a folder its index); empty otherwise.
   */
  candidates(fromFile: string, specifier: string): string[] {
    const root = this.workspaceRoot(path.dirname(fromFile));
    if (root === null) return [];
    const ws = this.workspace(root);
    const parts = specifier.split('/');
    const nameLength = specifier.startsWith('@') ? 2 : 1;
    const name = parts.slice(0, nameLength).join('/');
    const dir = ws.packages.get(name);
    if (dir === undefined) return [];
    const subpath = parts.slice(nameLength).join('/');
    return entryCandidates(dir, subpath);
  }

  /** The root of the monorepo `file` sits in, or null. */
  rootFor(file: string): string | null {
    return this.workspaceRoot(path.dirname(file));
  }

  private workspaceRoot(dir: string): string | null {
    const seen: string[] = [];
    let found: string | null = null;
    for (let d = dir; ; d = path.dirname(d)) {
      const known = this.rootOf.get(d);
      if (known !== undefined) {
        found = known;
        break;
      }
      seen.push(d);
      if (workspacePatterns(d) !== null) {
        found = d;
        break;
      }
      if (path.dirname(d) === d) break;
    }
    for (const d of seen) this.rootOf.set(d, found);
    return found;
  }

  private workspace(root: string): Workspace {
    let ws = this.workspaces.get(root);
    if (ws) return ws;
    const packages = new Map<string, string>();
    const patterns = workspacePatterns(root) ?? [];
    const excluded = patterns.filter((p) => p.startsWith('!')).map((p) => picomatch(p.slice(1).replace(/\/+$/, '')));
    for (const pattern of patterns) {
      if (pattern.startsWith('!')) continue;
      for (const dir of expand(root, pattern.replace(/^\.\//, '').replace(/\/+$/, ''))) {
        if (packages.size >= MAX_PACKAGES) break;
        const rel = path.relative(root, dir).split(path.sep).join('/');
        if (excluded.some((m) => m(rel))) continue;
        const name = readJson(path.join(dir, 'package.json'))?.name;
        if (typeof name === 'string' && !packages.has(name)) packages.set(name, dir);
      }
    }
    ws = { packages };
    this.workspaces.set(root, ws);
    return ws;
  }
}

/** The workspace patterns `dir` declares, or null when it is no workspace root. */
function workspacePatterns(dir: string): string[] | null {
  const pkg = readJson(path.join(dir, 'package.json'));
  const declared = pkg?.workspaces;
  if (Array.isArray(declared)) return declared.filter((p): p is string => typeof p === 'string');
  if (declared && typeof declared === 'object' && Array.isArray((declared as { packages?: unknown }).packages)) {
    return ((declared as { packages: unknown[] }).packages).filter((p): p is string => typeof p === 'string');
  }
  const pnpm = readText(path.join(dir, 'pnpm-workspace.yaml'));
  if (pnpm !== undefined) return pnpmPackages(pnpm);
  const lerna = readJson(path.join(dir, 'lerna.json'))?.packages;
  if (Array.isArray(lerna)) return lerna.filter((p): p is string => typeof p === 'string');
  return null;
}

/** The `packages:` list of a pnpm-workspace.yaml (a flat list of quoted or bare globs). */
export function pnpmPackages(text: string): string[] {
  const out: string[] = [];
  let inList = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+#.*$/, '');
    if (/^packages\s*:/.test(line)) {
      inList = true;
      continue;
    }
    if (!inList) continue;
    const item = /^\s+-\s*(['"]?)(.+?)\1\s*$/.exec(line);
    if (item) out.push(item[2]!);
    else if (/^\S/.test(line)) inList = false;
  }
  return out;
}

/** The folders a workspace pattern (`packages/*`, `apps/**`, `packages/core`) matches under `root`. */
function expand(root: string, pattern: string): string[] {
  const segments = pattern.split('/').filter(Boolean);
  const out: string[] = [];
  const walk = (dir: string, i: number, depth: number): void => {
    if (i === segments.length) {
      out.push(dir);
      return;
    }
    const seg = segments[i]!;
    if (seg === '**') {
      walk(dir, i + 1, depth);
      if (depth < MAX_PATTERN_DEPTH) for (const sub of subfolders(dir)) walk(path.join(dir, sub), i, depth + 1);
      return;
    }
    if (!/[*?[{]/.test(seg)) {
      const next = path.join(dir, seg);
      if (isDirectory(next)) walk(next, i + 1, depth);
      return;
    }
    const matches = picomatch(seg);
    for (const sub of subfolders(dir)) if (matches(sub)) walk(path.join(dir, sub), i + 1, depth);
  };
  walk(root, 0, 0);
  return out;
}

/** Where `pkg` or `pkg/subpath` may lead, source before build output (`dist/index.js` -> `src/index.js`). */
function entryCandidates(dir: string, subpath: string): string[] {
  const pkg = readJson(path.join(dir, 'package.json')) ?? {};
  const declared: string[] = [];
  const exportsField = pkg.exports;
  const key = subpath === '' ? '.' : `./${subpath}`;
  const target = exportsField && typeof exportsField === 'object' && !Array.isArray(exportsField) ? (exportsField as Record<string, unknown>)[key] : undefined;
  const fromExports = exportTarget(subpath === '' && typeof exportsField === 'string' ? exportsField : target);
  if (fromExports) declared.push(fromExports);
  if (subpath === '') {
    for (const field of ['source', 'types', 'typings', 'module', 'main']) {
      const v = pkg[field];
      if (typeof v === 'string') declared.push(v);
    }
  }
  const out: string[] = [];
  const add = (rel: string): void => {
    const abs = path.join(dir, rel);
    if (!out.includes(abs)) out.push(abs);
  };
  for (const d of declared) for (const rel of sourceCandidates(d)) add(rel);
  for (const base of subpath === '' ? SOURCE_ENTRIES : [`src/${subpath}`, subpath]) add(base);
  return out;
}

function subfolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.'))
      .map((e) => e.name);
  } catch {
    return [];
  }
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function readJson(file: string): Record<string, unknown> | undefined {
  const text = readText(file);
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
