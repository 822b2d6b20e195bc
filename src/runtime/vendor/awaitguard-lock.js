// awaitguard-lock.js: Lock, Semaphore and BoundedSemaphore for async code, zero dependencies.
// A copy of the awaitguard runtime (the `awaitguard/runtime` export), MIT License.
// Generated from src/runtime/index.ts by scripts/build-runtime.mjs; do not edit by hand.
/* eslint-disable */ // vendored code: the project's lint rules do not apply
// @ts-nocheck
/// <reference lib="esnext.disposable" preserve="true" />
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
/** The error a wait rejects with when its `timeout` passes first. */
export class LockTimeoutError extends Error {
    name = 'LockTimeoutError';
    /** The timeout that passed, in milliseconds. */
    timeout;
    constructor(message, timeout) {
        super(message);
        this.timeout = timeout;
    }
}
// ---------------------------------------------------------------------------------------------
// Internals
// ---------------------------------------------------------------------------------------------
// Node 20 and modern browsers define Symbol.dispose / Symbol.asyncDispose. Elsewhere, use the
// registry symbols that esbuild's and Babel's downlevel `using` helpers fall back to.
function knownSymbol(name) {
    return Symbol[name] ?? Symbol.for(`Symbol.${name}`);
}
const disposeKey = /* @__PURE__ */ knownSymbol('dispose');
const asyncDisposeKey = /* @__PURE__ */ knownSymbol('asyncDispose');
const host = globalThis;
/** Largest delay setTimeout honours; longer ones would fire after 1 ms. */
const MAX_DELAY = 2147483647;
// A look-alike signal is foreign code: whatever its members throw becomes the rejection of the
// wait, never an exception inside the queue's bookkeeping (which would strand a waiter).
/** The TypeError for a `signal` option that cannot be listened to, or what reading it threw. */
function signalError(core, signal) {
    try {
        if (typeof signal === 'object' && signal !== null && typeof signal.addEventListener === 'function') {
            return undefined;
        }
    }
    catch (error) {
        return error;
    }
    const got = typeof signal === 'object' ? 'an object without addEventListener' : `${typeof signal} ${String(signal)}`;
    return new TypeError(`${core.label()}: signal must be an AbortSignal, got ${got}`);
}
/** `{ reason }` to reject a wait with when `signal` has aborted (or its `aborted` getter throws). */
function abortedWith(core, signal) {
    let aborted;
    try {
        aborted = signal.aborted;
    }
    catch (error) {
        return { reason: error };
    }
    return aborted ? { reason: abortReason(core, signal) } : undefined;
}
function abortReason(core, signal) {
    let reason;
    try {
        reason = signal.reason;
    }
    catch (error) {
        return error;
    }
    if (reason !== undefined)
        return reason;
    const message = `Waiting for ${core.label()} was aborted`;
    if (host.DOMException)
        return new host.DOMException(message, 'AbortError');
    const error = new Error(message);
    error.name = 'AbortError';
    return error;
}
function onTimeout(waiter) {
    waiter.timer = undefined;
    const core = waiter.core;
    core.cancel(waiter, new LockTimeoutError(`Timed out after ${waiter.timeout} ms waiting for ${core.label()}`, waiter.timeout));
}
// One abort listener per signal, however many waiters share it (a shared shutdown signal would
// otherwise trip Node's MaxListenersExceededWarning after 10 waiters).
const watched = /* @__PURE__ */ new WeakMap();
/** Registers `waiter` to be cancelled when `signal` aborts. Throws what `addEventListener` throws, having recorded nothing. */
function watch(waiter, signal) {
    let set = watched.get(signal);
    if (set === undefined) {
        set = listen(signal);
        watched.set(signal, set);
    }
    set.add(waiter);
    waiter.watchers = set;
}
function listen(signal) {
    const waiters = new Set();
    signal.addEventListener('abort', () => {
        watched.delete(signal);
        for (const w of waiters)
            w.core.cancel(w, abortReason(w.core, signal));
    }, { once: true });
    return waiters;
}
// Captures a new promise's resolve/reject without allocating a closure per waiter.
let capturedResolve;
let capturedReject;
function capture(resolve, reject) {
    capturedResolve = resolve;
    capturedReject = reject;
}
/** A pending `acquire()` (or `waitForUnlock()`, when `peek`), linked into its primitive's queue. */
class Waiter {
    core;
    weight;
    peek;
    resolve = capturedResolve;
    reject = capturedReject;
    prev;
    next = null;
    queued = true;
    signal = undefined;
    watchers = undefined;
    timer = undefined;
    timeout = 0;
    constructor(core, weight, peek, prev) {
        this.core = core;
        this.weight = weight;
        this.peek = peek;
        this.prev = prev;
    }
}
// Made by a pure call so that bundlers can drop it when unused: a class with computed (symbol)
// method names would otherwise count as a side effect of importing this module.
const Hold = /* @__PURE__ */ (() => class Hold {
    core;
    weight;
    constructor(core, weight) {
        this.core = core;
        this.weight = weight;
    }
    release() {
        const core = this.core;
        if (core === null)
            return;
        // A Lock released through lock.release() belongs to nobody, or to a later acquirer, now.
        if (!core.lock || core.owner === this)
            core.put(this.weight);
        this.core = null;
    }
    [disposeKey]() {
        this.release();
    }
    async [asyncDisposeKey]() {
        this.release();
    }
})();
/** The queue and the counter behind every primitive. */
class Core {
    /** Permits free now. */
    value;
    /** Most permits there can be (1 for Lock, the initial value for BoundedSemaphore, else Infinity). */
    max;
    lock;
    kind;
    name;
    head = null;
    tail = null;
    /** Queued acquire() calls (not waitForUnlock() calls). */
    count = 0;
    /** Lock only: the current hold, so that a stale guard cannot release a later one. */
    owner = null;
    constructor(value, max, kind, options) {
        this.value = value;
        this.max = max;
        this.lock = kind === 'Lock';
        this.kind = kind;
        this.name = options?.name;
    }
    label() {
        return this.name === undefined ? this.kind : `${this.kind} "${this.name}"`;
    }
    weightError(weight) {
        if (!(Number.isSafeInteger(weight) && weight > 0)) {
            return new RangeError(`${this.label()}: weight must be a positive integer, got ${String(weight)}`);
        }
        if (weight > this.max) {
            return new RangeError(`${this.label()}: weight ${weight} can never be acquired, the limit is ${this.max}`);
        }
        return undefined;
    }
    /**
     * `acquire` with the caller's arguments read inside: a getter that throws (`options.signal`, `weight`)
     * rejects like any other bad argument instead of throwing where a promise was expected.
     */
    request(args, peek) {
        try {
            const [weight, options] = args();
            return this.acquire(weight, options, peek);
        }
        catch (error) {
            return Promise.reject(error);
        }
    }
    /** Waits for `weight` permits and takes them (or, when `peek`, only waits for the turn). */
    acquire(weight, options, peek) {
        const bad = this.weightError(weight);
        if (bad)
            return Promise.reject(bad);
        let signal;
        let timeout;
        if (options !== undefined) {
            signal = options.signal ?? undefined;
            timeout = options.timeout;
            if (timeout !== undefined && !(typeof timeout === 'number' && timeout >= 0)) {
                return Promise.reject(new RangeError(`${this.label()}: timeout must be a non-negative number of ms, got ${String(timeout)}`));
            }
            if (signal !== undefined) {
                const bad = signalError(this, signal);
                if (bad !== undefined)
                    return Promise.reject(bad);
                const gaveUp = abortedWith(this, signal);
                if (gaveUp !== undefined)
                    return Promise.reject(gaveUp.reason);
            }
        }
        if (this.head === null && weight <= this.value) {
            return Promise.resolve(peek ? undefined : this.grant(weight));
        }
        const promise = new Promise(capture);
        const waiter = new Waiter(this, weight, peek, this.tail);
        if (this.tail === null)
            this.head = waiter;
        else
            this.tail.next = waiter;
        this.tail = waiter;
        if (!peek)
            this.count++;
        if (signal !== undefined) {
            waiter.signal = signal;
            try {
                watch(waiter, signal);
            }
            catch (error) {
                // Queued without a way to give up, it could wait forever: take it out and report why.
                this.cancel(waiter, error);
                return promise;
            }
        }
        if (timeout !== undefined && timeout <= MAX_DELAY) {
            waiter.timeout = timeout;
            waiter.timer = host.setTimeout(onTimeout, timeout, waiter);
        }
        return promise;
    }
    tryAcquire(weight) {
        const bad = this.weightError(weight);
        if (bad)
            throw bad;
        return this.head === null && weight <= this.value ? this.grant(weight) : undefined;
    }
    grant(weight) {
        this.value -= weight;
        return (this.owner = new Hold(this, weight));
    }
    /** Gives back `weight` permits and serves waiters. */
    put(weight) {
        if (this.value + weight > this.max) {
            throw this.lock
                ? new Error(`Cannot release ${this.label()}: it is not locked`)
                : new RangeError(`${this.label()} released too many times: releasing ${weight} would exceed its initial value ${this.max}`);
        }
        this.value += weight;
        this.owner = null;
        this.serve();
    }
    /** Grants the head of the queue while it fits; a head that does not fit blocks everyone behind it. */
    serve() {
        for (let waiter = this.head; waiter !== null && waiter.weight <= this.value; waiter = this.head) {
            this.unlink(waiter);
            // Its signal has aborted but our listener has not run yet (the abort is being dispatched and
            // an earlier listener, or the cancel of an earlier waiter, released permits): it gave up first.
            const gaveUp = waiter.signal === undefined ? undefined : abortedWith(this, waiter.signal);
            if (gaveUp !== undefined)
                waiter.reject(gaveUp.reason);
            else
                waiter.resolve(waiter.peek ? undefined : this.grant(waiter.weight));
        }
    }
    /** Rejects a waiter that gave up; a no-op if it was already served. */
    cancel(waiter, reason) {
        if (!waiter.queued)
            return;
        const wasHead = waiter === this.head;
        this.unlink(waiter);
        waiter.reject(reason);
        // Lighter waiters may have been blocked behind it.
        if (wasHead)
            this.serve();
    }
    unlink(waiter) {
        waiter.queued = false;
        const { prev, next } = waiter;
        if (prev === null)
            this.head = next;
        else
            prev.next = next;
        if (next === null)
            this.tail = prev;
        else
            next.prev = prev;
        waiter.prev = waiter.next = null;
        if (!waiter.peek)
            this.count--;
        if (waiter.timer !== undefined) {
            host.clearTimeout(waiter.timer);
            waiter.timer = undefined;
        }
        if (waiter.watchers !== undefined) {
            waiter.watchers.delete(waiter);
            waiter.watchers = undefined;
        }
    }
}
async function run(acquired, fn) {
    const guard = (await acquired);
    try {
        return await fn();
    }
    finally {
        guard.release();
    }
}
// ---------------------------------------------------------------------------------------------
// Public classes
// ---------------------------------------------------------------------------------------------
/**
 * A mutual-exclusion lock for async code, like `asyncio.Lock`. At most one holder at a time;
 * waiters are served strictly in arrival order. Not reentrant.
 */
