// Property tests over random schedules.
//
// 1. A differential test: random sequences of synchronous operations (acquire with a signal
//    and/or timeout, waitForUnlock, tryAcquire, release through the guard or the primitive,
//    stale and double releases, abort, advancing fake time), with promise reactions flushed at
//    random points, run against the real primitive and a small reference model. The order in
//    which promises settle, the permit count, the waiter count and every thrown error must match
//    the model, whose invariants (never more held than there are permits, FIFO) are asserted too.
//    Abort and grant routinely happen in the same tick here, since operations run back to back.
// 2. Real async tasks with random start times, hold times, weights, aborts and timeouts under
//    fake timers: never more holders than permits, grants in arrival order (a waiter can only be
//    overtaken by giving up), every permit back and no promise pending when all tasks settle.
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BoundedSemaphore, Lock, LockTimeoutError, Semaphore, type Guard } from '../../src/runtime/index.js';
import { flush } from './helpers.js';

type Kind = 'Lock' | 'Semaphore' | 'BoundedSemaphore';

type Op =
  | { op: 'acquire'; weight: number; signal: number | null; timeout: number | null; peek: boolean }
  | { op: 'try'; weight: number }
  | { op: 'release'; pick: number; raw: boolean }
  | { op: 'again'; pick: number }
  | { op: 'extra'; weight: number }
  | { op: 'abort'; signal: number }
  | { op: 'advance'; ms: number }
  | { op: 'flush' };

const SIGNALS = 3;
/** Runs per property; raise it for a longer search, e.g. AWAITGUARD_FC_RUNS=20000. */
const RUNS = Number(process.env.AWAITGUARD_FC_RUNS ?? 500);

function opArbitrary(capacity: number): fc.Arbitrary<Op> {
  const weight = fc.integer({ min: 1, max: capacity });
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        op: fc.constant('acquire' as const),
        weight,
        signal: fc.option(fc.integer({ min: 0, max: SIGNALS - 1 }), { nil: null }),
        timeout: fc.option(fc.integer({ min: 1, max: 15 }), { nil: null }),
        peek: fc.integer({ min: 0, max: 9 }).map((n) => n < 2), // 20% waitForUnlock
      }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('try' as const), weight }) },
    {
      weight: 5,
      arbitrary: fc.record({ op: fc.constant('release' as const), pick: fc.nat(), raw: fc.boolean() }),
    },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('again' as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('extra' as const), weight }) },
    {
      weight: 2,
      arbitrary: fc.record({ op: fc.constant('abort' as const), signal: fc.integer({ min: 0, max: SIGNALS - 1 }) }),
    },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 8 }) }) },
    { weight: 3, arbitrary: fc.constant({ op: 'flush' as const }) },
  );
}

// ------------------------------------------------------------------------------------------------
// Reference model: a plain array queue, served strictly from the front.
// ------------------------------------------------------------------------------------------------

interface ModelWaiter {
  id: number;
  weight: number;
  peek: boolean;
  signal: number | null;
  deadline: number | null;
  timerSeq: number;
}

class Model {
  value: number;
  capacity: number;
  readonly max: number;
  queue: ModelWaiter[] = [];
  /** id -> weight, in grant order. */
  holders = new Map<number, number>();
  owner: number | null = null;
  aborted: boolean[] = Array.from({ length: SIGNALS }, () => false);
  now = 0;
  timerSeq = 0;
  events: string[] = [];

  constructor(
    readonly kind: Kind,
    capacity: number,
  ) {
    this.value = capacity;
    this.capacity = capacity;
    this.max = kind === 'Semaphore' ? Infinity : capacity;
  }

  grant(id: number, weight: number): void {
    this.value -= weight;
    this.holders.set(id, weight);
    this.owner = id;
  }

