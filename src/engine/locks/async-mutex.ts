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
  writes: { classes: { Lock: 'Mutex', Semaphore: 'Semaphore' }, acquire: 'acquire', release: 'release', run: 'runExclusive' },
};
