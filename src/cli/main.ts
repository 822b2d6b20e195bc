// Entry point of the `awaitguard` binary (bundled to dist/cli.js; the bundler adds the shebang).
import { isDebug, run, EXIT_USAGE } from './run.js';

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  // `awaitguard check | head`: the reader went away; that is not our failure.
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

try {
  process.exitCode = run(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    stdout: process.stdout,
    stderr: process.stderr,
  });
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`awaitguard: internal error: ${message}\n`);
  if (isDebug(process.env)) {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? message) : message}\n`);
  } else {
    process.stderr.write('awaitguard: set DEBUG=awaitguard to print the stack trace\n');
  }
  process.exitCode = EXIT_USAGE;
}
