import type { LockLibrary } from './descriptor.js';

/** p-limit: `const limit = pLimit(8)` makes a function; `limit(() => io())` runs at most 8 at once. */
export const pLimit: LockLibrary = {
  id: 'p-limit',
  modules: ['p-limit'],
  makers: [{ name: 'pLimit', exported: 'default', via: 'call', from: { permits: { arg: 0 } } }],
  callable: true,
  boundsFanOut: true,
  nameHints: ['limit'],
};
