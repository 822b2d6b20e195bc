#!/usr/bin/env node
// Language-server memory over a long editing session: does what the server retains grow with the edits?
//
//   node bench/lsp-memory.mjs [--edits N] [--every N] [--lines N] [--full] [--seed N] [--timeout SECONDS]
//
// Starts the built server (dist/server.js --stdio) with bench/memory-probe.mjs preloaded and --expose-gc, opens
// the generated service module of bench/lsp.mjs (5,000 lines by default) and sends N edits (default 1,000) one at
// a time with `debounce: 0`, each waited for until the diagnostics of its version arrive, as bench/lsp.mjs does.
// After the first analysis and every `--every` edits (default 250) the server collects garbage and reports
// process.memoryUsage(): RSS, and V8 heap and external memory summed over the server's threads. A heap that keeps rising from one sample to the
// next, after a collection, is memory the server holds on to per edit. Needs a build (`npm run build`).
// Always ends by itself.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mulberry32 } from './generate-corpus.mjs';
import { editScript, generateServiceFile, lineStarts, positionAt } from './lsp.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SERVER = join(dirname(HERE), 'dist', 'server.js');
const PROBE = join(HERE, 'memory-probe.mjs');

function parseOptions() {
  const opts = { edits: 1000, every: 250, lines: 5000, full: false, seed: 20241125, timeoutSec: 1800 };
  for (let i = 2; i < process.argv.length; i++) {
    const a = process.argv[i];
    const num = () => {
      const v = Number(process.argv[++i]);
      if (!Number.isFinite(v) || v < 1) fail(`${a} needs a positive number`);
      return Math.floor(v);
    };
    if (a === '--edits') opts.edits = num();
    else if (a === '--every') opts.every = num();
    else if (a === '--lines') opts.lines = Math.max(200, num());
    else if (a === '--full') opts.full = true;
    else if (a === '--seed') opts.seed = num();
    else if (a === '--timeout') opts.timeoutSec = num();
    else if (a === '--help' || a === '-h') {
      console.log('usage: node bench/lsp-memory.mjs [--edits N] [--every N] [--lines N] [--full] [--seed N] [--timeout SECONDS]');
      process.exit(0);
    } else fail(`unknown argument ${a}`);
  }
  return opts;
}

/** What to undo however the run ends: the temporary folder, the server if still running. */
const temporary = [];
const children = [];

function fail(message) {
  console.error(`bench/lsp-memory: ${message}`);
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
  process.exit(2);
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1).padStart(7)} MB`;

/** The server and a protocol connection to it; `sample()` asks the probe for the memory figures. */
async function startServer(work) {
  const { createProtocolConnection, StreamMessageReader, StreamMessageWriter } = await import('vscode-languageserver-protocol/node');
  const samples = join(work, 'memory.jsonl');
  writeFileSync(samples, '');
  const child = spawn(process.execPath, ['--expose-gc', '--import', pathToFileURL(PROBE).href, SERVER, '--stdio'], {
    cwd: work,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, AWAITGUARD_BENCH_MEMORY_FILE: samples },
  });
  children.push(child);
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.on('error', () => undefined);
  child.on('exit', (code, signal) => {
    if (!child.finished) fail(`the server exited early (code ${code}, signal ${signal})\n${stderr.slice(-2000)}`);
  });
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  connection.onRequest('workspace/configuration', (params) => params.items.map(() => ({ debounce: 0 })));
  connection.onRequest('client/registerCapability', () => null);
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.onRequest('window/showMessageRequest', () => null);
  connection.onNotification('window/logMessage', () => undefined);
  connection.onNotification('awaitguard/status', () => undefined);
  connection.listen();

  const sample = async () => {
    const before = readFileSync(samples, 'utf8').split('\n').filter(Boolean).length;
    child.kill('SIGUSR2');
    for (let waited = 0; waited < 30_000; waited += 20) {
      const lines = readFileSync(samples, 'utf8').split('\n').filter(Boolean);
      if (lines.length > before) return JSON.parse(lines.at(-1));
      await sleep(20);
    }
    throw new Error('the server did not report its memory within 30 s (is bench/memory-probe.mjs preloaded?)');
  };
  return { child, connection, sample };
}

/** Resolves with the diagnostics of each version as they arrive. */
function diagnosticsByVersion(connection, uri) {
  const waiters = new Map();
  const received = new Map();
  connection.onNotification('textDocument/publishDiagnostics', (p) => {
    if (p.uri !== uri || p.version === undefined) return;
    received.set(p.version, p.diagnostics.length);
    waiters.get(p.version)?.(p.diagnostics.length);
    waiters.delete(p.version);
  });
  return (version) =>
    received.has(version)
      ? Promise.resolve(received.get(version))
      : new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no diagnostics for version ${version} within 60 s`)), 60_000);
          waiters.set(version, (n) => {
            clearTimeout(timer);
            resolve(n);
          });
        });
}

