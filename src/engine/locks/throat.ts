import type { LockLibrary } from './descriptor.js';

/** throat: `const gate = throat(4)` makes a function; `gate(() => io())` runs at most 4 at once. */
export const throat: LockLibrary = {
  id: 'throat',
  modules: ['throat'],
  makers: [{ name: 'throat', exported: 'default', via: 'call', from: { permits: { arg: 0 } } }],
  callable: true,
  boundsFanOut: true,
};
