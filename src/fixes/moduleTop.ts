import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { TextEdit } from '../engine/index.js';
import { runtimeImport, type RuntimeImport, type RuntimeName } from './imports.js';
import type { FixOptions } from './options.js';
import type { CodeStyle } from './style.js';

/**
 * What fixes ask about a file's top level (its imports, where a new import goes, the locks earlier fixes
 * declared, how to import the runtime), each worked out once per analysis. A file can have tens of thousands
 * of findings and as many top-level statements: scanning the module body for every fix made `--fix` quadratic.
 */
export class ModuleTop {
  private importList: TSESTree.ImportDeclaration[] | undefined;
  private insertion: Insertion | undefined;
  private constructed: Set<string> | undefined;
  private readonly runtimes = new Map<RuntimeName, RuntimeImport>();

  constructor(
    readonly ast: TSESTree.Program,
    readonly text: string,
    readonly fileName: string,
    readonly style: CodeStyle,
    readonly options: FixOptions,
    /** Names declared at module level, to avoid clashing with an import. */
    readonly moduleNames: ReadonlySet<string>,
  ) {}

  /** The import declarations, in source order (ESM lets them sit anywhere at the top level). */
  get imports(): readonly TSESTree.ImportDeclaration[] {
    this.importList ??= this.ast.body.filter((s): s is TSESTree.ImportDeclaration => s.type === 'ImportDeclaration');
    return this.importList;
  }

  /** Where a line goes that must come after the imports; see `insertAfterImports`. */
  get insertionPoint(): Insertion {
    this.insertion ??= insertionPoint(this.ast, this.text);
    return this.insertion;
  }

  /** How the file gets the runtime class `name` (see `runtimeImport`). */
  runtimeImport(name: RuntimeName): RuntimeImport {
    let found = this.runtimes.get(name);
    if (!found) this.runtimes.set(name, (found = runtimeImport(name, this)));
    return found;
  }

  /**
   * Inserts a line at the top of the file: after the last import (or require, or directive), or, in a file
   * without any, before the first statement (below a header comment). Module-level declarations a fix adds
   * go through here too, after the import, so both land in the same place in the right order.
   */
  insertAfterImports(line: string): TextEdit {
    const { offset, afterLine, beforeCode } = this.insertionPoint;
    const eol = this.style.eol;
    if (afterLine) return { offset: [offset, offset], text: eol + line };
    return { offset: [offset, offset], text: line + eol + (beforeCode ? eol : '') };
  }

  /** Is `name` declared at module level as `const name = new C()`, as a fix declares a lock? */
  constructs(name: string): boolean {
    this.constructed ??= constructedConsts(this.ast);
    return this.constructed.has(name);
  }
}

/** `afterLine`: the offset ends the last import's line (the new line goes below it); else it starts a line. */
export interface Insertion {
  offset: number;
  afterLine: boolean;
  /** Some statement follows the inserted line (then a blank line separates them). */
  beforeCode: boolean;
}

function insertionPoint(ast: TSESTree.Program, text: string): Insertion {
  let anchor: TSESTree.Node | null = null;
  for (const stmt of ast.body) {
    if (stmt.type === 'ImportDeclaration' || isRequireDeclaration(stmt) || isDirective(stmt)) anchor = stmt;
    else break;
  }
  if (anchor) return { offset: endOfLine(text, anchor.range[1]), afterLine: true, beforeCode: true };
  const first = ast.body[0];
  return { offset: first ? leadingCommentStart(first, text) : text.length, afterLine: false, beforeCode: first !== undefined };
}

function constructedConsts(ast: TSESTree.Program): Set<string> {
  const names = new Set<string>();
  for (const s of ast.body) {
    if (s.type !== 'VariableDeclaration' || s.kind !== 'const') continue;
    for (const d of s.declarations) {
      if (d.id.type === 'Identifier' && d.init?.type === 'NewExpression' && d.init.arguments.length === 0) names.add(d.id.name);
    }
  }
  return names;
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
