/**
 * TypeScript's parser takes time exponential in the nesting of `async (` and `async name(`: each level is
 * parsed once as a possible arrow function's parameters (or a method's) and again as a call
 * (`f(async(async(…(u))))`: 20 levels take 2.6 s, 22 take 10 s; oxc takes milliseconds). typescript-estree
 * (syntax errors, `AWAITGUARD_PARSER=typescript-estree`) must not be given such a file.
 *
 * This measures that nesting on the text: `async`, then optionally `function`, `*`, a name and type
 * parameters, then `(` opens a level; a `)` closes one. It may overcount, never undercount, short of a lexer
 * confused on purpose: every such `async` counts, even in a string or comment, and a `)` is not counted
 * inside a string, comment or template, nor after a `/` on its line (which may open a regex literal).
 *
 * It also measures, for TypeScript files without JSX, the nesting of what would be JSX elements with
 * attributes (`<div title={<div title={…`): there each `<div title` is tried as a type parameter list whose
 * error recovery skips to the end of the file, quadratic in that nesting (2,000 levels: 6.5 s). A `/>` or
 * `</` closes one. Like `async (`, these count in strings, comments and regex literals too (an apostrophe in
 * a regex would otherwise hide the rest of the line): HTML in a string with hundreds of unclosed tags with
 * attributes overcounts, which costs only the editor's analysis of a file oxc could not parse.
 */
const ASYNC_OPEN = /async\s*(?:function\s*\*?\s*)?(?:[A-Za-z_$][\w$]*\s*)?(?:<[^<>()]*>\s*)?\(/y;
/** `<name attr=` or `<name attr {`: a tag with an attribute, where a type parameter list cannot go on so. */
const TAG_OPEN = /<\s*([A-Za-z_$][\w$.]*)\s+([A-Za-z_$][\w$-]*)\s*[={]/y;
/** Words that may follow `<` in a type parameter or type argument list and be followed by another word. */
const TYPE_MODIFIERS = new Set(['const', 'in', 'out', 'readonly', 'keyof', 'typeof', 'infer', 'unique', 'abstract', 'new', 'asserts']);

export function asyncCallNesting(text: string): { depth: number; line: number } {
  return nesting(text, false).async;
}

/** Both measures in one pass; `tags` only counts where `<` cannot open JSX (TypeScript outside .tsx). */
export function speculativeNesting(text: string, tags: boolean): { async: Depth; tags: Depth } {
  return nesting(text, tags);
}

export interface Depth {
  depth: number;
  line: number;
}

function nesting(text: string, countTags: boolean): { async: Depth; tags: Depth } {
  const tag = { depth: 0, max: 0, line: 1 };
  let depth = 0;
  let max = 0;
  let maxLine = 1;
  let line = 1;
  let state: 'code' | "'" | '"' | '`' | 'line' | 'block' = 'code';
  let slashOnLine = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      slashOnLine = false;
      if (state === 'line' || state === "'" || state === '"') state = 'code';
      continue;
    }
    if (c === 'a' && text.startsWith('async', i) && !isWord(text[i - 1]) && !isWord(text[i + 5])) {
      ASYNC_OPEN.lastIndex = i;
      if (ASYNC_OPEN.test(text)) {
        depth++;
        if (depth > max) {
          max = depth;
          maxLine = line;
        }
      }
      continue;
    }
    if (countTags && c === '<') {
      if (text[i + 1] === '/') tag.depth = Math.max(0, tag.depth - 1);
      else {
        TAG_OPEN.lastIndex = i;
        const m = TAG_OPEN.exec(text);
        if (m && !TYPE_MODIFIERS.has(m[1]!) && m[2] !== 'extends' && ++tag.depth > tag.max) {
          tag.max = tag.depth;
          tag.line = line;
        }
      }
    }
    if (countTags && c === '/' && text[i + 1] === '>') tag.depth = Math.max(0, tag.depth - 1);
    switch (state) {
      case 'code':
        if (c === "'" || c === '"' || c === '`') state = c;
        else if (c === '/' && text[i + 1] === '/') state = 'line';
        else if (c === '/' && text[i + 1] === '*') state = 'block';
        else if (c === '/') slashOnLine = true;
        else if (c === ')' && !slashOnLine && depth > 0) depth--;
        break;
      case 'block':
        if (c === '*' && text[i + 1] === '/') {
          state = 'code';
          i++;
        }
        break;
      case 'line':
        break;
      default:
        if (c === '\\') i++;
        else if (c === state) state = 'code';
    }
  }
  return { async: { depth: max, line: maxLine }, tags: { depth: tag.max, line: tag.line } };
}

function isWord(c: string | undefined): boolean {
  return c !== undefined && /[\w$]/.test(c);
}

/** 16 levels take about 0.3 s in TypeScript's parser; each more doubles it. */
export const MAX_ASYNC_CALL_NESTING = 16;

/** 200 levels take about 0.1 s; 2,000 take 6.5 s. Real TypeScript has none (outside strings and comments). */
export const MAX_TAG_NESTING = 200;
