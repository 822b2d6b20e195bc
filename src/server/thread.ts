import { isMainThread, Worker } from 'node:worker_threads';
import { bigStackOptions } from '../shared/stack.js';

/**
 * Over stdio, moves the server onto a thread with the parse stack (see src/shared/stack.ts) and relays the
 * process's input to it; its output reaches the process's stdout by itself. Returns false when the server
 * is to run here: on that thread already, over IPC (another client's choice: oxc then takes only files that fit
 * the main thread's stack), or when no such thread can be had. The process exits as the thread does, so a thread
 * that gives up on lost framing is restarted by the client like a crashed server.
 */
export function serveOnParseThread(script: URL): boolean {
  const args = process.argv.slice(2);
  if (!isMainThread || !args.includes('--stdio')) return false;
  let thread: Worker;
  try {
    thread = new Worker(script, { ...bigStackOptions({ awaitguardServer: true }), argv: args, stdin: true });
  } catch {
    return false;
  }
  process.stdin.pipe(thread.stdin!);
  thread.on('error', (err) => {
    console.error('[awaitguard] the server thread failed', err);
    process.exitCode = 1;
  });
  thread.on('exit', (code) => process.exit(process.exitCode ?? code));
  return true;
}
