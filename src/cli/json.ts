/**
 * Strict JSON parsing with an error that says where: V8's JSON.parse messages only sometimes carry a position
 * (and never a line), so on failure a small scanner finds the first offending character.
 */

export class JsonSyntaxError extends Error {
  override name = 'JsonSyntaxError';
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
  }
}

/** Parses JSON text (a leading BOM is allowed). Throws JsonSyntaxError with a 1-based line and column. */
export function parseJson(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return JSON.parse(body);
  } catch (err) {
    const found = locateJsonError(body);
    const offset = found?.offset ?? 0;
    const reason = found?.reason ?? (err instanceof Error ? err.message : String(err));
    const { line, column } = lineColumn(body, offset);
    throw new JsonSyntaxError(reason, line, column);
  }
}

/** 1-based line and column (UTF-16 code units) of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

class Failure {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

/** The offset and cause of the first syntax error in `text`, or undefined when it is valid JSON. */
export function locateJsonError(text: string): { offset: number; reason: string } | undefined {
  const n = text.length;
  let i = 0;

  const describeAt = (at: number): string => {
    if (at >= n) return 'end of file';
    const ch = text[at]!;
    if (ch === '/' && (text[at + 1] === '/' || text[at + 1] === '*')) return 'a comment (comments are not allowed in JSON)';
    if (ch === "'") return "' (strings must use double quotes)";
    return JSON.stringify(ch);
  };
  const fail = (reason: string, at = i): never => {
    throw new Failure(at, reason);
  };
  const skipWhitespace = (): void => {
    while (i < n) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
      else break;
    }
  };
  const parseString = (): void => {
    const start = i;
    i++; // opening quote
    for (;;) {
      if (i >= n) fail('unterminated string', start);
      const c = text[i]!;
      if (c === '"') {
        i++;
        return;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else if (e === 'u' && HEX4.test(text.slice(i + 2, i + 6))) i += 6;
        else fail('invalid escape sequence in string');
      } else if (c.charCodeAt(0) < 0x20) {
        fail(c === '\n' ? 'unterminated string (line break inside a string)' : 'control character inside a string');
      } else {
        i++;
      }
    }
  };
  const parseValue = (): void => {
    skipWhitespace();
    const c = text[i];
    if (c === '{') {
      i++;
      skipWhitespace();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        skipWhitespace();
        if (text[i] !== '"') {
          fail(text[i] === '}' ? 'trailing comma before "}"' : `expected a double-quoted property name, found ${describeAt(i)}`);
        }
        parseString();
        skipWhitespace();
        if (text[i] !== ':') fail(`expected ":" after the property name, found ${describeAt(i)}`);
        i++;
        parseValue();
        skipWhitespace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`expected "," or "}" after the property value, found ${describeAt(i)}`);
      }
    }
    if (c === '[') {
      i++;
      skipWhitespace();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        skipWhitespace();
        if (text[i] === ']') fail('trailing comma before "]"');
        parseValue();
        skipWhitespace();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`expected "," or "]" after the array element, found ${describeAt(i)}`);
      }
    }
    if (c === '"') {
      parseString();
      return;
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) fail('invalid number');
      i += m![0].length;
      return;
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, i)) {
        i += literal.length;
        return;
      }
    }
    fail(i >= n ? 'unexpected end of file (expected a value)' : `unexpected ${describeAt(i)}`);
  };

  try {
    parseValue();
    skipWhitespace();
    if (i < n) fail(`unexpected ${describeAt(i)} after the end of the JSON value`);
    return undefined;
  } catch (err) {
    if (err instanceof Failure) return { offset: err.offset, reason: err.reason };
    throw err;
  }
}
