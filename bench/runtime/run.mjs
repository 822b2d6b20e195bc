// Benchmarks the bundled runtime against async-mutex (Lock, Semaphore) and async-lock (KeyedLock),
// side by side in one run.
//
//   node scripts/build-runtime.mjs && node bench/runtime/run.mjs [--rounds N] [--quick]
//
// Prints, per case, the median ops/s of each library over interleaved rounds and the ratio
// ours / theirs (> 1 means ours is faster), then the minified + gzipped size of the
// runtime's ESM export. Numbers are informative; nothing here asserts a timing.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';
import { Mutex, Semaphore as AmSemaphore } from 'async-mutex';
import AsyncLock from 'async-lock';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const distEntry = path.join(root, 'dist/runtime/index.js');
if (!existsSync(distEntry)) {
  console.error('bench/runtime: dist/runtime/index.js is missing; run `node scripts/build-runtime.mjs` first.');
  process.exit(1);
}
const { Lock, Semaphore, KeyedLock } = await import(pathToFileURL(distEntry).href);

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const roundsArg = argv.indexOf('--rounds');
const ROUNDS = roundsArg >= 0 ? Number(argv[roundsArg + 1]) : quick ? 3 : 7;
const UNCONTENDED_OPS = quick ? 50_000 : 300_000;
const WAITERS = 1_000;
const BATCHES = quick ? 10 : 60;
const PERMITS = 4;
const KEYS = 16;

// --- workloads: each returns the number of operations it performed -----------------------------

async function uncontended(acquireRelease) {
  for (let i = 0; i < UNCONTENDED_OPS; i++) await acquireRelease();
  return UNCONTENDED_OPS;
}

/** Hand-off: the lock (or all permits) is held while WAITERS tasks queue up; then they run through. */
async function handoff(holdAll, task) {
  for (let b = 0; b < BATCHES; b++) {
    const releaseAll = await holdAll();
    const tasks = new Array(WAITERS);
    for (let i = 0; i < WAITERS; i++) tasks[i] = task();
    releaseAll();
    await Promise.all(tasks);
  }
  return BATCHES * WAITERS;
}

function cases() {
  const lock = new Lock();
  const mutex = new Mutex();
  const sem = new Semaphore(PERMITS);
  const amSem = new AmSemaphore(PERMITS);
  const noop = () => undefined;
  const keyed = new KeyedLock();
  // async-lock's default maxPending is 1000; the hand-off queues more per key.
  const asyncLock = new AsyncLock({ maxPending: Infinity });
  const key = (i) => `k${i % KEYS}`;
  let n = 0;
  return [
    {
      name: `KeyedLock: uncontended runExclusive, ${KEYS} keys`,
      against: 'async-lock',
      ours: () => uncontended(() => keyed.runExclusive(key(n++), noop)),
      theirs: () => uncontended(() => asyncLock.acquire(key(n++), noop)),
    },
    {
      name: `KeyedLock: hand-off, ${WAITERS} waiters over ${KEYS} keys`,
      against: 'async-lock',
      ours: () =>
        handoff(
          async () => {
            const guards = await Promise.all(Array.from({ length: KEYS }, (_, i) => keyed.acquire(key(i))));
            return () => guards.forEach((g) => g.release());
          },
          () => keyed.runExclusive(key(n++), noop),
        ),
      theirs: () =>
        handoff(
          async () => {
            // async-lock holds a key only inside its callback: hold every key until released.
            let releaseAll;
            const held = new Promise((resolve) => (releaseAll = resolve));
            const entered = Array.from({ length: KEYS }, (_, i) => new Promise((inside) => asyncLock.acquire(key(i), () => (inside(), held))));
            await Promise.all(entered);
            return releaseAll;
          },
          () => asyncLock.acquire(key(n++), noop),
        ),
    },
    {
      name: 'Lock: uncontended acquire/release',
      ours: () =>
        uncontended(async () => {
          const guard = await lock.acquire();
          guard.release();
        }),
      theirs: () =>
        uncontended(async () => {
          const release = await mutex.acquire();
          release();
        }),
    },
    {
      name: 'Lock: uncontended runExclusive',
      ours: () => uncontended(() => lock.runExclusive(noop)),
      theirs: () => uncontended(() => mutex.runExclusive(noop)),
    },
    {
      name: `Lock: hand-off, ${WAITERS} waiters`,
      ours: () =>
        handoff(
          async () => {
            const guard = await lock.acquire();
            return () => guard.release();
          },
          async () => {
            const guard = await lock.acquire();
            guard.release();
          },
        ),
      theirs: () =>
        handoff(
          () => mutex.acquire(),
          async () => {
            const release = await mutex.acquire();
            release();
          },
        ),
    },
    {
      name: `Semaphore(${PERMITS}): uncontended acquire/release`,
      ours: () =>
        uncontended(async () => {
          const guard = await sem.acquire();
          guard.release();
        }),
      theirs: () =>
        uncontended(async () => {
          const [, release] = await amSem.acquire();
          release();
        }),
    },
    {
      name: `Semaphore(${PERMITS}): hand-off, ${WAITERS} waiters`,
      ours: () =>
        handoff(
          async () => {
            const guard = await sem.acquire(PERMITS);
            return () => guard.release();
          },
          async () => {
            const guard = await sem.acquire();
            guard.release();
          },
        ),
      theirs: () =>
        handoff(
          async () => {
            const [, release] = await amSem.acquire(PERMITS);
            return release;
          },
          async () => {
            const [, release] = await amSem.acquire();
            release();
          },
        ),
    },
  ];
}

