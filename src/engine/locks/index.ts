import { asyncLock } from './async-lock.js';
import { asyncMutex } from './async-mutex.js';
import { asyncSema } from './async-sema.js';
import { bottleneck } from './bottleneck.js';
import { conventional } from './conventional.js';
import type { LockLibrary, RunMethod } from './descriptor.js';
import { navigatorLocks } from './navigator-locks.js';
import { pLimit } from './p-limit.js';
import { pQueue } from './p-queue.js';
import { promiseTail } from './promise-tail.js';
import { runtime } from './runtime.js';

export type { KindFrom, LockKind, LockLibrary, Maker, RunMethod } from './descriptor.js';
export { ASYNC_MUTEX_EXPORTS } from './async-mutex.js';
export { runtime as RUNTIME, VENDORED_RUNTIME } from './runtime.js';

/** Every lock and limiter library the engine knows. Adding one: its descriptor file, and a line here. */
export const LOCK_LIBRARIES: readonly LockLibrary[] = [
  runtime,
  asyncMutex,
  asyncLock,
  asyncSema,
  navigatorLocks,
  promiseTail,
  conventional,
  pLimit,
  pQueue,
  bottleneck,
];

const methods = (pick: (lib: LockLibrary) => readonly string[] | undefined, libs = LOCK_LIBRARIES): ReadonlySet<string> =>
  new Set(libs.flatMap((lib) => pick(lib) ?? []));
const limiters = LOCK_LIBRARIES.filter((lib) => lib.boundsFanOut);

/** Methods that resolve to a held lock: `await m.acquire()`. */
export const ACQUIRE_METHODS = methods((lib) => lib.acquire);
/** Methods that give a held lock back: the one list every rule and fix uses. */
export const RELEASE_METHODS = methods((lib) => lib.release);
/** Methods that run a callback under a lock, by name. */
export const RUN_METHODS: ReadonlyMap<string, RunMethod> = new Map(
  LOCK_LIBRARIES.flatMap((lib) => (lib.run ?? []).map((r) => [r.method, r] as const)),
);
/** Methods through which work runs under a limit that bounds fan-out. */
export const LIMITED_METHODS = methods((lib) => [...(lib.acquire ?? []), ...(lib.run ?? []).map((r) => r.method), ...(lib.schedule ?? [])], limiters);
/** Names that suggest a limiter whose construction the file does not show. */
export const LIMITER_NAME = new RegExp(`(${limiters.flatMap((lib) => lib.nameHints ?? []).join('|')})`, 'i');
