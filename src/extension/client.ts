import * as path from 'node:path';
import type * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  RevealOutputChannelOn,
  State,
  TransportKind,
  WorkDoneProgressCancelNotification,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { CheckProgressBridge } from './progress';
import { DOCUMENT_SELECTOR, STATUS_NOTIFICATION, type InitializationOptions } from './protocol';
import { StatusController, type ServerState } from './status';

const SERVER_STATE: Record<State, ServerState> = {
  [State.Starting]: 'starting',
  [State.Running]: 'running',
  [State.Stopped]: 'stopped',
  [State.StartFailed]: 'failed',
};

/**
 * Owns the one language client of the window. One server serves every workspace folder: it asks for
 * settings per document (`workspace/configuration` with a scopeUri, which vscode-languageclient answers
 * with that resource's folder-level settings) and reads each folder's awaitguard.config.json itself.
 */
export class ClientManager implements vscode.Disposable {
  readonly status: StatusController;
  readonly progress: CheckProgressBridge;
  private current: LanguageClient;
  private clientDisposables: vscode.Disposable[] = [];
  private restarting: Promise<void> | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    /** The "awaitguard" output channel: the client's log and, through `trace`, its protocol trace. */
    readonly output: vscode.LogOutputChannel,
    private readonly trace: vscode.LogOutputChannel,
  ) {
    this.progress = new CheckProgressBridge((token) => {
      this.current.sendNotification(WorkDoneProgressCancelNotification.type, { token }).catch((err: unknown) => {
        this.output.warn(`could not cancel the workspace check: ${String(err)}`);
      });
    });
    this.status = new StatusController((uri) => this.current.code2ProtocolConverter.asUri(uri));
    this.current = this.create();
  }

  get client(): LanguageClient {
    return this.current;
  }

  async start(): Promise<void> {
    await this.current.start();
  }

  /** The running client, started (or restarted after a crash) if needed. */
  async ready(): Promise<LanguageClient> {
    const client = this.current;
    if (client.state === State.Running) return client;
    if (client.state === State.Starting) {
      await client.start();
      return client;
    }
    await this.restart();
    return this.current;
  }

  /** "awaitguard: Restart Server". Concurrent calls share one restart. */
  restart(): Promise<void> {
    this.restarting ??= this.doRestart().finally(() => {
      this.restarting = undefined;
    });
    return this.restarting;
  }

  private async doRestart(): Promise<void> {
    const old = this.current;
    if (old.state === State.Running || old.state === State.Starting) {
      try {
        await old.start(); // waits for a start in progress; resolves at once when running
        await old.restart();
        return;
      } catch (err) {
        this.output.warn(`restarting the server failed (${String(err)}); starting a new one`);
      }
    }
    // A client whose start failed cannot be started again, and one that crashed too often stays stopped:
    // replace it.
    await this.disposeClient(old);
    this.current = this.create();
    await this.current.start();
  }

  /**
   * Tells the server that configuration it reads itself (awaitguard.config.json, package.json) changed:
   * `workspace/didChangeConfiguration` with null settings makes it drop its settings cache and re-analyse
   * the open documents.
   */
  notifyProjectConfigChanged(): void {
    const client = this.current;
    if (client.state !== State.Running) return;
    client.sendNotification(DidChangeConfigurationNotification.type, { settings: null }).catch((err: unknown) => {
      this.output.warn(`could not notify the server of a configuration change: ${String(err)}`);
    });
  }

  private create(): LanguageClient {
    // The self-contained build: the extension has no node_modules of its own (esbuild.js).
    const serverModule = this.context.asAbsolutePath(path.join('dist', 'vscode', 'server.js'));
    const serverOptions: ServerOptions = {
      // Over stdio the server moves onto a thread with the stack oxc's native parser needs (src/server/thread.ts);
      // over IPC it would stay on the main thread, where oxc may take only files of a few kilobytes.
      run: { module: serverModule, transport: TransportKind.stdio },
      debug: { module: serverModule, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      documentSelector: DOCUMENT_SELECTOR,
      // This client highlights a finding's interleaving in the editor; the server offers the action that asks for it.
      initializationOptions: { showInterleaving: true } satisfies InitializationOptions,
      diagnosticCollectionName: 'awaitguard',
      outputChannel: this.output,
      traceOutputChannel: this.trace,
      // Parse errors and the like are logged, not worth popping the channel open; commands say when to look.
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      progressOnInitialization: true,
      // Sends workspace/didChangeConfiguration when an awaitguard.* setting changes; the server then pulls
      // the settings per document again.
      synchronize: { configurationSection: 'awaitguard' },
      middleware: {
        didOpen: (document, next) => {
          this.status.markBusy(document.uri);
          return next(document);
        },
        didChange: (event, next) => {
          if (event.contentChanges.length > 0) this.status.markBusy(event.document.uri);
          return next(event);
        },
        handleWorkDoneProgress: this.progress.handle,
      },
    };
    const client = new LanguageClient('awaitguard', 'awaitguard', serverOptions, clientOptions);
    this.clientDisposables = [
      client.onNotification(STATUS_NOTIFICATION, (params) => this.status.update(params)),
      client.onDidChangeState((e) => {
        const state = SERVER_STATE[e.newState];
        if (state === 'running') this.output.info(`server running (${serverModule})`);
        else if (state !== 'starting') this.output.info(`server ${state}`);
        this.status.setServerState(state);
      }),
    ];
    this.status.setServerState('starting');
    return client;
  }

  private async disposeClient(client: LanguageClient): Promise<void> {
    for (const d of this.clientDisposables) d.dispose();
    this.clientDisposables = [];
    try {
      await client.dispose(2000);
    } catch {
      // A client that never started cannot be stopped; there is nothing left to release.
    }
  }

  /** Stops the server (deactivate awaits this). */
  async stop(): Promise<void> {
    await this.disposeClient(this.current);
  }

  dispose(): void {
    void this.stop();
    this.status.dispose();
  }
}
