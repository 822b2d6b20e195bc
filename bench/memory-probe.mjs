// Preloaded into the language server by bench/lsp-memory.mjs (`node --expose-gc --import <this file> …`).
// On SIGUSR2 every thread collects garbage, so the figures are what the server retains rather than what it has
// not yet freed, and the main thread appends one JSON line to the file named by AWAITGUARD_BENCH_MEMORY_FILE:
//   {"rss":N,"heapUsed":N,"heapTotal":N,"external":N,"arrayBuffers":N,"threads":N}
// in bytes; rss is the process's, the others are summed over the threads that answered. The server may run on
// a worker thread (src/server/thread.ts), whose heap the main thread's process.memoryUsage() does not count,
// and signals reach the main thread only: it asks the others over a BroadcastChannel. A file, not stdout or
// stderr: stdout carries the protocol, and the server owns stderr.
import { appendFileSync } from 'node:fs';
import { BroadcastChannel, isMainThread } from 'node:worker_threads';

const file = process.env.AWAITGUARD_BENCH_MEMORY_FILE;
/** How long the main thread waits for the other threads' answers; the benchmark samples an idle server. */
const ANSWER_MS = 500;

function ownHeap() {
  globalThis.gc?.();
  const { heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  return { heapUsed, heapTotal, external, arrayBuffers };
}

function sum(heaps) {
  const total = { heapUsed: 0, heapTotal: 0, external: 0, arrayBuffers: 0 };
  for (const heap of heaps) for (const key of Object.keys(total)) total[key] += heap[key];
  return total;
}

if (file) {
  const channel = new BroadcastChannel('awaitguard-bench-memory');
  channel.unref(); // never what keeps a thread alive
  if (isMainThread) {
    process.on('SIGUSR2', () => {
      const heaps = [ownHeap()];
      channel.onmessage = (event) => heaps.push(event.data);
      channel.postMessage('sample');
      setTimeout(() => {
        channel.onmessage = null;
        const line = { rss: process.memoryUsage().rss, ...sum(heaps), threads: heaps.length };
        appendFileSync(file, JSON.stringify(line) + '\n');
      }, ANSWER_MS);
    });
  } else {
    channel.onmessage = (event) => {
      if (event.data === 'sample') channel.postMessage(ownHeap());
    };
  }
}
