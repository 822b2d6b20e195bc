import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Connection, WorkspaceFolder } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, type AwaitguardConfig } from '../engine/index.js';
import { discoverFiles } from '../shared/discover.js';
import type { CheckWorkspaceResult as WorkspaceCheckResult } from '../shared/protocol.js';
import { fastParser } from '../shared/fastParser.js';
import { toDiagnostic } from './convert.js';

/**
 * "awaitguard: Check Workspace": analyses every supported file of every folder (honouring .gitignore
 * and include/exclude), with a progress report the user can cancel, and publishes diagnostics for the
 * files that are not open (open ones are kept up to date as they change).
 */
export async function checkWorkspace(
  connection: Connection,
  folders: readonly WorkspaceFolder[],
  /** The folder's configuration, or null when awaitguard is disabled there. */
  configOf: (folderPath: string) => Promise<AwaitguardConfig | null>,
  /** For an open document, its current finding count (it is kept up to date as it changes); else undefined. */
  openFindings: (uri: string) => number | undefined,
  log: (message: string) => void,
): Promise<WorkspaceCheckResult> {
  const progress = await connection.window.createWorkDoneProgress();
  progress.begin('awaitguard: checking the workspace', 0, 'finding files', true);
  const result: WorkspaceCheckResult = { files: 0, findings: 0, parseErrors: 0 };
  try {
    const jobs: { file: string; config: AwaitguardConfig }[] = [];
    for (const folder of folders) {
      if (!folder.uri.startsWith('file:')) continue;
      const dir = fileURLToPath(folder.uri);
      const config = await configOf(dir);
      if (!config) continue;
      const found = discoverFiles({ cwd: dir, paths: [], include: config.include, exclude: config.exclude, configDir: dir });
      for (const file of found.files) jobs.push({ file, config });
    }
    for (let i = 0; i < jobs.length; i++) {
      if (progress.token.isCancellationRequested) break;
      const { file, config } = jobs[i]!;
      if (i % 20 === 0) {
        progress.report(Math.round((i / jobs.length) * 100), `${i}/${jobs.length} files`);
        // Let cancellation and other requests through between batches.
        await new Promise((r) => setImmediate(r));
      }
      const uri = pathToFileURL(file).href;
      result.files++;
      const open = openFindings(uri);
      if (open !== undefined) {
        result.findings += open;
        continue;
      }
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue;
      }
      const analysis = analyze(text, file, { config, parser: fastParser() });
      if (analysis.parseError) {
        result.parseErrors++;
        const e = analysis.parseError;
        log(`${file}:${e.line}:${e.column + 1}: ${e.message} (not analysed)`);
        continue;
      }
      result.findings += analysis.findings.length;
      const doc = TextDocument.create(uri, 'typescript', 0, text);
      await connection.sendDiagnostics({ uri, diagnostics: analysis.findings.map((f) => toDiagnostic(doc, f)) });
    }
  } finally {
    progress.done();
  }
  return result;
}
