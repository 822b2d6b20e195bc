import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  MarkupKind,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  createConnection,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type WorkspaceFolder,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import path from 'node:path';
import { analyzeDetailed, isSupportedFile, type AnalysisResult, type AwaitguardConfig, type DetailedAnalysis, type FileKind, type Finding, type FixEdits, type TextEdit } from '../engine/index.js';
import { analyzeWithFixes, DEFAULT_FIX_OPTIONS, fixesOfAnalysis, fixText, withoutVendoring, type FixOptions } from '../fixes/index.js';
import { disableFileAction, FIX_ALL_KIND, interleavingMarkdown, removeDirectiveAction, showDocumentationAction, showInterleavingAction, toCodeAction, toDiagnostic, toDirectiveDiagnostic, toWorkspaceEdit, type VendorReader } from './convert.js';
import { DEFAULT_SETTINGS, effectiveConfig, normalizeSettings, type ClientSettings } from './settings.js';
import { landsInside } from '../shared/paths.js';
import { readTemplate } from '../shared/vendorTemplates.js';
import { selectedByConfig } from '../shared/discover.js';
import { SERVER_COMMANDS, STATUS_METHOD, type InitializationOptions, type StatusParams } from '../shared/protocol.js';
import { fastParser, parserInUse } from '../shared/fastParser.js';
import { DiskProject, mentionsRoot } from '../shared/projectHost.js';
import { fixOptionsForFile, packageRootOf } from '../shared/runtimeHome.js';
import { classifyFile, GENERATED_WHY, skippedAsGenerated, type SkipReason } from '../shared/fileKind.js';
import { VersionCache } from './versionCache.js';
import { checkWorkspace } from './workspace.js';
import { textOverLimit, textSize, tooLargeMessage } from './size.js';
import { exitOnLostFraming, watchFraming } from './framing.js';
import { serveOnParseThread } from './thread.js';
import { serverCommand } from './commandLine.js';
import { isMainThread } from 'node:worker_threads';

const COMMANDS = SERVER_COMMANDS;

/** The analysis behind a document's diagnostics, and the fixes built from it so far. */
interface KeptAnalysis {
  version: number;
  /** What it was made with besides the text; compared only when a code action asks (`sameInputs`). */
  inputs: AnalysisInputs;
  detailed: DetailedAnalysis;
  fixed?: { key: string; byFinding: Map<Finding, Finding> };
}

/**
 * How many documents' last analyses (their trees and findings' subjects) are kept for the light bulb: the ones
 * being edited. A code action on one of them builds the fixes of its line's findings from the analysis the
 * diagnostics came from, without analysing the file again; on any other it analyses as before.
 */
const KEPT_ANALYSES = 3;

const LANGUAGE_EXTENSIONS: Record<string, string> = {
  typescript: '.ts',
  typescriptreact: '.tsx',
  javascript: '.js',
  javascriptreact: '.jsx',
};

interface DocState {
  timer?: ReturnType<typeof setTimeout>;
  /** Diagnostics of the last version that parsed; kept while the user is mid-edit. */
  lastGood: Diagnostic[];
  /** The findings behind them, and the document version they were found in (for hovers). */
  findings?: { version: number; list: Finding[] };
  /** Over awaitguard.maxFileSize at the last validation (logged once, not on every edit). */
  tooLarge?: boolean;
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const state = new Map<string, DocState>();
  let folders: WorkspaceFolder[] = [];
  let hasConfigurationCapability = false;
  let hasWorkspaceFolderCapability = false;
  /** Per document, most recent last: the analysis behind its diagnostics, for its version and configuration. */
  const kept = new Map<string, KeptAnalysis>();
  const keep = (uri: string, entry: KeptAnalysis | undefined): void => {
    kept.delete(uri);
    if (!entry) return;
    kept.set(uri, entry);
    while (kept.size > KEPT_ANALYSES) kept.delete(kept.keys().next().value!);
  };
  /** The client can show an interleaving in the editor (the VS Code extension can; a bare LSP client cannot). */
  let clientShowsInterleaving = false;
  let globalSettings = DEFAULT_SETTINGS;
  const settingsCache = new Map<string, Promise<ClientSettings>>();
  const reportedConfigErrors = new Set<string>();

  const log = (message: string): void => connection.console.log(`[awaitguard] ${message}`);
  const { parser: parserName, detail: parserDetail } = parserInUse();
  const parser = { name: parserName, detail: parserDetail };
  const logged = new Set<string>();
  const logOnce = (message: string): void => {
    if (logged.has(message)) return;
    logged.add(message);
    log(message);
  };

