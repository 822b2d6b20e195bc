import { createRequire } from 'node:module';
import { MAX_OXC_LITERAL_PATHS, oxcAccepts, oxcLiteralPathBound, oxcOptions, programFromOxc, type FastParser } from '../engine/index.js';
import { maxFastParseLength } from './stack.js';
import type * as Oxc from 'oxc-parser';

type OxcModule = typeof Oxc;

let loaded: OxcModule | null | undefined;

/**
 * oxc-parser (native, about three times as fast as typescript-estree on the same files) when it is installed,
 * for the CLI and the language server to hand to the engine. It is an optional speed-up: where its native
 * binding cannot load (the VS Code extension ships no node_modules; an unsupported platform) or
 * `AWAITGUARD_PARSER=typescript-estree` is set, the engine parses with typescript-estree alone. A text too
 * long for this thread's stack (see stack.ts), or whose regex literals could cost oxc's JSON transfer too much
 * (see `oxcLiteralPathBound`), goes to typescript-estree too.
 */
export function fastParser(env: Record<string, string | undefined> = process.env, limit: number = maxFastParseLength()): FastParser | undefined {
  if (env.AWAITGUARD_PARSER === 'typescript-estree') return undefined;
  const oxc = loadOxc();
  if (!oxc) return undefined;
  const raw = rawTransfer(oxc, env);
  const parse = (text: string, fileName: string): Oxc.ParseResult | undefined => {
    if (text.length > limit) return undefined;
    // Raw transfer builds regex and BigInt values in place; only the JSON path pays for their paths.
    if (!raw && oxcLiteralPathBound(text) > MAX_OXC_LITERAL_PATHS) return undefined;
    const options: Oxc.ParserOptions & { experimentalRawTransfer?: boolean } = oxcOptions(fileName);
    if (raw) options.experimentalRawTransfer = true;
    return oxc.parseSync(fileName, text, options);
  };
  const parser: FastParser = (text, fileName) => {
    const result = parse(text, fileName);
    return result && programFromOxc(result, text);
  };
  // The JSON path decodes the tree only when it is read: checking the syntax alone skips most of a parse's cost.
  parser.accepts = (text, fileName) => {
    const result = parse(text, fileName);
    return result !== undefined && oxcAccepts(result, text);
  };
  return parser;
}

/** Is the native parser usable here at all (installed, with a binding for this platform)? */
export function fastParserAvailable(): boolean {
  return loadOxc() !== null;
}

/**
 * The parser this process parses with, as the editor's status and the logs say it: oxc with its native binding,
 * else typescript-estree, and why (turned off, or no binding for this platform: the universal `.vsix`).
 */
export function parserInUse(env: Record<string, string | undefined> = process.env, limit: number = maxFastParseLength()): { parser: ParserName; detail: string } {
  const platform = `${process.platform}-${process.arch}`;
  if (env.AWAITGUARD_PARSER === 'typescript-estree') return { parser: 'typescript-estree', detail: 'AWAITGUARD_PARSER=typescript-estree' };
  const oxc = loadOxc();
  // The size limit says whether this thread has the parse stack (see stack.ts): without it, oxc takes only tiny files.
  const upTo = limit >= 1024 * 1024 ? `${Math.floor(limit / (1024 * 1024))}M` : `${Math.floor(limit / 1024)}K`;
  if (oxc) return { parser: 'oxc', detail: `native binding for ${platform}, ${rawTransfer(oxc, env) ? 'raw' : 'JSON'} transfer, files up to ${upTo} characters` };
  return { parser: 'typescript-estree', detail: `no oxc binding for ${platform}` };
}

export type ParserName = 'oxc' | 'typescript-estree';

/**
 * Raw transfer hands the tree over as oxc's own memory, not as JSON to parse (most of a parse's cost on the JSON
 * path): Node 22 and later, 64-bit, unless `AWAITGUARD_OXC_TRANSFER=json`. Node 20 keeps the JSON path.
 */
function rawTransfer(oxc: OxcModule, env: Record<string, string | undefined>): boolean {
  if (env.AWAITGUARD_OXC_TRANSFER === 'json') return false;
  try {
    return oxc.rawTransferSupported();
  } catch {
    return false;
  }
}

function loadOxc(): OxcModule | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  try {
    // Resolved at run time, not bundled: a native addon cannot be inlined.
    loaded = createRequire(import.meta.url)('oxc-parser') as OxcModule;
  } catch {
    // Not installed, or no binding for this platform.
  }
  return loaded;
}
