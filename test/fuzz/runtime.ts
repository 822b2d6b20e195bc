// Runs a case before and after `--fix`: bundled with esbuild (the runtime import resolved to the runtime's
// source, unresolvable imports replaced by stand-ins) and driven by driver.mjs in a child process, which calls
// every export twice at once. A case is runnable when its original finishes every call in time; its fixed
// version must then load and finish too: a call that never finishes after a fix is a deadlock the fix made.
import { mkdirSync, writeFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { runProcess } from './process.js';

export type RunOutcome =
  | { state: 'settled'; settled: number; rejected: number; ms: number }
  | { state: 'deadlock'; pending: string[] }
  | { state: 'timeout'; pending: string[] }
  | { state: 'load-error'; message: string }
  | { state: 'bundle-error'; message: string }
  | { state: 'crash'; message: string };

export const DRIVER_TIMEOUT_MS = 4000;
const BUNDLE_TIMEOUT_MS = 20_000;

const LOADERS: Record<string, esbuild.Loader> = { '.ts': 'ts', '.mts': 'ts', '.cts': 'ts', '.tsx': 'tsx', '.jsx': 'jsx', '.js': 'jsx', '.mjs': 'js', '.cjs': 'js' };

/** Bundles `text` (as if it were `dir/name`) into `outFile`; undefined when esbuild rejects it. */
export async function bundleCase(root: string, dir: string, name: string, text: string, outFile: string): Promise<string | undefined> {
  const stubs: esbuild.Plugin = {
    name: 'fuzz-stubs',
    setup(build) {
      build.onResolve({ filter: /.*/ }, async (args) => {
        if ((args.pluginData as { fuzz?: boolean } | undefined)?.fuzz || args.kind === 'entry-point') return undefined;
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        if (args.path === 'awaitguard/runtime') return { path: path.join(root, 'src', 'runtime', 'index.ts') };
        const r = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { fuzz: true } });
        if (r.errors.length === 0) return { path: r.path, external: r.external, namespace: r.namespace };
        return { path: args.path, namespace: 'fuzz-stub' };
      });
      build.onLoad({ filter: /.*/, namespace: 'fuzz-stub' }, (args) => ({
        contents: `module.exports = globalThis.__fuzzStub(${JSON.stringify(args.path)});`,
        loader: 'js',
      }));
    },
  };
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), BUNDLE_TIMEOUT_MS);
  });
  try {
    const built = esbuild.build({
      stdin: { contents: text, loader: LOADERS[path.extname(name)] ?? 'ts', resolveDir: dir, sourcefile: name },
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outfile: outFile,
      nodePaths: [path.join(root, 'node_modules')],
      plugins: [stubs],
      logLevel: 'silent',
      jsx: 'automatic',
      // JSX compiles to calls of a stand-in runtime.
      jsxImportSource: 'fuzz-jsx-stub',
    });
    if ((await Promise.race([built, bound])) === 'timeout') {
      // esbuild slows down badly on some deep nesting (7,000 nested functions: minutes); stopping its service
      // drops the build, and the next call starts a fresh one.
      built.catch(() => undefined);
      await esbuild.stop();
      return undefined;
    }
    return outFile;
  } catch (err) {
    writeFileSync(outFile + '.error.txt', String(err));
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

export async function runCase(root: string, dir: string, name: string, text: string, workDir: string, tag: string): Promise<RunOutcome> {
  mkdirSync(workDir, { recursive: true });
  const out = path.join(workDir, `${tag}.mjs`);
  const bundled = await bundleCase(root, dir, name, text, out);
  if (!bundled) return { state: 'bundle-error', message: 'esbuild rejects it' };
  const proc = await runProcess(process.execPath, [path.join(root, 'test', 'fuzz', 'driver.mjs'), bundled, String(DRIVER_TIMEOUT_MS)], {
    cwd: workDir,
    timeoutMs: DRIVER_TIMEOUT_MS + 6000,
  });
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(proc.stdout.trim().split('\n').pop() ?? '') as Record<string, unknown>;
  } catch {
    return { state: 'crash', message: `exit ${proc.code ?? proc.signal}${proc.timedOut ? ' (killed after the time bound)' : ''}: ${proc.stderr.slice(0, 300)}` };
  }
  const pending = (body.pending as string[] | undefined) ?? [];
  if (proc.code === 0) return { state: 'settled', settled: Number(body.settled), rejected: Number(body.rejected), ms: proc.ms };
  if (proc.code === 3) return { state: 'deadlock', pending };
  if (proc.code === 4) return { state: 'timeout', pending };
  if (proc.code === 5) return { state: 'load-error', message: String(body.load) };
  return { state: 'crash', message: `exit ${proc.code}` };
}