  acquire(id: number, weight: number, peek: boolean, signal: number | null, timeout: number | null): void {
    if (signal !== null && this.aborted[signal]) {
      this.events.push(`${id}:abort`);
    } else if (this.queue.length === 0 && weight <= this.value) {
      if (peek) this.events.push(`${id}:peek`);
      else {
        this.grant(id, weight);
        this.events.push(`${id}:grant`);
      }
    } else {
      const deadline = timeout === null ? null : this.now + timeout;
      this.queue.push({ id, weight, peek, signal, deadline, timerSeq: deadline === null ? -1 : this.timerSeq++ });
    }
  }

  tryAcquire(id: number, weight: number): boolean {
    if (this.queue.length > 0 || weight > this.value) return false;
    this.grant(id, weight);
    return true;
  }

  /** Returns whether it throws. */
  put(weight: number): boolean {
    if (this.value + weight > this.max) return true;
    this.value += weight;
    this.owner = null;
    this.serve();
    return false;
  }

  serve(): void {
    while (this.queue.length > 0 && this.queue[0]!.weight <= this.value) {
      const w = this.queue.shift()!;
      if (w.signal !== null && this.aborted[w.signal]) this.events.push(`${w.id}:abort`);
      else if (w.peek) this.events.push(`${w.id}:peek`);
      else {
        this.grant(w.id, w.weight);
        this.events.push(`${w.id}:grant`);
      }
    }
  }

  cancel(w: ModelWaiter, why: 'abort' | 'timeout'): void {
    const index = this.queue.indexOf(w);
    if (index < 0) return;
    this.queue.splice(index, 1);
    this.events.push(`${w.id}:${why}`);
    if (index === 0) this.serve();
  }

  abort(signal: number): void {
    this.aborted[signal] = true;
    for (const w of this.queue.filter((x) => x.signal === signal)) this.cancel(w, 'abort');
  }

  advance(ms: number): void {
    const target = this.now + ms;
    for (;;) {
      let next: ModelWaiter | undefined;
      for (const w of this.queue) {
        if (w.deadline === null || w.deadline > target) continue;
        if (!next || w.deadline < next.deadline! || (w.deadline === next.deadline && w.timerSeq < next.timerSeq)) {
          next = w;
        }
      }
      if (!next) break;
      this.now = next.deadline!;
      this.cancel(next, 'timeout');
    }
    this.now = target;
  }

  waiters(): number {
    return this.queue.filter((w) => !w.peek).length;
  }

  checkInvariants(): void {
    const held = [...this.holders.values()].reduce((a, b) => a + b, 0);
    expect(held + this.value).toBe(this.capacity);
    expect(this.value).toBeGreaterThanOrEqual(0);
    if (this.queue.length > 0) expect(this.queue[0]!.weight).toBeGreaterThan(this.value);
  }
}

// ------------------------------------------------------------------------------------------------
// Driver: runs the ops on the real primitive and on the model side by side.
// ------------------------------------------------------------------------------------------------

interface Real {
  acquire(weight: number, options: { signal?: AbortSignal; timeout?: number }): Promise<Guard>;
  waitForUnlock(weight: number, options: { signal?: AbortSignal; timeout?: number }): Promise<void>;
  tryAcquire(weight: number): Guard | undefined;
  release(weight: number): void;
  readonly value: number;
  readonly waiters: number;
  readonly locked: boolean;
}

function makeReal(kind: Kind, capacity: number): Real {
  if (kind === 'Lock') {
    const lock = new Lock({ name: 'model' });
    return {
      acquire: (_w, o) => lock.acquire(o),
      waitForUnlock: (_w, o) => lock.waitForUnlock(o),
      tryAcquire: () => lock.tryAcquire(),
      release: () => lock.release(),
      get value() {
        return lock.locked ? 0 : 1;
      },
      get waiters() {
        return lock.waiters;
      },
      get locked() {
        return lock.locked;
      },
    };
  }
  const sem = kind === 'Semaphore' ? new Semaphore(capacity) : new BoundedSemaphore(capacity);
  return {
    acquire: (weight, o) => sem.acquire({ weight, ...o }),
    waitForUnlock: (weight, o) => sem.waitForUnlock({ weight, ...o }),
    tryAcquire: (weight) => sem.tryAcquire(weight),
    release: (weight) => sem.release(weight),
    get value() {
      return sem.value;
    },
    get waiters() {
      return sem.waiters;
    },
    get locked() {
      return sem.locked;
    },
  };
}

