// Entry point of the `awaitguard` binary (bundled to dist/cli.js; the bundler adds the shebang). The same file
// runs on three kinds of thread: the process's main thread, which only starts the run on a thread with a
// large stack (see src/shared/stack.ts: the native parser must never overflow a stack) and passes its exit
// code on; that run thread; and the `--jobs` check workers it starts.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { bigStackOptions } from '../shared/stack.js';
import type { WorkerData } from './pool.js';
import { isDebug, run, EXIT_USAGE, type RunIO } from './run.js';
import { serveChecks } from './worker.js';

/** `workerData` of the run thread: what it cannot see of the terminal from inside a worker. */
interface RunThreadData {
  awaitguardRun: { argv: string[]; stdoutIsTTY: boolean; stderrIsTTY: boolean; columns?: number };
}

type EntryData = Partial<WorkerData & RunThreadData> | undefined;
const data = isMainThread ? undefined : (workerData as EntryData);

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
} else {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    // `awaitguard check | head`: the reader went away; that is not our failure.
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  startRunThread();
}

/** Runs the CLI on a thread with the parse stack, or here when no such thread can be had. */
function startRunThread(): void {
  const argv = process.argv.slice(2);
  const run: RunThreadData = {
    awaitguardRun: {
      argv,
      stdoutIsTTY: process.stdout.isTTY === true,
      stderrIsTTY: process.stderr.isTTY === true,
      ...(process.stderr.columns !== undefined ? { columns: process.stderr.columns } : {}),
    },
  };
  let thread: Worker;
  try {
    thread = new Worker(new URL(import.meta.url), bigStackOptions(run));
  } catch {
    // No thread (a strict memory limit refused the stack): here, where the fast parser takes only small files.
    void runReporting(argv, () => ({ cwd: process.cwd(), env: process.env, stdout: process.stdout, stderr: process.stderr })).then((code) => {
      process.exitCode = code;
    });
    return;
  }
  let exitCode: number | undefined;
  thread.on('message', (message: { exitCode?: number }) => {
    if (typeof message.exitCode === 'number') exitCode = message.exitCode;
  });
  thread.on('error', (err) => {
    reportInternalError(err);
    exitCode = EXIT_USAGE;
  });
  thread.on('exit', () => {
    process.exitCode = exitCode ?? EXIT_USAGE;
  });
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

function reportInternalError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`awaitguard: internal error: ${message}\n`);
  if (isDebug(process.env)) {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? message) : message}\n`);
  } else {
    process.stderr.write('awaitguard: set DEBUG=awaitguard to print the stack trace\n');
  }
}
