import { asyncLock } from './async-lock.js';
import { asyncMutex } from './async-mutex.js';
import { asyncSema } from './async-sema.js';
import { bottleneck } from './bottleneck.js';
import { conventional } from './conventional.js';
import type { FixApi, LockLibrary, RunMethod } from './descriptor.js';
import { metautil } from './metautil.js';
import { navigatorLocks } from './navigator-locks.js';
import { pLimit } from './p-limit.js';
import { pQueue } from './p-queue.js';
import { promiseTail } from './promise-tail.js';
import { runtime } from './runtime.js';
import { sapphireAsyncQueue } from './sapphire-async-queue.js';
import { throat } from './throat.js';

export type { FixApi, KindFrom, LockKind, LockLibrary, Maker, RunMethod } from './descriptor.js';

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
  throat,
  metautil,
  sapphireAsyncQueue,
];

const methods = (pick: (lib: LockLibrary) => readonly string[] | undefined, libs = LOCK_LIBRARIES): ReadonlySet<string> =>
  new Set(libs.flatMap((lib) => pick(lib) ?? []));
const limiters = LOCK_LIBRARIES.filter((lib) => lib.boundsFanOut);

/** Functions that resolve to the release of a lock they took: `await acquireLock(key)`. */
export const ACQUIRE_FUNCTIONS = methods((lib) => lib.acquireFunctions);
/** Methods that resolve to a held lock: `await m.acquire()`. */
export const ACQUIRE_METHODS = methods((lib) => lib.acquire);
/** Acquire and release methods that count only on an instance of their library (see `declaredOnly`). */
export const DECLARED_ONLY_METHODS = new Map(
  LOCK_LIBRARIES.filter((lib) => lib.declaredOnly).flatMap((lib) => [...(lib.acquire ?? []), ...(lib.release ?? [])].map((m) => [m, lib] as const)),
);
/**
 * Words a file that acquires a lock must spell: the acquire methods, except those that count only on an
 * instance the file makes (`wait`), for which the maker's name (`AsyncQueue`) stands in. A text filter over
 * these stays exact without letting every file that says "wait" through.
 */
export const ACQUIRE_WORDS: ReadonlySet<string> = new Set([
  ...[...ACQUIRE_METHODS].filter((m) => !DECLARED_ONLY_METHODS.has(m) || LOCK_LIBRARIES.some((lib) => !lib.declaredOnly && lib.acquire?.includes(m))),
  ...LOCK_LIBRARIES.filter((lib) => lib.declaredOnly).flatMap((lib) => lib.makers.map((m) => m.name)),
]);
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

const writers = LOCK_LIBRARIES.flatMap((lib) => (lib.writes ? [lib.writes] : []));
/** The calls a fix writes, in any library it can import: what an earlier fix left behind looks like. */
export const WRITTEN_CALLS = {
  acquire: new Set(writers.map((w) => w.acquire)),
  release: new Set(writers.map((w) => w.release)),
  run: new Set(writers.map((w) => w.run)),
} as const;

/** The library a fix imports for a `fix.runtime` setting, its module, and what the fix writes. */
export function fixLibrary(setting: 'vendor' | 'package' | 'async-mutex'): { module: string; writes: FixApi } {
  const library = setting === 'async-mutex' ? asyncMutex : runtime;
  return { module: library.modules[0]!, writes: library.writes! };
}
