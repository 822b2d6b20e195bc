import type { LockLibrary } from './descriptor.js';

/**
 * Lock classes known by their conventional names and methods, whichever package or file defines them
 * (hand-written `KeyedMutex`, `ReadWriteLock`, `.lock()`/`.unlock()`, `.withLock(fn)`).
 */
export const conventional: LockLibrary = {
  id: 'conventional',
  modules: [],
  makers: [
    { name: 'KeyedMutex', via: 'new', from: { kind: 'mutex' } },
    { name: 'ReadWriteLock', via: 'new', from: { kind: 'mutex' } },
    { name: 'RWLock', via: 'new', from: { kind: 'mutex' } },
  ],
  acquire: ['lock', 'acquireLock'],
  acquireFunctions: ['acquireLock', 'acquireMutex', 'acquireKeyedLock', 'lockKey'],
  release: ['unlock', 'releaseLock'],
  run: [
    { method: 'withLock', callback: 'any', lock: 'receiver' },
    { method: 'exclusive', callback: 'any', lock: 'receiver' },
    { method: 'synchronize', callback: 'any', lock: 'receiver' },
  ],
  schedule: ['run'],
  boundsFanOut: true,
  nameHints: ['throttle', 'pool', 'scheduler'],
};
