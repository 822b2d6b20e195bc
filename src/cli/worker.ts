import { parentPort } from 'node:worker_threads';
import { checkFile, type CheckSettings } from './checkFile.js';
import type { BatchMessage, ResultsMessage } from './pool.js';

/** The loop of a check worker: check each batch the main thread posts, post the outcomes back. */
export function serveChecks(settings: CheckSettings): void {
  const port = parentPort;
  if (!port) throw new Error('serveChecks must run in a worker thread');
  port.on('message', (message: BatchMessage) => {
    const items = message.items.map(({ index, file }) => ({ index, outcome: checkFile(file, settings) }));
    port.postMessage({ type: 'results', items } satisfies ResultsMessage);
  });
}
