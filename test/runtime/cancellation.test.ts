import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BoundedSemaphore, Lock, LockTimeoutError, Semaphore, type AbortSignalLike, type Guard } from '../../src/runtime/index.js';
import { FakeSignal, flush, reasonOf, track } from './helpers.js';

type Primitive = Lock | Semaphore;
const kinds: [string, () => Primitive][] = [
  ['Lock', () => new Lock({ name: 'p' })],
  ['Semaphore', () => new Semaphore(1, { name: 'p' })],
  ['BoundedSemaphore', () => new BoundedSemaphore(1, { name: 'p' })],
];

/** Free permits: 1 or 0 for every primitive under test. */
const free = (p: Primitive) => (p instanceof Lock ? (p.locked ? 0 : 1) : p.value);

describe.each(kinds)('%s: signal', (kind, make) => {
  it('an already-aborted signal rejects at once, even when free, with the reason', async () => {
    const p = make();
    const reason = new Error('cancelled');
    const outcome = track(p.acquire({ signal: AbortSignal.abort(reason) }));
    expect(free(p)).toBe(1);
    await flush();
    expect(outcome.state).toEqual({ status: 'rejected', reason });
    expect((outcome.state as { reason: unknown }).reason).toBe(reason);
  });

  it('aborting a waiter rejects it with signal.reason, and it never gets the permit', async () => {
    const p = make();
    const holder = await p.acquire();
    const controller = new AbortController();
    const waiter = track(p.acquire({ signal: controller.signal }));
    expect(p.waiters).toBe(1);
    controller.abort();
    expect(p.waiters).toBe(0);
    await flush();
    expect(waiter.state.status).toBe('rejected');
    const reason = (waiter.state as { reason: Error }).reason;
    expect(reason.name).toBe('AbortError');
    expect(reason).toBe(controller.signal.reason);
    holder.release();
    expect(free(p)).toBe(1);
  });

  it('a signal without a reason rejects with an AbortError naming the primitive', async () => {
    const p = make();
    await p.acquire();
    const signal = new FakeSignal();
    const waiter = p.acquire({ signal });
    signal.abort();
    const error = (await reasonOf(waiter)) as Error;
    expect(error.name).toBe('AbortError');
    expect(error.message).toBe(`Waiting for ${kind} "p" was aborted`);
    const already = (await reasonOf(p.acquire({ signal }))) as Error;
    expect(already.name).toBe('AbortError');
  });

  it('abort right after the grant, in the same tick: the waiter keeps the permit', async () => {
    const p = make();
    const holder = await p.acquire();
    const controller = new AbortController();
    const waiter = track(p.acquire({ signal: controller.signal }));
    holder.release();
    controller.abort();
    await flush();
    expect(waiter.state.status).toBe('fulfilled');
    expect(free(p)).toBe(0);
    (waiter.state as { value: Guard }).value.release();
    expect(free(p)).toBe(1);
  });

  it('abort right before the grant, in the same tick: the waiter is rejected, no permit leaks', async () => {
    const p = make();
    const holder = await p.acquire();
    const controller = new AbortController();
    const waiter = track(p.acquire({ signal: controller.signal }));
    const next = track(p.acquire());
    controller.abort();
    holder.release();
    await flush();
    expect(waiter.state.status).toBe('rejected');
    expect(next.state.status).toBe('fulfilled');
    (next.state as { value: Guard }).value.release();
    expect(free(p)).toBe(1);
    expect(p.waiters).toBe(0);
  });

  it('an abort listener that releases the holder does not hand the permit to the aborted waiter', async () => {
    const p = make();
    const holder = await p.acquire();
    const controller = new AbortController();
    // Registered before the waiter's own listener, so it runs first.
    controller.signal.addEventListener('abort', () => holder.release());
    const waiter = track(p.acquire({ signal: controller.signal }));
    controller.abort();
    await flush();
    expect(waiter.state.status).toBe('rejected');
    expect(free(p)).toBe(1);
  });

  it('one signal shared by many waiters rejects them all in order, with one listener and no warning', async () => {
    const p = make();
    const holder = await p.acquire();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const controller = new AbortController();
      const order: number[] = [];
      const waiters = Array.from({ length: 50 }, (_, i) =>
        p.acquire({ signal: controller.signal }).catch(() => order.push(i)),
      );
      expect(p.waiters).toBe(50);
      controller.abort();
      await Promise.all(waiters);
      await flush();
      expect(order).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
    holder.release();
    expect(free(p)).toBe(1);
  });

  it('a signal reused across many granted acquires keeps working', async () => {
    const p = make();
    const controller = new AbortController();
    for (let i = 0; i < 100; i++) (await p.acquire({ signal: controller.signal })).release();
    await p.acquire({ signal: controller.signal });
    const waiter = p.acquire({ signal: controller.signal });
    controller.abort('late');
    await expect(waiter).rejects.toBe('late');
  });

  it('runExclusive and waitForUnlock honour the signal', async () => {
    const p = make();
    const holder = await p.acquire();
    const controller = new AbortController();
    const fn = vi.fn();
    const run = p.runExclusive(fn, { signal: controller.signal });
    const wait = p.waitForUnlock({ signal: controller.signal });
    controller.abort('stop');
    await expect(run).rejects.toBe('stop');
    await expect(wait).rejects.toBe('stop');
    expect(fn).not.toHaveBeenCalled();
    holder.release();
    expect(free(p)).toBe(1);
  });
});

