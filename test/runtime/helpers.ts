import { setImmediate as realSetImmediate } from 'node:timers';
import type { AbortSignalLike } from '../../src/runtime/index.js';

/** Lets every pending promise reaction run (one macrotask turn; immune to faked setTimeout). */
export function flush(): Promise<void> {
  return new Promise((resolve) => realSetImmediate(resolve));
}

export type State<T> = { status: 'pending' } | { status: 'fulfilled'; value: T } | { status: 'rejected'; reason: unknown };

/** Observes a promise without awaiting it; `state.status` is current after a `flush()`. */
export function track<T>(promise: Promise<T>): { state: State<T> } {
  const box: { state: State<T> } = { state: { status: 'pending' } };
  promise.then(
    (value) => (box.state = { status: 'fulfilled', value }),
    (reason: unknown) => (box.state = { status: 'rejected', reason }),
  );
  return box;
}

/** A minimal AbortSignal stand-in whose `reason` stays undefined when aborted. */
export class FakeSignal implements AbortSignalLike {
  aborted = false;
  reason: unknown = undefined;
  readonly listeners: (() => void)[] = [];
  addEventListener(_type: 'abort', listener: () => void): void {
    this.listeners.push(listener);
  }
  abort(): void {
    this.aborted = true;
    for (const listener of this.listeners.splice(0)) listener();
  }
}

/** Rejection reason of a promise that must reject. */
export async function reasonOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject, but it fulfilled');
}
