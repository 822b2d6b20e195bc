// Entry point of the `awaitguard` binary (bundled to dist/cli.js; the bundler adds the shebang). The same file is
// the script of `--jobs` worker threads, so a worker loads exactly the code the main thread runs.
import { isMainThread, workerData } from 'node:worker_threads';
import type { WorkerData } from './pool.js';
import { isDebug, run, EXIT_USAGE } from './run.js';
import { serveChecks } from './worker.js';

const asWorker = isMainThread ? undefined : (workerData as Partial<WorkerData> | undefined)?.awaitguardCheckWorker;

if (asWorker) {
  serveChecks(asWorker);
} else {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    // `awaitguard check | head`: the reader went away; that is not our failure.
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });

  // An async function, so even process.cwd() throwing (a deleted working folder) ends as a reported rejection.
  const main = async (): Promise<number> =>
    run(
      process.argv.slice(2),
      { cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr },
      { workerScript: new URL(import.meta.url) },
    );
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(`awaitguard: internal error: ${message}\n`);
      if (isDebug(process.env)) {
        process.stderr.write(`${err instanceof Error ? (err.stack ?? message) : message}\n`);
      } else {
        process.stderr.write('awaitguard: set DEBUG=awaitguard to print the stack trace\n');
      }
      process.exitCode = EXIT_USAGE;
    },
  );
}