async function runScenario(kind: Kind, capacity: number, ops: Op[]): Promise<void> {
  const model = new Model(kind, capacity);
  const real = makeReal(kind, capacity);
  const events: string[] = [];
  const guards = new Map<number, Guard>();
  const settled = new Set<number>();
  /** Holders released through the primitive: their guards are stale (Lock) or must not be used (Semaphore). */
  const rawReleased = new Set<number>();
  /** Holders released through their guard. */
  const guardReleased = new Map<number, Guard>();
  let controllers = Array.from({ length: SIGNALS }, () => new AbortController());
  let nextId = 0;
  let issued = 0;

  const record = (id: number, promise: Promise<unknown>) => {
    issued++;
    promise.then(
      (guard) => {
        settled.add(id);
        if (guard !== undefined) {
          guards.set(id, guard as Guard);
          events.push(`${id}:grant`);
        } else events.push(`${id}:peek`);
      },
      (reason: unknown) => {
        settled.add(id);
        events.push(`${id}:${reason instanceof LockTimeoutError ? 'timeout' : 'abort'}`);
      },
    );
  };

  const releaseHolder = (pick: number, raw: boolean) => {
    const ids = [...model.holders.keys()];
    if (ids.length === 0) return;
    const id = ids[pick % ids.length]!;
    const weight = model.holders.get(id)!;
    const guard = guards.get(id);
    if (raw || !guard) {
      real.release(weight);
      rawReleased.add(id);
    } else {
      guard.release();
      guardReleased.set(id, guard);
    }
    model.holders.delete(id);
    expect(model.put(weight)).toBe(false);
  };

  const compare = () => {
    expect(events).toEqual(model.events);
    expect(real.value).toBe(model.value);
    expect(real.waiters).toBe(model.waiters());
    const locked = kind === 'Lock' ? model.value < 1 : model.value < 1 || model.queue.length > 0;
    expect(real.locked).toBe(locked);
    // Independently of the model: guards handed out and not given back fit within the permits.
    let held = 0;
    for (const id of guards.keys()) {
      if (!rawReleased.has(id) && !guardReleased.has(id)) held += model.holders.get(id) ?? 0;
    }
    expect(held).toBeLessThanOrEqual(model.capacity);
  };

  for (const step of ops) {
    switch (step.op) {
      case 'acquire': {
        const id = nextId++;
        const weight = kind === 'Lock' ? 1 : step.weight;
        const options: { signal?: AbortSignal; timeout?: number } = {};
        if (step.signal !== null) options.signal = controllers[step.signal]!.signal;
        if (step.timeout !== null) options.timeout = step.timeout;
        const promise = step.peek ? real.waitForUnlock(weight, options) : real.acquire(weight, options);
        record(id, promise);
        model.acquire(id, weight, step.peek, step.signal, step.timeout);
        break;
      }
      case 'try': {
        const id = nextId++;
        const weight = kind === 'Lock' ? 1 : step.weight;
        const guard = real.tryAcquire(weight);
        expect(guard !== undefined).toBe(model.tryAcquire(id, weight));
        if (guard) guards.set(id, guard);
        settled.add(id); // nothing pending either way
        break;
      }
      case 'release':
        releaseHolder(step.pick, step.raw);
        break;
      case 'again': {
        // Release a guard a second time (after guard.release() or, for Lock, after lock.release()):
        // must do nothing, whoever holds the primitive now.
        const candidates = [...guardReleased.values()];
        if (kind === 'Lock') for (const id of rawReleased) if (guards.has(id)) candidates.push(guards.get(id)!);
        if (candidates.length > 0) candidates[step.pick % candidates.length]!.release();
        break;
      }
      case 'extra': {
        // A release nobody acquired: Lock and BoundedSemaphore throw when nothing (enough) is held;
        // a plain Semaphore grows. Lock's release when held is a normal asyncio-style release.
        const weight = kind === 'Lock' ? 1 : step.weight;
        if (kind === 'Lock' && model.owner !== null) {
          releaseHolder([...model.holders.keys()].indexOf(model.owner), true);
          break;
        }
        const throws = model.value + weight > model.max;
        if (kind === 'BoundedSemaphore' && !throws) break; // would steal a holder's permits: skip
        if (throws) {
          expect(() => real.release(weight)).toThrowError(kind === 'Lock' ? Error : RangeError);
        } else {
          real.release(weight);
          model.capacity += weight;
          expect(model.put(weight)).toBe(false);
        }
        break;
      }
      case 'abort':
        controllers[step.signal]!.abort();
        model.abort(step.signal);
        controllers = controllers.map((c, i) => (i === step.signal ? new AbortController() : c));
        model.aborted[step.signal] = false; // later acquires use the fresh controller
        break;
      case 'advance':
        vi.advanceTimersByTime(step.ms);
        model.advance(step.ms);
        break;
      case 'flush':
        await flush();
        compare();
        break;
    }
    model.checkInvariants();
  }

  // Drain: release every holder (granting the queue as it goes) and let every timeout pass.
  await flush();
  compare();
  for (let rounds = 0; model.holders.size > 0 || model.queue.length > 0; rounds++) {
    expect(rounds).toBeLessThan(10_000);
    if (model.holders.size > 0) releaseHolder(0, false);
    else {
      vi.advanceTimersByTime(100);
      model.advance(100);
    }
    model.checkInvariants();
    await flush();
    compare();
  }
  expect(settled.size).toBe(nextId);
  expect(issued).toBeLessThanOrEqual(nextId);
  expect(real.value).toBe(model.capacity);
  expect(real.waiters).toBe(0);
  expect(vi.getTimerCount()).toBe(0);
}

