/**
 * What the VS Code client and the language server agree on beyond plain LSP. Plain values only, so both
 * sides can import it (the client cannot import the server module: importing it starts a server).
 */

/** Commands the server executes (workspace/executeCommand). */
export const SERVER_COMMANDS = {
  checkWorkspace: 'awaitguard.server.checkWorkspace',
  fixAll: 'awaitguard.server.fixAll',
  /** Arguments: the page's URL; the server asks the client to open it (`window/showDocument`). */
  showDocumentation: 'awaitguard.server.showDocumentation',
} as const;

/**
 * A command of the VS Code client, not of the server: it highlights the steps of a finding's interleaving in the
 * editor, numbered in order, until the next edit. The server offers the "Show interleaving" action that runs it
 * only to a client that says it has the command (`InitializationOptions.showInterleaving`).
 */
export const SHOW_INTERLEAVING_COMMAND = 'awaitguard.showInterleaving';

export interface InitializationOptions {
  showInterleaving?: boolean;
}

/** The argument of SHOW_INTERLEAVING_COMMAND: LSP ranges (0-based lines, UTF-16 characters). */
export interface ShowInterleavingArgs {
  uri: string;
  /** The document version the ranges belong to: the client ignores a request about another one. */
  version: number;
  ruleId: string;
  actors: { id: string; label: string }[];
  steps: { actor: number; text: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[];
  outcome: string;
}

/** Sent after each analysis so the client's status item can show the state and the count. */
export const STATUS_METHOD = 'awaitguard/status';

export interface StatusParams {
  uri: string;
  /**
   * `tooLarge`: over awaitguard.maxFileSize, not analysed; `message` says the size and the limit. `generated`:
   * generated, vendored or minified code, not analysed; `message` says why.
   */
  state: 'ok' | 'parseError' | 'disabled' | 'tooLarge' | 'generated' | 'error';
  findings: number;
  message?: string;
  /** The parser the server parses with (oxc when its native binding loads, else typescript-estree), and why. */
  parser?: { name: 'oxc' | 'typescript-estree'; detail: string };
}

export interface CheckWorkspaceResult {
  files: number;
  findings: number;
  parseErrors: number;
  /** Files over awaitguard.maxFileSize, not analysed (counted in `files`). */
  tooLarge: number;
  /** Generated, vendored or minified files, not analysed (counted in `files`). */
  generated: number;
}
