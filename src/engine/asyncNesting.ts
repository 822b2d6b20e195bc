/**
 * TypeScript's parser takes time exponential in the nesting of `async (`: each level is parsed once as a
 * possible arrow function's parameters and again as a call (`f(async(async(…(u))))`: 20 levels take 2.6 s, 22
 * take 10 s; oxc takes milliseconds). typescript-estree (syntax errors, `AWAITGUARD_PARSER=typescript-estree`)
 * must not be given such a file.
 *
 * This measures that nesting on the text: `async` followed by `(` opens a level, a `)` closes one. It may
 * overcount, never undercount, short of a lexer confused on purpose: every `async (` counts, even in a string
 * or comment, and a `)` is not counted inside a string, comment or template, nor after a `/` on its line
 * (which may open a regex literal).
 */
export function asyncCallNesting(text: string): { depth: number; line: number } {
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
      let j = i + 5;
      while (j < text.length && (text[j] === ' ' || text[j] === '\t' || text[j] === '\r' || text[j] === '\n')) j++;
      if (text[j] === '(') {
        depth++;
        if (depth > max) {
          max = depth;
          maxLine = line;
        }
      }
      continue;
    }
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
  return { depth: max, line: maxLine };
}

function isWord(c: string | undefined): boolean {
  return c !== undefined && /[\w$]/.test(c);
}

/** 16 levels take about 0.3 s in TypeScript's parser; each more doubles it. */
export const MAX_ASYNC_CALL_NESTING = 16;
