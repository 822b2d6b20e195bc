// One self-contained scenario run against every published form of the runtime (source, dist
// ESM/CJS, vendored TS/JS/CJS). It references nothing outside its body, so that its text
// (`exercise.toString()`) can also be written into a plain-node script for child processes.
import type * as Runtime from '../../src/runtime/index.js';

export interface Summary {
  exports: string[];
  order: number[];
  valueAfterAcquire: number;
  timeoutName: string;
  isTimeoutError: boolean;
  abortName: string;
  releaseError: string;
  boundedError: string;
  result: number;
  lockedAtEnd: boolean;
  keyedCalls: number;
  keyedSizeAtEnd: number;
}

export const expectedSummary: Summary = {
  exports: ['BoundedSemaphore', 'KeyedLock', 'Lock', 'LockTimeoutError', 'Semaphore', 'singleFlight'],
  order: [1, 2, 3],
  valueAfterAcquire: 1,
  timeoutName: 'LockTimeoutError',
  isTimeoutError: true,
  abortName: 'AbortError',
  releaseError: 'Cannot release Lock "db": it is not locked',
  boundedError: 'RangeError',
  result: 42,
  lockedAtEnd: false,
  keyedCalls: 1,
  keyedSizeAtEnd: 0,
};

export async function exercise(m: typeof Runtime): Promise<Summary> {
  const exports = Object.keys(m)
    .filter((key) => key !== 'default' && key !== '__esModule' && key !== 'module.exports')
    .sort();
  const lock = new m.Lock({ name: 'db' });
  const order: number[] = [];
  const first = await lock.acquire();
  const tasks = [1, 2, 3].map(async (i) => {
    const guard = await lock.acquire();
    order.push(i);
    guard.release();
  });
  first.release();
  await Promise.all(tasks);

  const sem = new m.Semaphore(3);
  const two = await sem.acquire(2);
  const valueAfterAcquire = sem.value;
  two.release();

  const held = await lock.acquire();
  let timeoutName = '';
  let isTimeoutError = false;
  try {
    await lock.acquire({ timeout: 1 });
  } catch (error) {
    timeoutName = (error as Error).name;
    isTimeoutError = error instanceof m.LockTimeoutError;
  }
  let abortName = '';
  try {
    await lock.acquire({ signal: AbortSignal.abort() });
  } catch (error) {
    abortName = (error as Error).name;
  }
  await held[Symbol.asyncDispose]();

  let releaseError = '';
  try {
    lock.release();
  } catch (error) {
    releaseError = (error as Error).message;
  }
  let boundedError = '';
  try {
    new m.BoundedSemaphore(1).release();
  } catch (error) {
    boundedError = (error as Error).constructor.name;
  }
  const result = await lock.runExclusive(async () => 42);

  // One in-flight call per key, run under that key's lock; the key is dropped once idle.
  const keyed = new m.KeyedLock<string>();
  let keyedCalls = 0;
  const refresh = m.singleFlight((user: string) => keyed.runExclusive(user, async () => ++keyedCalls));
  await Promise.all([refresh('u'), refresh('u')]);
  const keyedSizeAtEnd = keyed.size;
  return {
    keyedCalls,
    keyedSizeAtEnd,
    exports,
    order,
    valueAfterAcquire,
    timeoutName,
    isTimeoutError,
    abortName,
    releaseError,
    boundedError,
    result,
    lockedAtEnd: lock.locked,
  };
}