/** A signal look-alike whose members are the given getters and methods (they may throw). */
function lookAlike(members: PropertyDescriptorMap): AbortSignalLike {
  const signal = new FakeSignal();
  Object.defineProperties(signal, members);
  return signal;
}
const throwing = (error: unknown) => ({
  get() {
    throw error;
  },
});

describe.each(kinds)('%s: a signal look-alike that misbehaves', (kind, make) => {
  it('addEventListener throws: the acquire rejects with that error, leaves no waiter, and the primitive stays usable', async () => {
    const p = make();
    const holder = await p.acquire();
    const boom = new Error('no listeners here');
    const signal = lookAlike({ addEventListener: { value: () => { throw boom; } } });
    expect(await reasonOf(p.acquire({ signal }))).toBe(boom);
    expect(p.waiters).toBe(0);
    // Nothing was recorded for the signal: a second waiter on it tries (and fails) again.
    expect(await reasonOf(p.acquire({ signal }))).toBe(boom);
    expect(p.waiters).toBe(0);
    const next = track(p.acquire());
    holder.release();
    await flush();
    expect(next.state.status).toBe('fulfilled');
    (next.state as { value: Guard }).value.release();
    expect(free(p)).toBe(1);
  });

  it('addEventListener throws for a waiter that runExclusive queued: fn never runs', async () => {
    const p = make();
    await p.acquire();
    const fn = vi.fn();
    const signal = lookAlike({ addEventListener: { value: () => { throw new Error('x'); } } });
    await expect(p.runExclusive(fn, { signal })).rejects.toThrow('x');
    expect(fn).not.toHaveBeenCalled();
    expect(p.waiters).toBe(0);
  });

  it.each([
    ['an object without addEventListener', { aborted: false }, 'an object without addEventListener'],
    ['a number', 42, 'number 42'],
    ['a string', 'stop', 'string stop'],
  ])('a signal that is %s rejects with a TypeError, even when free', async (_what, signal, got) => {
    const p = make();
    const error = (await reasonOf(p.acquire({ signal: signal as unknown as AbortSignalLike }))) as Error;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(`${kind} "p": signal must be an AbortSignal, got ${got}`);
    expect(free(p)).toBe(1);
  });

  it('an options object whose signal, timeout or weight getter throws rejects every entry point instead of throwing', async () => {
    const p = make();
    const boom = new Error('options getter');
    // A Lock reads no weight; a Semaphore does.
    for (const key of kind === 'Lock' ? ['signal', 'timeout'] : ['signal', 'timeout', 'weight']) {
      const options = Object.defineProperty({}, key, throwing(boom)) as { signal?: AbortSignalLike };
      let calls: Promise<unknown>[] = [];
      expect(() => {
        calls = [p.acquire(options), p.runExclusive(() => 1, options), p.waitForUnlock(options)];
      }).not.toThrow();
      for (const call of calls) expect(await reasonOf(call)).toBe(boom);
    }
    expect(free(p)).toBe(1);
    expect(p.waiters).toBe(0);
  });

  it('signal null means no signal (as for fetch)', async () => {
    const p = make();
    const guard = await p.acquire({ signal: null });
    guard.release();
    expect(free(p)).toBe(1);
  });

  it('an aborted getter that throws rejects the acquire with that error', async () => {
    const p = make();
    const boom = new Error('aborted getter');
    expect(await reasonOf(p.acquire({ signal: lookAlike({ aborted: throwing(boom) }) }))).toBe(boom);
    expect(free(p)).toBe(1);
    expect(p.waiters).toBe(0);
  });

  it('an aborted getter that throws only when the waiter is served: it is rejected, the next waiter gets the permit', async () => {
    const p = make();
    const holder = await p.acquire();
    let reads = 0;
    const boom = new Error('changed its mind');
    const signal = lookAlike({
      aborted: {
        get() {
          if (++reads > 1) throw boom;
          return false;
        },
      },
    });
    const waiter = track(p.acquire({ signal }));
    const next = track(p.acquire());
    expect(() => holder.release()).not.toThrow();
    await flush();
    expect(waiter.state).toEqual({ status: 'rejected', reason: boom });
    expect(next.state.status).toBe('fulfilled');
    expect(free(p)).toBe(0);
    expect(p.waiters).toBe(0);
  });

  it('a reason getter that throws: an already-aborted signal rejects with what it threw', async () => {
    const p = make();
    const boom = new Error('reason getter');
    const signal = lookAlike({ aborted: { value: true }, reason: throwing(boom) });
    expect(await reasonOf(p.acquire({ signal }))).toBe(boom);
    expect(free(p)).toBe(1);
  });

  it('a reason getter that throws on abort: every waiter sharing the signal is rejected, none is stranded', async () => {
    const p = make();
    const holder = await p.acquire();
    const boom = new Error('reason getter');
    const signal = new FakeSignal();
    Object.defineProperty(signal, 'reason', throwing(boom));
    const waiters = [track(p.acquire({ signal })), track(p.acquire({ signal })), track(p.acquire({ signal }))];
    const unrelated = track(p.acquire());
    expect(() => signal.abort()).not.toThrow();
    await flush();
    expect(waiters.map((w) => w.state)).toEqual(waiters.map(() => ({ status: 'rejected', reason: boom })));
    expect(p.waiters).toBe(1);
    holder.release();
    await flush();
    expect(unrelated.state.status).toBe('fulfilled');
  });

  it('a removeEventListener that throws does not matter: the runtime never calls it', async () => {
    const p = make();
    const controller = new AbortController();
    const signal = controller.signal;
    Object.defineProperty(signal, 'removeEventListener', { value: () => { throw new Error('never called'); } });
    for (let i = 0; i < 3; i++) (await p.acquire({ signal })).release();
    const holder = await p.acquire({ signal });
    const waiter = track(p.acquire({ signal, timeout: 1 }));
    await new Promise((r) => setTimeout(r, 5));
    expect((waiter.state as { reason: unknown }).reason).toBeInstanceOf(LockTimeoutError);
    const aborted = track(p.acquire({ signal }));
    controller.abort('done');
    await flush();
    expect(aborted.state).toEqual({ status: 'rejected', reason: 'done' });
    holder.release();
    expect(free(p)).toBe(1);
  });
});

