// Worker-thread side of fixed-fixtures-run.test.ts: imports a bundled fixture (its imports and free globals
// answered by "anything" stubs), calls every entry point three times at once, and reports which settle.
// Runs in its own thread so that a call that never settles, or a loop that never yields, cannot stall the
// test: the test terminates the thread. Bundled by the test with esbuild, never imported by vitest.
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';

export interface RunRequest {
  /** Absolute path of the bundled module (ESM). */
  bundle: string;
  /** Entry points to drive; all of them when absent. */
  only?: string[];
  timeoutMs: number;
}

export type EntryStatus = 'settled' | 'hung' | 'load-error' | 'construct-error' | 'missing';

export interface EntryResult {
  id: string;
  status: EntryStatus;
  detail: string;
  /** The stub stopped invoking callbacks (budget spent): a hang may be the stub's doing. */
  exhausted: boolean;
  /** Some call took a Lock or Semaphore of the runtime (the fix's critical section was reached). */
  locked: boolean;
  /** From the start of the entry point's driving to its settling (or to the deadline). */
  elapsedMs: number;
}

export type WorkerMessage =
  | { type: 'entries'; entries: string[]; loadError?: string }
  | { type: 'result'; result: EntryResult }
  | { type: 'done' };

/** How many callbacks one module instance may have the stubs invoke (polling loops would never end). */
const CALLBACK_BUDGET = 200;
const CALLS = 3;

interface Ctx {
  pending: Set<Promise<unknown>>;
  scheduled: number;
  budget: number;
  exhausted: boolean;
  closed: boolean;
  seed: number;
  /** Lock / Semaphore acquisitions, counted by the test's wrappers around the lock libraries. */
  acquired: number;
  /** Promises of stubs reject instead of resolving. */
  reject: boolean;
  /** Free globals of the fixture (`fetch`, `db`, timers, `console`…), each an anything. */
  g: Record<string, unknown>;
  stubModule(specifier: string): unknown;
}

const anythings = new WeakSet<object>();
const noop = (): void => {};

function delayMs(ctx: Ctx): number {
  // mulberry32: a seeded sequence, so a run interleaves the same way each time.
  let t = (ctx.seed = (ctx.seed + 0x6d2b79f5) | 0);
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) % 4;
}

