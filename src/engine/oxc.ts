import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { ParseResult, ParserOptions } from 'oxc-parser';
import type { Program } from './parse.js';

/**
 * oxc-parser's options that give the tree typescript-estree gives: TS-ESTree shape for every language (so
 * scope-manager finds the TypeScript fields it reads), ranges, no ParenthesizedExpression nodes, and JSX in
 * JavaScript files as typescript-estree allows it.
 */
export function oxcOptions(fileName: string): ParserOptions {
  const lower = fileName.toLowerCase();
  const lang = lower.endsWith('.tsx') ? 'tsx' : /\.[cm]?ts$/.test(lower) ? 'ts' : 'jsx';
  return { lang, astType: 'ts', range: true, preserveParens: false, sourceType: 'unambiguous' };
}

/**
 * The engine's Program from an oxc parse, or undefined when oxc reported a syntax error (typescript-estree
 * then decides; see `FastParser`). The engine reads `range` only, so no `loc` is built.
 */
export function programFromOxc(result: ParseResult): Program | undefined {
  if (result.errors.length > 0) return undefined;
  const program = result.program as unknown as Program;
  program.comments = result.comments.map(
    (c) => ({ type: c.type, value: c.value, range: [c.start, c.end] }) as unknown as TSESTree.Comment,
  );
  return program;
}

/**
 * Above this estimated nesting the fast parser is not used. oxc-parser recurses on the native stack, and a
 * native stack overflow kills the process (no exception to catch): it dies near 8,000 levels on an 8 MB main
 * thread and near 4,000 in a default worker thread. typescript-estree fails such input with a RangeError,
 * which the engine reports as "nested too deeply".
 */
export const MAX_FAST_NESTING = 1000;

/**
 * A cheap upper-bound-minded estimate of how deeply a parser must recurse for `text`: bracket depth (outside
 * strings and comments) plus the operators that nest without brackets (`?`, `=>`, `!`, `=`, `<`, `else`,
 * unary keywords) seen since the last `;` at that depth. It over-counts freely, which only
 * sends an odd file to the slower parser; it must not under-count real nesting, which would crash.
 */
export function nestingEstimate(text: string): number {
  let depth = 0;
  let chain = 0;
  let max = 0;
  // The chain of the enclosing level resumes after a bracket closes (`a ? {…} : b ? {…} : …`, `else if` runs).
  const outer: number[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    switch (c) {
      case 40: // (
      case 91: // [
      case 123: // {
        depth++;
        outer.push(chain);
        chain = 0;
        break;
      case 41: // )
      case 93: // ]
      case 125: // }
        if (depth > 0) depth--;
        chain = outer.pop() ?? 0;
        break;
      case 59: // ;
        chain = 0;
        break;
      case 63: // ?
      case 33: // !
      case 61: // = (also => and ==: over-counting is safe)
      case 60: // <
      case 126: // ~
      case 43: // + (unary plus chains)
      case 45: // -
        chain++;
        break;
      case 34: // "
      case 39: // '
        i = skipQuoted(text, i, c);
        break;
      case 96: // ` : its text is scanned as code, so each ${ counts as a bracket (over-counting is safe)
        chain++;
        break;
      case 47: // /
        if (text.charCodeAt(i + 1) === 47) {
          const eol = text.indexOf('\n', i);
          i = eol < 0 ? n : eol;
        } else if (text.charCodeAt(i + 1) === 42) {
          const close = text.indexOf('*/', i + 2);
          i = close < 0 ? n : close + 1;
        }
        break;
      default:
        // Words that nest without brackets: else (if chains), new, await, typeof, void, delete, yield.
        if (c >= 97 && c <= 121 && isNestingWord(text, i)) chain++;
        break;
    }
    if (depth + chain > max) max = depth + chain;
  }
  return max;
}

/** The index of the closing quote of a string literal starting at `start` (or of its line's end). */
function skipQuoted(text: string, start: number, quote: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) i++; // backslash escape
    else if (c === quote) return i;
    else if (c === 10) return i; // an unterminated string ends at the line
  }
  return text.length;
}

const NESTING_WORDS = ['else', 'new', 'await', 'typeof', 'void', 'delete', 'yield'];

function isNestingWord(text: string, i: number): boolean {
  const before = i > 0 ? text.charCodeAt(i - 1) : 32;
  if (isWordChar(before)) return false;
  for (const word of NESTING_WORDS) {
    if (text.startsWith(word, i) && !isWordChar(text.charCodeAt(i + word.length))) return true;
  }
  return false;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}
