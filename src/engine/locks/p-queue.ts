import type { LockLibrary } from './descriptor.js';

/** p-queue: `new PQueue({ concurrency: 4 })`, `queue.add(() => io())` runs at most 4 tasks at once. */
export const pQueue: LockLibrary = {
  id: 'p-queue',
  modules: ['p-queue'],
  makers: [{ name: 'PQueue', exported: 'default', via: 'new', from: { permits: { arg: 0, property: 'concurrency' } } }],
  schedule: ['add', 'addAll'],
  boundsFanOut: true,
  nameHints: ['queue'],
};
