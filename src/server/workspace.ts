import { statSync } from 'node:fs';
import { readRegularFile } from '../shared/readFile.js';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Connection, WorkspaceFolder } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type AwaitguardConfig } from '../engine/index.js';
import { discoverFiles } from '../shared/discover.js';
import type { CheckWorkspaceResult as WorkspaceCheckResult } from '../shared/protocol.js';
import { fastParser } from '../shared/fastParser.js';
import { DiskProject } from '../shared/projectHost.js';
import { classifyFile, GENERATED_WHY, skippedAsGenerated } from '../shared/fileKind.js';
import { toDiagnostic, toDirectiveDiagnostic } from './convert.js';
import { tooLargeMessage } from './size.js';

/** What a folder is checked with; null when awaitguard is disabled there. */
export interface FolderCheck {
  config: AwaitguardConfig;
  /** awaitguard.maxFileSize, KB. */
  maxFileSize: number;
}

export interface OpenState {
  findings: number;
  tooLarge: boolean;
}

/**
 * "awaitguard: Check Workspace": analyses every supported file of every folder (honouring .gitignore
 * and include/exclude), with a progress report the user can cancel, and publishes diagnostics for the
 * files that are not open (open ones are kept up to date as they change).
 */
export async function checkWorkspace(
  connection: Connection,
  folders: readonly WorkspaceFolder[],
  configOf: (folderPath: string) => Promise<FolderCheck | null>,
  /** For an open document, its current state (it is kept up to date as it changes); else undefined. */
  openState: (uri: string) => OpenState | undefined,
  /** The editor's text of an open document, which wins over the file on disk when another file imports it. */
  openText: (uri: string) => string | undefined,
  log: (message: string) => void,
): Promise<WorkspaceCheckResult> {
  const progress = await connection.window.createWorkDoneProgress();
  progress.begin('awaitguard: checking the workspace', 0, 'finding files', true);
  const result: WorkspaceCheckResult = { files: 0, findings: 0, parseErrors: 0, tooLarge: 0, generated: 0 };
  try {
    const jobs: { file: string; dir: string; check: FolderCheck }[] = [];
    for (const folder of folders) {
      if (!folder.uri.startsWith('file:')) continue;
      const dir = fileURLToPath(folder.uri);
      const check = await configOf(dir);
      if (!check) continue;
      const { include, exclude } = check.config;
      const found = discoverFiles({ cwd: dir, paths: [], include, exclude, configDir: dir });
      for (const file of found.files) jobs.push({ file, dir, check });
    }
    // One project for the whole check: modules several files import are read once.
    const project = new DiskProject(fastParser(), { overlay: (file) => openText(pathToFileURL(file).href) });
    for (let i = 0; i < jobs.length; i++) {
      if (progress.token.isCancellationRequested) break;
      const { file, dir, check } = jobs[i]!;
      if (i % 20 === 0) {
        progress.report(Math.round((i / jobs.length) * 100), `${i}/${jobs.length} files`);
        // Let cancellation and other requests through between batches.
        await new Promise((r) => setImmediate(r));
      }
      const uri = pathToFileURL(file).href;
      result.files++;
      const open = openState(uri);
      if (open !== undefined) {
        result.findings += open.findings;
        if (open.tooLarge) result.tooLarge++;
        continue;
      }
      const size = sizeOf(file);
      if (size === undefined) continue;
      if (size > check.maxFileSize * 1024) {
        result.tooLarge++;
        log(`${file}: ${tooLargeMessage(size, check.maxFileSize)}`);
        // Findings published while it was smaller would stay in the Problems panel otherwise.
        await connection.sendDiagnostics({ uri, diagnostics: [] });
        continue;
      }
      let text: string;
      try {
        // Never a plain read: a file swapped for a FIFO since discovery would block the server.
        text = readRegularFile(file).toString('utf8');
      } catch {
        continue;
      }
      const judged = classifyFile(file, dir, check.config, text);
      const generated = skippedAsGenerated(judged, check.config);
      if (generated !== undefined) {
        result.generated++;
        log(`${file}: ${GENERATED_WHY[generated]}: not analysed`);
        await connection.sendDiagnostics({ uri, diagnostics: [] });
        continue;
      }
      const analysis = analyze(text, file, { config: check.config, parser: fastParser(), kind: judged.kind, project });
      if (analysis.parseError) {
        result.parseErrors++;
        const e = analysis.parseError;
        log(`${file}:${e.line}:${e.column + 1}: ${e.message} (not analysed)`);
        continue;
      }
      result.findings += analysis.findings.length;
      const doc = TextDocument.create(uri, 'typescript', 0, text);
      await connection.sendDiagnostics({ uri, diagnostics: [...analysis.findings.map((f) => toDiagnostic(doc, f)), ...(analysis.unusedDirectives ?? []).map((u) => toDirectiveDiagnostic(doc, u))] });
    }
  } finally {
    progress.done();
  }
  return result;
}

function sizeOf(file: string): number | undefined {
  try {
    return statSync(file).size;
  } catch {
    return undefined;
  }
}
