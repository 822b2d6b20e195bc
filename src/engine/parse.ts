import { createRequire } from 'node:module';
import path from 'node:path';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type * as Estree from '@typescript-eslint/typescript-estree';
import type * as Ts from 'typescript';
import type { ParseError } from './findings.js';
import { MAX_ASYNC_CALL_NESTING, MAX_TAG_NESTING, speculativeNesting } from './asyncNesting.js';
import { withNearbyNextToken, type NodeUtils } from './nextTokenNearby.js';
import { withSourceFileMemo } from './sourceFileMemo.js';
import { mayHoldDirective } from './suppressions.js';

export const SUPPORTED_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

export function isSupportedFile(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.d.ts') || lower.endsWith('.d.mts') || lower.endsWith('.d.cts')) return false;
  return SUPPORTED_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

export type Program = TSESTree.Program;

export type ParseOutcome = { ok: true; ast: Program } | { ok: false; error: ParseError };

/**
 * A faster parser that gives the same TS-ESTree tree (with `range` and `comments`; `loc` is not needed), or
 * undefined when it finds a syntax error: typescript-estree then parses, so error messages, and what counts as
 * an error, stay those of the editor and of runs without the fast parser.
 */
export interface FastParser {
  (text: string, fileName: string): Program | undefined;
  /**
   * Does the text parse without a syntax error? Answered, where the parser can, without building the tree a
   * file with nothing to analyse never needs (see prefilter.ts). False when it has errors or cannot tell.
   */
  accepts?(text: string, fileName: string): boolean;
}

/**
 * Parses source text into TS-ESTree with ranges, using `fast` first when given. Never throws: a syntax error
 * comes back as a value.
 */
export function parseSource(text: string, fileName: string, fast?: FastParser): ParseOutcome {
  if (fast) {
    try {
      const ast = fast(text, fileName);
      if (ast) return { ok: true, ast };
    } catch {
      // A crash in the fast parser is its problem, not the file's: the reference parser decides.
    }
  }
  return parseWithTypescriptEstree(text, fileName);
}

// eslint-disable-next-line no-restricted-syntax -- the lazily loaded parser libraries, the same for every analysis; no analysis state
let libraries: { estree: typeof Estree; ts: typeof Ts; nodeUtils: NodeUtils | undefined } | undefined;

/**
 * typescript-estree and the TypeScript compiler it uses, loaded on first use: TypeScript is about 50 MB, which
 * a run whose files all pass the fast parser never needs. Our bundles resolve the literal `require` and keep it
 * lazy; plain ESM (tests running the source) has no `require` and loads them through `createRequire`.
 */
function typescriptEstree(): { estree: typeof Estree; ts: typeof Ts; nodeUtils: NodeUtils | undefined } {
  if (!libraries) {
    try {
      /* eslint-disable @typescript-eslint/no-require-imports -- a literal require is what esbuild bundles lazily */
      libraries = {
        estree: require('@typescript-eslint/typescript-estree') as typeof Estree,
        ts: require('typescript') as typeof Ts,
        // Not an export of the package: esbuild.js resolves it to the module the bundled converter uses.
        nodeUtils: require('@typescript-eslint/typescript-estree/dist/node-utils.js') as NodeUtils,
      };
      /* eslint-enable @typescript-eslint/no-require-imports */
    } catch {
      // No `require` here (plain ESM), or a bundler's stand-in that cannot load packages.
      const load = createRequire(import.meta.url);
      const entry = load.resolve('@typescript-eslint/typescript-estree');
      libraries = { estree: load(entry) as typeof Estree, ts: load('typescript') as typeof Ts, nodeUtils: internalModule(load, entry, 'node-utils.js') };
    }
  }
  return libraries;
}

/** A file of typescript-estree beside its entry point (same module instance), or undefined if it has moved. */
function internalModule(load: NodeJS.Require, entry: string, file: string): NodeUtils | undefined {
  try {
    return load(path.join(path.dirname(entry), file)) as NodeUtils;
  } catch {
    return undefined;
  }
}

function parseWithTypescriptEstree(text: string, fileName: string): ParseOutcome {
  const lower = fileName.toLowerCase();
  // .ts files cannot hold JSX (`<T>x` is a cast there); JavaScript files commonly do.
  const jsx = lower.endsWith('.tsx') || !/\.[mc]?ts$/.test(lower);
  const nesting = speculativeNesting(text, !jsx);
  if (nesting.async.depth > MAX_ASYNC_CALL_NESTING) {
    return {
      ok: false,
      error: { message: `\`async (\` is nested ${nesting.async.depth} deep, which the TypeScript parser takes exponential time on (more than ${MAX_ASYNC_CALL_NESTING}): not analysed`, line: nesting.async.line, column: 0 },
    };
  }
  if (nesting.tags.depth > MAX_TAG_NESTING) {
    return {
      ok: false,
      error: { message: `JSX-like tags are nested ${nesting.tags.depth} deep in a file that cannot hold JSX, which the TypeScript parser takes quadratic time on (more than ${MAX_TAG_NESTING}): not analysed`, line: nesting.tags.line, column: 0 },
    };
  }
  try {
    const { estree, ts, nodeUtils } = typescriptEstree();
    const ast = withSourceFileMemo(ts, () => withNearbyNextToken(nodeUtils, ts, () => estree.parse(text, {
      filePath: fileName,
      jsx,
      loc: true,
      range: true,
      comment: needsComments(text),
      errorOnUnknownASTType: false,
      suppressDeprecatedPropertyWarnings: true,
    })));
    return { ok: true, ast };
  } catch (err) {
    return { ok: false, error: toParseError(err) };
  }
}

/** Comments cost about a third of the parse; only suppression directives and JSDoc's `@private` need them. */
export function needsComments(text: string): boolean {
  return mayHoldDirective(text) || text.includes('@private');
}

function toParseError(err: unknown): ParseError {
  if (err instanceof RangeError) {
    return { message: 'the file is nested too deeply to parse (stack overflow)', line: 1, column: 0 };
  }
  const e = err as { message?: unknown; lineNumber?: unknown; column?: unknown; location?: { start?: { line?: number; column?: number } } };
  const line = typeof e.lineNumber === 'number' ? e.lineNumber : (e.location?.start?.line ?? 1);
  const column = typeof e.column === 'number' ? e.column : (e.location?.start?.column ?? 0);
  const message = typeof e.message === 'string' ? e.message : String(err);
  return { message, line, column };
}