export class Lock {
    #core;
    constructor(options) {
        this.#core = new Core(1, 1, 'Lock', options);
    }
    /** The name given to the constructor, if any. */
    get name() {
        return this.#core.name;
    }
    /** Whether the lock is held. */
    get locked() {
        return this.#core.value < 1;
    }
    /** How many `acquire()` calls are waiting. */
    get waiters() {
        return this.#core.count;
    }
    /**
     * Waits until the lock is free and takes it. Resolves to a `Guard`; release with
     * `guard.release()`, `lock.release()`, or `await using _ = await lock.acquire()`.
     * Rejects without taking the lock when `signal` aborts or `timeout` passes first.
     */
    acquire(options) {
        return this.#core.request(() => [1, options], false);
    }
    /** Takes the lock if it is free right now; returns `undefined` otherwise. Never waits. */
    tryAcquire() {
        return this.#core.tryAcquire(1);
    }
    /**
     * Releases the lock, whoever acquired it (asyncio style), and hands it to the next waiter.
     * Throws an `Error` if the lock is not held.
     */
    release() {
        this.#core.put(1);
    }
    /**
     * Runs `fn` while holding the lock and resolves to its result. The lock is released when `fn`
     * settles, including when it throws or rejects.
     */
    runExclusive(fn, options) {
        return run(this.#core.request(() => [1, options], false), fn);
    }
    /**
     * Waits for the turn an `acquire()` made now would get, without taking the lock: resolves once
     * every earlier waiter has been served and the lock is free. Someone else may take the lock
     * right after; to act under the lock, use `acquire()`.
     */
    waitForUnlock(options) {
        return this.#core.request(() => [1, options], true);
    }
}
/**
 * A counting semaphore for async code, like `asyncio.Semaphore`, with optional weights: it holds
 * `value` permits, `acquire(n)` takes `n` of them and waits while fewer are free. Waiters are served
 * strictly in arrival order; a waiter that needs more permits than are free blocks the ones
 * behind it. `release()` may raise the count above the initial value; use `BoundedSemaphore`
 * to treat that as a bug.
 */
export class Semaphore {
    #core;
    /** @param value Permits available at the start, a non-negative integer. Defaults to 1. */
    constructor(value = 1, options) {
        const bounded = this instanceof BoundedSemaphore;
        const core = new Core(value, bounded ? value : Infinity, bounded ? 'BoundedSemaphore' : 'Semaphore', options);
        if (!(Number.isSafeInteger(value) && value >= 0)) {
            throw new RangeError(`${core.label()}: value must be a non-negative integer, got ${String(value)}`);
        }
        this.#core = core;
    }
    /** The name given to the constructor, if any. */
    get name() {
        return this.#core.name;
    }
    /** Permits free right now. */
    get value() {
        return this.#core.value;
    }
    /** Whether `acquire()` of one permit would have to wait: no permit is free, or others are waiting. */
    get locked() {
        return this.#core.value < 1 || this.#core.head !== null;
    }
    /** How many `acquire()` calls are waiting. */
    get waiters() {
        return this.#core.count;
    }
    /**
     * Waits until `weight` permits (default 1) are free and it is this caller's turn, and takes
     * them. Pass a number, or `{ weight, signal, timeout }`. Resolves to a `Guard` that gives back
     * exactly those permits. Rejects without taking any when `signal` aborts or `timeout` passes first.
     */
    acquire(weight) {
        return this.#core.request(() => semaphoreArgs(weight), false);
    }
    /** Takes `weight` permits if they are free and nobody is waiting; returns `undefined` otherwise. */
    tryAcquire(weight = 1) {
        return this.#core.tryAcquire(weight);
    }
    /**
     * Gives back `weight` permits (default 1) and serves waiters. On a `BoundedSemaphore`, throws a
     * `RangeError` if that would exceed the initial value.
     */
    release(weight = 1) {
        const bad = this.#core.weightError(weight);
        if (bad)
            throw bad;
        this.#core.put(weight);
    }
    /**
     * Runs `fn` while holding `weight` permits (a number or `{ weight, signal, timeout }`) and
     * resolves to its result. The permits are given back when `fn` settles, including on throw.
     */
    runExclusive(fn, weight) {
        return run(this.acquire(weight), fn);
    }
    /**
     * Waits exactly as `acquire(weight)` would, then resolves without taking any permit. Someone
     * else may take the permits right after.
     */
    waitForUnlock(weight) {
        return this.#core.request(() => semaphoreArgs(weight), true);
    }
}
/** A semaphore's `weight` argument, a number or `{ weight, signal, timeout }`, as a weight and options. */
function semaphoreArgs(weight) {
    return weight !== null && typeof weight === 'object' ? [weight.weight ?? 1, weight] : [weight ?? 1, undefined];
}
/**
 * A `Semaphore` that can never hold more permits than it started with, like
 * `asyncio.BoundedSemaphore`: a `release()` that would exceed the initial value throws a
 * `RangeError` (asyncio's ValueError), and so does asking for more permits than that value.
 */
export class BoundedSemaphore extends Semaphore {
}
/**
 * One `Lock` per key, made on first use and dropped once nobody holds or waits for it: per-key
 * mutual exclusion for a cache or a store (`await users.acquire(userId)` serializes the updates of one
 * user and lets other users' run). Same waits as `Lock`: strict FIFO per key, `{ signal, timeout }`,
 * `await using`, not reentrant.
 */
export class KeyedLock {
    #entries = new Map();
    #name;
    constructor(options) {
        this.#name = options?.name;
    }
    /** The name given to the constructor, if any. */
    get name() {
        return this.#name;
    }
    /** How many keys are held or waited for now (idle keys are dropped). */
    get size() {
        return this.#entries.size;
    }
    /** Whether `key` is held. */
    isLocked(key) {
        return this.#entries.get(key)?.lock.locked ?? false;
    }
    /**
     * Waits until `key` is free and takes it. Resolves to a `Guard` that releases that key (also with
     * `await using`). Rejects without taking it when `signal` aborts or `timeout` passes first.
     */
    acquire(key, options) {
        const entry = this.#enter(key);
        return entry.lock.acquire(options).then((held) => new KeyedHold(() => {
            held.release();
            this.#leave(key, entry);
        }), (error) => {
            this.#leave(key, entry);
            throw error;
        });
    }
    /** Takes `key` if it is free right now; returns `undefined` otherwise. Never waits. */
    tryAcquire(key) {
        const entry = this.#enter(key);
        const held = entry.lock.tryAcquire();
        if (held === undefined) {
            this.#leave(key, entry);
            return undefined;
        }
        return new KeyedHold(() => {
            held.release();
            this.#leave(key, entry);
        });
    }
    /** Runs `fn` holding `key` and resolves to its result; the key is released when `fn` settles. */
    runExclusive(key, fn, options) {
        const entry = this.#enter(key);
        return entry.lock.runExclusive(fn, options).then((value) => {
            this.#leave(key, entry);
            return value;
        }, (error) => {
            this.#leave(key, entry);
            throw error;
        });
    }
    #enter(key) {
        let entry = this.#entries.get(key);
        if (entry === undefined) {
            // Named only when the KeyedLock is: a name is a string built per key, and keys come and go.
            entry = { lock: new Lock(this.#name === undefined ? undefined : { name: `${this.#name} ${String(key)}` }), users: 0 };
            this.#entries.set(key, entry);
        }
        entry.users++;
        return entry;
    }
    #leave(key, entry) {
        entry.users--;
        if (entry.users === 0 && this.#entries.get(key) === entry)
            this.#entries.delete(key);
    }
}
// A guard of one key of a KeyedLock: releases once, however often it is called or disposed.
const KeyedHold = /* @__PURE__ */ (() => class KeyedHold {
    #release;
    constructor(release) {
        this.#release = release;
    }
    release() {
        const release = this.#release;
        this.#release = null;
        release?.();
    }
    [disposeKey]() {
        this.release();
    }
    async [asyncDisposeKey]() {
        this.release();
    }
})();
/**
 * Wraps `fn` so that concurrent calls with the same key share one in-flight call: the first starts it,
 * the others get its promise; once it settles (resolved or rejected) the next call starts afresh. The
 * key is the first argument unless `keyOf` says otherwise. For cache fills and token refreshes:
 *
 *   const loadUser = singleFlight((id: string) => db.users.find(id));
 */
export function singleFlight(fn, keyOf = (...args) => args[0]) {
    const inFlight = new Map();
    return (...args) => {
        const key = keyOf(...args);
        const running = inFlight.get(key);
        if (running !== undefined)
            return running;
        const started = (async () => fn(...args))().finally(() => {
            if (inFlight.get(key) === started)
                inFlight.delete(key);
        });
        inFlight.set(key, started);
        return started;
    };
}
