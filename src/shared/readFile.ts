import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

/** Why `readRegularFile` refused a file it could open: what it is, and its size. */
export class NotReadableError extends Error {
  constructor(
    readonly reason: 'folder' | 'not-regular' | 'too-large',
    readonly size: number,
  ) {
    super(reason === 'folder' ? 'it is a folder' : reason === 'not-regular' ? 'not a regular file' : `larger than the limit (${size} bytes)`);
  }
}

/**
 * Reads a regular file of at most `maxBytes` bytes. A FIFO, socket or device is never read: it is opened
 * without blocking (opening a FIFO for reading would otherwise wait for a writer, forever), and the open
 * file is checked, not the path, so nothing swapped in after a `stat` gets read. Throws what `fs` throws,
 * or a `NotReadableError`.
 */
export function readRegularFile(file: string, maxBytes = Number.POSITIVE_INFINITY): Buffer {
  // O_NONBLOCK does not exist on Windows, where opening a named pipe does not wait for a writer anyway.
  const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stats = fstatSync(fd);
    refuseUnless(stats, maxBytes);
    return readAll(fd, stats.size, maxBytes);
  } finally {
    closeSync(fd);
  }
}

function refuseUnless(stats: Stats, maxBytes: number): void {
  if (stats.isDirectory()) throw new NotReadableError('folder', stats.size);
  if (!stats.isFile()) throw new NotReadableError('not-regular', stats.size);
  if (stats.size > maxBytes) throw new NotReadableError('too-large', stats.size);
}

/** Reads to the end; a file that grows past `maxBytes` while being read is refused too. */
function readAll(fd: number, expected: number, maxBytes: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.max(Math.min(expected - total, maxBytes - total + 1), 64 * 1024));
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
    if (total > maxBytes) throw new NotReadableError('too-large', total);
  }
  return Buffer.concat(chunks, total);
}
