import * as vscode from 'vscode';

export type TraceSetting = 'off' | 'messages' | 'verbose';

function traceSetting(): TraceSetting {
  const value = vscode.workspace.getConfiguration('awaitguard').get<string>('trace.server', 'off');
  return value === 'messages' || value === 'verbose' ? value : 'off';
}

/**
 * The trace side of the "awaitguard" output channel.
 *
 * vscode-languageclient 10+ traces the protocol only while the trace channel's log level is Trace, and
 * then reads `awaitguard.trace.server` for the verbosity alone ("off" counts as "messages"). That makes the
 * setting do nothing on its own. This view of the same channel reports level Trace whenever the setting
 * asks for a trace, and writes those lines at Info so they show at the channel's default level; with the
 * setting off it is the channel itself, so "Developer: Set Log Level… → awaitguard → Trace" still works.
 */
export class TraceChannel implements vscode.LogOutputChannel {
  private readonly emitter = new vscode.EventEmitter<vscode.LogLevel>();
  private readonly disposables: vscode.Disposable[] = [];
  private setting: TraceSetting = traceSetting();
  private level: vscode.LogLevel;

  readonly onDidChangeLogLevel = this.emitter.event;

  constructor(private readonly channel: vscode.LogOutputChannel) {
    this.level = this.effectiveLevel();
    this.disposables.push(
      this.emitter,
      channel.onDidChangeLogLevel(() => this.refresh()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('awaitguard.trace.server')) return;
        this.setting = traceSetting();
        this.refresh();
      }),
    );
  }

  private effectiveLevel(): vscode.LogLevel {
    return this.setting !== 'off' ? vscode.LogLevel.Trace : this.channel.logLevel;
  }

  private refresh(): void {
    const level = this.effectiveLevel();
    if (level === this.level) return;
    this.level = level;
    this.emitter.fire(level);
  }

  get logLevel(): vscode.LogLevel {
    return this.level;
  }

  get name(): string {
    return this.channel.name;
  }

  trace(message: string, ...args: unknown[]): void {
    // The channel drops trace lines unless its own level is Trace; the setting asked for them, so log them at Info.
    if (this.setting !== 'off' && this.channel.logLevel !== vscode.LogLevel.Trace) this.channel.info(message, ...args);
    else this.channel.trace(message, ...args);
  }

  debug(message: string, ...args: unknown[]): void {
    this.channel.debug(message, ...args);
  }

  info(message: string, ...args: unknown[]): void {
    this.channel.info(message, ...args);
  }

  warn(message: string, ...args: unknown[]): void {
    this.channel.warn(message, ...args);
  }

  error(error: string | Error, ...args: unknown[]): void {
    this.channel.error(error, ...args);
  }

  append(value: string): void {
    this.channel.append(value);
  }

  appendLine(value: string): void {
    this.channel.appendLine(value);
  }

  replace(value: string): void {
    this.channel.replace(value);
  }

  clear(): void {
    this.channel.clear();
  }

  show(preserveFocus?: boolean): void;
  show(column?: vscode.ViewColumn, preserveFocus?: boolean): void;
  show(columnOrPreserveFocus?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    if (typeof columnOrPreserveFocus === 'boolean' || columnOrPreserveFocus === undefined) this.channel.show(columnOrPreserveFocus);
    else this.channel.show(columnOrPreserveFocus, preserveFocus);
  }

  hide(): void {
    this.channel.hide();
  }

  /** Stops listening; the channel itself belongs to the extension and is disposed with it. */
  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
