// 10,000 tasks do a read-modify-write of one shared counter across awaits. Under the lock no
// update is lost; without it the same workload loses updates, which shows the test can fail.
import { describe, expect, it } from 'vitest';
import { BoundedSemaphore, Lock, Semaphore } from '../../src/runtime/index.js';

const TASKS = 10_000;

/** Gives up control: a microtask hop for most tasks, a macrotask turn for some. */
function pause(i: number): Promise<void> {
  return i % 7 === 0 ? new Promise((resolve) => setImmediate(resolve)) : Promise.resolve();
}

/** Runs TASKS concurrent increments, each wrapped by `guard`; returns the final counter. */
async function increments(guard: (i: number, body: () => Promise<void>) => Promise<void>): Promise<number> {
  let counter = 0;
  const tasks: Promise<void>[] = [];
  for (let i = 0; i < TASKS; i++) {
    tasks.push(
      guard(i, async () => {
        const read = counter;
        await pause(i);
        await null;
        counter = read + 1;
      }),
    );
  }
  await Promise.all(tasks);
  return counter;
}

describe(`${TASKS} tasks incrementing a shared counter across awaits`, () => {
  it('without a lock, updates are lost', async () => {
    const counter = await increments((_i, body) => body());
    expect(counter).toBeLessThan(TASKS);
  });

  it('under Lock, no update is lost (runExclusive, acquire/release, guards and await using mixed)', async () => {
    const lock = new Lock();
    const counter = await increments(async (i, body) => {
      switch (i % 4) {
        case 0:
          return lock.runExclusive(body);
        case 1: {
          await lock.acquire();
          try {
            return await body();
          } finally {
            lock.release();
          }
        }
        case 2: {
          const guard = await lock.acquire();
          try {
            return await body();
          } finally {
            guard.release();
          }
        }
        default: {
          await using _guard = await lock.acquire();
          // `return await`, not `return`: the block (and the hold) ends at the return statement.
          return await body();
        }
      }
    });
    expect(counter).toBe(TASKS);
    expect(lock.locked).toBe(false);
  });

  it('under Semaphore(1) and BoundedSemaphore(1), no update is lost', async () => {
    for (const sem of [new Semaphore(1), new BoundedSemaphore(1)]) {
      const counter = await increments((_i, body) => sem.runExclusive(body));
      expect(counter).toBe(TASKS);
      expect(sem.value).toBe(1);
    }
  });

  it('under a lock with timeouts and aborts sprinkled in, every surviving update lands', async () => {
    const lock = new Lock();
    const controller = new AbortController();
    let counter = 0;
    let committed = 0;
    let gaveUp = 0;
    const tasks = Array.from({ length: TASKS }, async (_, i) => {
      const options = i % 10 === 3 ? { signal: controller.signal } : i % 10 === 7 ? { timeout: 1 } : undefined;
      if (i === TASKS / 2) controller.abort();
      try {
        await lock.runExclusive(async () => {
          const read = counter;
          await pause(i);
          counter = read + 1;
          committed++;
        }, options);
      } catch {
        gaveUp++;
      }
    });
    await Promise.all(tasks);
    expect(gaveUp).toBeGreaterThan(0);
    expect(committed + gaveUp).toBe(TASKS);
    expect(counter).toBe(committed);
    expect(lock.locked).toBe(false);
    expect(lock.waiters).toBe(0);
  });

  it('Semaphore(4) with random weights never admits more than 4 permits and returns them all', async () => {
    const sem = new Semaphore(4);
    let held = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: TASKS }, (_, i) => {
        const weight = (i % 4) + 1;
        return sem.runExclusive(async () => {
          held += weight;
          most = Math.max(most, held);
          await pause(i);
          held -= weight;
        }, weight);
      }),
    );
    expect(most).toBe(4);
    expect(held).toBe(0);
    expect(sem.value).toBe(4);
  });
});
