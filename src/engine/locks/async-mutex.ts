import type { LockLibrary } from './descriptor.js';

/** async-mutex: `Mutex`, and `Semaphore(n)` (one permit is a mutex); acquire resolves to a release function. */
export const asyncMutex: LockLibrary = {
  id: 'async-mutex',
  modules: ['async-mutex'],
  makers: [
    { name: 'Mutex', via: 'new', from: { kind: 'mutex' } },
    { name: 'Semaphore', via: 'new', from: { permits: { arg: 0 } } },
  ],
  acquire: ['acquire'],
  release: ['release'],
  run: [{ method: 'runExclusive', callback: 'any', lock: 'receiver' }],
  boundsFanOut: true,
};

/** The names async-mutex exports for the runtime's classes, for fixes that import from it. */
export const ASYNC_MUTEX_EXPORTS = { Lock: 'Mutex', Semaphore: 'Semaphore' } as const;
