// The server never dies on any input: syntax errors, huge and pathological documents, garbage on the wire.
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { Range } from 'vscode-languageserver-protocol/node';
import {
  RACY,
  RACY_BROKEN,
  bigDocument,
  ensureServerBuilt,
  frame,
  makeFolder,
  removeFolders,
  sleep,
  startClient,
  uriOf,
  type LspClient,
} from './lsp.js';
import { mulberry32 } from '../fuzz/random.js';

let client: LspClient | undefined;

beforeAll(() => ensureServerBuilt(), 180_000);
afterEach(() => {
  client?.kill();
  client = undefined;
  removeFolders();
});

const at = (line: number, character: number) => ({ line, character });
const NOWHERE: Range = { start: at(0, 0), end: at(0, 0) };

async function start(): Promise<{ c: LspClient; dir: string }> {
  const dir = makeFolder({ 'package.json': '{ "name": "demo" }\n' });
  client = await startClient({ folders: [dir], settings: { debounce: 0 } });
  return { c: client, dir };
}

/** The server is alive and serving: a code action request is answered and a fresh racy document is analysed. */
async function expectServing(c: LspClient, dir: string, label: string): Promise<void> {
  expect(c.exited, `${label}: the server exited`).toBe(false);
  const uri = uriOf(path.join(dir, `probe-${label.replace(/\W+/g, '-')}.ts`));
  await c.open(uri, RACY);
  const d = await c.waitDiagnostics(uri, { version: 1 });
  expect(d.diagnostics.map((x) => x.code)).toEqual(['lost-update']);
  const actions = await c.codeActions(uri, d.diagnostics[0]!.range, d.diagnostics);
  expect(actions!.length).toBeGreaterThan(0);
  await c.close(uri);
}

describe('syntax errors', () => {
  test('a document that stops parsing keeps its last good diagnostics, logs the parse error, and still answers', async () => {
    const { c, dir } = await start();
    const uri = uriOf(path.join(dir, 'src', 'counter.ts'));
    await c.open(uri, RACY);
    const good = await c.waitDiagnostics(uri, { version: 1 });
    expect(good.diagnostics).toHaveLength(1);

    let from = c.diagnostics.length;
    await c.change(uri, 2, RACY_BROKEN);
    const broken = await c.waitDiagnostics(uri, { version: 2, from });
    expect(broken.diagnostics).toEqual(good.diagnostics);
    // The log names the file, the line and column (1-based) and the cause.
    const line = await c.waitLog(/counter\.ts:7:\d+: .*keeping the last diagnostics/);
    expect(line).toMatch(/Expression expected/);
    await expect.poll(() => c.statuses.filter((s) => s.uri === uri).at(-1)).toMatchObject({ state: 'parseError', findings: 1 });
    // Code actions are still answered (with nothing to fix while the text does not parse).
    expect(Array.isArray(await c.codeActions(uri, good.diagnostics[0]!.range, good.diagnostics))).toBe(true);
    expect(await c.codeActions(uri, good.diagnostics[0]!.range, [], ['source.fixAll.awaitguard'])).toEqual([]);
    const fix = await c.request('workspace/executeCommand', { command: 'awaitguard.server.fixAll', arguments: [{ uri }] });
    expect(fix).toEqual({ applied: 0 });

    // More broken edits keep the same list; repairing the text brings fresh analysis back.
    from = c.diagnostics.length;
    await c.change(uri, 3, RACY_BROKEN + '}}}}((((\n');
    expect((await c.waitDiagnostics(uri, { version: 3, from })).diagnostics).toEqual(good.diagnostics);
    from = c.diagnostics.length;
    await c.change(uri, 4, RACY.replace('n = v + 1;', 'n = 1;'));
    expect((await c.waitDiagnostics(uri, { version: 4, from })).diagnostics).toEqual([]);
    from = c.diagnostics.length;
    await c.change(uri, 5, RACY_BROKEN);
    // The last good list is now the empty one.
    expect((await c.waitDiagnostics(uri, { version: 5, from })).diagnostics).toEqual([]);
  });

  test('a document that never parsed gets an empty list and a log line', async () => {
    const { c, dir } = await start();
    const uri = uriOf(path.join(dir, 'broken.ts'));
    await c.open(uri, 'export async function f( {\n  await\n');
    expect((await c.waitDiagnostics(uri, { version: 1 })).diagnostics).toEqual([]);
    await c.waitLog(/broken\.ts:\d+:\d+: /);
    await expectServing(c, dir, 'after-broken');
  });
});

