import type { LockLibrary } from './descriptor.js';

/** The Web Locks API: `navigator.locks.request(name[, options], fn)` runs `fn` holding the lock `name`. */
export const navigatorLocks: LockLibrary = {
  id: 'navigator.locks',
  modules: [],
  makers: [],
  run: [{ method: 'request', callback: 'last', lock: 'named', receiver: /locks$/, keyPrefix: 'navigator.locks' }],
  boundsFanOut: false,
};