  connection.onInitialize((params) => {
    hasConfigurationCapability = params.capabilities.workspace?.configuration === true;
    hasWorkspaceFolderCapability = params.capabilities.workspace?.workspaceFolders === true;
    folders = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: 'root' }] : []);
    clientShowsInterleaving = (params.initializationOptions as InitializationOptions | undefined)?.showInterleaving === true;
    return {
      capabilities: {
        // Saves too: with `awaitguard.run: onSave` a file is analysed when it is saved, not as it is typed.
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
        // A finding's interleaving, as a table under its diagnostic.
        hoverProvider: true,
        executeCommandProvider: { commands: [COMMANDS.checkWorkspace, COMMANDS.fixAll, COMMANDS.showDocumentation] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'awaitguard' },
    };
  });

  connection.onInitialized(() => {
    log(`parsing with ${parser.name} (${parser.detail})`);
    // Only awaitguard's own section: other extensions' setting changes need no re-analysis.
    if (hasConfigurationCapability) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: 'awaitguard' });
    }
    // Editors that do not manage workspace folders refuse the subscription; they get the initial folders only.
    if (hasWorkspaceFolderCapability) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        folders = [...folders.filter((f) => !e.removed.some((r) => r.uri === f.uri)), ...e.added];
        settingsCache.clear();
        for (const doc of documents.all()) schedule(doc, 0);
      });
    }
  });

  connection.onDidChangeConfiguration((change) => {
    settingsCache.clear();
    if (!hasConfigurationCapability) {
      globalSettings = normalizeSettings((change.settings as { awaitguard?: unknown } | undefined)?.awaitguard);
    }
    for (const doc of documents.all()) schedule(doc, 0);
  });

  function settingsFor(uri: string): Promise<ClientSettings> {
    if (!hasConfigurationCapability) return Promise.resolve(globalSettings);
    let s = settingsCache.get(uri);
    if (!s) {
      s = connection.workspace
        .getConfiguration({ scopeUri: uri, section: 'awaitguard' })
        .then(normalizeSettings, () => DEFAULT_SETTINGS);
      settingsCache.set(uri, s);
    }
    return s;
  }

  /** The workspace folder that holds the file (the longest matching one, for nested multi-root folders). */
  function folderOf(uri: string): string | undefined {
    // Only folders on disk: a virtual folder (vscode-vfs:, …) has no path to read a config from.
    const candidates = folders.filter(
      (f) => f.uri.startsWith('file:') && (uri === f.uri || uri.startsWith(f.uri.endsWith('/') ? f.uri : f.uri + '/')),
    );
    const best = candidates.sort((a, b) => b.uri.length - a.uri.length)[0];
    return best ? fileURLToPath(best.uri) : undefined;
  }

  /** The same answer for diagnostics, code actions and fix-all: enabled, a supported file, selected by include/exclude. */
  function shouldAnalyse(uri: string, fileName: string, settings: ClientSettings, config: AwaitguardConfig): boolean {
    if (!settings.enable || !isSupportedFile(fileName)) return false;
    const folder = folderOf(uri);
    return !folder || !uri.startsWith('file:') || selectedByConfig(fileName, config.include, config.exclude, folder);
  }

  /** For code actions and fix-all: what validate() would analyse. */
  function analysable(doc: TextDocument, fileName: string, settings: ClientSettings, config: AwaitguardConfig): boolean {
    return shouldAnalyse(doc.uri, fileName, settings, config) && !textOverLimit(doc.getText(), settings.maxFileSize);
  }

  async function configFor(uri: string): Promise<ReturnType<typeof effectiveConfig> & { settings: ClientSettings; kind: FileKind; generated?: SkipReason }> {
    const settings = await settingsFor(uri);
    const folder = folderOf(uri);
    const eff = effectiveConfig(settings, folder);
    if (eff.configError && !reportedConfigErrors.has(eff.configError)) {
      reportedConfigErrors.add(eff.configError);
      void connection.window.showWarningMessage(`awaitguard: ${eff.configError} (using the editor settings only)`);
      log(eff.configError);
    }
    // Where the file's code lives, judged from its path in the folder whose config applies (as the CLI does).
    const file = fileNameOf(uri);
    const judged = classifyFile(file, folder ?? path.dirname(file), eff.config, documents.get(uri)?.getText());
    const generated = skippedAsGenerated(judged, eff.config);
    return { ...eff, settings, kind: judged.kind, ...(generated !== undefined ? { generated } : {}) };
  }

  /**
   * Where the runtime the fixes of `uri` import comes from, decided from disk when fixes are built (not on every
   * analysis): the file's package, as `check --fix` decides it (shared/runtimeHome.ts).
   */
  function fixFor(uri: string, configured: Partial<FixOptions>): Partial<FixOptions> {
    const file = uri.startsWith('file:') ? fileNameOf(uri) : undefined;
    let fix = configured;
    // Outside every workspace folder and every package, or an unsaved buffer: import the package rather than
    // write a file somewhere arbitrary.
    if (!folderOf(uri) && !(file && packageRootOf(path.dirname(file)))) fix = withoutVendoring(fix);
    if (file) fix = fixOptionsForFile(file, fix, false);
    const full = { ...DEFAULT_FIX_OPTIONS, ...fix };
    if (full.runtime === 'vendor' && !landsInside(path.resolve(full.projectRoot, full.vendorPath), full.projectRoot)) {
      // A linked folder on the way would put the runtime copy outside the project: import the package instead.
      logOnce(`"fix.vendorPath" (${full.vendorPath}) leads outside ${full.projectRoot} through a link; fixes import awaitguard/runtime instead`);
      fix = { ...fix, runtime: 'package' };
    }
    return fix;
  }

  /** A path for the engine: the file's own, or for unsaved buffers a name whose extension fits the language. */
  function fileNameOf(uri: string, languageId?: string): string {
    if (uri.startsWith('file:')) {
      try {
        return fileURLToPath(uri);
      } catch {
        return uri;
      }
    }
    if (isSupportedFile(uri)) return uri;
    const ext = languageId ? LANGUAGE_EXTENSIONS[languageId] : undefined;
    return ext ? `${uri}${ext}` : uri;
  }

  /** `typed`: the analysis is asked for by an edit, which `awaitguard.run: onSave` leaves to the next save. */
  function schedule(doc: TextDocument, delay?: number, typed = false): void {
    const st = state.get(doc.uri) ?? { lastGood: [] };
    state.set(doc.uri, st);
    if (st.timer) clearTimeout(st.timer);
    void settingsFor(doc.uri).then((settings) => {
      if (typed && settings.run === 'onSave') return;
      if (st.timer) clearTimeout(st.timer);
      st.timer = setTimeout(() => {
        st.timer = undefined;
        void validate(doc.uri);
      }, delay ?? settings.debounce);
    });
  }

  async function validate(uri: string): Promise<void> {
    const doc = documents.get(uri);
    if (!doc) return;
    const st = state.get(uri) ?? { lastGood: [] };
    state.set(uri, st);
    const fileName = fileNameOf(uri, doc.languageId);
    try {
      const { config, settings, kind, generated } = await configFor(uri);
      if (!shouldAnalyse(uri, fileName, settings, config)) {
        await connection.sendDiagnostics({ uri, diagnostics: [] });
        void connection.sendNotification(STATUS_METHOD, { uri, state: 'disabled', findings: 0 } satisfies StatusParams);
        return;
      }
      if (generated !== undefined) {
        st.lastGood = [];
        st.findings = undefined;
        await connection.sendDiagnostics({ uri, diagnostics: [] });
        const message = `${GENERATED_WHY[generated]}: not analysed ("includeGenerated": true in awaitguard.config.json checks it)`;
        void connection.sendNotification(STATUS_METHOD, { uri, state: 'generated', findings: 0, message } satisfies StatusParams);
        return;
      }
      if (textOverLimit(doc.getText(), settings.maxFileSize)) {
        await skipTooLarge(doc, fileName, settings.maxFileSize, st);
        return;
      }
      st.tooLarge = false;
      const version = doc.version;
      const { result: detailed, dependencies } = project.track(() => analyzeDetailed(doc.getText(), fileName, { config, parser: fastParser(), kind, project }));
      const result = detailed.result;
      dependsOn.set(uri, new Set(Object.keys(dependencies)));
      if (documents.get(uri)?.version !== version) return; // a newer edit is on its way
      keep(uri, result.parseError ? undefined : { version, inputs: { fileName, kind, config }, detailed });
      if (result.parseError) {
        // Keep what the user saw while they are mid-edit; the parse error goes to the log.
        log(`${fileName}:${result.parseError.line}:${result.parseError.column + 1}: ${result.parseError.message} (keeping the last diagnostics)`);
        void connection.sendNotification(STATUS_METHOD, {
          uri,
          state: 'parseError',
          findings: st.lastGood.length,
          message: result.parseError.message,
          parser,
        } satisfies StatusParams);
        await connection.sendDiagnostics({ uri, version, diagnostics: st.lastGood });
        return;
      }
      st.findings = { version, list: result.findings };
      st.lastGood = [...result.findings.map((f) => toDiagnostic(doc, f)), ...(result.unusedDirectives ?? []).map((u) => toDirectiveDiagnostic(doc, u))];
      await connection.sendDiagnostics({ uri, version, diagnostics: st.lastGood });
      void connection.sendNotification(STATUS_METHOD, { uri, state: 'ok', findings: st.lastGood.length, parser } satisfies StatusParams);
    } catch (err) {
      log(`internal error analysing ${fileName}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      void connection.sendNotification(STATUS_METHOD, { uri, state: 'error', findings: 0, message: String(err) } satisfies StatusParams);
    }
  }

  /** No analysis, no diagnostics, and a status that says why. */
  async function skipTooLarge(doc: TextDocument, fileName: string, maxFileSize: number, st: DocState): Promise<void> {
    const message = tooLargeMessage(textSize(doc.getText()), maxFileSize);
    if (!st.tooLarge) log(`${fileName}: ${message}`);
    st.tooLarge = true;
    st.lastGood = [];
    st.findings = undefined;
    await connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: [] });
    void connection.sendNotification(STATUS_METHOD, { uri: doc.uri, state: 'tooLarge', findings: 0, message } satisfies StatusParams);
  }

  // The modules open documents import, read from the editor's text when they are open themselves, else from disk.
  // A workspace is listed for `mentioning` in the background; the documents that asked meanwhile are checked again.
  const project = new DiskProject(fastParser(), {
    overlay: (file) => documents.get(pathToFileURL(file).href)?.getText(),
    revalidate: true,
    onMentionsListed: (root) => {
      for (const [uri, deps] of dependsOn) {
        const doc = documents.get(uri);
        if (!doc || ![...deps].some((d) => mentionsRoot(d) === root)) continue;
        fixedFindings.delete(uri);
        keep(uri, undefined);
        schedule(doc, 0);
      }
    },
  });
  /** Per open document: the other files its findings rest on. */
  const dependsOn = new Map<string, Set<string>>();

  /** An edit of `doc` may change what the documents importing it are told: check them again. */
  function scheduleDependents(doc: TextDocument, typed: boolean): void {
    if (!doc.uri.startsWith('file:')) return;
    const changed = project.invalidate(fileURLToPath(doc.uri));
    for (const [uri, deps] of dependsOn) {
      if (uri === doc.uri || ![...deps].some((d) => changed.has(d))) continue;
      const dependent = documents.get(uri);
      fixedFindings.delete(uri);
      keep(uri, undefined);
      if (dependent) schedule(dependent, undefined, typed);
    }
  }

  documents.onDidOpen((e) => schedule(e.document, 0));
  documents.onDidChangeContent((e) => {
    schedule(e.document, undefined, true);
    scheduleDependents(e.document, true);
  });
  documents.onDidSave((e) => {
    void settingsFor(e.document.uri).then((settings) => {
      if (settings.run !== 'onSave') return;
      schedule(e.document, 0);
      scheduleDependents(e.document, false);
    });
  });
  documents.onDidClose((e) => {
    dependsOn.delete(e.document.uri);
    const st = state.get(e.document.uri);
    if (st?.timer) clearTimeout(st.timer);
    state.delete(e.document.uri);
    settingsCache.delete(e.document.uri);
    fixedFindings.delete(e.document.uri);
    keep(e.document.uri, undefined);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  const vendored: VendorReader = (fix: FixEdits) =>
    (fix.createFiles ?? [])
      .filter((f) => !existsSync(f.path))
      .map((f) => ({ path: f.path, uri: pathToFileURL(f.path).href, text: readTemplate(f.template) }));

  const fixedFindings = new VersionCache<AnalysisResult>();

  /**
   * The findings in [start, end] with their fixes, and the unused directives there: from the analysis behind the
   * diagnostics when it is of this version and configuration (only these findings' fixes are built), else from a
   * fresh analysis with fixes.
   */
  async function findingsInRange(doc: TextDocument, start: number, end: number): Promise<AnalysisResult> {
    const inRange = ({ offset: [a, b] }: { offset: [number, number] }): boolean => !(b < start || a > end);
    const { config, fix: configured, settings, kind } = await configFor(doc.uri);
    const fileName = fileNameOf(doc.uri, doc.languageId);
    const last = kept.get(doc.uri);
    if (last && last.version === doc.version && sameInputs(last.inputs, { fileName, kind, config }) && analysable(doc, fileName, settings, config)) {
      // Fixes once built are kept with the analysis, for the fix settings they were built with.
      const fixKey = JSON.stringify(configured);
      if (last.fixed?.key !== fixKey) last.fixed = { key: fixKey, byFinding: new Map() };
      const known = last.fixed.byFinding;
      const wanted = last.detailed.result.findings.filter((f) => inRange(f.range));
      const missing = new Set(wanted.filter((f) => !known.has(f)));
      if (missing.size > 0) {
        for (const [f, withFixes] of fixesOfAnalysis(last.detailed, doc.getText(), fileName, () => fixFor(doc.uri, configured), (f) => missing.has(f))) known.set(f, withFixes);
      }
      const findings = wanted.map((f) => known.get(f) ?? f);
      const unused = last.detailed.result.unusedDirectives?.filter((u) => inRange(u.range));
      return unused ? { findings, unusedDirectives: unused } : { findings };
    }
    const all = await findingsWithFixes(doc);
    const unused = all.unusedDirectives?.filter((u) => inRange(u.range));
    return { findings: all.findings.filter((f) => inRange(f.range)), ...(unused ? { unusedDirectives: unused } : {}) };
  }

  async function findingsWithFixes(doc: TextDocument): Promise<AnalysisResult> {
    const { config, fix: configured, settings, kind } = await configFor(doc.uri);
    const fileName = fileNameOf(doc.uri, doc.languageId);
    if (!analysable(doc, fileName, settings, config)) return { findings: [] };
    const fix = fixFor(doc.uri, configured);
    // The copies already in the package are part of the key; whether the one a fix creates exists yet is read when the action is built.
    const key = JSON.stringify([fileName, config, fix]);
    return fixedFindings.get(doc.uri, doc.version, key, () => analyzeWithFixes(doc.getText(), fileName, { config, fix, parser: fastParser(), kind, project }));
  }

  /** Fix-all as `awaitguard check --fix` does it: passes until nothing is left, as one edit of the document. */
  async function fixAllEdit(doc: TextDocument): Promise<{ fix: FixEdits; applied: number } | null> {
    const { config, fix: configured, settings, kind } = await configFor(doc.uri);
    const fileName = fileNameOf(doc.uri, doc.languageId);
    if (!analysable(doc, fileName, settings, config)) return null;
    const fix = fixFor(doc.uri, configured);
    const text = doc.getText();
    const outcome = fixText(text, fileName, config, fix, { parser: fastParser(), kind, project });
    if (outcome.applied === 0) return null;
    return { fix: { title: 'Fix all', edits: [minimalEdit(text, outcome.text)], createFiles: outcome.createFiles }, applied: outcome.applied };
  }

  connection.onCodeAction(async (params) => {
    try {
      const doc = documents.get(params.textDocument.uri);
      if (!doc) return [];
      const only = params.context.only;
      const wantsFixAll = only?.some((k) => FIX_ALL_KIND.startsWith(k)) ?? false;
      const wantsQuickFix = !only || only.some((k) => CodeActionKind.QuickFix.startsWith(k));
      const start = doc.offsetAt(params.range.start);
      const end = doc.offsetAt(params.range.end);
      const analysis = wantsQuickFix ? await findingsInRange(doc, start, end) : { findings: [] };
      const actions: CodeAction[] = [];
      if (wantsQuickFix) {
        for (const finding of analysis.findings) {
          const diagnostic = toDiagnostic(doc, finding);
          for (const fix of finding.fixes) actions.push(toCodeAction(doc, finding, fix, diagnostic, vendored));
          const show = clientShowsInterleaving ? showInterleavingAction(doc, finding, diagnostic) : null;
          if (show) actions.push(show);
          actions.push(disableFileAction(doc, finding, diagnostic), showDocumentationAction(finding, diagnostic));
        }
        for (const directive of analysis.unusedDirectives ?? []) actions.push(removeDirectiveAction(doc, directive, toDirectiveDiagnostic(doc, directive)));
      }
      if (wantsFixAll) {
        const all = await fixAllEdit(doc);
        if (all) actions.push({ title: 'Fix all awaitguard problems', kind: FIX_ALL_KIND, edit: toWorkspaceEdit(doc, all.fix, vendored) });
      }
      return actions;
    } catch (err) {
      log(`code actions failed: ${String(err)}`);
      return [];
    }
  });

  connection.onHover((params) => {
    const doc = documents.get(params.textDocument.uri);
    const found = state.get(params.textDocument.uri)?.findings;
    // Findings of an older version point at text that has moved: say nothing rather than something wrong.
    if (!doc || !found || found.version !== doc.version) return null;
    const at = doc.offsetAt(params.position);
    const tables = found.list
      .filter((f) => f.range.offset[0] <= at && at <= f.range.offset[1])
      .map((f) => interleavingMarkdown(doc, f))
      .filter((m): m is string => m !== null);
    return tables.length > 0 ? { contents: { kind: MarkupKind.Markdown, value: tables.join('\n\n---\n\n') } } : null;
  });

  connection.onExecuteCommand(async (params) => {
    try {
      if (params.command === COMMANDS.fixAll) {
        const uri = (params.arguments?.[0] as { uri?: string } | string | undefined) ?? '';
        const doc = documents.get(typeof uri === 'string' ? uri : (uri.uri ?? ''));
        if (!doc) return { applied: 0 };
        const all = await fixAllEdit(doc);
        if (!all) return { applied: 0 };
        const res = await connection.workspace.applyEdit({ label: 'awaitguard: fix all', edit: toWorkspaceEdit(doc, all.fix, vendored) });
        return { applied: res.applied ? all.applied : 0 };
      }
      if (params.command === COMMANDS.showDocumentation) {
        const url = params.arguments?.[0];
        if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return { shown: false };
        const shown = await connection.window.showDocument({ uri: url, external: true });
        return { shown: shown.success };
      }
      if (params.command === COMMANDS.checkWorkspace) {
        return await checkWorkspace(
          connection,
          folders,
          async (folderPath) => {
            const { config, settings } = await configFor(pathToFileURL(folderPath).href);
            return settings.enable ? { config, maxFileSize: settings.maxFileSize } : null;
          },
          (uri) => {
            if (!documents.get(uri)) return undefined;
            const st = state.get(uri);
            return { findings: st?.lastGood.length ?? 0, tooLarge: st?.tooLarge === true };
          },
          (uri) => documents.get(uri)?.getText(),
          log,
        );
      }
    } catch (err) {
      log(`command ${params.command} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    return null;
  });

  documents.listen(connection);
  connection.listen();
}