describe('differential test against a reference model', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const scenario = (kind: Kind, capacity: fc.Arbitrary<number>) =>
    capacity.chain((c) => fc.tuple(fc.constant(c), fc.array(opArbitrary(c), { minLength: 1, maxLength: 60 })));

  it('Lock', async () => {
    await fc.assert(
      fc.asyncProperty(scenario('Lock', fc.constant(1)), async ([capacity, ops]) => {
        vi.clearAllTimers();
        await runScenario('Lock', capacity, ops);
      }),
      { numRuns: RUNS },
    );
  });

  it('Semaphore', async () => {
    await fc.assert(
      fc.asyncProperty(scenario('Semaphore', fc.integer({ min: 1, max: 4 })), async ([capacity, ops]) => {
        vi.clearAllTimers();
        await runScenario('Semaphore', capacity, ops);
      }),
      { numRuns: RUNS },
    );
  });

  it('BoundedSemaphore', async () => {
    await fc.assert(
      fc.asyncProperty(scenario('BoundedSemaphore', fc.integer({ min: 1, max: 4 })), async ([capacity, ops]) => {
        vi.clearAllTimers();
        await runScenario('BoundedSemaphore', capacity, ops);
      }),
      { numRuns: RUNS },
    );
  });
});

// ------------------------------------------------------------------------------------------------
// Real tasks under fake timers.
// ------------------------------------------------------------------------------------------------

interface TaskPlan {
  start: number;
  weight: number;
  hold: number;
  /** Await hops inside the hold that do not advance time. */
  hops: number;
  abortAt: number | null;
  timeout: number | null;
}

