import { describe, expect, expectTypeOf, it } from 'vitest';
import { Lock, LockTimeoutError, type Guard } from '../../src/runtime/index.js';
import { flush, reasonOf, track } from './helpers.js';

describe('Lock', () => {
  it('starts unlocked with no waiters and an optional name', () => {
    const lock = new Lock();
    expect(lock.locked).toBe(false);
    expect(lock.waiters).toBe(0);
    expect(lock.name).toBeUndefined();
    expect(new Lock({ name: 'db' }).name).toBe('db');
  });

  it('acquire() then release(), asyncio style', async () => {
    const lock = new Lock();
    await lock.acquire();
    expect(lock.locked).toBe(true);
    lock.release();
    expect(lock.locked).toBe(false);
  });

  it('takes a free lock synchronously, before the promise resolves', () => {
    const lock = new Lock();
    void lock.acquire();
    expect(lock.locked).toBe(true);
    expect(lock.tryAcquire()).toBeUndefined();
  });

  it('acquire() resolves to a guard whose release() frees the lock', async () => {
    const lock = new Lock();
    const guard = await lock.acquire();
    expectTypeOf(guard).toEqualTypeOf<Guard>();
    expect(lock.locked).toBe(true);
    guard.release();
    expect(lock.locked).toBe(false);
  });

  it('a second guard.release() does nothing, and never releases a later hold', async () => {
    const lock = new Lock();
    const first = await lock.acquire();
    first.release();
    first.release();
    expect(lock.locked).toBe(false);

    const second = await lock.acquire();
    first.release();
    expect(lock.locked).toBe(true);
    second.release();
    expect(lock.locked).toBe(false);
  });

  it('a guard whose hold was ended by lock.release() is stale and does nothing', async () => {
    const lock = new Lock();
    const stale = await lock.acquire();
    lock.release();
    const current = await lock.acquire();
    stale.release();
    stale[Symbol.dispose]();
    expect(lock.locked).toBe(true);
    current.release();
    expect(lock.locked).toBe(false);
  });

  it('release() of a lock that is not held throws a clear error naming the lock', () => {
    expect(() => new Lock().release()).toThrowError(new Error('Cannot release Lock: it is not locked'));
    expect(() => new Lock({ name: 'db' }).release()).toThrowError('Cannot release Lock "db": it is not locked');
  });

  it('any caller may release the lock (no ownership, like asyncio)', async () => {
    const lock = new Lock();
    const holder = (async () => {
      await lock.acquire();
    })();
    await holder;
    const other = track(lock.acquire());
    lock.release(); // someone else releases
    await flush();
    expect(other.state.status).toBe('fulfilled');
    expect(lock.locked).toBe(true);
  });

  it('serves waiters strictly in arrival order', async () => {
    const lock = new Lock();
    const first = await lock.acquire();
    const order: number[] = [];
    const tasks = [0, 1, 2, 3, 4].map(async (i) => {
      const guard = await lock.acquire();
      order.push(i);
      await new Promise((resolve) => setTimeout(resolve, 5 - i));
      guard.release();
    });
    expect(lock.waiters).toBe(5);
    first.release();
    await Promise.all(tasks);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(lock.locked).toBe(false);
    expect(lock.waiters).toBe(0);
  });

  it('hands the lock over on release: no barging by the releaser', async () => {
    const lock = new Lock();
    const guard = await lock.acquire();
    const waiter = track(lock.acquire());
    guard.release();
    // Handed to the waiter synchronously: still locked, queue empty.
    expect(lock.locked).toBe(true);
    expect(lock.waiters).toBe(0);
    const again = track(lock.acquire());
    expect(lock.tryAcquire()).toBeUndefined();
    await flush();
    expect(waiter.state.status).toBe('fulfilled');
    expect(again.state.status).toBe('pending');
  });

  it('tryAcquire() takes a free lock and returns undefined when held', () => {
    const lock = new Lock();
    const guard = lock.tryAcquire();
    expect(guard).toBeDefined();
    expect(lock.locked).toBe(true);
    expect(lock.tryAcquire()).toBeUndefined();
    guard!.release();
    expect(lock.locked).toBe(false);
  });

  it('counts waiters, and waitForUnlock() callers are not counted', async () => {
    const lock = new Lock();
    const guard = await lock.acquire();
    const a = lock.acquire();
    const b = lock.acquire();
    const w = lock.waitForUnlock();
    expect(lock.waiters).toBe(2);
    guard.release();
    expect(lock.waiters).toBe(1);
    (await a).release();
    expect(lock.waiters).toBe(0);
    (await b).release();
    await w;
  });

  describe('runExclusive', () => {
    it("resolves to the callback's result and releases", async () => {
      const lock = new Lock();
      await expect(lock.runExclusive(async () => 42)).resolves.toBe(42);
      await expect(lock.runExclusive(() => 'sync')).resolves.toBe('sync');
      expect(lock.locked).toBe(false);
      const typed = lock.runExclusive(async () => ({ ok: true as const }));
      expectTypeOf(typed).toEqualTypeOf<Promise<{ ok: true }>>();
    });

    it('holds the lock while the callback runs', async () => {
      const lock = new Lock();
      await lock.runExclusive(() => {
        expect(lock.locked).toBe(true);
      });
    });

    it('releases when the callback throws or rejects, and passes the error on', async () => {
      const lock = new Lock();
      const boom = new Error('boom');
      await expect(
        lock.runExclusive(() => {
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(lock.locked).toBe(false);
      await expect(lock.runExclusive(() => Promise.reject(boom))).rejects.toBe(boom);
      expect(lock.locked).toBe(false);
    });

    it('serializes overlapping callers', async () => {
      const lock = new Lock();
      let inside = 0;
      let most = 0;
      await Promise.all(
        Array.from({ length: 20 }, () =>
          lock.runExclusive(async () => {
            most = Math.max(most, ++inside);
            await new Promise((resolve) => setTimeout(resolve, 1));
            inside--;
          }),
        ),
      );
      expect(most).toBe(1);
    });

    it('does not run the callback when the wait is given up', async () => {
      const lock = new Lock();
      await lock.acquire();
      let ran = false;
      const error = await reasonOf(
        lock.runExclusive(() => {
          ran = true;
        }, { timeout: 5 }),
      );
      expect(error).toBeInstanceOf(LockTimeoutError);
      expect(ran).toBe(false);
      const aborted = await reasonOf(lock.runExclusive(() => (ran = true), { signal: AbortSignal.abort('stop') }));
      expect(aborted).toBe('stop');
      expect(ran).toBe(false);
    });
  });

  describe('waitForUnlock', () => {
    it('resolves at once for a free lock, without taking it', async () => {
      const lock = new Lock();
      await lock.waitForUnlock();
      expect(lock.locked).toBe(false);
    });

    it('waits for the holder and every earlier waiter, then leaves the lock free', async () => {
      const lock = new Lock();
      const guard = await lock.acquire();
      const earlier = track(lock.acquire());
      const unlocked = track(lock.waitForUnlock());
      guard.release();
      await flush();
      expect(earlier.state.status).toBe('fulfilled');
      expect(unlocked.state.status).toBe('pending');
      (earlier.state as { value: Guard }).value.release();
      await flush();
      expect(unlocked.state.status).toBe('fulfilled');
      expect(lock.locked).toBe(false);
    });

    it('resolves in its turn even when a later waiter takes the lock right after', async () => {
      const lock = new Lock();
      const guard = await lock.acquire();
      const unlocked = track(lock.waitForUnlock());
      const later = track(lock.acquire());
      guard.release();
      await flush();
      expect(unlocked.state.status).toBe('fulfilled');
      expect(later.state.status).toBe('fulfilled');
      expect(lock.locked).toBe(true);
    });

    it('accepts a signal and a timeout', async () => {
      const lock = new Lock({ name: 'cfg' });
      await lock.acquire();
      const error = await reasonOf(lock.waitForUnlock({ timeout: 1 }));
      expect(error).toBeInstanceOf(LockTimeoutError);
      expect((error as Error).message).toBe('Timed out after 1 ms waiting for Lock "cfg"');
      const controller = new AbortController();
      const pending = lock.waitForUnlock({ signal: controller.signal });
      controller.abort('bye');
      await expect(pending).rejects.toBe('bye');
    });
  });

  describe('explicit resource management', () => {
    it('await using releases at the end of the block', async () => {
      const lock = new Lock();
      {
        await using _guard = await lock.acquire();
        expect(lock.locked).toBe(true);
      }
      expect(lock.locked).toBe(false);
    });

    it('await using releases when the block throws', async () => {
      const lock = new Lock();
      const boom = new Error('boom');
      const body = async () => {
        await using _guard = await lock.acquire();
        throw boom;
      };
      await expect(body()).rejects.toBe(boom);
      expect(lock.locked).toBe(false);
    });

    it('an early release() inside the block is safe', async () => {
      const lock = new Lock();
      const other: Promise<Guard>[] = [];
      {
        await using guard = await lock.acquire();
        guard.release();
        other.push(lock.acquire()); // someone else holds it now
      }
      expect(lock.locked).toBe(true);
      (await other[0]!).release();
      expect(lock.locked).toBe(false);
    });

    it('using works with tryAcquire(), including when it returns undefined', () => {
      const lock = new Lock();
      {
        using guard = lock.tryAcquire();
        expect(guard).toBeDefined();
        {
          using none = lock.tryAcquire();
          expect(none).toBeUndefined();
        }
        expect(lock.locked).toBe(true);
      }
      expect(lock.locked).toBe(false);
    });

    it('uses the well-known symbols, and asyncDispose returns a promise', async () => {
      const lock = new Lock();
      const guard = await lock.acquire();
      expect(typeof guard[Symbol.dispose]).toBe('function');
      const disposed = guard[Symbol.asyncDispose]();
      expect(disposed).toBeInstanceOf(Promise);
      await disposed;
      expect(lock.locked).toBe(false);
    });
  });

  it('is not reentrant: acquiring a held lock again waits', async () => {
    const lock = new Lock();
    await lock.acquire();
    await expect(lock.acquire({ timeout: 5 })).rejects.toBeInstanceOf(LockTimeoutError);
    expect(lock.locked).toBe(true);
  });
});
