// Child processes with a time bound: each child leads its own process group, so a timeout kills it with
// anything it started (worker threads die with it anyway).
import { spawn } from 'node:child_process';

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface ProcessOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
}

/** Process groups this process started and that are still running, for `killAll` on interruption. */
const live = new Set<number>();

export function track(pid: number | undefined): void {
  if (pid !== undefined) live.add(pid);
}

export function untrack(pid: number | undefined): void {
  if (pid !== undefined) live.delete(pid);
}

/** Kills every process group this process started (the campaign script calls it on SIGINT and SIGTERM). */
export function killAll(): void {
  for (const pid of live) killGroup(pid);
  live.clear();
}

export function runProcess(command: string, args: readonly string[], options: ProcessOptions): Promise<ProcessResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    track(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let errBytes = 0;
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      // A crash can print a lot (a stack of 10,000 frames); the head is what explains it.
      if (errBytes < 64 * 1024) err.push(b);
      errBytes += b.length;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: null, signal: null, timedOut, stdout: '', stderr: String(e), ms: Date.now() - started });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      untrack(child.pid);
      resolve({ code, signal, timedOut, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - started });
    });
  });
}

export function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** How a process ended, when that is itself a failure: killed by a signal, an unexpected exit code, a hang. */
export function abnormalEnd(r: ProcessResult, allowedCodes: readonly number[]): { kind: 'crash' | 'hang'; detail: string } | undefined {
  if (r.timedOut) return { kind: 'hang', detail: `no answer after ${(r.ms / 1000).toFixed(0)} s` };
  if (r.signal) return { kind: 'crash', detail: r.signal };
  // 128 + n is how a shell reports death by signal n; node itself exits 134 on an abort (heap exhaustion).
  if (r.code === null || !allowedCodes.includes(r.code)) return { kind: 'crash', detail: `exit ${r.code}` };
  return undefined;
}
