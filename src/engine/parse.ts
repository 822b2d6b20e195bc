import { parse as estreeParse, type TSESTree } from '@typescript-eslint/typescript-estree';
import type { ParseError } from './findings.js';

export const SUPPORTED_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

export function isSupportedFile(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.d.ts') || lower.endsWith('.d.mts') || lower.endsWith('.d.cts')) return false;
  return SUPPORTED_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

export type Program = TSESTree.Program;

export type ParseOutcome = { ok: true; ast: Program } | { ok: false; error: ParseError };

/** Parses source text into ESTree with locations and comments. Never throws: a syntax error comes back as a value. */
export function parseSource(text: string, fileName: string): ParseOutcome {
  const lower = fileName.toLowerCase();
  // .ts files cannot hold JSX (`<T>x` is a cast there); JavaScript files commonly do.
  const jsx = lower.endsWith('.tsx') || !/\.[mc]?ts$/.test(lower);
  try {
    const ast = estreeParse(text, {
      filePath: fileName,
      jsx,
      loc: true,
      range: true,
      // Comments cost about a third of the parse; only suppression directives need them.
      comment: text.includes('awaitguard-'),
      errorOnUnknownASTType: false,
      suppressDeprecatedPropertyWarnings: true,
    });
    return { ok: true, ast };
  } catch (err) {
    return { ok: false, error: toParseError(err) };
  }
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
