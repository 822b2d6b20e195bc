import * as vscode from 'vscode';
import { ClientManager } from './client';
import { registerCommands } from './commands';
import { InterleavingView } from './interleaving';
import { watchProjectConfig } from './configWatcher';
import { TraceChannel } from './trace';

/** What `vscode.extensions.getExtension('awaitguard.awaitguard').exports` holds, for integration tests. */
export interface AwaitguardApi {
  /** Settles when the first start of the language server has finished (it resolves even if the start failed). */
  readonly ready: Promise<void>;
}

let manager: ClientManager | undefined;

export function activate(context: vscode.ExtensionContext): AwaitguardApi {
  const output = vscode.window.createOutputChannel('awaitguard', { log: true });
  const trace = new TraceChannel(output);
  manager = new ClientManager(context, output, trace);
  const m = manager;
  const interleaving = new InterleavingView();
  context.subscriptions.push(
    interleaving,
    output,
    trace,
    m,
    ...registerCommands(m, interleaving),
    watchProjectConfig((changed) => {
      output.info(`${vscode.workspace.asRelativePath(changed)} changed; re-analysing open files`);
      m.notifyProjectConfigChanged();
    }),
  );
  // vscode-languageclient logs a failed start to the channel and shows a notification itself.
  const ready = m.start().catch((err: unknown) => {
    output.error(`the awaitguard server did not start: ${err instanceof Error ? err.message : String(err)}`);
  });
  return { ready };
}

export async function deactivate(): Promise<void> {
  await manager?.stop();
  manager = undefined;
}
