// Shared by the protocol tests: build dist/server.js once, start it as a child process over stdio, speak LSP to it.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type Diagnostic,
  type InitializeResult,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type TextDocumentEdit,
  type TextEdit,
  type WorkspaceEdit,
  type ApplyWorkspaceEditParams,
} from 'vscode-languageserver-protocol/node';
import { CHECK_THEN_ACT, ensureBuilt, newestMtime, RACY, ROOT } from '../cli/helpers.js';

// The same sample programs as the CLI tests: one lost-update on line 5, one check-then-act.
export { CHECK_THEN_ACT, RACY, ROOT };
export const SERVER = path.join(ROOT, 'dist', 'server.js');

/** The racy example with a syntax error on the last line. */
export const RACY_BROKEN = RACY + 'export const x = ;\n';


/**
 * Builds dist/ with `node esbuild.js` when it is missing or older than src/ (ensureBuilt of the CLI tests, which
 * watches dist/cli.js; esbuild.js writes dist/server.js in the same run). If server.js alone is missing or stale,
 * build once more.
 */
export function ensureServerBuilt(): void {
  ensureBuilt();
  let built: number;
  try {
    built = statSync(SERVER).mtimeMs;
  } catch {
    built = 0;
  }
  if (built >= newestMtime(path.join(ROOT, 'src'))) return;
  const result = spawnSync(process.execPath, ['esbuild.js'], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`node esbuild.js failed:\n${result.stdout}\n${result.stderr}`);
}

const created: string[] = [];

/** A fresh folder under the OS temp folder holding `files` (paths use "/"). */
export function makeFolder(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'awaitguard-lsp-'));
  created.push(dir);
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, ...rel.split('/'));
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, content);
  }
  return dir;
}

