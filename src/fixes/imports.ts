import path from 'node:path';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { CreatedFile, TextEdit } from '../engine/index.js';
import type { FixOptions } from './options.js';
import type { CodeStyle } from './style.js';

export type RuntimeName = 'Lock' | 'Semaphore';

/** How the edited file gets a runtime class: the name to use in code, the edit that imports it, files to create. */
export interface RuntimeImport {
  /** Identifier to construct: `Lock`, `Mutex`, or an alias when the file already uses the name. */
  local: string;
  edit: TextEdit | null;
  createFiles: CreatedFile[];
}

const ASYNC_MUTEX_NAME: Record<RuntimeName, string> = { Lock: 'Mutex', Semaphore: 'Semaphore' };

export function runtimeImport(
  name: RuntimeName,
  ast: TSESTree.Program,
  text: string,
  fileName: string,
  style: CodeStyle,
  options: FixOptions,
  declaredNames: ReadonlySet<string>,
): RuntimeImport {
  const { specifier, createFiles } = moduleSpecifier(fileName, style, options, ast);
  const exported = options.runtime === 'async-mutex' ? ASYNC_MUTEX_NAME[name] : name;

  // Already imported, from this module or from another copy of the same runtime?
  const equivalent = options.runtime === 'async-mutex' ? ['async-mutex'] : [specifier, 'awaitguard/runtime'];
  const vendored = /(^|\/)awaitguard-lock(\.[mc]?[jt]s)?$/;
  for (const stmt of ast.body) {
    if (stmt.type !== 'ImportDeclaration' || stmt.importKind === 'type') continue;
    if (!equivalent.includes(stmt.source.value) && !(options.runtime !== 'async-mutex' && vendored.test(stmt.source.value))) continue;
    for (const spec of stmt.specifiers) {
      if (spec.type === 'ImportSpecifier' && importedName(spec) === exported && spec.importKind !== 'type') {
        return { local: spec.local.name, edit: null, createFiles: stmt.source.value === specifier ? createFiles : [] };
      }
    }
  }
  const local = declaredNames.has(exported) ? `Awaitguard${exported}` : exported;
  const binding = local === exported ? exported : `${exported} as ${local}`;
  const q = style.quote;

  // Add to an existing named import from the module.
  for (const stmt of ast.body) {
    if (stmt.type !== 'ImportDeclaration' || stmt.source.value !== specifier || stmt.importKind === 'type') continue;
    const named = stmt.specifiers.filter((s) => s.type === 'ImportSpecifier');
    const last = named[named.length - 1];
    if (last) return { local, edit: { offset: [last.range[1], last.range[1]], text: `, ${binding}` }, createFiles };
  }

  const useRequire = !style.typescript && style.module === 'cjs';
  const line = useRequire
    ? `const { ${local === exported ? exported : `${exported}: ${local}`} } = require(${q}${specifier}${q})${style.semi}`
    : `import { ${binding} } from ${q}${specifier}${q}${style.semi}`;
  return { local, edit: insertAfterImports(ast, text, line, style), createFiles };
}

function importedName(spec: TSESTree.ImportSpecifier): string {
  return spec.imported.type === 'Identifier' ? spec.imported.name : String(spec.imported.value);
}

/**
 * Inserts a line at the top of the file: after the last import (or require, or directive), or, in a file
 * without any, before the first statement (below a header comment). Module-level declarations a fix adds
 * go through here too, after the import, so both land in the same place in the right order.
 */
export function insertAfterImports(ast: TSESTree.Program, text: string, line: string, style: CodeStyle): TextEdit {
  let anchor: TSESTree.Node | null = null;
  for (const stmt of ast.body) {
    if (stmt.type === 'ImportDeclaration' || isRequireDeclaration(stmt) || isDirective(stmt)) anchor = stmt;
    else break;
  }
  if (anchor) {
    const end = endOfLine(text, anchor.range[1]);
    return { offset: [end, end], text: style.eol + line };
  }
  const first = ast.body[0];
  const before = first ? leadingCommentStart(first, text) : text.length;
  return { offset: [before, before], text: line + style.eol + (first ? style.eol : '') };
}

function leadingCommentStart(first: TSESTree.Node, text: string): number {
  // Keep a file header (license, description) above the import: insert right before the first statement's
  // own line, unless a comment directly touches it (a JSDoc for that statement), then before that comment.
  let start = lineStartOf(text, first.range[0]);
  const comments = commentsBefore(text, first.range[0]);
  for (let i = comments.length - 1; i >= 0; i--) {
    const c = comments[i]!;
    const between = text.slice(c[1], start);
    if (between.trim() !== '' || /\n\s*\n/.test(between)) break;
    start = lineStartOf(text, c[0]);
  }
  return start;
}

/**
 * The comments in `text` before `end`, where only trivia can be (the text before a file's first statement).
 * Scanned from the text because the engine parses without comments unless a file has awaitguard directives,
 * while an ESLint host's tree always has them: both must place the import the same way.
 */
function commentsBefore(text: string, end: number): [number, number][] {
  const out: [number, number][] = [];
  let i = text.startsWith('#!') ? text.indexOf('\n') : 0;
  if (i < 0) return out;
  while (i < end) {
    if (text.startsWith('//', i)) {
      const eol = text.indexOf('\n', i);
      const stop = eol < 0 || eol > end ? end : eol;
      out.push([i, stop]);
      i = stop;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      const stop = close < 0 ? end : Math.min(end, close + 2);
      out.push([i, stop]);
      i = stop;
    } else {
      i++;
    }
  }
  return out;
}

function isRequireDeclaration(stmt: TSESTree.Node): boolean {
  return (
    stmt.type === 'VariableDeclaration' &&
    stmt.declarations.every(
      (d) => d.init?.type === 'CallExpression' && d.init.callee.type === 'Identifier' && d.init.callee.name === 'require',
    )
  );
}

function isDirective(stmt: TSESTree.Node): boolean {
  return stmt.type === 'ExpressionStatement' && typeof (stmt as TSESTree.ExpressionStatement).directive === 'string';
}

function endOfLine(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  if (i < 0) return text.length;
  return text[i - 1] === '\r' ? i - 1 : i;
}

function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The module specifier to import the runtime from, and the vendored file to create when it is copied in. */
function moduleSpecifier(
  fileName: string,
  style: CodeStyle,
  options: FixOptions,
  ast: TSESTree.Program,
): { specifier: string; createFiles: CreatedFile[] } {
  if (options.runtime === 'package') return { specifier: 'awaitguard/runtime', createFiles: [] };
  if (options.runtime === 'async-mutex') return { specifier: 'async-mutex', createFiles: [] };
  const posix = path.posix;
  const root = toPosix(options.projectRoot);
  const file = toPosix(fileName);
  const vendorTs = posix.resolve(root, toPosix(options.vendorPath));
  const base = vendorTs.replace(/\.[mc]?[jt]sx?$/, '');
  // JavaScript copies come with a declaration twin, so projects that check their JS get real types.
  let target: string;
  let files: CreatedFile[];
  if (style.typescript) {
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
    rel = rel.replace(/\.ts$/, usesJsExtensions(ast) ? '.js' : '');
  }
  return { specifier: rel, createFiles: files };
}

function usesJsExtensions(ast: TSESTree.Program): boolean {
  for (const stmt of ast.body) {
    if (stmt.type === 'ImportDeclaration' && stmt.source.value.startsWith('.')) {
      return /\.[mc]?js$/.test(stmt.source.value);
    }
  }
  return true;
}

function toPosix(p: string): string {
  return p.replace(/\\/g, '/');
}
