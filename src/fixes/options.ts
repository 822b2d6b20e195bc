import { FIX_DEFAULTS, type LockStyle, type Runtime } from '../engine/index.js';

/** How fixes are written; front ends fill this from settings (VS Code) or flags and config (CLI). */
export interface FixOptions {
  /** `try-finally` keeps return/break/continue and declarations working; `runExclusive` reads shorter. */
  lockStyle: LockStyle;
  /** Where `Lock` and `Semaphore` come from. */
  runtime: Runtime;
  /** Project-relative path of the vendored runtime for TypeScript files; JS files get the same path with .js/.cjs. */
  vendorPath: string;
  /** Absolute path of the project root that `vendorPath` is relative to. */
  projectRoot: string;
  /** Permits of the Semaphore that bounds a fan-out. */
  semaphorePermits: number;
  /** The project's TypeScript and target allow `await using` (TS 5.2+, esnext.disposable). */
  allowAwaitUsing: boolean;
  /**
   * Copies of the vendored runtime already in the project (absolute paths, any variant and its declaration
   * twin): a fix imports one the file can import instead of creating its own variant.
   */
  existingCopies?: readonly string[];
}

/** The same fix options, importing the runtime instead of vendoring it: where no file may be created (a suggestion, an unsaved buffer). */
export function withoutVendoring<T extends { runtime?: Runtime }>(fix: T): T {
  return { ...fix, runtime: fix.runtime === 'async-mutex' ? 'async-mutex' : 'package' };
}

export const DEFAULT_FIX_OPTIONS: FixOptions = {
  ...FIX_DEFAULTS,
  projectRoot: '/',
  allowAwaitUsing: false,
};
