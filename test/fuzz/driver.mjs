// Runs a bundled case module in a child process (started by test/fuzz/runtime.ts): every exported function,
// and every method of every exported class, is called twice at once, with stand-ins for every argument and
// for every import the bundle could not resolve. Prints one JSON line and exits:
//   0 {"settled": n, "rejected": k}      every call finished (resolved or threw)
//   3 {"idle": true, "pending": [...]}   nothing left to run but calls never finished: a deadlock
//   4 {"timeout": true, "pending": [...]} calls still running after the time bound
//   5 {"load": "message"}                 the module threw while loading
//
//   node test/fuzz/driver.mjs <bundle.mjs> <timeout ms>
import { setInterval } from 'node:timers';
import { pathToFileURL } from 'node:url';

const [bundle, timeoutArg] = process.argv.slice(2);
const timeoutMs = Number(timeoutArg ?? 5000);

const ARRAY_METHODS = new Set(['map', 'filter', 'forEach', 'flatMap', 'some', 'every', 'reduce', 'find', 'findIndex', 'slice', 'concat', 'entries', 'keys', 'values', 'includes', 'indexOf', 'join']);
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/**
 * A stand-in for anything: callable, constructible, iterable (two elements), a number in arithmetic and its
 * name in strings. Calls return a value that can also be awaited (after a timer tick, so calls interleave);
 * awaiting gives a plain stand-in, whose calls again return awaitable ones.
 */
function stub(name, awaitable = false) {
  const target = function () {};
  return new Proxy(target, {
    get(t, p) {
      if (p === 'then') return awaitable ? (resolve) => tick().then(() => resolve(stub(name))) : undefined;
      if (p === Symbol.toPrimitive) return (hint) => (hint === 'string' ? name : 1);
      if (p === Symbol.iterator) return function* () {
        yield stub(`${name}[0]`);
        yield stub(`${name}[1]`);
      };
      if (p === Symbol.asyncIterator) return async function* () {
        await tick();
        yield stub(`${name}[0]`);
        yield stub(`${name}[1]`);
      };
      if (typeof p === 'symbol') return undefined;
      if (p === 'prototype') return t.prototype;
      if (p === 'length' || p === 'size') return 2;
      if (p === 'toString' || p === 'toJSON') return () => name;
      if (p === 'valueOf') return () => 1;
      if (ARRAY_METHODS.has(p)) {
        const items = [stub(`${name}[0]`), stub(`${name}[1]`)];
        return (...args) => items[p](...args);
      }
      return stub(`${name}.${p}`);
    },
    apply: () => stub(`${name}()`, true),
    construct: () => stub(`new ${name}`),
    // Not the proxy itself: `instanceof` would walk a cycle.
    getPrototypeOf: () => protoStub,
  });
}
const protoStub = new Proxy({}, { get: (_, p) => (typeof p === 'symbol' || p === 'then' ? undefined : stub(String(p))) });
globalThis.__fuzzStub = (name) => stub(name);

const args = () => [stub('arg0'), stub('arg1'), stub('arg2')];
const isClass = (v) => typeof v === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(v));

const pending = new Map();
let settled = 0;
let rejected = 0;
let next = 0;

function call(label, fn) {
  const id = next++;
  pending.set(id, label);
  Promise.resolve()
    .then(fn)
    .then(
      () => undefined,
      () => {
        rejected++;
      },
    )
    .finally(() => {
      pending.delete(id);
      settled++;
    });
}

function report(code, body) {
  process.stdout.write(JSON.stringify(body) + '\n');
  process.exit(code);
}

process.on('unhandledRejection', () => undefined);
process.on('uncaughtException', () => undefined);
process.on('beforeExit', () => {
  if (pending.size > 0) report(3, { idle: true, pending: [...new Set(pending.values())] });
  report(0, { settled, rejected });
});

let mod;
try {
  mod = await import(pathToFileURL(bundle).href);
} catch (err) {
  report(5, { load: String(err && err.message ? err.message : err).slice(0, 300) });
}

const exported = new Map();
for (const [k, v] of Object.entries(mod)) if (k !== 'default') exported.set(k, v);
const def = mod.default;
if (def && (typeof def === 'object' || typeof def === 'function')) {
  if (typeof def === 'function') exported.set('default', def);
  else for (const [k, v] of Object.entries(def)) if (!exported.has(k)) exported.set(k, v);
}

for (const [name, value] of exported) {
  if (isClass(value)) {
    let instance;
    try {
      instance = new value(...args());
    } catch {
      continue;
    }
    const proto = value.prototype;
    for (const m of Object.getOwnPropertyNames(proto)) {
      const d = Object.getOwnPropertyDescriptor(proto, m);
      if (m === 'constructor' || !d || typeof d.value !== 'function') continue;
      for (let i = 0; i < 2; i++) call(`${name}.${m}`, () => instance[m](...args()));
    }
    for (const m of Object.getOwnPropertyNames(value)) {
      const d = Object.getOwnPropertyDescriptor(value, m);
      if (!d || typeof d.value !== 'function' || ['length', 'name', 'prototype'].includes(m)) continue;
      for (let i = 0; i < 2; i++) call(`${name}.${m}`, () => value[m](...args()));
    }
  } else if (typeof value === 'function') {
    for (let i = 0; i < 2; i++) call(name, () => value(...args()));
  }
}

const deadline = setTimeout(() => report(4, { timeout: true, pending: [...new Set(pending.values())] }), timeoutMs);
deadline.unref();
const poll = setInterval(() => {
  if (pending.size === 0) report(0, { settled, rejected });
}, 5);
// The poll must not keep the loop alive by itself: an idle loop with pending calls is the deadlock signal.
poll.unref();