async function measure(fn) {
  const start = process.hrtime.bigint();
  const ops = await fn();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return ops / seconds;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const fmt = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(0)}k`);

async function main() {
  const list = cases();
  const results = list.map(() => ({ ours: [], theirs: [] }));
  // One warm-up round that is not counted, then interleaved rounds, alternating which side goes first.
  for (let round = -1; round < ROUNDS; round++) {
    for (const [i, c] of list.entries()) {
      const order = round % 2 === 0 ? ['ours', 'theirs'] : ['theirs', 'ours'];
      for (const side of order) {
        const opsPerSecond = await measure(c[side]);
        if (round >= 0) results[i][side].push(opsPerSecond);
      }
    }
  }

  console.log(`awaitguard runtime vs async-mutex and async-lock (node ${process.version}, ${ROUNDS} rounds, medians)`);
  const rows = list.map((c, i) => {
    const ours = median(results[i].ours);
    const theirs = median(results[i].theirs);
    return [c.name, `${fmt(ours)}/s`, `${fmt(theirs)}/s ${c.against ?? 'async-mutex'}`, `${(ours / theirs).toFixed(2)}x`];
  });
  const header = ['case', 'awaitguard', 'theirs', 'ratio'];
  const widths = header.map((h, col) => Math.max(h.length, ...rows.map((r) => r[col].length)));
  const line = (cells) => cells.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]))).join('  ');
  console.log(line(header));
  for (const row of rows) console.log(line(row));

  console.log('\nminified + gzipped size of awaitguard/runtime (esbuild --minify, zlib gzip):');
  for (const [label, contents] of [
    ['everything', `export * from ${JSON.stringify(distEntry)};`],
    ['Lock only', `export { Lock } from ${JSON.stringify(distEntry)};`],
  ]) {
    const out = await esbuild.build({
      stdin: { contents, resolveDir: root },
      bundle: true,
      minify: true,
      format: 'esm',
      target: 'es2022',
      write: false,
    });
    const code = out.outputFiles[0].contents;
    console.log(`  ${label.padEnd(10)} ${code.length} B minified, ${gzipSync(code).length} B gzipped`);
  }
}

await main();
