import type { LockLibrary } from './descriptor.js';

/**
 * @sapphire/async-queue: `new AsyncQueue()`, `await q.wait()`, `q.shift()` in a `finally`: one holder at a time
 * (discord.js's REST handlers and shards). `wait` and `shift` are common words, so only an instance this file
 * makes counts, not a receiver that is merely named like a lock.
 */
export const sapphireAsyncQueue: LockLibrary = {
  id: '@sapphire/async-queue',
  modules: ['@sapphire/async-queue'],
  makers: [{ name: 'AsyncQueue', via: 'new', from: { kind: 'mutex' } }],
  acquire: ['wait'],
  release: ['shift'],
  declaredOnly: true,
  boundsFanOut: true,
};
