/**
 * What the client and the language server agree on beyond plain LSP. The server defines the same names in
 * src/server/main.ts; keep the two in step (the client cannot import the server module: importing it
 * starts a server).
 */
import { NotificationType } from 'vscode-languageclient/node';

/** The languages awaitguard analyses, as VS Code names them. */
export const LANGUAGES = ['typescript', 'typescriptreact', 'javascript', 'javascriptreact'] as const;

/** Saved files and unsaved buffers; other schemes (virtual file systems, git:, vscode-vfs:) are not analysed. */
export const SCHEMES = ['file', 'untitled'] as const;

export const DOCUMENT_SELECTOR = SCHEMES.flatMap((scheme) => LANGUAGES.map((language) => ({ scheme, language })));

/** The client's own commands, contributed in package.json. */
export const COMMANDS = {
  checkWorkspace: 'awaitguard.checkWorkspace',
  fixAllInFile: 'awaitguard.fixAllInFile',
  showOutput: 'awaitguard.showOutput',
  restartServer: 'awaitguard.restartServer',
} as const;

/** Commands the server executes (workspace/executeCommand). */
export const SERVER_COMMANDS = {
  checkWorkspace: 'awaitguard.server.checkWorkspace',
  fixAll: 'awaitguard.server.fixAll',
} as const;

export interface CheckWorkspaceResult {
  files: number;
  findings: number;
  parseErrors: number;
}

export interface FixAllResult {
  applied: number;
}

/** Sent by the server after each analysis of a document. */
export interface StatusParams {
  uri: string;
  state: 'ok' | 'parseError' | 'disabled' | 'error';
  findings: number;
  message?: string;
}

export const STATUS_NOTIFICATION = new NotificationType<StatusParams>('awaitguard/status');

/** The title the server gives the work-done progress of a workspace check. */
export const CHECK_PROGRESS_TITLE_PREFIX = 'awaitguard: checking';

export function isSupportedLanguage(languageId: string): boolean {
  return (LANGUAGES as readonly string[]).includes(languageId);
}

export function isSupportedScheme(scheme: string): boolean {
  return (SCHEMES as readonly string[]).includes(scheme);
}
