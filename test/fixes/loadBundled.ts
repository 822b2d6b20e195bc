// Runs fixed code: bundles TypeScript source (with `awaitguard/runtime` resolved to the runtime's source) into
// `dir` and imports it.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
let counter = 0;

export async function loadBundled<T>(source: string, dir: string, aliases: Record<string, string> = {}): Promise<T> {
  const out = join(dir, `m${counter++}.mjs`);
  await esbuild.build({
    stdin: { contents: source, loader: 'ts', resolveDir: dir },
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile: out,
    alias: { 'awaitguard/runtime': join(ROOT, 'src', 'runtime', 'index.ts'), ...aliases },
    logLevel: 'silent',
  });
  return (await import(pathToFileURL(out).href)) as T;
}
