import type { LockLibrary } from './descriptor.js';

/** Bottleneck: `new Bottleneck({ maxConcurrent: 4 })`, `limiter.schedule(() => io())` or `limiter.wrap(fn)`. */
export const bottleneck: LockLibrary = {
  id: 'bottleneck',
  modules: ['bottleneck'],
  makers: [{ name: 'Bottleneck', exported: 'default', via: 'new', from: { permits: { arg: 0, property: 'maxConcurrent' } } }],
  schedule: ['schedule', 'wrap', 'submit'],
  boundsFanOut: true,
  nameHints: ['bottleneck', 'limiter'],
};
