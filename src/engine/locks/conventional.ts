import type { LockLibrary } from './descriptor.js';

/**
 * Lock classes known by their conventional names and methods, whichever package or file defines them
 * (hand-written `KeyedMutex`, `ReadWriteLock`, `makeMutex()`, `.lock()`/`.unlock()`, `.withLock(fn)`).
 */
export const conventional: LockLibrary = {
  id: 'conventional',
  modules: [],
  makers: [
    { name: 'KeyedMutex', via: 'new', from: { kind: 'mutex' } },
    { name: 'ReadWriteLock', via: 'new', from: { kind: 'mutex' } },
    { name: 'RWLock', via: 'new', from: { kind: 'mutex' } },
    // Home-made promise-tail mutexes: `const m = makeMutex(); await m.mutex(async () => …)`.
    { name: 'makeMutex', via: 'call', from: { kind: 'mutex' } },
    { name: 'createMutex', via: 'call', from: { kind: 'mutex' } },
    { name: 'makeKeyedMutex', via: 'call', from: { kind: 'mutex' } },
    { name: 'createKeyedMutex', via: 'call', from: { kind: 'mutex' } },
  ],
  acquire: ['lock', 'acquireLock'],
  acquireFunctions: ['acquireLock', 'acquireMutex', 'acquireKeyedLock', 'lockKey'],
  release: ['unlock', 'releaseLock'],
  run: [
    { method: 'withLock', callback: 'any', lock: 'receiver' },
    { method: 'exclusive', callback: 'any', lock: 'receiver' },
    // Hardhat's `AsyncMutex`: `await this.#mutex.exclusiveRun(async () => …)`.
    { method: 'exclusiveRun', callback: 'any', lock: 'receiver' },
    { method: 'synchronize', callback: 'any', lock: 'receiver' },
    // miniflare's `Mutex`: `await this.#mutex.runWith(() => this.#reload())`.
    { method: 'runWith', callback: 'any', lock: 'receiver' },
    // `mutex.mutex(fn)`, a keyed one's `mutex.mutex(key, fn)`: like async-lock, every key counts as the one lock.
    { method: 'mutex', callback: 'last', lock: 'receiver' },
  ],
  schedule: ['run'],
  boundsFanOut: true,
  nameHints: ['throttle', 'pool', 'scheduler'],
};