describe('Semaphore: cancelling the head', () => {
  it('aborting a heavy head lets the lighter waiters behind it in', async () => {
    const sem = new Semaphore(3);
    await sem.acquire(2);
    const controller = new AbortController();
    const heavy = track(sem.acquire({ weight: 3, signal: controller.signal }));
    const light = track(sem.acquire(1));
    controller.abort();
    expect(sem.value).toBe(0);
    await flush();
    expect(heavy.state.status).toBe('rejected');
    expect(light.state.status).toBe('fulfilled');
  });

  it('aborting a waiter in the middle keeps the others in order', async () => {
    const sem = new Semaphore(1);
    const holder = await sem.acquire();
    const controller = new AbortController();
    const order: string[] = [];
    const a = sem.acquire().then((g) => (order.push('a'), g.release()));
    const b = sem.acquire({ signal: controller.signal }).then(
      () => order.push('b'),
      () => order.push('b aborted'),
    );
    const c = sem.acquire().then((g) => (order.push('c'), g.release()));
    controller.abort();
    holder.release();
    await Promise.all([a, b, c]);
    expect(order).toEqual(['b aborted', 'a', 'c']);
  });

  it('a waiter sharing the aborted signal is not granted by the cancel of the head', async () => {
    const sem = new Semaphore(2);
    await sem.acquire(1);
    const controller = new AbortController();
    const head = track(sem.acquire({ weight: 2, signal: controller.signal }));
    const second = track(sem.acquire({ weight: 1, signal: controller.signal }));
    const third = track(sem.acquire(1));
    controller.abort();
    await flush();
    expect(head.state.status).toBe('rejected');
    expect(second.state.status).toBe('rejected');
    expect(third.state.status).toBe('fulfilled');
    expect(sem.value).toBe(0);
  });
});