const taskPlan = (capacity: number): fc.Arbitrary<TaskPlan> =>
  fc.record({
    start: fc.integer({ min: 0, max: 30 }),
    weight: fc.integer({ min: 1, max: capacity }),
    hold: fc.integer({ min: 0, max: 10 }),
    hops: fc.integer({ min: 0, max: 3 }),
    abortAt: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }),
    timeout: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null }),
  });

describe('random async tasks', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

  it('never exceed the permits, serve in arrival order, and return every permit', async () => {
    const arbitrary = fc
      .record({ kind: fc.constantFrom<Kind>('Lock', 'Semaphore', 'BoundedSemaphore'), capacity: fc.integer({ min: 1, max: 4 }) })
      .chain(({ kind, capacity }) => {
        const c = kind === 'Lock' ? 1 : capacity;
        return fc.tuple(fc.constant(kind), fc.constant(c), fc.array(taskPlan(c), { minLength: 1, maxLength: 40 }));
      });

    await fc.assert(
      fc.asyncProperty(arbitrary, async ([kind, capacity, plans]) => {
        vi.clearAllTimers();
        const lock = kind === 'Lock' ? new Lock() : undefined;
        const sem = kind === 'Semaphore' ? new Semaphore(capacity) : new BoundedSemaphore(capacity);
        const acquire = (weight: number, options: { signal?: AbortSignal; timeout?: number }) =>
          lock ? lock.acquire(options) : sem.acquire({ weight, ...options });

        let held = 0;
        let done = 0;
        /** Settlement order: who was granted or gave up, by arrival index. */
        const log: { arrival: number; granted: boolean }[] = [];
        let arrivals = 0;

        const failures: unknown[] = [];
        const body = async (plan: TaskPlan) => {
          await sleep(plan.start);
          const options: { signal?: AbortSignal; timeout?: number } = {};
          if (plan.abortAt !== null) {
            const controller = new AbortController();
            options.signal = controller.signal;
            setTimeout(() => controller.abort(), Math.max(0, plan.abortAt - plan.start));
          }
          if (plan.timeout !== null) options.timeout = plan.timeout;
          const arrival = arrivals++;
          const weight = lock ? 1 : plan.weight;
          const pending = acquire(weight, options);
          pending.then(
            () => log.push({ arrival, granted: true }),
            () => log.push({ arrival, granted: false }),
          );
          let guard: Guard;
          try {
            guard = await pending;
          } catch (error) {
            if (!(error instanceof LockTimeoutError || (error as Error).name === 'AbortError')) throw error;
            return;
          }
          try {
            held += weight;
            if (held > capacity) throw new Error(`${held} permits held, only ${capacity} exist`);
            for (let i = 0; i < plan.hops; i++) await null;
            if (plan.hold > 0) await sleep(plan.hold);
          } finally {
            held -= weight;
            guard.release();
          }
        };
        const run = async (plan: TaskPlan) => {
          try {
            await body(plan);
          } catch (error) {
            failures.push(error);
          } finally {
            done++;
          }
        };

        const all = Promise.all(plans.map(run));
        await vi.runAllTimersAsync();
        await flush();
        expect(failures).toEqual([]);
        expect(done).toBe(plans.length); // nothing left pending
        await all;

        // FIFO: when a waiter is granted, everyone who arrived before it has been granted or gave up.
        const settledAt = new Map(log.map((entry, index) => [entry.arrival, index]));
        for (const [index, entry] of log.entries()) {
          if (!entry.granted) continue;
          for (let earlier = 0; earlier < entry.arrival; earlier++) {
            expect(settledAt.get(earlier)).toBeLessThan(index);
          }
        }
        const value = lock ? (lock.locked ? 0 : 1) : sem.value;
        expect(value).toBe(capacity);
        expect(lock ? lock.waiters : sem.waiters).toBe(0);
        expect(held).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });
});
