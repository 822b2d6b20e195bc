// KeyedLock (one Lock per key, idle keys dropped) and singleFlight (one in-flight call per key).
import { describe, expect, it } from 'vitest';
import { KeyedLock, LockTimeoutError, singleFlight } from '../../src/runtime/index.js';
import { flush, reasonOf, track } from './helpers.js';

describe('KeyedLock', () => {
  it('excludes holders of one key and lets other keys run', async () => {
    const locks = new KeyedLock();
    const a = await locks.acquire('a');
    const b = track(locks.acquire('b'));
    const a2 = track(locks.acquire('a'));
    await flush();
    expect(b.state.status).toBe('fulfilled');
    expect(a2.state.status).toBe('pending');
    expect(locks.isLocked('a')).toBe(true);
    a.release();
    await flush();
    expect(a2.state.status).toBe('fulfilled');
  });

  it('serves one key in arrival order', async () => {
    const locks = new KeyedLock<number>();
    const order: number[] = [];
    await Promise.all(
      [1, 2, 3, 4].map((n) =>
        locks.runExclusive(7, async () => {
          order.push(n);
          await flush();
        }),
      ),
    );
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it('drops a key once nobody holds or waits for it', async () => {
    const locks = new KeyedLock();
    const first = await locks.acquire('k');
    const second = locks.acquire('k');
    expect(locks.size).toBe(1);
    first.release();
    (await second).release();
    expect(locks.size).toBe(0);
    expect(locks.isLocked('k')).toBe(false);
  });

  it('a waiter that times out or is aborted leaves no key behind and never gets it', async () => {
    const locks = new KeyedLock({ name: 'users' });
    const held = await locks.acquire('u1');
    const timedOut = await reasonOf(locks.acquire('u1', { timeout: 5 }));
    expect(timedOut).toBeInstanceOf(LockTimeoutError);
    expect(String((timedOut as Error).message)).toContain('users u1');
    const controller = new AbortController();
    const aborted = locks.acquire('u1', { signal: controller.signal });
    controller.abort(new Error('gone'));
    expect(((await reasonOf(aborted)) as Error).message).toBe('gone');
    held.release();
    expect(locks.size).toBe(0);
  });

  it('tryAcquire takes a free key and never waits', () => {
    const locks = new KeyedLock();
    const guard = locks.tryAcquire('x');
    expect(guard).toBeDefined();
    expect(locks.tryAcquire('x')).toBeUndefined();
    expect(locks.tryAcquire('y')).toBeDefined();
    guard!.release();
    expect(locks.isLocked('x')).toBe(false);
  });

  it('a guard releases once: a second release does not free a later holder', async () => {
    const locks = new KeyedLock();
    const first = await locks.acquire('k');
    first.release();
    const second = await locks.acquire('k');
    first.release();
    expect(locks.isLocked('k')).toBe(true);
    second.release();
    expect(locks.size).toBe(0);
  });

  it('works with await using, and runExclusive releases when the callback throws', async () => {
    const locks = new KeyedLock();
    {
      await using _held = await locks.acquire('k');
      expect(locks.isLocked('k')).toBe(true);
    }
    expect(locks.isLocked('k')).toBe(false);
    await expect(locks.runExclusive('k', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(locks.size).toBe(0);
  });

  it('never has two holders of one key, whatever the interleaving (seeded random schedules)', async () => {
    let seed = 20261202;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 20; round++) {
      const locks = new KeyedLock<number>();
      const holders = new Map<number, number>();
      let maxSeen = 0;
      await Promise.all(
        Array.from({ length: 30 }, async () => {
          const key = Math.floor(random() * 3);
          const options = random() < 0.2 ? { timeout: Math.floor(random() * 3) } : undefined;
          let guard;
          try {
            guard = await locks.acquire(key, options);
          } catch {
            return;
          }
          holders.set(key, (holders.get(key) ?? 0) + 1);
          maxSeen = Math.max(maxSeen, holders.get(key)!);
          for (let i = Math.floor(random() * 3); i > 0; i--) await flush();
          holders.set(key, holders.get(key)! - 1);
          guard.release();
        }),
      );
      expect(maxSeen).toBe(1);
      expect(locks.size).toBe(0);
    }
  });
});

describe('singleFlight', () => {
  it('shares one in-flight call per key, and starts afresh once it settled', async () => {
    let calls = 0;
    const load = singleFlight(async (id: string) => {
      calls++;
      await flush();
      return `${id}#${calls}`;
    });
    const [a, b, c] = await Promise.all([load('u1'), load('u1'), load('u2')]);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
    expect(calls).toBe(2);
    await load('u1');
    expect(calls).toBe(3);
  });

  it('shares a rejection, then lets the next call retry', async () => {
    let calls = 0;
    const flaky = singleFlight(async (key: string) => {
      calls++;
      expect(key).toBe('k');
      await flush();
      if (calls === 1) throw new Error('down');
      return 'up';
    });
    const results = await Promise.allSettled([flaky('k'), flaky('k')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(calls).toBe(1);
    expect(await flaky('k')).toBe('up');
  });

  it('takes the key from keyOf, and turns a synchronous throw into a rejection', async () => {
    const seen: string[] = [];
    const save = singleFlight(
      async (user: { id: string }, value: number) => {
        seen.push(`${user.id}=${value}`);
        await flush();
      },
      (user) => user.id,
    );
    await Promise.all([save({ id: 'a' }, 1), save({ id: 'a' }, 2), save({ id: 'b' }, 3)]);
    expect(seen).toEqual(['a=1', 'b=3']);
    const broken = singleFlight((key: string): number => {
      throw new Error(`sync ${key}`);
    });
    await expect(broken('k')).rejects.toThrow('sync');
  });
});
