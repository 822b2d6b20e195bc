import { createRequire } from 'node:module';
import { MAX_FAST_NESTING, nestingEstimate, oxcOptions, programFromOxc } from '../engine/oxc.js';
import type { FastParser } from '../engine/index.js';
import type * as Oxc from 'oxc-parser';

type OxcModule = typeof Oxc;

let loaded: FastParser | null | undefined;

/**
 * oxc-parser (native, about twice as fast as typescript-estree on the same files) when it is installed, for
 * the CLI and the language server to hand to the engine. It is an optional speed-up: where its native binding
 * cannot load (the VS Code extension ships no node_modules; an unsupported platform) or
 * `AWAITGUARD_PARSER=typescript-estree` is set, the engine parses with typescript-estree alone.
 */
export function fastParser(env: Record<string, string | undefined> = process.env): FastParser | undefined {
  if (env.AWAITGUARD_PARSER === 'typescript-estree') return undefined;
  if (loaded !== undefined) return loaded ?? undefined;
  loaded = null;
  try {
    // Resolved at run time, not bundled: a native addon cannot be inlined.
    const oxc = createRequire(import.meta.url)('oxc-parser') as OxcModule;
    loaded = (text, fileName) =>
      nestingEstimate(text) > MAX_FAST_NESTING ? undefined : programFromOxc(oxc.parseSync(fileName, text, oxcOptions(fileName)));
  } catch {
    // Not installed, or no binding for this platform.
  }
  return loaded ?? undefined;
}
