// awaitguard-lock.d.cts: Lock, Semaphore and BoundedSemaphore for async code, zero dependencies.
// A copy of the awaitguard runtime (the `awaitguard/runtime` export), MIT License.
// Generated from src/runtime/index.ts by scripts/build-runtime.mjs; do not edit by hand.
/* eslint-disable */ // vendored code: the project's lint rules do not apply
/**
 * awaitguard runtime: `Lock`, `Semaphore`, `BoundedSemaphore`, `KeyedLock` and `singleFlight` for async JavaScript.
 *
 * Zero dependencies, one file, MIT licensed. Semantics follow Python's `asyncio.Lock` /
 * `asyncio.Semaphore`, with the conveniences of async-mutex:
 *
 *   const lock = new Lock({ name: 'balance' });
 *   await lock.acquire();
 *   try { balance = balance - (await fee()); } finally { lock.release(); }
 *
 *   await using _ = await lock.acquire();          // TypeScript 5.2+ explicit resource management
 *   await lock.runExclusive(async () => { ... });   // releases even when the callback throws
 *
 * - Strict FIFO: waiters are served in the order they called `acquire()`. A `Semaphore` waiter
 *   that asks for more permits than are free blocks everyone behind it, so heavy waiters never starve.
 * - Every wait can be given up with `{ signal, timeout }`. A waiter that gives up never gets the
 *   permits and its promise rejects (with `signal.reason`, an `AbortError`, or a `LockTimeoutError`).
 * - Not reentrant: acquiring a `Lock` you already hold waits forever (like asyncio).
 *
 * Documentation: docs/runtime.md in the awaitguard package.
 */
/// <reference lib="esnext.disposable" preserve="true" />
/**
 * The part of `AbortSignal` this runtime uses. A real `AbortSignal` fits; so does any object with
 * the same members, which keeps this file free of DOM and Node typings. The one listener per signal
 * is added with `once` and never removed (it holds only the waiters still queued), so
 * `removeEventListener` is not needed.
 */
export interface AbortSignalLike {
    readonly aborted: boolean;
    readonly reason?: unknown;
    addEventListener(type: 'abort', listener: () => void, options?: {
        once?: boolean;
    }): void;
}
/** Ways to stop waiting, accepted by every call that may wait. */
export interface AcquireOptions {
    /**
     * Give up when this signal aborts: the call rejects with `signal.reason` (an `AbortError`
     * when the signal has no reason). An already-aborted signal rejects at once, even if the lock is free.
     * `null` means no signal, as for `fetch`. A value without `addEventListener` rejects with a
     * `TypeError`; a look-alike whose members throw rejects with what they threw.
     */
    signal?: AbortSignalLike | null | undefined;
    /**
     * Give up after this many milliseconds: the call rejects with a `LockTimeoutError`. A lock that
     * is free is taken at once whatever the timeout, `0` included. `Infinity` (or any value of
     * 2^31 ms or more, about 24.8 days) means no timeout.
     */
    timeout?: number | undefined;
}
/** `AcquireOptions` plus the number of permits to take from a `Semaphore`. */
export interface SemaphoreAcquireOptions extends AcquireOptions {
    /** Permits to take at once, a positive integer. Defaults to 1. */
    weight?: number | undefined;
}
/** Constructor options shared by all primitives. */
export interface LockOptions {
    /** Shown in error messages (`Lock "db"`), to tell which lock timed out or was misused. */
    name?: string | undefined;
}
/**
 * One hold of a lock, or of `weight` permits of a semaphore, returned by `acquire()` and
 * `tryAcquire()`. Release it with `release()`, or let `using` / `await using` release it at the
 * end of the block.
 */
export interface Guard extends Disposable, AsyncDisposable {
    /**
     * Gives back exactly what this guard holds and wakes the next waiter. Calling it again does
     * nothing, so an early `release()` inside an `await using` block is safe. For a `Lock`, a guard
     * whose hold was already ended by `lock.release()` also does nothing: it never releases a hold
     * that someone else has acquired since. Call it as a method (`guard.release()`); it is not bound.
     */
    release(): void;
}
/** The error a wait rejects with when its `timeout` passes first. */
export declare class LockTimeoutError extends Error {
    name: string;
    /** The timeout that passed, in milliseconds. */
    readonly timeout: number;
    constructor(message: string, timeout: number);
}
/**
 * A mutual-exclusion lock for async code, like `asyncio.Lock`. At most one holder at a time;
 * waiters are served strictly in arrival order. Not reentrant.
 */
