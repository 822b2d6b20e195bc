import type { LockLibrary } from './descriptor.js';

/** async-lock: `lock.acquire(key, fn[, opts])` runs `fn` holding the lock named `key`. */
export const asyncLock: LockLibrary = {
  id: 'async-lock',
  modules: ['async-lock'],
  makers: [{ name: 'AsyncLock', exported: 'default', via: 'new', from: { kind: 'mutex' } }],
  run: [{ method: 'acquire', callback: 'second', lock: 'named' }],
  boundsFanOut: true,
};