describe('large and pathological documents', () => {
  test('a 50,000-line document is analysed, and the server answers afterwards', async () => {
    const { c, dir } = await start();
    const { text, races, firstRaceLine } = bigDocument(1070, 100);
    const lines = text.split('\n').length;
    expect(lines).toBeGreaterThan(50_000);
    const uri = uriOf(path.join(dir, 'big.ts'));
    const started = Date.now();
    await c.open(uri, text);
    const published = await c.waitDiagnostics(uri, { version: 1, timeout: 90_000 });
    const elapsed = Date.now() - started;
    expect(published.diagnostics).toHaveLength(races);
    expect(published.diagnostics.every((d) => d.code === 'lost-update')).toBe(true);
    expect(published.diagnostics[0]!.range.start.line).toBe(firstRaceLine);
    // Generous: a test does not assert timings, only that the answer comes in bounded time.
    expect(elapsed).toBeLessThan(90_000);

    // The light bulb on the first finding, then an edit at the end of the file.
    const actions = await c.codeActions(uri, published.diagnostics[0]!.range, [published.diagnostics[0]!], undefined);
    expect(actions!.some((a) => a.isPreferred)).toBe(true);
    const from = c.diagnostics.length;
    const end = at(lines - 1, 0);
    await c.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: end, end }, text: RACY.replace(/\bn\b/g, 'tail') }] });
    expect((await c.waitDiagnostics(uri, { version: 2, from, timeout: 90_000 })).diagnostics).toHaveLength(races + 1);
    await expectServing(c, dir, 'after-big');
  }, 240_000);

  test('deeply nested input does not overflow the server', async () => {
    const { c, dir } = await start();
    const uri = uriOf(path.join(dir, 'deep.ts'));
    const depth = 50_000;
    await c.open(uri, `export const x = ${'['.repeat(depth)}${']'.repeat(depth)};\n` + RACY);
    const d = await c.waitDiagnostics(uri, { version: 1, timeout: 60_000 });
    // Either analysed or reported as too deep; the point is an answer and a living server.
    expect(Array.isArray(d.diagnostics)).toBe(true);
    const nested = uriOf(path.join(dir, 'deep-calls.ts'));
    await c.open(nested, `export async function f() {\n  return ${'g('.repeat(depth)}${')'.repeat(depth)};\n}\n`);
    expect(Array.isArray((await c.waitDiagnostics(nested, { version: 1, timeout: 60_000 })).diagnostics)).toBe(true);
    await expectServing(c, dir, 'after-deep');
  }, 120_000);

  test('odd but valid text: NUL characters, lone surrogates, a BOM, very long lines, an empty document', async () => {
    const { c, dir } = await start();
    const texts: Record<string, string> = {
      'nul.ts': `// \u0000 nul\nexport const s = "\u0000";\n` + RACY,
      'surrogate.ts': `export const s = "\ud800";\n// \udfff\n` + RACY,
      'bom.ts': '\ufeff' + RACY,
      'long.ts': `export const long = ${JSON.stringify('x'.repeat(2_000_000))};\n` + RACY,
      'empty.ts': '',
    };
    for (const [name, text] of Object.entries(texts)) {
      const uri = uriOf(path.join(dir, name));
      await c.open(uri, text);
      const d = await c.waitDiagnostics(uri, { version: 1, timeout: 60_000 });
      expect(d.diagnostics.map((x) => x.code), name).toEqual(name === 'empty.ts' ? [] : ['lost-update']);
    }
    await expectServing(c, dir, 'after-odd');
  }, 120_000);
});

