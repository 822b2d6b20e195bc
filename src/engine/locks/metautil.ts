import type { LockLibrary } from './descriptor.js';

/**
 * metautil (metarhia): `new Semaphore(concurrency, size, timeout)`, `await semaphore.enter()`,
 * `semaphore.leave()`; the same enter/leave pair in the many servers that copy it in as `lib/semaphore.js`.
 */
export const metautil: LockLibrary = {
  id: 'metautil',
  modules: ['metautil'],
  makers: [{ name: 'Semaphore', via: 'new', from: { permits: { arg: 0 } } }],
  acquire: ['enter'],
  release: ['leave'],
  boundsFanOut: true,
};