export function removeFolders(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export const uriOf = (file: string): string => pathToFileURL(file).href;

/** Settings per `awaitguard` section; a function of the scope uri for multi-root tests. */
export type SettingsProvider = (scopeUri: string | undefined) => unknown;

export interface StartOptions {
  folders?: string[];
  settings?: SettingsProvider | Record<string, unknown>;
  /** Answer `workspace/configuration` (capabilities.workspace.configuration). Default true. */
  configuration?: boolean;
  /** Sent as `initializationOptions` (the VS Code extension sends `{ showInterleaving: true }`). */
  initializationOptions?: Record<string, unknown>;
  /** Answer `workspace/applyEdit` with this. Default { applied: true }. */
  applyEditResult?: { applied: boolean };
}

interface Waiter<T> {
  match: (value: T) => boolean;
  resolve: (value: T) => void;
}

/** How long any single wait may take before the test fails with the server's log. */
export const WAIT_MS = 15_000;

export class LspClient {
  readonly child: ChildProcessWithoutNullStreams;
  readonly connection: ProtocolConnection;
  readonly diagnostics: PublishDiagnosticsParams[] = [];
  /** window/logMessage and window/showMessage texts, in order. */
  readonly logs: string[] = [];
  /** window/showMessage notifications and window/showMessageRequest requests (what the user sees pop up). */
  readonly shown: { type: number; message: string }[] = [];
  readonly statuses: { uri: string; state: string; findings: number; message?: string }[] = [];
  readonly applyEdits: ApplyWorkspaceEditParams[] = [];
  /** window/showDocument requests (a page to open). */
  readonly shownDocuments: { uri: string; external?: boolean }[] = [];
  readonly configurationRequests: (string | undefined)[] = [];
  readonly readErrors: string[] = [];
  stderr = '';
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  exited = false;
  initializeResult: InitializeResult | undefined;
  settings: SettingsProvider;
  private diagWaiters: Waiter<PublishDiagnosticsParams>[] = [];
  private logWaiters: Waiter<string>[] = [];
  private applyEditResult: { applied: boolean };

  constructor(options: StartOptions = {}) {
    const s = options.settings ?? {};
    this.settings = typeof s === 'function' ? (s as SettingsProvider) : () => s;
    this.applyEditResult = options.applyEditResult ?? { applied: true };
    this.child = spawn(process.execPath, [SERVER, '--stdio'], { cwd: ROOT, stdio: 'pipe' });
    this.exit = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exited = true;
        resolve({ code, signal });
      });
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => (this.stderr += chunk));
    // EPIPE on a dead child must not fail the test run; the test sees the exit instead.
    this.child.stdin.on('error', () => undefined);
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    this.connection.onError(([err]) => this.readErrors.push(String(err)));
    this.connection.onRequest('workspace/configuration', (params: { items: { scopeUri?: string; section?: string }[] }) =>
      params.items.map((item) => {
        this.configurationRequests.push(item.scopeUri);
        return this.settings(item.scopeUri);
      }),
    );
    this.connection.onRequest('client/registerCapability', () => null);
    this.connection.onRequest('client/unregisterCapability', () => null);
    this.connection.onRequest('window/workDoneProgress/create', () => null);
    this.connection.onRequest('workspace/applyEdit', (params: ApplyWorkspaceEditParams) => {
      this.applyEdits.push(params);
      return this.applyEditResult;
    });
    this.connection.onRequest('window/showDocument', (params: { uri: string; external?: boolean }) => {
      this.shownDocuments.push(params);
      return { success: true };
    });
    this.connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
      this.diagnostics.push(params);
      this.diagWaiters = this.diagWaiters.filter((w) => (w.match(params) ? (w.resolve(params), false) : true));
    });
    const onLog = (params: { type: number; message: string }): void => {
      this.logs.push(params.message);
      this.logWaiters = this.logWaiters.filter((w) => (w.match(params.message) ? (w.resolve(params.message), false) : true));
    };
    this.connection.onNotification('window/logMessage', onLog);
    this.connection.onNotification('window/showMessage', (params: { type: number; message: string }) => {
      this.shown.push(params);
      onLog(params);
    });
    this.connection.onRequest('window/showMessageRequest', (params: { type: number; message: string }) => {
      this.shown.push({ type: params.type, message: params.message });
      onLog(params);
      return null;
    });
    this.connection.onNotification('awaitguard/status', (params: LspClient['statuses'][number]) => {
      this.statuses.push(params);
    });
    this.connection.listen();
  }

  async initialize(options: StartOptions = {}): Promise<InitializeResult> {
    const folders = options.folders ?? [];
    const result = await this.request<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: folders[0] ? uriOf(folders[0]) : null,
      workspaceFolders: folders.map((f, i) => ({ uri: uriOf(f), name: `folder${i}` })),
      ...(options.initializationOptions ? { initializationOptions: options.initializationOptions } : {}),
      capabilities: {
        workspace: {
          configuration: options.configuration ?? true,
          applyEdit: true,
          workspaceEdit: { documentChanges: true, resourceOperations: ['create'] },
          workspaceFolders: true,
          didChangeConfiguration: { dynamicRegistration: true },
        },
        textDocument: {
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } } },
        },
        window: { workDoneProgress: true, showDocument: { support: true } },
      },
    });
    this.initializeResult = result;
    await this.connection.sendNotification('initialized', {});
    return result;
  }

  /** A request bounded by `timeout`; rejects with the server's log when it takes longer. */
  request<T>(method: string, params: unknown, timeout = WAIT_MS): Promise<T> {
    return this.bounded(this.connection.sendRequest(method, params) as Promise<T>, timeout, `response to ${method}`);
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.connection.sendNotification(method, params);
  }

  open(uri: string, text: string, languageId = 'typescript', version = 1): Promise<void> {
    return this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  /** Replaces the whole text (a change event without a range). */
  change(uri: string, version: number, text: string): Promise<void> {
    return this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  close(uri: string): Promise<void> {
    return this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  codeActions(uri: string, range: Diagnostic['range'], diagnostics: Diagnostic[] = [], only?: string[]): Promise<CodeAction[] | null> {
    return this.request('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics, ...(only ? { only } : {}) } });
  }

  /** The first publishDiagnostics for `uri` (and `version`, when given) at or after index `from` of this.diagnostics. */
  waitDiagnostics(uri: string, opts: { version?: number; from?: number; timeout?: number; where?: (p: PublishDiagnosticsParams) => boolean } = {}): Promise<PublishDiagnosticsParams> {
    const match = (p: PublishDiagnosticsParams): boolean =>
      p.uri === uri && (opts.version === undefined || p.version === opts.version) && (opts.where ? opts.where(p) : true);
    const seen = this.diagnostics.slice(opts.from ?? 0).find(match);
    if (seen) return Promise.resolve(seen);
    const what = `publishDiagnostics for ${uri}${opts.version !== undefined ? ` version ${opts.version}` : ''}`;
    return this.bounded(new Promise((resolve) => this.diagWaiters.push({ match, resolve })), opts.timeout ?? WAIT_MS, what);
  }

  waitLog(pattern: RegExp, timeout = WAIT_MS): Promise<string> {
    const seen = this.logs.find((l) => pattern.test(l));
    if (seen) return Promise.resolve(seen);
    return this.bounded(new Promise((resolve) => this.logWaiters.push({ match: (l) => pattern.test(l), resolve })), timeout, `a log line matching ${pattern}`);
  }

  /** Writes raw bytes to the server's stdin, between two framed messages. */
  async writeRaw(data: string | Buffer): Promise<void> {
    // The connection's writer holds a semaphore per message; let any queued message flush first.
    await new Promise((r) => setImmediate(r));
    await new Promise<void>((resolve, reject) => this.child.stdin.write(data, (err) => (err ? reject(err) : resolve())));
  }

  /** shutdown + exit; resolves with the exit code. */
  async shutdown(): Promise<number | null> {
    await this.request('shutdown', null);
    await this.notify('exit', null);
    const { code } = await this.bounded(this.exit, WAIT_MS, 'the process to exit');
    return code;
  }

  kill(): void {
    this.connection.dispose();
    if (!this.exited) this.child.kill('SIGKILL');
  }

  private bounded<T>(promise: Promise<T>, timeout: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new Error(
            `timed out after ${timeout} ms waiting for ${what}; exited=${this.exited}\n` +
              `log:\n${this.logs.slice(-20).join('\n')}\nstderr:\n${this.stderr.slice(-2000)}`,
          ),
        );
      }, timeout);
    });
    return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
  }
}