describe('awaitguard.maxFileSize', () => {
  /** RACY, padded with a comment to `bytes` bytes: racy, and as large as wanted. */
  const racyOfSize = (bytes: number): string => RACY + '// ' + 'x'.repeat(bytes - RACY.length - 4) + '\n';

  test('a 50 MB document is not analysed: an empty list, a status and a log line that say why, and the server stays quick', async () => {
    const { c, dir } = await start();
    const uri = uriOf(path.join(dir, 'bundle.ts'));
    const text = racyOfSize(50 * 1024 * 1024);
    await c.open(uri, text);
    expect((await c.waitDiagnostics(uri, { version: 1, timeout: 60_000 })).diagnostics).toEqual([]);
    await expect.poll(() => c.statuses.filter((s) => s.uri === uri).at(-1)).toEqual({
      uri,
      state: 'tooLarge',
      findings: 0,
      message: '50.0 MB is over awaitguard.maxFileSize (2048 KB), so it is not analysed',
    });
    await c.waitLog(/bundle\.ts: 50\.0 MB is over awaitguard\.maxFileSize \(2048 KB\), so it is not analysed/);
    // Code actions and fix-all do not analyse it either (each would take minutes).
    expect(await c.codeActions(uri, { start: at(4, 2), end: at(4, 2) })).toEqual([]);
    expect(await c.codeActions(uri, NOWHERE, [], ['source.fixAll.awaitguard'])).toEqual([]);
    expect(await c.request('workspace/executeCommand', { command: 'awaitguard.server.fixAll', arguments: [{ uri }] })).toEqual({ applied: 0 });
    // An edit is answered at once, and logged no more.
    let from = c.diagnostics.length;
    await c.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: at(0, 0), end: at(0, 0) }, text: '// edited\n' }] });
    expect((await c.waitDiagnostics(uri, { version: 2, from })).diagnostics).toEqual([]);
    expect(c.logs.filter((l) => l.includes('bundle.ts: '))).toHaveLength(1);
    await expectServing(c, dir, 'after-50-mb');
    // Cut below the limit, it is analysed again.
    from = c.diagnostics.length;
    await c.change(uri, 3, RACY);
    expect((await c.waitDiagnostics(uri, { version: 3, from })).diagnostics.map((d) => d.code)).toEqual(['lost-update']);
    await expect.poll(() => c.statuses.filter((s) => s.uri === uri).at(-1)?.state).toBe('ok');
  }, 120_000);

  test('the limit is the setting, in KB of UTF-8: one byte over is skipped, the limit itself is analysed', async () => {
    const dir = makeFolder({ 'package.json': '{ "name": "demo" }\n' });
    client = await startClient({ folders: [dir], settings: { debounce: 0, maxFileSize: 1 } });
    const c = client;
    const at1k = uriOf(path.join(dir, 'at-limit.ts'));
    await c.open(at1k, racyOfSize(1024));
    expect((await c.waitDiagnostics(at1k, { version: 1 })).diagnostics).toHaveLength(1);
    // 'é' is one UTF-16 unit but two UTF-8 bytes: 1024 units, 1025 bytes.
    const over = uriOf(path.join(dir, 'over-limit.ts'));
    await c.open(over, racyOfSize(1024).replace('// x', '// é'));
    expect((await c.waitDiagnostics(over, { version: 1 })).diagnostics).toEqual([]);
    await expect.poll(() => c.statuses.filter((s) => s.uri === over).at(-1)?.message).toBe('1025 bytes is over awaitguard.maxFileSize (1 KB), so it is not analysed');
  });

  test('Check Workspace skips files over the limit and vendored ones, clears their old diagnostics, and counts them', async () => {
    const dir = makeFolder({
      'package.json': '{ "name": "demo" }\n',
      'src/small.ts': RACY,
      'src/big.ts': racyOfSize(4096),
      'src/vendor/copied.ts': RACY,
    });
    client = await startClient({ folders: [dir], settings: { debounce: 0, maxFileSize: 2 } });
    const c = client;
    const result = await c.request('workspace/executeCommand', { command: 'awaitguard.server.checkWorkspace', arguments: [] });
    expect(result).toEqual({ files: 3, findings: 1, parseErrors: 0, tooLarge: 1, generated: 1 });
    const big = uriOf(path.join(dir, 'src', 'big.ts'));
    expect((await c.waitDiagnostics(big)).diagnostics).toEqual([]);
    expect((await c.waitDiagnostics(uriOf(path.join(dir, 'src', 'small.ts')))).diagnostics).toHaveLength(1);
    await c.waitLog(/big\.ts: 4096 bytes is over awaitguard\.maxFileSize \(2 KB\), so it is not analysed/);
    await c.waitLog(/copied\.ts: vendored code \(a vendor or third-party folder\): not analysed/);
    // An open document is judged by its text in the editor, not the file on disk.
    const small = uriOf(path.join(dir, 'src', 'small.ts'));
    await c.open(small, racyOfSize(3000));
    await expect.poll(() => c.statuses.filter((s) => s.uri === small).at(-1)?.state).toBe('tooLarge');
    const again = await c.request('workspace/executeCommand', { command: 'awaitguard.server.checkWorkspace', arguments: [] });
    expect(again).toEqual({ files: 3, findings: 0, parseErrors: 0, tooLarge: 2, generated: 1 });
  });
});

