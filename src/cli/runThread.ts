// The CLI's work, bundled to dist/cli-run.js apart from the launcher (dist/cli.js) so the process's main thread
// loads only the launcher. This file runs as the run thread that the launcher starts on a large stack, as
// each `--jobs` check worker, and, where no such thread can be had, inside the main thread itself.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { WorkerData } from './pool.js';
import { reportInternalError } from './internalError.js';
import { run, EXIT_USAGE, type RunIO } from './run.js';
import { serveChecks } from './worker.js';

/** What the launcher tells the run thread of the terminal, which a worker cannot see for itself. */
export interface RunThreadData {
  awaitguardRun: { argv: string[]; stdoutIsTTY: boolean; stderrIsTTY: boolean; columns?: number };
}

const data = isMainThread ? undefined : (workerData as Partial<WorkerData & RunThreadData> | undefined);

if (data?.awaitguardCheckWorker) {
  serveChecks(data.awaitguardCheckWorker);
} else if (data?.awaitguardRun) {
  const tty = data.awaitguardRun;
  const io = (): RunIO => ({
    cwd: process.cwd(),
    env: process.env,
    stdout: { write: (chunk: string) => process.stdout.write(chunk), isTTY: tty.stdoutIsTTY },
    stderr: { write: (chunk: string) => process.stderr.write(chunk), isTTY: tty.stderrIsTTY, ...(tty.columns !== undefined ? { columns: tty.columns } : {}) },
  });
  void runReporting(tty.argv, io).then((code) => parentPort!.postMessage({ exitCode: code }));
}

/** Runs the CLI in this thread (the launcher's fallback); resolves to the exit code. */
export function runHere(argv: string[]): Promise<number> {
  return runReporting(argv, () => ({ cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr }));
}

/** `run`, with a bug reported as an internal error (exit 2) rather than thrown. */
async function runReporting(argv: string[], io: () => RunIO): Promise<number> {
  try {
    // `io()` inside the try, so even process.cwd() throwing (a deleted working folder) ends as a reported error.
    return await run(argv, io(), { workerScript: new URL(import.meta.url) });
  } catch (err) {
    reportInternalError(err);
    return EXIT_USAGE;
  }
}
