// Minimal types for the awaitguard runtime, so this example type-checks on its own
// (`npx tsc -p examples/payments-service`). In a real project they come with the package.
declare module 'awaitguard/runtime' {
  /** One hold of a lock or of semaphore permits. */
  export interface Guard {
    release(): void;
  }

  /** A mutual-exclusion lock for async code; waiters are served in arrival order. */
  export class Lock {
    constructor(options?: { name?: string });
    readonly locked: boolean;
    acquire(): Promise<Guard>;
    tryAcquire(): Guard | undefined;
    release(): void;
    runExclusive<T>(fn: () => T | PromiseLike<T>): Promise<T>;
  }

  /** At most `value` holders at a time; `new Semaphore(1)` behaves as a Lock. */
  export class Semaphore {
    constructor(value?: number, options?: { name?: string });
    acquire(weight?: number): Promise<Guard>;
    tryAcquire(weight?: number): Guard | undefined;
    release(weight?: number): void;
    runExclusive<T>(fn: () => T | PromiseLike<T>): Promise<T>;
  }
}
