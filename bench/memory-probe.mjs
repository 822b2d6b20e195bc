// Preloaded into the language server by bench/lsp-memory.mjs (`node --expose-gc --import <this file> …`).
// On SIGUSR2 it collects garbage, so the figures are what the server retains rather than what it has not yet
// freed, and appends one JSON line to the file named by AWAITGUARD_BENCH_MEMORY_FILE:
//   {"rss":N,"heapUsed":N,"heapTotal":N,"external":N,"arrayBuffers":N}   (bytes, process.memoryUsage())
// A file, not stdout or stderr: stdout carries the protocol, and the server owns stderr.
import { appendFileSync } from 'node:fs';

const file = process.env.AWAITGUARD_BENCH_MEMORY_FILE;
if (file) {
  process.on('SIGUSR2', () => {
    globalThis.gc?.();
    appendFileSync(file, JSON.stringify(process.memoryUsage()) + '\n');
  });
}
