// Offsets to lines, as ECMAScript counts them (`\n`, `\r\n`, a lone `\r`, U+2028, U+2029): every offset on the
// line and column typescript-estree's `loc` gives it, which oxc's tree does not carry.
import { describe, expect, it } from 'vitest';
import { parseSource } from '../../src/engine/parse.js';
import { forEachNode } from '../../src/engine/ast.js';
import { LineIndex } from '../../src/engine/lines.js';

/** The position of every offset, by walking the text once as ECMAScript counts lines. */
function expected(text: string): { line: number; column: number }[] {
  const out: { line: number; column: number }[] = [];
  let line = 1;
  let column = 0;
  for (let i = 0; i <= text.length; i++) {
    out.push({ line, column });
    const c = text[i];
    if (c === '\r' && text[i + 1] === '\n') {
      out.push({ line, column: column + 1 });
      i++;
      line++;
      column = 0;
    } else if (c === '\n' || c === '\r' || c === '\u2028' || c === '\u2029') {
      line++;
      column = 0;
    } else {
      column++;
    }
  }
  return out;
}

describe('LineIndex', () => {
  it.each([
    ['line feeds only', 'a\nbb\n\nccc\n'],
    ['no terminator', 'abc'],
    ['empty', ''],
    ['CRLF', 'a\r\nbb\r\n\r\nc'],
    ['lone CR', 'a\rbb\r\rc'],
    ['mixed with U+2028 and U+2029', 'a\nb\u2028c\r\nd\u2029e\rf\n'],
  ])('%s: every offset on its line and column', (_, text) => {
    const lines = new LineIndex(text);
    const want = expected(text);
    for (let offset = 0; offset <= text.length; offset++) expect(lines.position(offset), `offset ${offset}`).toEqual(want[offset]);
  });

  it("agrees with typescript-estree's loc on a file of each kind", () => {
    const body = 'const a = 1;\nfunction f() {\n  return `x\n  y`;\n}\n// end\n';
    for (const text of [body, body.replace(/\n/g, '\r\n')]) {
      const parsed = parseSource(text, 'f.ts');
      if (!parsed.ok) throw new Error(parsed.error.message);
      const lines = new LineIndex(text);
      forEachNode(parsed.ast, (n) => {
        if (n.loc) expect(lines.position(n.range[0])).toEqual({ line: n.loc.start.line, column: n.loc.start.column });
        return true;
      });
    }
  });
});
