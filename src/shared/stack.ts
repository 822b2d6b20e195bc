import { isMainThread, workerData } from 'node:worker_threads';

/*
 * oxc-parser recurses on the native stack, and a native stack overflow kills the process: no exception, no
 * report, every other file's findings lost. No estimate of nesting read off the text is sound (brackets hide
 * in regex literals, JSX text and strings that only a parser tells apart), but the file's size is: each
 * level of nesting takes at least one byte of source. So the fast parser runs only on threads whose stack
 * is known, and only on files whose size, at the worst stack cost per byte, fits in it; anything larger is
 * parsed by typescript-estree, whose stack overflow is a RangeError (reported as "nested too deeply").
 * `node bench/parser-stack.mjs` measures the cost per byte of every nesting construct.
 */

/** The stack a thread that parses gets: reserved address space, touched only as deep as a parse goes. */
export const PARSE_STACK_MB = 1024;

/** Worst native stack per byte of source measured over nesting constructs (808, parenthesized types), doubled. */
export const STACK_BYTES_PER_SOURCE_BYTE = 2048;

/** What is assumed of a main thread: 8 MB on Linux and macOS by default, less where the OS gives less. */
const MAIN_THREAD_STACK_MB = 4;

/** A worker's stack when whoever started it did not say (Node's default). */
const DEFAULT_WORKER_STACK_MB = 4;

/** The key in `workerData` that tells a worker the stack it was given. */
export const STACK_KEY = 'awaitguardStackMb';

/** The Worker options that give a thread the parse stack, and tell it so. */
export function bigStackOptions<T extends object>(data: T): { workerData: T & { [STACK_KEY]: number }; resourceLimits: { stackSizeMb: number } } {
  return { workerData: { ...data, [STACK_KEY]: PARSE_STACK_MB }, resourceLimits: { stackSizeMb: PARSE_STACK_MB } };
}

export function threadStackMb(): number {
  if (isMainThread) return MAIN_THREAD_STACK_MB;
  const mb = (workerData as Record<string, unknown> | null | undefined)?.[STACK_KEY];
  return typeof mb === 'number' && mb > 0 ? mb : DEFAULT_WORKER_STACK_MB;
}

/**
 * The largest text (in UTF-16 units, one or more bytes each) that the native parser may take on this thread.
 * Some of the stack (64 MB, at most half) is left to the frames below the parse.
 */
export function maxFastParseLength(stackMb: number = threadStackMb()): number {
  const reserveMb = Math.min(64, stackMb / 2);
  return Math.floor(((stackMb - reserveMb) * 1024 * 1024) / STACK_BYTES_PER_SOURCE_BYTE);
}
