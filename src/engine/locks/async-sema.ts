import type { LockLibrary } from './descriptor.js';

/** async-sema: `new Sema(n)`, `await s.acquire()`, `s.release()`. */
export const asyncSema: LockLibrary = {
  id: 'async-sema',
  modules: ['async-sema'],
  makers: [{ name: 'Sema', via: 'new', from: { permits: { arg: 0 } } }],
  acquire: ['acquire'],
  release: ['release'],
  boundsFanOut: true,
};
