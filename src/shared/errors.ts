/** A mistake in how awaitguard was invoked (unknown flag, missing path, bad value): exit code 2, one line on stderr. */
export class UsageError extends Error {
  override name = 'UsageError';
}