/** Starts the built server and runs initialize/initialized. */
export async function startClient(options: StartOptions = {}): Promise<LspClient> {
  const client = new LspClient(options);
  await client.initialize(options);
  return client;
}

// ---------------------------------------------------------------------------------------------------------
// Applying edits the way a client does

function offsetAt(text: string, pos: { line: number; character: number }): number {
  let offset = 0;
  for (let line = 0; line < pos.line; line++) {
    const nl = text.indexOf('\n', offset);
    if (nl === -1) return text.length;
    offset = nl + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  return Math.min(offset + pos.character, lineEnd === -1 ? text.length : lineEnd);
}

/** Applies LSP TextEdits (all relative to the original text, non-overlapping) to `text`. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  // Back to front; inserts at one position keep their array order (LSP), so the later one goes in first.
  const spans = edits
    .map((e, i) => ({ start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end), newText: e.newText, i }))
    .sort((a, b) => b.start - a.start || b.end - a.end || b.i - a.i);
  let out = text;
  for (const s of spans) out = out.slice(0, s.start) + s.newText + out.slice(s.end);
  return out;
}

/**
 * Applies a WorkspaceEdit as a client would: CreateFile (honouring ignoreIfExists) and TextDocumentEdits, over
 * `docs` (uri -> text; open documents). Files that are created, and edits to documents that are not in `docs`,
 * are written to disk (file: uris). Returns the new texts of the documents in `docs` that changed.
 */
export function applyWorkspaceEdit(edit: WorkspaceEdit, docs: Map<string, string>): Map<string, string> {
  const changed = new Map<string, string>();
  const onDisk = new Map<string, string>();
  for (const change of edit.documentChanges ?? []) {
    if ('kind' in change) {
      if (change.kind !== 'create') throw new Error(`unexpected resource operation ${change.kind}`);
      const file = fileURLToPath(change.uri);
      if (existsSync(file) && !change.options?.ignoreIfExists && !change.options?.overwrite) throw new Error(`${file} exists`);
      if (!existsSync(file) || change.options?.overwrite) onDisk.set(change.uri, '');
      else onDisk.set(change.uri, readFileSync(file, 'utf8'));
      continue;
    }
    const uri = change.textDocument.uri;
    const edits = change.edits as TextEdit[];
    if (docs.has(uri) || changed.has(uri)) {
      changed.set(uri, applyTextEdits(changed.get(uri) ?? docs.get(uri)!, edits));
    } else if (onDisk.has(uri)) {
      onDisk.set(uri, applyTextEdits(onDisk.get(uri)!, edits));
    } else {
      throw new Error(`edit to ${uri}, which is neither open nor created by this edit`);
    }
  }
  for (const [uri, text] of onDisk) {
    const file = fileURLToPath(uri);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return changed;
}

/** The TextDocumentEdits of a WorkspaceEdit, for one uri. */
export function documentEditsFor(edit: WorkspaceEdit, uri: string): TextDocumentEdit[] {
  return (edit.documentChanges ?? []).filter((c): c is TextDocumentEdit => 'textDocument' in c && c.textDocument.uri === uri);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------------------
// Inputs

/**
 * A large realistic TypeScript module: `blocks` stores (interface + class with async methods, about 50 lines
 * each). Every `raceEvery`-th store's `add` reads `this.total` before an await and writes it back after: one
 * lost-update each. The others are race-free.
 */
export function bigDocument(blocks: number, raceEvery = 100): { text: string; races: number; firstRaceLine: number } {
  const parts: string[] = ['// generated: a large module of stores, for the protocol tests\n\n'];
  let races = 0;
  let line = 2;
  let firstRaceLine = -1;
  for (let i = 0; i < blocks; i++) {
    const racy = i % raceEvery === 0;
    const add = racy
      ? `  async add(n: number): Promise<void> {
    const before = this.total;
    await this.api.fetch(String(n));
    this.total = before + n;
  }
`
      : `  async add(n: number): Promise<void> {
    await this.api.fetch(String(n));
    this.total += n;
  }
`;
    const block = `export interface Item${i} {
  id: string;
  count: number;
  tags: string[];
}

/** Keeps items of kind ${i} and a running total. */
export class Store${i} {
  private items = new Map<string, Item${i}>();
  private total = 0;

  constructor(private readonly api: { fetch(id: string): Promise<Item${i}> }) {}

  async load(id: string): Promise<Item${i}> {
    const item = await this.api.fetch(id);
    this.items.set(id, item);
    return item;
  }

  size(): number {
    return this.items.size;
  }

  tagged(tag: string): Item${i}[] {
    const out: Item${i}[] = [];
    for (const item of this.items.values()) {
      if (item.tags.includes(tag)) out.push(item);
    }
    return out;
  }

  async refresh(ids: readonly string[]): Promise<number> {
    let changed = 0;
    for (const id of ids) {
      const item = await this.api.fetch(id);
      if (item.count !== this.items.get(id)?.count) changed++;
      this.items.set(id, item);
    }
    return changed;
  }

${add}}

`;
    if (racy) {
      races++;
      // The write `this.total = before + n;` is the third line of `add`, which starts after the block's first 45 lines.
      if (firstRaceLine < 0) firstRaceLine = line + block.split('\n').findIndex((l) => l.includes('this.total = before + n;'));
    }
    line += block.split('\n').length - 1;
    parts.push(block);
  }
  return { text: parts.join(''), races, firstRaceLine };
}

/** One framed message: the Content-Length header and the body bytes, exactly as the base protocol frames them. */
export function frame(body: string | Buffer): Buffer {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`, 'ascii'), bytes]);
}
