import { describe, expect, it } from 'vitest';
import { BoundedSemaphore, LockTimeoutError, Semaphore, type Guard } from '../../src/runtime/index.js';
import { flush, reasonOf, track } from './helpers.js';

describe('Semaphore', () => {
  it('defaults to one permit, like asyncio', () => {
    const sem = new Semaphore();
    expect(sem.value).toBe(1);
    expect(sem.locked).toBe(false);
    expect(sem.waiters).toBe(0);
    expect(sem.name).toBeUndefined();
    expect(new Semaphore(3, { name: 'http' }).name).toBe('http');
  });

  it.each([-1, 1.5, Number.NaN, Infinity, '2' as unknown as number])(
    'rejects an invalid initial value %s',
    (value) => {
      expect(() => new Semaphore(value)).toThrowError(RangeError);
      expect(() => new BoundedSemaphore(value, { name: 'pool' })).toThrowError(
        /^BoundedSemaphore "pool": value must be a non-negative integer, got /,
      );
    },
  );

  it('lets `value` holders in at once, then queues', async () => {
    const sem = new Semaphore(2);
    const a = await sem.acquire();
    expect(sem.locked).toBe(false);
    const b = await sem.acquire();
    expect(sem.value).toBe(0);
    expect(sem.locked).toBe(true);
    const c = track(sem.acquire());
    expect(sem.waiters).toBe(1);
    a.release();
    await flush();
    expect(c.state.status).toBe('fulfilled');
    expect(sem.value).toBe(0);
    b.release();
    (c.state as { value: Guard }).value.release();
    expect(sem.value).toBe(2);
  });

  it('acquire(weight) and acquire({ weight }) take that many permits; the guard gives them back', async () => {
    const sem = new Semaphore(5);
    const two = await sem.acquire(2);
    expect(sem.value).toBe(3);
    const three = await sem.acquire({ weight: 3 });
    expect(sem.value).toBe(0);
    two.release();
    two.release();
    expect(sem.value).toBe(2);
    three[Symbol.dispose]();
    expect(sem.value).toBe(5);
  });

  it('a heavy waiter at the head blocks lighter ones behind it (no starvation)', async () => {
    const sem = new Semaphore(3);
    const held = await sem.acquire(2);
    const heavy = track(sem.acquire(3));
    const light = track(sem.acquire(1));
    expect(sem.value).toBe(1);
    expect(sem.tryAcquire(1)).toBeUndefined();
    await flush();
    expect(heavy.state.status).toBe('pending');
    expect(light.state.status).toBe('pending');
    held.release();
    await flush();
    expect(heavy.state.status).toBe('fulfilled');
    expect(light.state.status).toBe('pending');
    (heavy.state as { value: Guard }).value.release();
    await flush();
    expect(light.state.status).toBe('fulfilled');
    expect(sem.value).toBe(2);
  });

  it('serves several waiters from one release when they fit', async () => {
    const sem = new Semaphore(4);
    const all = await sem.acquire(4);
    const waiters = [1, 2, 1, 1].map((w) => track(sem.acquire(w)));
    all.release();
    await flush();
    expect(waiters.map((w) => w.state.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'pending']);
    expect(sem.value).toBe(0);
  });

  it('locked is true while others wait even if a permit is free', async () => {
    const sem = new Semaphore(2);
    await sem.acquire();
    void sem.acquire(2);
    expect(sem.value).toBe(1);
    expect(sem.locked).toBe(true);
  });

  it('tryAcquire takes permits only when they are free and nobody waits', async () => {
    const sem = new Semaphore(2);
    const one = sem.tryAcquire();
    expect(one).toBeDefined();
    expect(sem.tryAcquire(2)).toBeUndefined();
    const another = sem.tryAcquire(1)!;
    expect(sem.value).toBe(0);
    another.release();
    one!.release();
    expect(sem.value).toBe(2);
  });

  it('release() may raise the count above the initial value (asyncio Semaphore)', () => {
    const sem = new Semaphore(1);
    sem.release();
    sem.release(3);
    expect(sem.value).toBe(5);
  });

  it('release() of the raw count wakes waiters', async () => {
    const sem = new Semaphore(0);
    const waiter = track(sem.acquire(2));
    sem.release();
    await flush();
    expect(waiter.state.status).toBe('pending');
    sem.release();
    await flush();
    expect(waiter.state.status).toBe('fulfilled');
  });

  it.each([0, -1, 1.5, Number.NaN, Infinity])('rejects weight %s everywhere', async (weight) => {
    const sem = new Semaphore(2, { name: 'w' });
    const message = `Semaphore "w": weight must be a positive integer, got ${weight}`;
    await expect(sem.acquire(weight)).rejects.toThrowError(new RangeError(message));
    await expect(sem.acquire({ weight })).rejects.toThrowError(RangeError);
    await expect(sem.waitForUnlock(weight)).rejects.toThrowError(RangeError);
    await expect(sem.runExclusive(() => 1, weight)).rejects.toThrowError(RangeError);
    expect(() => sem.tryAcquire(weight)).toThrowError(RangeError);
    expect(() => sem.release(weight)).toThrowError(RangeError);
    expect(sem.value).toBe(2);
  });

  it('runExclusive(fn, weight) holds the permits while fn runs and returns its result', async () => {
    const sem = new Semaphore(3);
    const result = await sem.runExclusive(() => {
      expect(sem.value).toBe(1);
      return 'done';
    }, 2);
    expect(result).toBe('done');
    expect(sem.value).toBe(3);
    await expect(
      sem.runExclusive(() => {
        expect(sem.value).toBe(0);
        throw new Error('boom');
      }, { weight: 3 }),
    ).rejects.toThrowError('boom');
    expect(sem.value).toBe(3);
  });

  it('runExclusive bounds concurrency', async () => {
    const sem = new Semaphore(3);
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        sem.runExclusive(async () => {
          most = Math.max(most, ++inside);
          await new Promise((resolve) => setTimeout(resolve, i % 3));
          inside--;
        }),
      ),
    );
    expect(most).toBe(3);
    expect(sem.value).toBe(3);
  });

  it('waitForUnlock(weight) waits as acquire(weight) would, then takes nothing', async () => {
    const sem = new Semaphore(3);
    const held = await sem.acquire(2);
    const forTwo = track(sem.waitForUnlock(2));
    const behind = track(sem.acquire(1));
    await flush();
    expect(forTwo.state.status).toBe('pending');
    expect(behind.state.status).toBe('pending');
    held.release();
    await flush();
    expect(forTwo.state.status).toBe('fulfilled');
    expect(behind.state.status).toBe('fulfilled');
    expect(sem.value).toBe(2);
    await sem.waitForUnlock({ weight: 2, timeout: 0 });
  });

  it('timeouts and signals work with weights', async () => {
    const sem = new Semaphore(2);
    await sem.acquire();
    await expect(sem.acquire({ weight: 2, timeout: 1 })).rejects.toBeInstanceOf(LockTimeoutError);
    const error = await reasonOf(sem.acquire({ weight: 2, signal: AbortSignal.abort() }));
    expect((error as Error).name).toBe('AbortError');
    expect(sem.value).toBe(1);
    expect(sem.waiters).toBe(0);
  });

  it('Semaphore(0) waits until a release', async () => {
    const sem = new Semaphore(0);
    expect(sem.locked).toBe(true);
    const waiter = track(sem.acquire());
    sem.release();
    await flush();
    expect(waiter.state.status).toBe('fulfilled');
  });
});

