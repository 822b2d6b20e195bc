// The language server as an oracle: a case opened as a document must get its diagnostics published, and the
// server must still be alive afterwards. A slim client that survives the server dying (test/server/lsp.ts is
// built for protocol tests, with the server path fixed by its location).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection, type PublishDiagnosticsParams } from 'vscode-languageserver-protocol/node';
import { killGroup, track, untrack } from './process.js';

export type LspOutcome =
  | { state: 'answered'; diagnostics: number; status?: string }
  | { state: 'internal-error'; message: string }
  | { state: 'died'; detail: string; stderr: string }
  | { state: 'no-answer'; detail: string };

const LANGUAGE: Record<string, string> = {
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'typescriptreact',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascriptreact',
};

export class FuzzLspClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly connection: ProtocolConnection;
  private exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private onExit: (() => void)[] = [];
  private waiters: { uri: string; resolve: (p: PublishDiagnosticsParams | 'error') => void }[] = [];
  private statuses = new Map<string, { state: string; message?: string }>();
  stderr = '';

  constructor(server: string, cwd: string) {
    this.child = spawn(process.execPath, [server, '--stdio'], { cwd, stdio: 'pipe', detached: true });
    track(this.child.pid);
    this.child.on('exit', (code, signal) => {
      untrack(this.child.pid);
      this.exit = { code, signal };
      for (const f of this.onExit.splice(0)) f();
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (s: string) => {
      if (this.stderr.length < 16_000) this.stderr += s;
    });
    this.child.stdin.on('error', () => undefined);
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    this.connection.onError(() => undefined);
    this.connection.onClose(() => undefined);
    this.connection.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onRequest('window/showMessageRequest', () => null);
    this.connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.waiters = this.waiters.filter((w) => (w.uri === p.uri ? (w.resolve(p), false) : true));
    });
    this.connection.onNotification('awaitguard/status', (p: { uri: string; state: string; message?: string }) => {
      this.statuses.set(p.uri, p);
      // An internal error publishes no diagnostics; its status is the answer.
      if (p.state === 'error') this.waiters = this.waiters.filter((w) => (w.uri === p.uri ? (w.resolve('error'), false) : true));
    });
    this.connection.listen();
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  private died(): string {
    return this.exit ? (this.exit.signal ?? `exit ${this.exit.code}`) : 'alive';
  }

  /** Resolves with `value` or rejects after `ms`, or when the server exits first. */
  private bounded<T>(p: Promise<T>, ms: number): Promise<T | 'timeout' | 'exit'> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve('timeout'), ms);
      const onExit = (): void => {
        clearTimeout(timer);
        resolve('exit');
      };
      if (!this.alive) return onExit();
      this.onExit.push(onExit);
      p.then(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        () => undefined,
      );
    });
  }

  async initialize(folder: string, timeoutMs = 20_000): Promise<boolean> {
    const init = this.connection.sendRequest('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(folder).href,
      workspaceFolders: [{ uri: pathToFileURL(folder).href, name: 'fuzz' }],
      capabilities: { workspace: { configuration: true, workspaceFolders: true }, textDocument: { publishDiagnostics: { versionSupport: true } } },
    });
    const r = await this.bounded(init, timeoutMs);
    if (r === 'timeout' || r === 'exit') return false;
    await this.connection.sendNotification('initialized', {});
    return true;
  }

  /** Opens `file` with `text`, waits for its diagnostics, closes it. */
  async check(file: string, text: string, ext: string, timeoutMs: number): Promise<LspOutcome> {
    const uri = pathToFileURL(file).href;
    if (!this.alive) return { state: 'died', detail: `before opening: ${this.died()}`, stderr: this.stderr.slice(-2000) };
    const published = new Promise<PublishDiagnosticsParams | 'error'>((resolve) => this.waiters.push({ uri, resolve }));
    this.statuses.delete(uri);
    await this.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: LANGUAGE[ext] ?? 'typescript', version: 1, text } }).catch(() => undefined);
    const r = await this.bounded(published, timeoutMs);
    // The status notification follows the diagnostics; give it a moment.
    await this.bounded(new Promise((res) => setTimeout(res, 20)), 100);
    const status = this.statuses.get(uri);
    await this.connection.sendNotification('textDocument/didClose', { textDocument: { uri } }).catch(() => undefined);
    if (r === 'exit') return { state: 'died', detail: this.died(), stderr: this.stderr.slice(-2000) };
    if (status?.state === 'error') return { state: 'internal-error', message: status.message ?? '' };
    if (r === 'error') return { state: 'internal-error', message: '' };
    if (r === 'timeout') {
      return this.alive ? { state: 'no-answer', detail: `no diagnostics after ${Math.round(timeoutMs / 1000)} s` } : { state: 'died', detail: this.died(), stderr: this.stderr.slice(-2000) };
    }
    // Still alive a moment after answering: a crash right after publishing counts too.
    await new Promise((res) => setTimeout(res, 30));
    if (!this.alive) return { state: 'died', detail: `after answering: ${this.died()}`, stderr: this.stderr.slice(-2000) };
    return { state: 'answered', diagnostics: r.diagnostics.length, ...(status ? { status: status.state } : {}) };
  }

  async stop(): Promise<void> {
    if (this.alive) {
      await this.bounded(this.connection.sendRequest('shutdown', null), 3000);
      await this.connection.sendNotification('exit', null).catch(() => undefined);
      await this.bounded(new Promise((res) => setTimeout(res, 10_000)), 2000);
    }
    this.connection.dispose();
    killGroup(this.child.pid);
  }
}
