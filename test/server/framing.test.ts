// The frame tracker beside the server's reader: silent on every well-framed stream however it is chunked,
// and names the cause once the frames are lost.
import { describe, expect, test } from 'vitest';
import { FrameTracker, MAX_CONTENT_LENGTH, MAX_HEADER_BYTES } from '../../src/server/framing.js';
import { frame } from './lsp.js';

/** Feeds `bytes` in chunks of `size`; the first loss reported, or undefined. */
function feed(bytes: Buffer, size = bytes.length, tracker = new FrameTracker()): string | undefined {
  let lost: string | undefined;
  for (let i = 0; i < bytes.length && lost === undefined; i += size) lost = tracker.feed(bytes.subarray(i, i + size));
  return lost;
}

const request = (id: number, text: string): Buffer =>
  frame(JSON.stringify({ jsonrpc: '2.0', id, method: 'textDocument/codeAction', params: { text } }));

describe('well-framed streams', () => {
  const stream = Buffer.concat([
    request(1, 'ascii'),
    request(2, 'multi-byte: é ∑ 😀 and a header look-alike Content-Length: x\r\n\r\n inside a string'),
    frame(''),
    Buffer.from('Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n{}'),
    Buffer.from('content-length:   3  \r\n\r\n[1]'),
    request(3, 'x'.repeat(70_000)),
  ]);

  test.each([1, 2, 3, 5, 7, 64, 4096, stream.length])('chunks of %i bytes: nothing is reported', (size) => {
    expect(feed(stream, size)).toBeUndefined();
  });
});

describe('lost frames', () => {
  const body = '{"jsonrpc":"2.0","id":7,"method":"shutdown"}';
  const cases: [string, string, RegExp][] = [
    ['no Content-Length', `Content-Type: application/vscode-jsonrpc\r\n\r\n${body}`, /^header "Content-Type: application\/vscode-jsonrpc" has no Content-Length$/],
    ['a non-numeric Content-Length', `Content-Length: abc\r\n\r\n${body}`, /^Content-Length "abc" is not a byte count$/],
    ['a negative Content-Length', `Content-Length: -5\r\n\r\n${body}`, /^Content-Length "-5" is not a byte count$/],
    ['a fractional Content-Length', 'Content-Length: 1.5\r\n\r\n{}', /^Content-Length "1\.5" is not a byte count$/],
    ['an empty Content-Length', `Content-Length:\r\n\r\n${body}`, /^Content-Length "" is not a byte count$/],
    ['a header line without a colon', 'garbage garbage\r\n\r\n', /^header line "garbage garbage" has no ":"$/],
    ['a blank line where a header should be', '\r\n\r\n', /^header line "" has no ":"$/],
    ['a Content-Length over the limit', `Content-Length: ${MAX_CONTENT_LENGTH + 1}\r\n\r\n`, /^Content-Length \d+ is over the limit of \d+ bytes$/],
    ['bytes without a header terminator, then a frame', `random bytes \u0001 ${frame(body).toString()}`, /^header "random bytes \\u0001 Content-Length: \d+" has no Content-Length$/],
  ];

  test.each(cases)('%s', (_name, text, message) => {
    expect(feed(Buffer.from(text))).toMatch(message);
    expect(feed(Buffer.from(text), 1)).toMatch(message);
    // After a good frame too.
    expect(feed(Buffer.concat([request(1, 'ok'), Buffer.from(text)]), 3)).toMatch(message);
  });

  test('a header that never ends is reported once it passes the limit, not before', () => {
    const tracker = new FrameTracker();
    expect(tracker.feed(Buffer.alloc(MAX_HEADER_BYTES, 'x'))).toBeUndefined();
    expect(tracker.feed(Buffer.from('\r\n\r'))).toBeUndefined();
    expect(tracker.feed(Buffer.from('x'))).toMatch(/^no end of header after 8192 bytes \("x{60}…"\)$/);
  });

  test('a Content-Length larger than its body eats the next frame and finds no header after it', () => {
    const stream = Buffer.concat([Buffer.from('Content-Length: 10\r\n\r\n{}'), request(2, 'next')]);
    expect(feed(stream, 4)).toMatch(/has no Content-Length$/);
  });

  test('once lost, every later chunk reports the same cause', () => {
    const tracker = new FrameTracker();
    const first = tracker.feed(Buffer.from('Content-Length: x\r\n\r\n'));
    expect(first).toBeDefined();
    expect(tracker.feed(request(1, 'fine'))).toBe(first);
  });
});