describe('BoundedSemaphore', () => {
  it('is a Semaphore', () => {
    const sem = new BoundedSemaphore(2);
    expect(sem).toBeInstanceOf(Semaphore);
    expect(sem.value).toBe(2);
  });

  it('throws a RangeError when released above its initial value', async () => {
    const sem = new BoundedSemaphore(2, { name: 'pool' });
    expect(() => sem.release()).toThrowError(
      new RangeError('BoundedSemaphore "pool" released too many times: releasing 1 would exceed its initial value 2'),
    );
    const guard = await sem.acquire(2);
    sem.release();
    expect(() => sem.release(2)).toThrowError(RangeError);
    expect(sem.value).toBe(1);
    // The guard's own release now overflows too; it throws and stays releasable.
    expect(() => guard.release()).toThrowError(RangeError);
    sem.tryAcquire()!;
    guard.release();
    expect(sem.value).toBe(2);
    guard.release();
    expect(sem.value).toBe(2);
  });

  it('a guard released twice does not overflow', async () => {
    const sem = new BoundedSemaphore(1);
    const guard = await sem.acquire();
    guard.release();
    guard.release();
    expect(sem.value).toBe(1);
  });

  it('rejects a weight above its initial value, which could never be granted', async () => {
    const sem = new BoundedSemaphore(2);
    await expect(sem.acquire(3)).rejects.toThrowError(
      new RangeError('BoundedSemaphore: weight 3 can never be acquired, the limit is 2'),
    );
    expect(() => sem.tryAcquire(3)).toThrowError(RangeError);
    expect(sem.waiters).toBe(0);
  });

  it('behaves like a Semaphore otherwise', async () => {
    const sem = new BoundedSemaphore(2);
    const results = await Promise.all([1, 2, 3, 4].map((n) => sem.runExclusive(async () => n * 2)));
    expect(results).toEqual([2, 4, 6, 8]);
    expect(sem.value).toBe(2);
  });
});
