import type { LockLibrary } from './descriptor.js';

/** A promise-tail queue, `this.tail = this.tail.then(fn)`: each `fn` runs after the previous one settles. */
export const promiseTail: LockLibrary = {
  id: 'promise-tail',
  modules: [],
  makers: [],
  run: [
    { method: 'then', callback: 'any', lock: 'tail' },
    { method: 'catch', callback: 'any', lock: 'tail' },
    { method: 'finally', callback: 'any', lock: 'tail' },
  ],
  boundsFanOut: false,
};
