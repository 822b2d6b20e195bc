import * as vscode from 'vscode';

/** The files the server reads from each workspace folder's root, besides the editor settings. */
const PROJECT_CONFIG_GLOB = '{awaitguard.config.json,package.json}';
const DEBOUNCE_MS = 300;

/**
 * Watches awaitguard.config.json (and package.json, whose "awaitguard" key is read when there is no
 * config file) at the root of every workspace folder, and calls `onChange` once per burst of changes so
 * that open documents are re-analysed with the new configuration.
 */
export function watchProjectConfig(onChange: (changed: vscode.Uri) => void): vscode.Disposable {
  let watchers: vscode.Disposable[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let lastChanged: vscode.Uri | undefined;

  const fire = (uri: vscode.Uri): void => {
    lastChanged = uri;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      if (lastChanged) onChange(lastChanged);
    }, DEBOUNCE_MS);
  };

  const watchFolders = (): void => {
    for (const w of watchers) w.dispose();
    watchers = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, PROJECT_CONFIG_GLOB));
      watchers.push(watcher, watcher.onDidCreate(fire), watcher.onDidChange(fire), watcher.onDidDelete(fire));
    }
  };

  watchFolders();
  const folderListener = vscode.workspace.onDidChangeWorkspaceFolders(watchFolders);
  return {
    dispose: () => {
      if (timer) clearTimeout(timer);
      folderListener.dispose();
      for (const w of watchers) w.dispose();
    },
  };
}
