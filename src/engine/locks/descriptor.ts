/**
 * What the engine knows about one lock or limiter library. Detection (`../locks.ts`), the rules and
 * the fix generators read these; adding a library is one descriptor file and one line in `index.ts`.
 */
export type LockKind = 'mutex' | 'semaphore';

/** How an instance's kind follows from its arguments: fixed, or a permit count where 1 means a mutex. */
export type KindFrom =
  | { kind: LockKind }
  /** `new Semaphore(1)` / `pLimit(1)` / `new PQueue({ concurrency: 1 })`: one permit is a mutex. */
  | { permits: { arg: number; property?: string } };

/** A constructor (`new Mutex()`) or factory call (`pLimit(8)`) that makes an instance. */
export interface Maker {
  /** The name as exported by the library (and as code usually spells it when imported). */
  name: string;
  /** `default` when the module's default export is this maker. */
  exported?: 'default';
  via: 'new' | 'call';
  from: KindFrom;
}

export interface LockLibrary {
  id: string;
  /** Module names the library is imported from. */
  modules: readonly string[];
  makers: readonly Maker[];
  /** Methods that return a promise of the held lock (awaited, then released). */
  acquire?: readonly string[];
  /**
   * Functions that take a lock and resolve to the function that releases it (`await acquireLock(key)`). Every
   * key counts as one lock: a section held for some key keeps this code out of the race it guards.
   */
  acquireFunctions?: readonly string[];
  /** Methods that give a held lock back. */
  release?: readonly string[];
  /**
   * Its acquire and release methods count only on an instance the file is seen making (`new AsyncQueue()`),
   * not on a receiver named like a lock: the names are words other objects use (`wait`, `shift`).
   */
  declaredOnly?: true;
  /** Methods that run a callback while holding a lock. */
  run?: readonly RunMethod[];
  /** The instance itself is a function that runs its callback under it (`limit(() => io())`). */
  callable?: boolean;
  /** Running work through it bounds how much runs at once (unbounded-concurrency accepts it). */
  boundsFanOut: boolean;
  /** Other methods through which work is scheduled under the limit (`queue.add`, `limiter.wrap`). */
  schedule?: readonly string[];
  /** Words that name an instance whose construction the file does not show (`uploadLimiter`). */
  nameHints?: readonly string[];
  /** For a library a quick fix can import (the `fix.runtime` setting): what the fix writes. */
  writes?: FixApi;
}

/** The classes and calls a fix writes: `new Lock()`, `await l.acquire()`, `l.release()`, `l.runExclusive(fn)`. */
export interface FixApi {
  /** `KeyedLock` only where the library has one lock per key. */
  classes: { Lock: string; Semaphore: string; KeyedLock?: string };
  acquire: string;
  release: string;
  run: string;
  /** Module paths of a copy vendored into the project (`./awaitguard-lock.js`). */
  vendored?: RegExp;
}

/** A method that runs a callback under a lock: `m.runExclusive(fn)`, `lock.acquire(key, fn)`. */
export interface RunMethod {
  method: string;
  /** Which argument is the callback: any, the second (after a key), or the last (after options). */
  callback: 'any' | 'second' | 'last';
  /**
   * Which lock it holds: the receiver itself; one named by the first argument (async-lock keys, Web Locks
   * names); or, for `this.tail = this.tail.then(fn)`, the queue the chain is assigned back to.
   */
  lock: 'receiver' | 'named' | 'tail';
  /** The receiver must match (the Web Locks manager); the lock's key is then prefixed with `keyPrefix`. */
  receiver?: RegExp;
  keyPrefix?: string;
}
