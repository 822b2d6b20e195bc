#!/usr/bin/env node
// Baseline for bench/check.mjs: read every analysable file under DIR and parse it the way the CLI does, and
// nothing else: with oxc-parser (the options of src/engine/oxc.ts), and with typescript-estree (the options
// of src/engine/parse.ts) where oxc reports an error; `--typescript-estree` (or AWAITGUARD_PARSER=
// typescript-estree, as the CLI reads it) parses every file with typescript-estree. Prints one JSON line:
//   {"files":N,"bytes":N,"parseErrors":N,"readMs":N,"parseMs":N}
//
//   node bench/parse-only.mjs DIR
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parse } from '@typescript-eslint/typescript-estree';
import { parseSync } from 'oxc-parser';
import { walk } from './files.mjs';


const estreeOnly = process.argv.includes('--typescript-estree') || process.env.AWAITGUARD_PARSER === 'typescript-estree';
const dir = process.argv.slice(2).find((a) => !a.startsWith('--'));
if (!dir) {
  console.error('usage: node bench/parse-only.mjs DIR');
  process.exit(2);
}

const t0 = performance.now();
const files = walk(dir, []).sort();
let bytes = 0;
let parseErrors = 0;
let readMs = 0;
let parseMs = 0;
for (const filePath of files) {
  const r0 = performance.now();
  const text = readFileSync(filePath, 'utf8');
  const r1 = performance.now();
  readMs += r1 - r0;
  bytes += Buffer.byteLength(text);
  const lower = filePath.toLowerCase();
  const jsx = lower.endsWith('.tsx') || !/\.[mc]?ts$/.test(lower);
  if (!estreeOnly) {
    const lang = lower.endsWith('.tsx') ? 'tsx' : /\.[cm]?ts$/.test(lower) ? 'ts' : 'jsx';
    const result = parseSync(filePath, text, { lang, astType: 'ts', range: true, preserveParens: false, sourceType: 'unambiguous' });
    if (result.errors.length === 0) {
      void result.program; // the tree is built (deserialized) on first access
      void result.comments;
      parseMs += performance.now() - r1;
      continue;
    }
  }
  try {
    parse(text, {
      filePath,
      jsx,
      loc: true,
      range: true,
      comment: true,
      errorOnUnknownASTType: false,
      suppressDeprecatedPropertyWarnings: true,
    });
  } catch (err) {
    parseErrors++;
    if (parseErrors <= 5) console.error(`${filePath}: ${err instanceof Error ? err.message : String(err)}`);
  }
  parseMs += performance.now() - r1;
}
const totalMs = performance.now() - t0;
console.log(
  JSON.stringify({
    files: files.length,
    bytes,
    parseErrors,
    readMs: Math.round(readMs),
    parseMs: Math.round(parseMs),
    totalMs: Math.round(totalMs),
  }),
);
