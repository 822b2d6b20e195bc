import type { TSESTree } from '@typescript-eslint/typescript-estree';

/** The conventions of the file being edited, so inserted code looks like its neighbours. */
export interface CodeStyle {
  indentUnit: string;
  quote: "'" | '"';
  semi: string;
  eol: string;
  module: 'esm' | 'cjs';
  typescript: boolean;
}

export function detectStyle(text: string, ast: TSESTree.Program, fileName: string): CodeStyle {
  const lower = fileName.toLowerCase();
  return {
    indentUnit: detectIndentUnit(text),
    quote: detectQuote(ast),
    semi: detectSemicolons(text, ast) ? ';' : '',
    eol: text.includes('\r\n') ? '\r\n' : '\n',
    module: detectModule(ast, lower),
    typescript: /\.[mc]?tsx?$/.test(lower),
  };
}

function detectIndentUnit(text: string): string {
  let tabs = 0;
  const steps = new Map<number, number>();
  let prev = 0;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const ws = /^[ \t]*/.exec(line)![0];
    if (ws.startsWith('\t')) tabs++;
    const width = ws.replace(/\t/g, '').length;
    const step = width - prev;
    if (step > 0 && step <= 8) steps.set(step, (steps.get(step) ?? 0) + 1);
    prev = width;
  }
  if (tabs > [...steps.values()].reduce((a, b) => a + b, 0)) return '\t';
  let best = 2;
  let bestCount = 0;
  for (const [step, count] of steps) if (count > bestCount) [best, bestCount] = [step, count];
  return ' '.repeat(best);
}

function detectQuote(ast: TSESTree.Program): "'" | '"' {
  let single = 0;
  let double = 0;
  for (const stmt of ast.body) {
    const source =
      stmt.type === 'ImportDeclaration' || stmt.type === 'ExportAllDeclaration' || stmt.type === 'ExportNamedDeclaration'
        ? stmt.source
        : null;
    if (source?.raw.startsWith("'")) single++;
    else if (source?.raw.startsWith('"')) double++;
  }
  if (single + double === 0) {
    for (const tok of ast.tokens ?? []) {
      if (tok.type !== 'String') continue;
      if (tok.value.startsWith("'")) single++;
      else double++;
    }
  }
  return double > single ? '"' : "'";
}

function detectSemicolons(text: string, ast: TSESTree.Program): boolean {
  let withSemi = 0;
  let without = 0;
  const visit = (stmts: readonly TSESTree.Node[]): void => {
    for (const s of stmts) {
      if (s.type === 'ExpressionStatement' || s.type === 'VariableDeclaration' || s.type === 'ImportDeclaration' || s.type === 'ReturnStatement') {
        if (text[s.range[1] - 1] === ';') withSemi++;
        else without++;
      }
    }
  };
  visit(ast.body);
  for (const s of ast.body) {
    if (s.type === 'FunctionDeclaration' && s.body) visit(s.body.body);
  }
  return withSemi >= without;
}

function detectModule(ast: TSESTree.Program, lower: string): 'esm' | 'cjs' {
  if (lower.endsWith('.mjs') || lower.endsWith('.mts')) return 'esm';
  if (lower.endsWith('.cjs')) return 'cjs';
  const hasEsm = ast.body.some(
    (s) => s.type === 'ImportDeclaration' || s.type.startsWith('Export'),
  );
  if (hasEsm) return 'esm';
  const usesRequire = ast.body.some(
    (s) =>
      s.type === 'VariableDeclaration' &&
      s.declarations.some((d) => d.init?.type === 'CallExpression' && d.init.callee.type === 'Identifier' && d.init.callee.name === 'require'),
  );
  const assignsExports = ast.body.some(
    (s) =>
      s.type === 'ExpressionStatement' &&
      s.expression.type === 'AssignmentExpression' &&
      s.expression.left.type === 'MemberExpression' &&
      s.expression.left.object.type === 'Identifier' &&
      (s.expression.left.object.name === 'module' || s.expression.left.object.name === 'exports'),
  );
  return usesRequire || assignsExports || lower.endsWith('.cts') ? 'cjs' : 'esm';
}

/** Leading whitespace of the line that holds `offset`. */
export function indentAt(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return /^[ \t]*/.exec(text.slice(start, offset))![0];
}

export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

export function lineEnd(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i < 0 ? text.length : text[i - 1] === '\r' ? i - 1 : i;
}
