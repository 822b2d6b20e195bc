import { packageVersion } from '../shared/version.js';

/*
 * `awaitguard-lsp` is started by editors, which pass a transport (`--stdio`, `--node-ipc`, `--socket=N`,
 * `--pipe=NAME`) and sometimes more (`--clientProcessId=N`). Started by hand, it answers `--help` and
 * `--version` and says what it needs instead of failing inside the LSP library.
 */

export const SERVER_HELP = `Usage: awaitguard-lsp --stdio

The awaitguard language server: diagnostics for async races as you type, quick
fixes that guard them with a Lock or bound them with a Semaphore. An editor
starts it; see the README for VS Code, Neovim, Helix and Zed.

Transports (one is required):
  --stdio              LSP over stdin/stdout (what most editors use)
  --node-ipc           Node IPC, when started by a Node-based client
  --socket=PORT        connect to the client on this TCP port
  --pipe=NAME          connect to the client on this named pipe

Options:
  -h, --help           Show this help
  -v, --version        Show the version
`;

const TRANSPORT = /^--(stdio|node-ipc|socket=.+|pipe=.+)$/;

export type ServerCommand = { kind: 'serve' } | { kind: 'print'; text: string; exitCode: number };

export function serverCommand(args: readonly string[]): ServerCommand {
  if (args.includes('--help') || args.includes('-h')) return { kind: 'print', text: SERVER_HELP, exitCode: 0 };
  if (args.includes('--version') || args.includes('-v')) return { kind: 'print', text: `${packageVersion()}\n`, exitCode: 0 };
  if (args.some((a) => TRANSPORT.test(a))) return { kind: 'serve' };
  return { kind: 'print', text: `awaitguard-lsp: no transport given; pass --stdio (or --node-ipc, --socket=PORT, --pipe=NAME)\n\n${SERVER_HELP}`, exitCode: 2 };
}
