// Preloaded into every child of bench/ci.mjs (`node --import <this file> …`). When the process exits it
// appends one JSON line to the file named by AWAITGUARD_BENCH_USAGE_FILE:
//   {"pid":N,"maxRssKb":N,"cpuUs":N}
// process.resourceUsage() is per process, so maxRSS (KB) covers the main thread and every worker thread,
// and the CPU time is the user + system time of all threads. Worker threads inherit `--import` and load
// this file too; only the main thread writes. Grandchildren (if any) write lines with their own pid, which
// the driver ignores.
import { appendFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

const file = process.env.AWAITGUARD_BENCH_USAGE_FILE;
if (file && isMainThread) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    const line = { pid: process.pid, maxRssKb: usage.maxRSS, cpuUs: usage.userCPUTime + usage.systemCPUTime };
    try {
      appendFileSync(file, JSON.stringify(line) + '\n');
    } catch {
      // the driver reports the figure as missing
    }
  });
}
