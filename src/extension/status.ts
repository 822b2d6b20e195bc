import * as vscode from 'vscode';
import { COMMANDS, DOCUMENT_SELECTOR, type StatusParams } from './protocol';

/** Where the server is, as the status item shows it. */
export type ServerState = 'starting' | 'running' | 'stopped' | 'failed';

/** A document whose analysis has not reported back within this time is shown as idle again. */
const BUSY_TIMEOUT_MS = 10_000;

interface DocumentStatus {
  last?: StatusParams;
  busySince?: number;
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * The language status item for TS/JS editors (next to the language mode, as the ESLint extension does):
 * the server's state and, for the active document, the result of its last analysis as the server reports
 * it in `awaitguard/status`. Clicking it opens the output channel.
 */
export class StatusController implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private readonly documents = new Map<string, DocumentStatus>();
  private readonly disposables: vscode.Disposable[] = [];
  private server: ServerState = 'starting';
  private busyTimer: ReturnType<typeof setTimeout> | undefined;

  /** `toKey` turns an editor URI into the string the server uses (the client's code2Protocol converter). */
  constructor(private readonly toKey: (uri: vscode.Uri) => string) {
    this.item = vscode.languages.createLanguageStatusItem('awaitguard.status', DOCUMENT_SELECTOR);
    this.item.name = 'awaitguard';
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.documents.delete(this.toKey(doc.uri));
        this.render();
      }),
    );
    this.render();
  }

  setServerState(state: ServerState): void {
    this.server = state;
    if (state !== 'running') {
      // Results of a server that is gone say nothing about the next one.
      this.documents.clear();
    }
    this.render();
  }

  /** A document was opened or changed and sent to the server; its analysis is under way. */
  markBusy(uri: vscode.Uri): void {
    const key = this.toKey(uri);
    const entry = this.documents.get(key) ?? {};
    entry.busySince = Date.now();
    this.documents.set(key, entry);
    this.renderIfActive(key);
  }

  /** The server's `awaitguard/status` notification. */
  update(params: StatusParams): void {
    this.documents.set(params.uri, { last: params });
    this.renderIfActive(params.uri);
  }

  private activeKey(): string | undefined {
    const editor = vscode.window.activeTextEditor;
    return editor ? this.toKey(editor.document.uri) : undefined;
  }

  private renderIfActive(key: string): void {
    if (this.activeKey() === key) this.render();
  }

  private render(): void {
    const item = this.item;
    const showOutput: vscode.Command = { title: 'Show Output', command: COMMANDS.showOutput };
    item.command = showOutput;
    item.severity = vscode.LanguageStatusSeverity.Information;
    item.busy = false;
    item.detail = undefined;
    if (this.busyTimer) clearTimeout(this.busyTimer);
    this.busyTimer = undefined;

    if (this.server === 'starting') {
      item.text = 'awaitguard';
      item.detail = 'starting';
      item.busy = true;
      return this.label();
    }
    if (this.server === 'stopped' || this.server === 'failed') {
      item.text = '$(error) awaitguard';
      item.detail = this.server === 'failed' ? 'the server could not start' : 'the server stopped';
      item.severity = vscode.LanguageStatusSeverity.Error;
      item.command = { title: 'Restart', command: COMMANDS.restartServer, tooltip: 'Restart the awaitguard server' };
      return this.label();
    }

    const key = this.activeKey();
    const entry = key === undefined ? undefined : this.documents.get(key);
    const busy = entry?.busySince !== undefined && Date.now() - entry.busySince < BUSY_TIMEOUT_MS;
    if (busy) {
      item.busy = true;
      // Stop spinning if the server never reports back (it reports after every analysis, so this is a safety net).
      this.busyTimer = setTimeout(() => {
        if (entry) entry.busySince = undefined;
        this.render();
      }, BUSY_TIMEOUT_MS - (Date.now() - entry.busySince!));
    }
    const last = entry?.last;
    if (!last) {
      item.text = 'awaitguard';
      item.detail = busy ? 'analysing' : 'waiting for the first analysis';
      return this.label();
    }
    this.renderResult(item, last);
    // Which parser the server runs: oxc where the package carries its native binding, else typescript-estree.
    if (last.parser) item.detail = `${item.detail ?? ''} · ${last.parser.name} parser (${last.parser.detail})`;
    this.label();
  }

  private renderResult(item: vscode.LanguageStatusItem, last: StatusParams): void {
    switch (last.state) {
      case 'ok':
        item.text = last.findings === 0 ? '$(check) awaitguard' : `$(warning) awaitguard: ${plural(last.findings, 'finding', 'findings')}`;
        item.detail = last.findings === 0 ? 'no races found' : 'see the Problems panel';
        break;
      case 'parseError':
        item.text = '$(warning) awaitguard: syntax error';
        item.detail = `showing the last ${plural(last.findings, 'finding', 'findings')}${last.message ? ` (${last.message})` : ''}`;
        break;
      case 'disabled': {
        const doc = vscode.window.activeTextEditor?.document;
        const enabled = doc ? vscode.workspace.getConfiguration('awaitguard', doc.uri).get<boolean>('enable', true) : true;
        item.text = '$(circle-slash) awaitguard: off';
        item.detail = enabled ? 'not a file awaitguard analyses' : 'turned off by awaitguard.enable';
        break;
      }
      case 'tooLarge':
        item.text = '$(circle-slash) awaitguard: file too large';
        item.detail = last.message ?? 'over awaitguard.maxFileSize, not analysed';
        item.command = { title: 'Change the limit', command: 'workbench.action.openSettings', arguments: ['awaitguard.maxFileSize'] };
        break;
      case 'generated':
        item.text = '$(circle-slash) awaitguard: generated code';
        item.detail = last.message ?? 'generated, vendored or minified: not analysed';
        break;
      case 'error':
        item.text = '$(error) awaitguard: internal error';
        item.detail = last.message ?? 'see the output';
        item.severity = vscode.LanguageStatusSeverity.Error;
        break;
    }
  }

  private label(): void {
    const text = this.item.text.replace(/\$\([a-z-]+\)\s*/g, '');
    this.item.accessibilityInformation = { label: this.item.detail ? `${text}, ${this.item.detail}` : text };
  }

  dispose(): void {
    if (this.busyTimer) clearTimeout(this.busyTimer);
    for (const d of this.disposables) d.dispose();
  }
}