function delay(ctx: Ctx): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, delayMs(ctx)));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || anythings.has(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/** Callbacks handed to a stub (`setTimeout(fn)`, `emitter.on('x', fn)`, JSX `onClick`) run once, soon after. */
function scheduleCallbacks(ctx: Ctx, args: readonly unknown[]): void {
  for (const arg of args) {
    if (typeof arg === 'function' && !anythings.has(arg)) later(ctx, arg as (...a: unknown[]) => unknown);
    else if (isPlainObject(arg)) {
      for (const v of Object.values(arg)) if (typeof v === 'function' && !anythings.has(v)) later(ctx, v as (...a: unknown[]) => unknown);
    }
  }
}

function later(ctx: Ctx, fn: (...a: unknown[]) => unknown): void {
  if (ctx.closed) return;
  if (ctx.budget <= 0) {
    ctx.exhausted = true;
    return;
  }
  ctx.budget--;
  ctx.scheduled++;
  setTimeout(() => {
    ctx.scheduled--;
    if (ctx.closed) return;
    let result: unknown;
    try {
      result = fn(anything(ctx, false), anything(ctx, false), anything(ctx, false));
    } catch {
      return;
    }
    if (isThenable(result) && !anythings.has(result as object)) track(ctx, result);
  }, delayMs(ctx));
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

function track(ctx: Ctx, p: PromiseLike<unknown>): void {
  const settled = Promise.resolve(p).then(noop, noop);
  ctx.pending.add(settled);
  void settled.then(() => ctx.pending.delete(settled));
}

/**
 * A value that survives any use: callable and constructible, every property another anything. A call
 * result is also a promise (resolving after a short timer to an anything that is NOT a thenable, or
 * `await` would never finish). Converts to 1, iterates to two anythings, has length 2.
 */
function anything(ctx: Ctx, thenable: boolean, withProto = false): unknown {
  const props = new Map<PropertyKey, unknown>();
  let settled: Promise<unknown> | undefined;
  const promise = (): Promise<unknown> =>
    (settled ??= delay(ctx).then(() => {
      if (ctx.reject) throw new Error('stub rejects');
      return anything(ctx, false);
    }));
  let proto: unknown;
  const target = function () {} as unknown as object;
  const proxy: object = new Proxy(target, {
    get(_t, key, receiver) {
      if (props.has(key)) return props.get(key);
      switch (key) {
        case 'then':
          return thenable && receiver === proxy ? (a?: never, b?: never) => promise().then(a, b) : undefined;
        case 'catch':
          if (thenable && receiver === proxy) return (b?: never) => promise().catch(b);
          break;
        case 'finally':
          if (thenable && receiver === proxy) return (f?: () => void) => promise().finally(f);
          break;
        case 'length':
          return 2;
        case '__esModule':
        case 'toJSON':
        case 'asymmetricMatch':
        case '$$typeof':
        case 'nodeType':
          return undefined;
        case Symbol.toPrimitive:
          return () => 1;
        case Symbol.iterator:
          return function* () {
            yield anything(ctx, false);
            yield anything(ctx, false);
          };
        case Symbol.asyncIterator:
          return async function* () {
            await delay(ctx);
            yield anything(ctx, false);
            await delay(ctx);
            yield anything(ctx, false);
          };
        case Symbol.dispose:
        case Symbol.asyncDispose:
          return noop;
      }
      if (typeof key === 'symbol') return undefined;
      const v = anything(ctx, false);
      props.set(key, v);
      return v;
    },
    set(_t, key, value, receiver) {
      // An instance of a class that extends a stub writes its own fields.
      if (receiver !== proxy) return Reflect.defineProperty(receiver as object, key, { value, writable: true, enumerable: true, configurable: true });
      props.set(key, value);
      return true;
    },
    deleteProperty(_t, key) {
      props.delete(key);
      return true;
    },
    apply(_t, _this, args) {
      scheduleCallbacks(ctx, args);
      return anything(ctx, true);
    },
    construct(_t, args, newTarget) {
      scheduleCallbacks(ctx, args);
      // `super()` of a class extending a stub: an ordinary instance of the subclass.
      if (newTarget !== proxy) return Object.create((newTarget as { prototype: object }).prototype) as object;
      return anything(ctx, false) as object;
    },
    // esbuild's CommonJS interop builds a namespace whose prototype is the module's: let its reads reach a stub.
    getPrototypeOf(t) {
      if (!withProto) return Reflect.getPrototypeOf(t);
      return (proto ??= anything(ctx, false)) as object;
    },
  });
  anythings.add(proxy);
  return proxy;
}

function newCtx(seed: number, reject: boolean): Ctx {
  const globals = new Map<string, unknown>();
  const modules = new Map<string, unknown>();
  const ctx: Ctx = {
    pending: new Set(),
    scheduled: 0,
    budget: CALLBACK_BUDGET,
    exhausted: false,
    closed: false,
    seed,
    acquired: 0,
    reject,
    g: new Proxy({}, {
      get(_t, key) {
        if (typeof key === 'symbol') return undefined;
        if (!globals.has(key)) globals.set(key, anything(ctx, false));
        return globals.get(key);
      },
    }) as Record<string, unknown>,
    stubModule(specifier) {
      if (!modules.has(specifier)) modules.set(specifier, anything(ctx, false, true));
      return modules.get(specifier);
    },
  };
  return ctx;
}

// ---------------------------------------------------------------------------------------------
// Entry points
// ---------------------------------------------------------------------------------------------

/**
 * How an entry point is driven. `cold`: three concurrent calls on fresh state. `warm`: first every other
 * function of the module (or method of the instance) once, and two anythings added to each exported Set,
 * Map and array, so that collections the calls fan out over are not empty. `reject`: as cold, but every
 * promise a stub returns rejects, to reach the catch paths.
 */
export type Mode = 'cold' | 'warm' | 'reject';
const MODES: readonly Mode[] = ['cold', 'warm', 'reject'];

interface Entry {
  id: string;
  /** Property path from the module namespace to the function, or to the class for 'method' / 'construct'. */
  path: string[];
  kind: 'call' | 'method' | 'construct';
  /** For 'method': the method name on a fresh instance of the class at `path`. */
  method?: string;
  mode: Mode;
}

function isClass(fn: unknown): boolean {
  return typeof fn === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

/** Function-valued properties of an object and its prototypes (not Object.prototype), getters left alone. */
function methodNames(obj: object | null): string[] {
  const names: string[] = [];
  for (let p = obj; p !== null && p !== Object.prototype && p !== Function.prototype && !anythings.has(p); p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) {
      const d = Object.getOwnPropertyDescriptor(p, name);
      if (name !== 'constructor' && d && typeof d.value === 'function' && !anythings.has(d.value as object) && !names.includes(name)) names.push(name);
    }
  }
  return names;
}

function construct(ctx: Ctx, cls: unknown): Record<string, unknown> {
  return new (cls as new (...a: unknown[]) => Record<string, unknown>)(anything(ctx, false), anything(ctx, false), anything(ctx, false));
}

/** Entry points of a module (mode left 'cold'): functions, class constructors and methods, object methods. */
function entriesOf(ns: Record<string, unknown>, ctx: Ctx): Entry[] {
  const out: Entry[] = [];
  const add = (e: Omit<Entry, 'mode'>): void => void out.push({ ...e, mode: 'cold' });
  const visit = (label: string, path: string[], v: unknown, depth: number): void => {
    if ((typeof v !== 'function' && typeof v !== 'object') || v === null || anythings.has(v)) return;
    if (isClass(v)) {
      add({ id: `${label} (constructor)`, path, kind: 'construct' });
      // Methods, and arrow functions in instance fields (`handle = async () => …`), on a trial instance.
      let names = methodNames((v as { prototype: object }).prototype);
      try {
        names = [...new Set([...methodNames(construct(ctx, v)), ...names])];
      } catch {
        // The constructor does not accept anythings: the prototype's methods are all there is to drive.
      }
      for (const m of names) add({ id: `${label}#${m}`, path, kind: 'method', method: m });
      for (const name of Object.getOwnPropertyNames(v)) {
        const d = Object.getOwnPropertyDescriptor(v, name);
        if (d && typeof d.value === 'function' && !anythings.has(d.value as object)) add({ id: `${label}.${name} (static)`, path: [...path, name], kind: 'call' });
      }
      return;
    }
    if (typeof v === 'function') {
      add({ id: label, path, kind: 'call' });
      return;
    }
    if (depth >= 2) return;
    for (const name of methodNames(v)) add({ id: `${label}.${name}`, path: [...path, name], kind: 'call' });
    for (const name of Object.keys(v)) {
      const d = Object.getOwnPropertyDescriptor(v, name);
      if (!d || !('value' in d) || typeof d.value === 'function') continue;
      if (name === '__agInternal') visit('internal', [...path, name], d.value, depth + 1);
      else if (depth === 0 && isPlainObject(d.value)) visit(`${label}.${name}`, [...path, name], d.value, depth + 1);
    }
  };
  for (const key of Object.keys(ns)) {
    const v = ns[key];
    if (key === '__agInternal') visit('internal', [key], v, 1);
    else if (key === 'default' && isPlainObject(v)) visit('module.exports', [key], v, 0);
    else visit(`export ${key}`, [key], v, 1);
  }
  return out;
}

function withModes(entries: Entry[]): Entry[] {
  const out: Entry[] = [];
  for (const e of entries) {
    for (const mode of MODES) if (mode === 'cold' || e.kind !== 'construct') out.push({ ...e, id: `${e.id} [${mode}]`, mode });
  }
  return out;
}

function resolvePath(ns: Record<string, unknown>, path: string[]): { owner: unknown; value: unknown } {
  let owner: unknown = undefined;
  let value: unknown = ns;
  for (const key of path) {
    owner = value;
    value = (value as Record<string, unknown> | undefined)?.[key];
  }
  return { owner, value };
}

// ---------------------------------------------------------------------------------------------
// Driving
// ---------------------------------------------------------------------------------------------

let instances = 0;

async function importFresh(bundle: string, ctx: Ctx): Promise<Record<string, unknown>> {
  (globalThis as { __agTakeContext?: () => Ctx }).__agTakeContext = () => ctx;
  return (await import(`${pathToFileURL(bundle).href}?instance=${instances++}`)) as Record<string, unknown>;
}

function callOnce(ctx: Ctx, fn: unknown, self: unknown): Promise<unknown> {
  try {
    const r = (fn as (...a: unknown[]) => unknown).call(self, anything(ctx, false), anything(ctx, false), anything(ctx, false));
    return isThenable(r) ? Promise.resolve(r) : Promise.resolve();
  } catch (e) {
    return Promise.reject(e);
  }
}

/** Warm mode: two anythings in every exported collection. */
function fillCollections(ctx: Ctx, ns: Record<string, unknown>): void {
  const values = Object.values(ns);
  if (isPlainObject(ns.default)) values.push(...Object.values(ns.default));
  for (const v of values) {
    try {
      if (v instanceof Set) v.add(anything(ctx, false)).add(anything(ctx, false));
      else if (v instanceof Map) v.set(anything(ctx, false), anything(ctx, false)).set(anything(ctx, false), anything(ctx, false));
      else if (Array.isArray(v)) v.push(anything(ctx, false), anything(ctx, false));
    } catch {
      // A frozen collection stays as it is.
    }
  }
}

/** How long warm mode waits for each warm-up call before the next (one that never settles must not stop it). */
const WARM_UP_WAIT_MS = 200;

/** Warm mode: every other function once, one after the other (failures are fine). */
async function warmUp(ctx: Ctx, calls: { fn: unknown; self: unknown }[]): Promise<void> {
  for (const c of calls) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const wait = new Promise((r) => (timer = setTimeout(r, WARM_UP_WAIT_MS)));
    await Promise.race([callOnce(ctx, c.fn, c.self).catch(noop), wait]);
    clearTimeout(timer);
  }
}

function result(entry: Entry, status: EntryStatus, detail: string, ctx?: Ctx, started?: number): EntryResult {
  const elapsedMs = started === undefined ? 0 : Date.now() - started;
  return { id: entry.id, status, detail, exhausted: ctx?.exhausted ?? false, locked: (ctx?.acquired ?? 0) > 0, elapsedMs };
}

async function drive(ns: Record<string, unknown>, ctx: Ctx, entry: Entry, all: Entry[], timeoutMs: number): Promise<EntryResult> {
  const started = Date.now();
  const deadline = started + timeoutMs;
  const { owner, value } = resolvePath(ns, entry.path);
  // Everything from here to the end of the three calls counts against the deadline.
  const work = (async (): Promise<Promise<unknown>[] | EntryResult> => {
    if (entry.mode === 'warm') fillCollections(ctx, ns);
    if (entry.kind === 'construct') {
      return [0, 1, 2].map(() => {
        try {
          construct(ctx, value);
          return Promise.resolve();
        } catch (e) {
          return Promise.reject(e);
        }
      });
    }
    let fn: unknown = value;
    let self: unknown = owner;
    if (entry.kind === 'method') {
      let instance: Record<string, unknown>;
      try {
        instance = construct(ctx, value);
      } catch (e) {
        return result(entry, 'construct-error', String(e), ctx);
      }
      fn = instance[entry.method!];
      self = instance;
      if (entry.mode === 'warm') {
        await warmUp(ctx, methodNames(instance).filter((m) => m !== entry.method).map((m) => ({ fn: instance[m], self: instance })));
      }
    } else if (entry.mode === 'warm') {
      const others = all.filter((e) => e.kind === 'call' && e.mode === 'cold' && e.path.join('.') !== entry.path.join('.'));
      await warmUp(ctx, others.map((e) => ({ fn: resolvePath(ns, e.path).value, self: resolvePath(ns, e.path).owner })));
    }
    if (typeof fn !== 'function') return result(entry, 'missing', `not a function: ${entry.path.join('.')}`, ctx);
    return [0, 1, 2].map(() => callOnce(ctx, fn, self));
  })();
  let calls: Promise<unknown>[] | undefined;
  let early: EntryResult | undefined;
  void work.then((w) => (Array.isArray(w) ? (calls = w) : (early = w)));
  let callsDone = 0;
  let counting = false;
  while (Date.now() < deadline) {
    if (early) return early;
    if (calls && !counting) {
      counting = true;
      for (const c of calls) c.then(() => callsDone++, () => callsDone++);
    }
    if (calls && callsDone === CALLS && ctx.pending.size === 0 && ctx.scheduled === 0) return result(entry, 'settled', '', ctx, started);
    await new Promise((r) => setTimeout(r, 5));
  }
  const where = calls ? `${CALLS - callsDone} of ${CALLS} calls` : 'the warm-up';
  return result(entry, 'hung', `${where} and ${ctx.pending.size} callback(s) still pending after ${timeoutMs} ms`, ctx, started);
}

async function main(request: RunRequest): Promise<void> {
  const port = parentPort!;
  const post = (m: WorkerMessage): void => port.postMessage(m);
  let entries: Entry[];
  const first = newCtx(1, false);
  try {
    entries = entriesOf(await importFresh(request.bundle, first), first);
  } catch (e) {
    post({ type: 'entries', entries: [], loadError: String(e) });
    post({ type: 'done' });
    return;
  }
  first.closed = true;
  const all = withModes(entries);
  const chosen = request.only ? all.filter((e) => request.only!.includes(e.id)) : all;
  post({ type: 'entries', entries: chosen.map((e) => e.id) });
  // Each entry point gets its own module instance (fresh state, its own stubs), all driven at once. The
  // imports go one after the other: an instance takes its stub context while it evaluates.
  const runs: Promise<void>[] = [];
  for (const [i, entry] of chosen.entries()) {
    const ctx = newCtx(1000 + i, entry.mode === 'reject');
    let ns: Record<string, unknown>;
    try {
      ns = await importFresh(request.bundle, ctx);
    } catch (e) {
      post({ type: 'result', result: result(entry, 'load-error', String(e)) });
      continue;
    }
    runs.push(
      drive(ns, ctx, entry, all, request.timeoutMs).then((r) => {
        ctx.closed = true;
        post({ type: 'result', result: r });
      }),
    );
  }
  await Promise.all(runs);
  post({ type: 'done' });
}

if (parentPort && workerData) {
  // Fixture code leaves rejections unhandled and throws from callbacks: neither may end the thread.
  process.on('unhandledRejection', noop);
  process.on('uncaughtException', noop);
  const root = newCtx(0, false);
  (globalThis as { fetch?: unknown }).fetch = anything(root, false);
  void main(workerData as RunRequest);
}