describe('timeouts', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(kinds)('%s: a waiter that times out rejects with LockTimeoutError and gets nothing', async (kind, make) => {
    const p = make();
    const holder = await p.acquire();
    const waiter = track(p.acquire({ timeout: 100 }));
    vi.advanceTimersByTime(99);
    await flush();
    expect(waiter.state.status).toBe('pending');
    vi.advanceTimersByTime(1);
    await flush();
    expect(waiter.state.status).toBe('rejected');
    const error = (waiter.state as { reason: LockTimeoutError }).reason;
    expect(error).toBeInstanceOf(LockTimeoutError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('LockTimeoutError');
    expect(error.timeout).toBe(100);
    expect(error.message).toBe(`Timed out after 100 ms waiting for ${kind} "p"`);
    expect(p.waiters).toBe(0);
    holder.release();
    expect(free(p)).toBe(1);
  });

  it('a free lock is taken whatever the timeout, 0 included', async () => {
    const lock = new Lock();
    await lock.acquire({ timeout: 0 });
    expect(lock.locked).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('timeout 0 on a held lock rejects once timers run', async () => {
    const lock = new Lock();
    await lock.acquire();
    const waiter = track(lock.acquire({ timeout: 0 }));
    vi.advanceTimersByTime(0);
    await flush();
    expect(waiter.state.status).toBe('rejected');
  });

  it('a grant clears the timer', async () => {
    const lock = new Lock();
    const holder = await lock.acquire();
    const waiter = track(lock.acquire({ timeout: 1000 }));
    expect(vi.getTimerCount()).toBe(1);
    holder.release();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(2000);
    await flush();
    expect(waiter.state.status).toBe('fulfilled');
  });

  it('an abort clears the timer, and a timeout stops watching the signal', async () => {
    const lock = new Lock();
    await lock.acquire();
    const controller = new AbortController();
    const aborted = track(lock.acquire({ timeout: 1000, signal: controller.signal }));
    controller.abort('x');
    expect(vi.getTimerCount()).toBe(0);
    const timedOut = track(lock.acquire({ timeout: 10, signal: new AbortController().signal }));
    vi.advanceTimersByTime(10);
    await flush();
    expect(aborted.state).toEqual({ status: 'rejected', reason: 'x' });
    expect((timedOut.state as { reason: unknown }).reason).toBeInstanceOf(LockTimeoutError);
  });

  it('timeout and grant at the same time: whichever happens first wins, nothing leaks', async () => {
    const lock = new Lock();
    const holder = await lock.acquire();
    const first = track(lock.acquire({ timeout: 50 }));
    setTimeout(() => holder.release(), 50); // registered after the waiter's timer: fires after it
    vi.advanceTimersByTime(50);
    await flush();
    expect(first.state.status).toBe('rejected');
    expect(lock.locked).toBe(false);
  });

  it.each([Infinity, 2 ** 31, 1e12])('timeout %s means no timeout (no timer)', async (timeout) => {
    const lock = new Lock();
    await lock.acquire();
    void lock.acquire({ timeout });
    expect(vi.getTimerCount()).toBe(0);
  });

  it.each([-1, Number.NaN, '5' as unknown as number, null as unknown as number])(
    'an invalid timeout %s rejects with a RangeError',
    async (timeout) => {
      const lock = new Lock({ name: 't' });
      const error = (await reasonOf(lock.acquire({ timeout }))) as Error;
      expect(error).toBeInstanceOf(RangeError);
      expect(error.message).toMatch(/^Lock "t": timeout must be a non-negative number of ms, got /);
      expect(lock.locked).toBe(false);
    },
  );

  it('timeouts work on waitForUnlock and runExclusive', async () => {
    const sem = new Semaphore(1);
    await sem.acquire();
    const wait = track(sem.waitForUnlock({ timeout: 5 }));
    const run = track(sem.runExclusive(() => 1, { timeout: 5 }));
    vi.advanceTimersByTime(5);
    await flush();
    await flush();
    expect((wait.state as { reason: unknown }).reason).toBeInstanceOf(LockTimeoutError);
    expect((run.state as { reason: unknown }).reason).toBeInstanceOf(LockTimeoutError);
  });
});
