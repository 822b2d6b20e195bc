import { writeSync } from 'node:fs';

/** A header is a few dozen bytes; this many without the blank line that ends one is not a header. */
export const MAX_HEADER_BYTES = 8192;
/** No editor sends a message this large; vscode-jsonrpc's reader would buffer it all before failing. */
export const MAX_CONTENT_LENGTH = 2 ** 30;

const HEADER_END = '\r\n\r\n';

/**
 * Follows the frames of the base protocol (`Content-Length: N`, a blank line, N bytes) on the server's
 * input, beside vscode-jsonrpc's reader, to tell when frames can no longer be found. That reader reports a
 * bad header and reads on from wherever it stopped: the body after the header becomes the next header, a
 * negative length is taken as is, and from then on every message is lost while the process stays up
 * answering nothing. The base protocol has no resynchronisation marker, and the server could not know which
 * edits it missed, so the safe recovery is a fresh server that the client sends its documents to again.
 */
export class FrameTracker {
  /** Bytes of the header block read so far, one char per byte (latin1). */
  private header = '';
  private bodyLeft = 0;
  private lost: string | undefined;

  /** Reads the next bytes; returns why the frames are lost (from then on, always), or undefined. */
  feed(chunk: Uint8Array): string | undefined {
    let offset = 0;
    while (this.lost === undefined && offset < chunk.length) {
      if (this.bodyLeft > 0) {
        const skipped = Math.min(this.bodyLeft, chunk.length - offset);
        this.bodyLeft -= skipped;
        offset += skipped;
      } else {
        offset = this.readHeader(chunk, offset);
      }
    }
    return this.lost;
  }

  /** Reads header bytes from `offset`; returns where the body starts, or the chunk's end. */
  private readHeader(chunk: Uint8Array, offset: number): number {
    const before = this.header.length;
    // Reading one byte past the limit is enough to tell a header that is too long.
    const end = Math.min(chunk.length, offset + MAX_HEADER_BYTES + HEADER_END.length - before);
    this.header += Buffer.from(chunk.buffer, chunk.byteOffset + offset, end - offset).toString('latin1');
    const at = this.header.indexOf(HEADER_END, Math.max(0, before - HEADER_END.length + 1));
    if (at === -1) {
      if (this.header.length > MAX_HEADER_BYTES + HEADER_END.length - 1) {
        this.lost = `no end of header after ${MAX_HEADER_BYTES} bytes (${quote(this.header)})`;
      }
      return end;
    }
    const lengthOrError = contentLength(this.header.slice(0, at));
    this.header = '';
    if (typeof lengthOrError === 'string') this.lost = lengthOrError;
    else this.bodyLeft = lengthOrError;
    return offset + (at + HEADER_END.length - before);
  }
}

/** The body length a header block announces, or why it announces none. */
function contentLength(block: string): number | string {
  let value: string | undefined;
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon === -1) return `header line ${quote(line)} has no ":"`;
    // As vscode-jsonrpc reads it: the name as sent, the value trimmed.
    if (line.slice(0, colon).toLowerCase() === 'content-length') value = line.slice(colon + 1).trim();
  }
  if (value === undefined) return `header ${quote(block)} has no Content-Length`;
  if (!/^\d+$/.test(value)) return `Content-Length ${quote(value)} is not a byte count`;
  const length = Number(value);
  if (length > MAX_CONTENT_LENGTH) return `Content-Length ${value} is over the limit of ${MAX_CONTENT_LENGTH} bytes`;
  return length;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/** Calls `onLost` once, when the frames on `input` can no longer be found. */
export function watchFraming(input: NodeJS.ReadableStream, onLost: (why: string) => void): void {
  const tracker = new FrameTracker();
  const onData = (chunk: Buffer | string): void => {
    const why = tracker.feed(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk);
    if (why === undefined) return;
    input.off('data', onData);
    onLost(why);
  };
  input.on('data', onData);
}

/**
 * Exits non-zero so that the client restarts the server (VS Code's client does, a few times). Written to
 * the stderr file descriptor directly: with --stdio, console.error goes to the client, which this server
 * can no longer talk to reliably, and process.exit does not wait for an asynchronous stream write.
 */
export function exitOnLostFraming(why: string): never {
  try {
    writeSync(2, `awaitguard-lsp: cannot read the messages on stdin: ${why}. Exiting so that the client can restart the server.\n`);
  } catch {
    // stderr closed: the exit code still tells the client.
  }
  process.exit(1);
}