function printRow(edits, m, first) {
  const growth = first ? `${((m.heapUsed - first.heapUsed) / 1024 / 1024).toFixed(1).padStart(7)} MB` : '          ';
  console.log(`${String(edits).padStart(6)} ${mb(m.rss)} ${mb(m.heapUsed)} ${mb(m.heapTotal)} ${mb(m.external)}   ${growth} ${String(m.threads).padStart(8)}`);
}

async function main() {
  const opts = parseOptions();
  if (!existsSync(SERVER)) fail(`${SERVER} is missing: run \`npm run build\` first`);
  const work = mkdtempSync(join(tmpdir(), 'awaitguard-lsp-memory-'));
  temporary.push(work);
  const deadline = setTimeout(() => fail(`gave up after ${opts.timeoutSec} s`), opts.timeoutSec * 1000);
  writeFileSync(join(work, 'package.json'), '{ "name": "lsp-memory-bench", "type": "module" }\n');
  const uri = pathToFileURL(join(work, 'src', 'services.ts')).href;
  const { child, connection, sample } = await startServer(work);
  const diagnosticsFor = diagnosticsByVersion(connection, uri);
  try {
    await connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(work).href,
      workspaceFolders: [{ uri: pathToFileURL(work).href, name: 'bench' }],
      capabilities: { workspace: { configuration: true, workspaceFolders: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
    });
    await connection.sendNotification('initialized', {});
    const { text: initial } = generateServiceFile(opts.lines, opts.seed);
    await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text: initial } });
    const findings = await diagnosticsFor(1);
    console.log(`file  ${initial.split('\n').length} lines, ${Buffer.byteLength(initial)} bytes, ${findings} findings; ${opts.edits} ${opts.full ? 'full-text' : 'incremental'} edits, debounce 0, one at a time`);
    console.log('memory after a full GC in the server (process.memoryUsage(); heap and external summed over its threads)\n');
    console.log(' edits         rss   heap used  heap total    external   heap growth  threads');
    const first = await sample();
    printRow(0, first);

    const script = editScript(initial, mulberry32(opts.seed ^ 0x5eed));
    let text = initial;
    let step = script.next().value;
    for (let version = 2; version <= opts.edits + 1; version++) {
      const next = text.slice(0, step.start) + step.newText + text.slice(step.end);
      const starts = lineStarts(text);
      const range = { start: positionAt(starts, step.start), end: positionAt(starts, step.end) };
      const change = opts.full ? { text: next } : { range, text: step.newText };
      void connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [change] });
      await diagnosticsFor(version);
      text = next;
      step = script.next(text).value;
      const edits = version - 1;
      if (edits % opts.every === 0 || edits === opts.edits) printRow(edits, await sample(), first);
    }
    child.finished = true;
    await connection.sendRequest('shutdown', null);
    await connection.sendNotification('exit', null);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  } finally {
    clearTimeout(deadline);
    connection.dispose();
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