export declare class Lock {
    #private;
    constructor(options?: LockOptions);
    /** The name given to the constructor, if any. */
    get name(): string | undefined;
    /** Whether the lock is held. */
    get locked(): boolean;
    /** How many `acquire()` calls are waiting. */
    get waiters(): number;
    /**
     * Waits until the lock is free and takes it. Resolves to a `Guard`; release with
     * `guard.release()`, `lock.release()`, or `await using _ = await lock.acquire()`.
     * Rejects without taking the lock when `signal` aborts or `timeout` passes first.
     */
    acquire(options?: AcquireOptions): Promise<Guard>;
    /** Takes the lock if it is free right now; returns `undefined` otherwise. Never waits. */
    tryAcquire(): Guard | undefined;
    /**
     * Releases the lock, whoever acquired it (asyncio style), and hands it to the next waiter.
     * Throws an `Error` if the lock is not held.
     */
    release(): void;
    /**
     * Runs `fn` while holding the lock and resolves to its result. The lock is released when `fn`
     * settles, including when it throws or rejects.
     */
    runExclusive<T>(fn: () => T | PromiseLike<T>, options?: AcquireOptions): Promise<T>;
    /**
     * Waits for the turn an `acquire()` made now would get, without taking the lock: resolves once
     * every earlier waiter has been served and the lock is free. Someone else may take the lock
     * right after; to act under the lock, use `acquire()`.
     */
    waitForUnlock(options?: AcquireOptions): Promise<void>;
}
/**
 * A counting semaphore for async code, like `asyncio.Semaphore`, with optional weights: it holds
 * `value` permits, `acquire(n)` takes `n` of them and waits while fewer are free. Waiters are served
 * strictly in arrival order; a waiter that needs more permits than are free blocks the ones
 * behind it. `release()` may raise the count above the initial value; use `BoundedSemaphore`
 * to treat that as a bug.
 */
export declare class Semaphore {
    #private;
    /** @param value Permits available at the start, a non-negative integer. Defaults to 1. */
    constructor(value?: number, options?: LockOptions);
    /** The name given to the constructor, if any. */
    get name(): string | undefined;
    /** Permits free right now. */
    get value(): number;
    /** Whether `acquire()` of one permit would have to wait: no permit is free, or others are waiting. */
    get locked(): boolean;
    /** How many `acquire()` calls are waiting. */
    get waiters(): number;
    /**
     * Waits until `weight` permits (default 1) are free and it is this caller's turn, and takes
     * them. Pass a number, or `{ weight, signal, timeout }`. Resolves to a `Guard` that gives back
     * exactly those permits. Rejects without taking any when `signal` aborts or `timeout` passes first.
     */
    acquire(weight?: number | SemaphoreAcquireOptions): Promise<Guard>;
    /** Takes `weight` permits if they are free and nobody is waiting; returns `undefined` otherwise. */
    tryAcquire(weight?: number): Guard | undefined;
    /**
     * Gives back `weight` permits (default 1) and serves waiters. On a `BoundedSemaphore`, throws a
     * `RangeError` if that would exceed the initial value.
     */
    release(weight?: number): void;
    /**
     * Runs `fn` while holding `weight` permits (a number or `{ weight, signal, timeout }`) and
     * resolves to its result. The permits are given back when `fn` settles, including on throw.
     */
    runExclusive<T>(fn: () => T | PromiseLike<T>, weight?: number | SemaphoreAcquireOptions): Promise<T>;
    /**
     * Waits exactly as `acquire(weight)` would, then resolves without taking any permit. Someone
     * else may take the permits right after.
     */
    waitForUnlock(weight?: number | SemaphoreAcquireOptions): Promise<void>;
}
/**
 * A `Semaphore` that can never hold more permits than it started with, like
 * `asyncio.BoundedSemaphore`: a `release()` that would exceed the initial value throws a
 * `RangeError` (asyncio's ValueError), and so does asking for more permits than that value.
 */
export declare class BoundedSemaphore extends Semaphore {
}
/**
 * One `Lock` per key, made on first use and dropped once nobody holds or waits for it: per-key
 * mutual exclusion for a cache or a store (`await users.acquire(userId)` serializes the updates of one
 * user and lets other users' run). Same waits as `Lock`: strict FIFO per key, `{ signal, timeout }`,
 * `await using`, not reentrant.
 */
export declare class KeyedLock<K = string> {
    #private;
    constructor(options?: LockOptions);
    /** The name given to the constructor, if any. */
    get name(): string | undefined;
    /** How many keys are held or waited for now (idle keys are dropped). */
    get size(): number;
    /** Whether `key` is held. */
    isLocked(key: K): boolean;
    /**
     * Waits until `key` is free and takes it. Resolves to a `Guard` that releases that key (also with
     * `await using`). Rejects without taking it when `signal` aborts or `timeout` passes first.
     */
    acquire(key: K, options?: AcquireOptions): Promise<Guard>;
    /** Takes `key` if it is free right now; returns `undefined` otherwise. Never waits. */
    tryAcquire(key: K): Guard | undefined;
    /** Runs `fn` holding `key` and resolves to its result; the key is released when `fn` settles. */
    runExclusive<T>(key: K, fn: () => T | PromiseLike<T>, options?: AcquireOptions): Promise<T>;
}
/**
 * Wraps `fn` so that concurrent calls with the same key share one in-flight call: the first starts it,
 * the others get its promise; once it settles (resolved or rejected) the next call starts afresh. The
 * key is the first argument unless `keyOf` says otherwise. For cache fills and token refreshes:
 *
 *   const loadUser = singleFlight((id: string) => db.users.find(id));
 */
export declare function singleFlight<A extends unknown[], T>(fn: (...args: A) => T | PromiseLike<T>, keyOf?: (...args: A) => unknown): (...args: A) => Promise<T>;
