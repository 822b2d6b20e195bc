import { Worker } from 'node:worker_threads';
import { displayPath } from '../shared/paths.js';
import { bigStackOptions } from '../shared/stack.js';
import { checkFile, errorMessage, type CheckSettings, type FileOutcome } from './checkFile.js';

/** Posted to a worker: the files to check next, by their index in the run. */
export interface BatchMessage {
  type: 'batch';
  items: { index: number; file: string }[];
}
/** Posted back: one outcome per file of the batch. */
export interface ResultsMessage {
  type: 'results';
  items: { index: number; outcome: FileOutcome }[];
}
/** `workerData` of a check worker; its presence tells the bundle's entry point to act as a worker. */
export interface WorkerData {
  awaitguardCheckWorker: CheckSettings;
}

export interface PoolOptions {
  /** Worker threads wanted; 1 checks in this thread. */
  jobs: number;
  /** `--jobs` was given: use that many workers even for a small run. */
  explicitJobs: boolean;
  /** The script a worker runs (the CLI bundle itself); without it everything runs in this thread. */
  workerScript?: URL;
  /** Called once per file as it completes, in completion order. */
  onOutcome?: (index: number, outcome: FileOutcome) => void;
}

/** Below this many files per worker, starting a worker (about 0.3 s of loading) costs more than it saves. */
const MIN_FILES_PER_AUTO_WORKER = 16;

export function workerCount(files: number, options: Pick<PoolOptions, 'jobs' | 'explicitJobs' | 'workerScript'>): number {
  if (!options.workerScript || options.jobs <= 1 || files < 2) return 0;
  const cap = options.explicitJobs ? files : Math.floor(files / MIN_FILES_PER_AUTO_WORKER);
  const n = Math.min(options.jobs, cap);
  return n >= 2 ? n : 0;
}

/**
 * Checks every file and returns the outcomes in the order of `files`, whatever the number of workers,
 * so the report is identical for any `--jobs`.
 */
export async function checkFiles(
  files: readonly string[],
  settings: CheckSettings,
  options: PoolOptions,
): Promise<{ outcomes: FileOutcome[]; workers: number }> {
  const outcomes = new Array<FileOutcome>(files.length);
  const record = (index: number, outcome: FileOutcome): void => {
    outcomes[index] = outcome;
    options.onOutcome?.(index, outcome);
  };
  const count = workerCount(files.length, options);
  if (count === 0) {
    files.forEach((file, index) => record(index, checkFile(file, settings)));
    return { outcomes, workers: 0 };
  }

  // Small batches keep the workers evenly busy when file sizes vary; a batch saves a message per file.
  const batchSize = Math.max(1, Math.min(16, Math.floor(files.length / (count * 8))));
  let next = 0;
  const takeBatch = (): BatchMessage['items'] => {
    const items: BatchMessage['items'] = [];
    while (items.length < batchSize && next < files.length) items.push({ index: next, file: files[next++]! });
    return items;
  };

  await new Promise<void>((resolve) => {
    let alive = count;
    const finishOne = (): void => {
      if (--alive > 0) return;
      // Every worker is gone; whatever no worker took is checked here.
      for (let i = 0; i < files.length; i++) if (outcomes[i] === undefined) record(i, checkFile(files[i]!, settings));
      resolve();
    };
    for (let w = 0; w < count; w++) {
      const data: WorkerData = { awaitguardCheckWorker: settings };
      // The native fast parser recurses on the thread's stack (see stack.ts).
      const worker = new Worker(options.workerScript!, bigStackOptions(data));
      let inFlight: BatchMessage['items'] = [];
      let failure: string | undefined;
      const send = (): void => {
        inFlight = takeBatch();
        if (inFlight.length === 0) void worker.terminate();
        else worker.postMessage({ type: 'batch', items: inFlight } satisfies BatchMessage);
      };
      worker.on('message', (message: ResultsMessage) => {
        for (const item of message.items) record(item.index, item.outcome);
        inFlight = [];
        send();
      });
      worker.on('error', (err) => {
        failure = errorMessage(err);
      });
      worker.on('exit', () => {
        // A worker that died mid-batch (out of memory, a crash in a dependency) takes only that batch down.
        for (const item of inFlight) {
          if (outcomes[item.index] !== undefined) continue;
          record(item.index, crashed(files[item.index]!, settings, failure ?? 'the worker thread exited'));
        }
        inFlight = [];
        finishOne();
      });
      send();
    }
  });
  return { outcomes, workers: count };
}

function crashed(file: string, settings: CheckSettings, why: string): FileOutcome {
  const result = { path: file, relPath: displayPath(file, settings.cwd), findings: [], internalError: `the worker thread checking it stopped: ${why}` };
  return { result, created: [] };
}
