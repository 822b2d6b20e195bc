// Inputs that once killed the process through a native stack overflow in oxc-parser, each far deeper than any
// stack a thread gets by default. Several defeat any nesting estimate read off the text: the brackets hide
// inside what only a parser can tell is a regex literal, JSX text or a template.
const N = 60_000;

export const DEEP_INPUTS: Record<string, { file: string; text: string }> = {
  'unbraced if chain': { file: 'if-chain.ts', text: `${'if (a) '.repeat(N)}x();\n` },
  'while and for chains': { file: 'loops.ts', text: `${'while (a) for (;;) '.repeat(N / 2)}x();\n` },
  'binary and logical chain': { file: 'binary.ts', text: `export const x = ${'a + b && '.repeat(N)}c;\n` },
  '.b() call chain': { file: 'calls.ts', text: `export const x = a${'.b()'.repeat(N)};\n` },
  'extends class chain': { file: 'extends.ts', text: `export const X = ${'class extends '.repeat(N / 4)}B${' {}'.repeat(N / 4)};\n` },
  'brackets after a quote in a regex literal': { file: 'regex-quote.ts', text: `${'f(/"/, '.repeat(N / 2)}1${')'.repeat(N / 2)};\n` },
  'brackets after /* in a regex literal': { file: 'regex-comment.ts', text: `${'g(/\\/*/, '.repeat(N / 2)}1${')'.repeat(N / 2)};\n` },
  "an apostrophe in JSX text": { file: 'jsx-text.tsx', text: `export const x = ${"<a>don't ".repeat(N / 4)}${'</a>'.repeat(N / 4)};\n` },
  'template literals': { file: 'template.ts', text: `export const x = ${'`${'.repeat(N / 4)}1${'}`'.repeat(N / 4)};\n` },
  'parenthesized types': { file: 'types.ts', text: `let x: ${'('.repeat(N)}b${')'.repeat(N)};\n` },
  'unclosed brackets': { file: 'unclosed.ts', text: '('.repeat(N) },
};
