import * as vscode from 'vscode';
import { ExecuteCommandRequest } from 'vscode-languageclient/node';
import type { ClientManager } from './client';
import {
  COMMANDS,
  SERVER_COMMANDS,
  isSupportedLanguage,
  isSupportedScheme,
  type CheckWorkspaceResult,
  type FixAllResult,
  type ShowInterleavingArgs,
} from './protocol';
import type { InterleavingView } from './interleaving';

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

function isEnabled(resource: vscode.Uri | undefined): boolean {
  return vscode.workspace.getConfiguration('awaitguard', resource).get<boolean>('enable', true) !== false;
}

async function showError(manager: ClientManager, message: string, err?: unknown): Promise<void> {
  manager.output.error(err === undefined ? message : `${message}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  const choice = await vscode.window.showErrorMessage(`awaitguard: ${message}. See the output for details.`, 'Show Output');
  if (choice === 'Show Output') manager.output.show();
}

/** "awaitguard: Check Workspace": every supported file of every folder, with a cancellable progress notification. */
async function checkWorkspace(manager: ClientManager): Promise<CheckWorkspaceResult | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) {
    void vscode.window.showInformationMessage('awaitguard: open a folder to check a workspace.');
    return undefined;
  }
  if (!folders.some((f) => isEnabled(f.uri))) {
    void vscode.window.showInformationMessage('awaitguard is turned off in this workspace (setting awaitguard.enable).');
    return undefined;
  }
  let outcome: { result: CheckWorkspaceResult | null; cancelled: boolean };
  try {
    const client = await manager.ready();
    outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'awaitguard: checking the workspace', cancellable: true },
      async (progress, token) => {
        const route = manager.progress.expect(progress, token);
        try {
          const result = (await client.sendRequest(ExecuteCommandRequest.type, {
            command: SERVER_COMMANDS.checkWorkspace,
            arguments: [],
          })) as CheckWorkspaceResult | null;
          return { result, cancelled: route.cancelled };
        } finally {
          route.dispose();
        }
      },
    );
  } catch (err) {
    await showError(manager, 'the workspace check failed', err);
    return undefined;
  }
  const { result, cancelled } = outcome;
  if (!result) {
    await showError(manager, 'the workspace check failed');
    return undefined;
  }
  const summary =
    `awaitguard ${cancelled ? 'was cancelled after checking' : 'checked'} ${plural(result.files, 'file', 'files')}: ` +
    (result.findings === 0 ? 'no findings' : plural(result.findings, 'finding', 'findings')) +
    (result.parseErrors > 0 ? `; ${plural(result.parseErrors, 'file', 'files')} could not be parsed` : '') +
    (result.tooLarge > 0 ? `; ${plural(result.tooLarge, 'file was', 'files were')} over awaitguard.maxFileSize and not analysed` : '') +
    (result.generated > 0 ? `; ${plural(result.generated, 'generated, vendored or minified file was', 'generated, vendored or minified files were')} skipped` : '') +
    '.';
  manager.output.info(summary);
  const actions = result.findings > 0 ? ['Show Problems'] : [];
  void vscode.window.showInformationMessage(summary, ...actions).then((choice) => {
    if (choice === 'Show Problems') void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
  return result;
}

/** The document "Fix All in File" works on: the one passed (editor title menu, keybinding args, tests) or the active editor's. */
async function targetDocument(arg: unknown): Promise<vscode.TextDocument | undefined> {
  if (arg instanceof vscode.Uri) {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === arg.toString()) ?? (await vscode.workspace.openTextDocument(arg));
  }
  return vscode.window.activeTextEditor?.document;
}

/** "awaitguard: Fix All in File": the preferred fix of every finding, as one edit (what `source.fixAll.awaitguard` does on save). */
async function fixAllInFile(manager: ClientManager, arg: unknown): Promise<FixAllResult | undefined> {
  let document: vscode.TextDocument | undefined;
  try {
    document = await targetDocument(arg);
  } catch (err) {
    await showError(manager, 'could not open the file to fix', err);
    return undefined;
  }
  if (!document || !isSupportedLanguage(document.languageId) || !isSupportedScheme(document.uri.scheme)) {
    void vscode.window.showInformationMessage('awaitguard: open a TypeScript or JavaScript file to fix.');
    return undefined;
  }
  if (!isEnabled(document.uri)) {
    void vscode.window.showInformationMessage('awaitguard is turned off for this file (setting awaitguard.enable).');
    return undefined;
  }
  let result: FixAllResult | null;
  try {
    const client = await manager.ready();
    result = (await client.sendRequest(ExecuteCommandRequest.type, {
      command: SERVER_COMMANDS.fixAll,
      arguments: [{ uri: client.code2ProtocolConverter.asUri(document.uri), version: document.version }],
    })) as FixAllResult | null;
  } catch (err) {
    await showError(manager, 'fixing the file failed', err);
    return undefined;
  }
  if (!result) {
    await showError(manager, 'fixing the file failed');
    return undefined;
  }
  if (result.applied === 0) {
    void vscode.window.showInformationMessage('awaitguard: nothing to fix automatically in this file.');
  } else {
    vscode.window.setStatusBarMessage('awaitguard: fixes applied', 4000);
  }
  return result;
}

async function restartServer(manager: ClientManager): Promise<void> {
  try {
    await manager.restart();
    vscode.window.setStatusBarMessage('awaitguard: server restarted', 4000);
  } catch (err) {
    await showError(manager, 'the server could not be restarted', err);
  }
}

/** Registers the contributed commands. Each returns its result too, for tests and other extensions. */
export function registerCommands(manager: ClientManager, interleaving: InterleavingView): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(COMMANDS.showInterleaving, (args: ShowInterleavingArgs) => ({ shown: interleaving.show(args) })),
    vscode.commands.registerCommand(COMMANDS.clearInterleaving, () => interleaving.clear()),
    vscode.commands.registerCommand(COMMANDS.checkWorkspace, () => checkWorkspace(manager)),
    vscode.commands.registerCommand(COMMANDS.fixAllInFile, (arg?: unknown) => fixAllInFile(manager, arg)),
    vscode.commands.registerCommand(COMMANDS.showOutput, () => manager.output.show()),
    vscode.commands.registerCommand(COMMANDS.restartServer, () => restartServer(manager)),
  ];
}
