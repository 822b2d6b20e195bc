import type { LockLibrary } from './descriptor.js';

/** The bundled runtime, from the package or from the copy a quick fix vendors (`awaitguard-lock.ts`). */
export const runtime: LockLibrary = {
  id: 'awaitguard',
  modules: ['awaitguard/runtime'],
  makers: [
    { name: 'Lock', via: 'new', from: { kind: 'mutex' } },
    { name: 'Semaphore', via: 'new', from: { permits: { arg: 0 } } },
    { name: 'BoundedSemaphore', via: 'new', from: { permits: { arg: 0 } } },
    // One lock per key; taken as one lock here, which can only hide a race between different keys.
    { name: 'KeyedLock', via: 'new', from: { kind: 'mutex' } },
  ],
  acquire: ['acquire'],
  release: ['release'],
  run: [{ method: 'runExclusive', callback: 'any', lock: 'receiver' }],
  boundsFanOut: true,
  nameHints: ['semaphore', 'sem'],
  writes: {
    classes: { Lock: 'Lock', Semaphore: 'Semaphore', KeyedLock: 'KeyedLock' },
    acquire: 'acquire',
    release: 'release',
    run: 'runExclusive',
    vendored: /(^|\/)awaitguard-lock(\.[mc]?[jt]s)?$/,
  },
};
