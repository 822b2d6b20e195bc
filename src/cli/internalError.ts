/** `DEBUG=awaitguard` (or `*`, or a comma-separated list that contains it) prints stacks of internal errors. */
export function isDebug(env: Record<string, string | undefined>): boolean {
  return (env.DEBUG ?? '').split(/[\s,]+/).some((name) => name === '*' || name === 'awaitguard' || name === 'awaitguard:*');
}

/** A bug, not the user's input: one line on stderr, the stack only when debugging. */
export function reportInternalError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`awaitguard: internal error: ${message}\n`);
  if (isDebug(process.env)) {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? message) : message}\n`);
  } else {
    process.stderr.write('awaitguard: set DEBUG=awaitguard to print the stack trace\n');
  }
}