/** What an analysis depends on besides the text: the file's name and kind, and the configuration. */
interface AnalysisInputs {
  fileName: string;
  kind: FileKind;
  config: AwaitguardConfig;
}

/** The configuration is rebuilt from the settings on each request: equal by value, not by identity. */
function sameInputs(a: AnalysisInputs, b: AnalysisInputs): boolean {
  return a.fileName === b.fileName && a.kind === b.kind && (a.config === b.config || JSON.stringify(a.config) === JSON.stringify(b.config));
}

/** One edit that turns `before` into `after`: the changed middle, so the editor keeps markers outside it. */
function minimalEdit(before: string, after: string): TextEdit {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { offset: [start, before.length - end], text: after.slice(start, after.length - end) };
}

// Never die on a stray rejection or exception: log it and keep serving.
process.on('uncaughtException', (err) => console.error('[awaitguard] uncaught exception', err));
process.on('unhandledRejection', (err) => console.error('[awaitguard] unhandled rejection', err));

const command = isMainThread ? serverCommand(process.argv.slice(2)) : ({ kind: 'serve' } as const);
if (command.kind === 'print') {
  // Exit once written: the LSP library, loaded with this module, keeps a timer on `--clientProcessId` alive.
  (command.exitCode === 0 ? process.stdout : process.stderr).write(command.text, () => process.exit(command.exitCode));
} else if (!serveOnParseThread(new URL(import.meta.url))) {
  startServer(createConnection(ProposedFeatures.all));
  // Over IPC (VS Code) messages arrive whole; over stdio a bad header would otherwise leave the server deaf.
  if (process.argv.slice(2).includes('--stdio')) watchFraming(process.stdin, exitOnLostFraming);
}
