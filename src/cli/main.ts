// Entry point of the `awaitguard` binary (bundled to dist/cli.js; the bundler adds the shebang). It only starts
// the CLI (dist/cli-run.js) on a thread with a large stack, because the native parser must never overflow a
// stack (see src/shared/stack.ts), and passes that thread's exit code on. It loads nothing else, so the
// process starts about as fast as before the extra thread.
import { Worker } from 'node:worker_threads';
import { bigStackOptions } from '../shared/stack.js';
import { reportInternalError } from './internalError.js';
import type * as RunThread from './runThread.js';

const EXIT_USAGE = 2;
const RUN_SCRIPT = new URL('./cli-run.js', import.meta.url);

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  // `awaitguard check | head`: the reader went away; that is not our failure.
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

const argv = process.argv.slice(2);
const data: RunThread.RunThreadData = {
  awaitguardRun: {
    argv,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    ...(process.stderr.columns !== undefined ? { columns: process.stderr.columns } : {}),
  },
};

let thread: Worker | undefined;
try {
  thread = new Worker(RUN_SCRIPT, bigStackOptions(data));
} catch {
  // No such thread (a strict memory limit refused the stack): run here, where the fast parser takes only small files.
}
if (thread) {
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
} else {
  const { runHere } = (await import(RUN_SCRIPT.href)) as typeof RunThread;
  process.exitCode = await runHere(argv);
}
