/** The client's side of what it and the language server agree on; the shared names live in src/shared/protocol.ts. */
import { NotificationType } from 'vscode-languageclient/node';
import { SHOW_INTERLEAVING_COMMAND, STATUS_METHOD, type StatusParams } from '../shared/protocol.js';

export { SERVER_COMMANDS, type CheckWorkspaceResult, type InitializationOptions, type ShowInterleavingArgs, type StatusParams } from '../shared/protocol.js';

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
  /** Run by the server's "Show interleaving" code action, with a ShowInterleavingArgs. */
  showInterleaving: SHOW_INTERLEAVING_COMMAND,
  clearInterleaving: 'awaitguard.clearInterleaving',
} as const;

export interface FixAllResult {
  applied: number;
}

export const STATUS_NOTIFICATION = new NotificationType<StatusParams>(STATUS_METHOD);

/** The title the server gives the work-done progress of a workspace check. */
export const CHECK_PROGRESS_TITLE_PREFIX = 'awaitguard: checking';

export function isSupportedLanguage(languageId: string): boolean {
  return (LANGUAGES as readonly string[]).includes(languageId);
}

export function isSupportedScheme(scheme: string): boolean {
  return (SCHEMES as readonly string[]).includes(scheme);
}
