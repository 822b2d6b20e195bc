import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { ParseResult, ParserOptions } from 'oxc-parser';
import { forEachNode, type Node } from './ast.js';
import type { Program } from './parse.js';

/**
 * oxc-parser's options that give the tree typescript-estree gives: TS-ESTree shape for every language (so
 * scope-manager finds the TypeScript fields it reads), ranges, no ParenthesizedExpression nodes, and JSX in
 * JavaScript files as typescript-estree allows it.
 */
export function oxcOptions(fileName: string): ParserOptions {
  const lower = fileName.toLowerCase();
  // A declaration file is ambient throughout (`export const port: number;`, no initializer), as typescript-estree
  // takes it from the name: parsed as plain TypeScript, oxc reported those and typescript-estree parsed instead.
  const lang = DECLARATION_FILE.test(lower) ? 'dts' : lower.endsWith('.tsx') ? 'tsx' : /\.[cm]?ts$/.test(lower) ? 'ts' : 'jsx';
  return { lang, astType: 'ts', range: true, preserveParens: false, sourceType: 'unambiguous' };
}

/**
 * The engine's Program from an oxc parse, or undefined when oxc reported a syntax error (typescript-estree
 * then decides; see `FastParser`). The engine reads `range` only, so no `loc` is built.
 */
export function programFromOxc(result: ParseResult, text: string): Program | undefined {
  if (!oxcAccepts(result, text)) return undefined;
  const program = result.program as unknown as Program;
  program.comments = result.comments.map(
    (c) => ({ type: c.type, value: c.value, range: [c.start, c.end] }) as unknown as TSESTree.Comment,
  );
  return program;
}

/**
 * Does typescript-estree accept what oxc parsed? The tree (which the JSON transfer builds only when it is first
 * read) is looked at only for a text that may declare a class without a name.
 */
export function oxcAccepts(result: ParseResult, text: string): boolean {
  if (result.errors.some((e) => !ACCEPTED_BY_TYPESCRIPT_ESTREE.has(e.message))) return false;
  const mayHaveAnonymous = ANONYMOUS_CLASS_TEXT.test(text) || ANONYMOUS_FUNCTION_TEXT.test(text);
  return !(mayHaveAnonymous && hasAnonymousDeclaration(result.program as unknown as Program));
}

/**
 * What oxc reports that typescript-estree accepts (TypeScript's checker, not its parser, would report them),
 * with a complete tree: a `return` at the top of a CommonJS script, a function body in a `declare module`
 * block (codemod fixtures). Falling back for them would load the whole TypeScript compiler to say nothing.
 */
const ACCEPTED_BY_TYPESCRIPT_ESTREE = new Set([
  "A 'return' statement can only be used within a function body.",
  'An implementation cannot be declared in ambient contexts.',
  // `declare module 'x' { declare const y: T }`, in hand-written declaration files.
  "A 'declare' modifier cannot be used in an already ambient context.",
  // `export const port: number;` outside a declaration file.
  'Missing initializer in const declaration',
]);

/** `x.d.ts`, `x.d.mts`, `x.d.cts`, and TypeScript 5's `x.d.css.ts` for other kinds of file. */
const DECLARATION_FILE = /\.d(\.[^./\\]+)?\.[cm]?ts$/;

/**
 * oxc accepts a class or function declaration without a name anywhere (`class {}` as a statement, `export class
 * {}`, `export function <T>(…) {}`), where only `export default class {}` and `export default function () {}`
 * are valid; typescript-estree reports it. The text tests keep the walk off almost every file: a function's only
 * at the start of a statement.
 */
const ANONYMOUS_CLASS_TEXT = /\bclass\s*(\{|extends\b)/;
const ANONYMOUS_FUNCTION_TEXT = /(^|[;{}])\s*(export\s+)?(async\s+)?function\s*\*?\s*[(<]/m;

function hasAnonymousDeclaration(program: Program): boolean {
  const allowed = new Set<Node>(program.body.flatMap((s) => (s.type === 'ExportDefaultDeclaration' ? [s.declaration] : [])));
  let found = false;
  forEachNode(program, (n) => {
    if ((n.type === 'ClassDeclaration' || n.type === 'FunctionDeclaration') && !n.id && !allowed.has(n)) found = true;
    return !found;
  });
  return found;
}

/**
 * oxc-parser's JSON transfer hands regex and BigInt literals over as a path from the root to each one (its
 * JSON cannot hold their values), so their total depth is what that costs: 3,000 regex literals nested 3,000
 * deep make 64 MB of JSON from a 24 KB file, and 30,000 make gigabytes. No path is longer than the text, so
 * the number of such literals times the text's length bounds it, whatever strings, comments and regexes hide.
 * A regex literal sits on one line, opens with a `/` that no `/` or `*` follows, and closes with a later `/`;
 * a BigInt is a numeric literal ending in `n`. A `/` right after a quote, a `]` or a word that is not a
 * keyword never opens one (it is a division, or inside a string), which keeps paths in strings
 * (`"/rooms/" + id + "/state"`) from counting. Above `MAX_OXC_LITERAL_PATHS`, typescript-estree parses instead.
 */
export function oxcLiteralPathBound(text: string): number {
  let literals = 0;
  let open = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      open = false; // no regex literal spans lines
    } else if (c === 47) {
      if (open) {
        literals++;
        open = false;
      } else {
        const next = text.charCodeAt(i + 1);
        open = next !== 47 && next !== 42 && mayOpenRegex(text, i);
      }
    } else if (c === 110 && i > 0 && startsWithDigit(text, i)) {
      literals++;
    }
  }
  return literals * text.length;
}

/** Keywords after which an expression, so a regex literal, may begin. */
const BEFORE_EXPRESSION = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

/** May the `/` at `slash` open a regex literal, judging by what precedes it on its line? */
function mayOpenRegex(text: string, slash: number): boolean {
  let i = slash - 1;
  while (i >= 0 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i--;
  if (i < 0) return true;
  const before = text.charCodeAt(i);
  if (before === 34 || before === 39 || before === 96 || before === 93) return false;
  if (!isWordChar(before)) return true;
  const end = i + 1;
  while (i >= 0 && isWordChar(text.charCodeAt(i))) i--;
  return BEFORE_EXPRESSION.has(text.slice(i + 1, end));
}

/** About 360 MB of JSON at worst. Of 7,897 files in node_modules (many of them bundles), 25 are above it; of 3,581 in typeorm, 1. */
export const MAX_OXC_LITERAL_PATHS = 50_000_000;

/** Does the word that ends just before `end` start with a digit (a numeric literal such as `0x1f` or `1_000`)? */
function startsWithDigit(text: string, end: number): boolean {
  let i = end - 1;
  while (i >= 0 && isWordChar(text.charCodeAt(i))) i--;
  const first = text.charCodeAt(i + 1);
  return i + 1 < end && first >= 48 && first <= 57;
}

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}