describe('garbage on the wire', () => {
  // Frames the jsonrpc reader can get past: it drops the bad frame (logging at most) and reads the next one.
  const recoverable: Record<string, string | Buffer> = {
    'a well-formed frame whose body is not JSON': frame('{"jsonrpc":"2.0","id":99,"method":'),
    'a frame whose body is JSON but not JSON-RPC': frame('{"hello":1}'),
    'a frame whose body is a JSON array': frame('[1,2,3]'),
    'a frame whose body is a JSON number': frame('42'),
    'a frame whose body is invalid UTF-8': frame(Buffer.from([0x7b, 0xff, 0xfe, 0xc3, 0x28, 0x7d])),
    'a frame whose body is empty': frame(''),
    'a response to a request never sent': frame('{"jsonrpc":"2.0","id":424242,"result":null}'),
    'several bad frames back to back': Buffer.concat([frame('nope'), frame('{"jsonrpc":"2.0"}'), frame('null'), frame('"str"')]),
  };

  test.each(Object.entries(recoverable))('%s: the next request is answered', async (_name, bytes) => {
    const { c, dir } = await start();
    await c.writeRaw(bytes);
    expect(await c.codeActions('file:///nowhere.ts', NOWHERE)).toEqual([]);
    await expectServing(c, dir, 'recoverable');
  });

  test('well-formed JSON-RPC with unknown methods and invalid params gets errors or empty answers, never a crash', async () => {
    const { c, dir } = await start();
    // An unknown request: MethodNotFound.
    await expect(c.request('awaitguard/nope', {})).rejects.toMatchObject({ code: -32601 });
    // Params by position for a by-name request: InvalidParams.
    await expect(c.request('textDocument/codeAction', null)).rejects.toMatchObject({ code: -32602 });
    await expect(c.request('textDocument/codeAction', 'text')).rejects.toMatchObject({ code: -32602 });
    // Params of the wrong shape: answered with nothing to do.
    expect(await c.request('textDocument/codeAction', {})).toEqual([]);
    expect(await c.request('textDocument/codeAction', { textDocument: { uri: 42 }, range: 'x', context: null })).toEqual([]);
    expect(await c.request('workspace/executeCommand', { command: 'awaitguard.server.fixAll', arguments: [42] })).toEqual({ applied: 0 });
    expect(await c.request('workspace/executeCommand', { command: 'awaitguard.server.fixAll', arguments: [null] })).toEqual({ applied: 0 });
    expect(await c.request('workspace/executeCommand', { command: 'awaitguard.server.fixAll' })).toEqual({ applied: 0 });
    expect(await c.request('workspace/executeCommand', { command: 'no.such.command' })).toBeNull();
    // Notifications: unknown ones are ignored, malformed ones are logged by the handler.
    await c.notify('awaitguard/nope', { x: 1 });
    await c.notify('$/nope', 1);
    await c.notify('textDocument/didOpen', {});
    await c.notify('textDocument/didOpen', { textDocument: { uri: uriOf(path.join(dir, 'num.ts')), languageId: 'typescript', version: 1, text: 42 } });
    await c.notify('textDocument/didChange', { textDocument: { uri: 'file:///not-open.ts', version: 2 }, contentChanges: [{ text: 'x' }] });
    await c.notify('textDocument/didChange', { textDocument: { uri: uriOf(path.join(dir, 'num.ts')), version: 2 }, contentChanges: 'x' });
    await c.notify('textDocument/didClose', null);
    await c.notify('textDocument/didClose', { textDocument: { uri: 'file:///never-opened.ts' } });
    await c.notify('$/cancelRequest', { id: 123456 });
    await c.notify('workspace/didChangeConfiguration', null);
    // A change whose range lies outside the document, and one with start after end.
    const uri = uriOf(path.join(dir, 'ranges.ts'));
    await c.open(uri, RACY);
    await c.waitDiagnostics(uri, { version: 1 });
    await c.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: at(999, 0), end: at(999, 5) }, text: '\n// tail\n' }] });
    await c.notify('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ range: { start: at(3, 0), end: at(1, 0) }, text: '' }] });
    await c.waitDiagnostics(uri, { version: 3 });
    await expectServing(c, dir, 'after-invalid-params');
  });

  test('a seeded stream of 400 random (well-framed) messages does not kill the server', async () => {
    const { c, dir } = await start();
    const random = mulberry32(20241125);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1));
    const uris = [uriOf(path.join(dir, 'fuzz.ts')), uriOf(path.join(dir, 'fuzz.js')), 'untitled:Fuzz', 'file:///', 'weird', '', uriOf(path.join(dir, 'x.d.ts'))];
    const snippets = [RACY, RACY_BROKEN, 'await', '}}}', '/*', '`${', 'class A { async f() { this.x = await g(this.x); } }', '\u0000', '\ud800', 'let n = 0;'];
    const anyValue = (depth = 0): unknown => {
      switch (int(0, depth > 2 ? 4 : 7)) {
        case 0: return null;
        case 1: return int(-5, 5) * 10 ** int(0, 12);
        case 2: return pick(snippets);
        case 3: return random() < 0.5;
        case 4: return pick(uris);
        case 5: return Array.from({ length: int(0, 3) }, () => anyValue(depth + 1));
        default: return Object.fromEntries(Array.from({ length: int(0, 4) }, () => [pick(['uri', 'range', 'text', 'version', 'textDocument', 'start', 'line', 'character', 'context', 'only', 'command', 'arguments', 'settings']), anyValue(depth + 1)]));
      }
    };
    const pos = () => ({ line: pick([0, 1, 4, -1, 1e9, 2 ** 31]), character: pick([0, 2, 11, -3, 1e9]) });
    const versions = new Map<string, number>();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < 400; i++) {
      const uri = pick(uris);
      const version = (versions.get(uri) ?? 0) + 1;
      versions.set(uri, version);
      switch (int(0, 8)) {
        case 0:
          await c.notify('textDocument/didOpen', { textDocument: { uri, languageId: pick(['typescript', 'javascript', 'json', 'plaintext', 'typescriptreact']), version, text: pick(snippets) } });
          break;
        case 1:
          await c.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [random() < 0.5 ? { text: pick(snippets) } : { range: { start: pos(), end: pos() }, text: pick(snippets) }] });
          break;
        case 2:
          await c.notify('textDocument/didClose', { textDocument: { uri } });
          break;
        case 3:
          pending.push(c.request('textDocument/codeAction', { textDocument: { uri }, range: { start: pos(), end: pos() }, context: { diagnostics: [], ...(random() < 0.5 ? { only: [pick(['quickfix', 'source', 'source.fixAll', 'source.fixAll.awaitguard', 'x'])] } : {}) } }).catch((e: unknown) => e));
          break;
        case 4:
          pending.push(c.request('workspace/executeCommand', { command: pick(['awaitguard.server.fixAll', 'nope']), arguments: [pick([{ uri }, uri, anyValue()])] }).catch((e: unknown) => e));
          break;
        case 5:
          pending.push(c.request(pick(['textDocument/hover', 'textDocument/codeAction', 'awaitguard/x', 'workspace/executeCommand']), anyValue()).catch((e: unknown) => e));
          break;
        case 6:
          await c.notify(pick(['textDocument/didOpen', 'textDocument/didChange', 'textDocument/didClose', 'textDocument/didSave', 'awaitguard/x']), anyValue());
          break;
        case 7:
          await c.writeRaw(frame(JSON.stringify({ jsonrpc: '2.0', ...(random() < 0.5 ? { id: int(1_000_000, 2_000_000) } : {}), method: pick(['textDocument/codeAction', 'x']), params: anyValue() }).slice(0, int(0, 200))));
          break;
        default:
          await c.notify('workspace/didChangeConfiguration', { settings: anyValue() });
      }
    }
    // Every request of the run was answered (an answer or an error), none hangs.
    await Promise.all(pending);
    await sleep(200);
    await expectServing(c, dir, 'after-fuzz');
  }, 120_000);

  // Once a header is bad, the base protocol has no marker to find the next frame by, and vscode-jsonrpc's reader
  // reads the body after it as the next header: every later message is lost. The server cannot know which edits
  // it missed, so it exits non-zero, naming the cause on stderr, and the client starts a fresh one.
  const body = '{"jsonrpc":"2.0","method":"$/nope","params":{}}';
  const lost: Record<string, [string | Buffer, RegExp]> = {
    'no Content-Length': [`Content-Type: application/vscode-jsonrpc\r\n\r\n${body}`, /header "Content-Type: application\/vscode-jsonrpc" has no Content-Length/],
    'no Content-Length, no body': ['Content-Type: application/vscode-jsonrpc\r\n\r\n', /has no Content-Length/],
    'a non-numeric Content-Length': [`Content-Length: abc\r\n\r\n${body}`, /Content-Length "abc" is not a byte count/],
    'a non-numeric Content-Length, no body': ['Content-Length: abc\r\n\r\n', /Content-Length "abc" is not a byte count/],
    'a negative Content-Length': [`Content-Length: -5\r\n\r\n${body}`, /Content-Length "-5" is not a byte count/],
    'a negative Content-Length, no body': ['Content-Length: -1\r\n\r\n', /Content-Length "-1" is not a byte count/],
    'a header block without a colon': ['garbage garbage\r\n\r\n', /header line "garbage garbage" has no ":"/],
    'a Content-Length over the limit': ['Content-Length: 99999999999\r\n\r\n', /Content-Length 99999999999 is over the limit/],
    'bytes without a header terminator': ['random bytes \u0000\u0001 without terminator', /has no Content-Length/],
    'a Content-Length larger than its body': ['Content-Length: 10\r\n\r\n{}', /has no Content-Length/],
    'binary noise': [Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7919) % 256)), /has no (Content-Length|":")/],
  };

  test.each(Object.entries(lost))('%s: the server exits non-zero and says why on stderr', async (_name, [bytes, cause]) => {
    const { c } = await start();
    await c.writeRaw(bytes);
    const outcome = await answerOrExit(c);
    expect(outcome).toEqual({ exit: 1 });
    expect(c.stderr).toMatch(/^awaitguard-lsp: cannot read the messages on stdin: .*Exiting so that the client can restart the server\.\n$/m);
    expect(c.stderr).toMatch(cause);
  });

  test('a bad header and a request in one write: exits, does not wait for more input', async () => {
    const { c } = await start();
    const request = frame(JSON.stringify({ jsonrpc: '2.0', id: 777, method: 'textDocument/codeAction', params: {} }));
    await c.writeRaw(Buffer.concat([Buffer.from(`Content-Length: -5\r\n\r\n${body}`), request]));
    // No further input: the exit must not wait for the next chunk.
    const outcome = await Promise.race([c.exit, sleep(10_000).then(() => 'still running')]);
    expect(outcome).toEqual({ code: 1, signal: null });
  });
});

/**
 * After garbage, a valid request: its answer, or the server's exit, within a bound. A server that neither
 * answers nor exits fails the test.
 */
async function answerOrExit(c: LspClient, timeout = 10_000): Promise<'answered' | { exit: number | null }> {
  const answered = c.codeActions('file:///nowhere.ts', NOWHERE).then(
    () => 'answered' as const,
    () => new Promise<never>(() => undefined), // the connection closing is not an answer; wait for the exit
  );
  const exited = c.exit.then(({ code }) => ({ exit: code }));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`neither an answer nor an exit within ${timeout} ms; stderr:\n${c.stderr}`)), timeout);
  });
  return Promise.race([answered, exited, late]).finally(() => clearTimeout(timer));
}
