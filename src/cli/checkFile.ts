import { analyze, type AwaitguardConfig, type CreatedFile, type FastParser, type Finding } from '../engine/index.js';
import { analyzeWithFixes, fixText, type FixOptions } from '../fixes/index.js';
import { fastParser } from '../shared/fastParser.js';
import { classifyFile, skippedAsGenerated } from '../shared/fileKind.js';
import { DiskProject, hash } from '../shared/projectHost.js';
import { fixOptionsForFile, memoizedLookups, type RuntimeLookups } from '../shared/runtimeHome.js';
import { displayPath } from '../shared/paths.js';
import { NotReadableError, readRegularFile } from '../shared/readFile.js';
import { writeFixedFile, type SourceFile } from './fix.js';
import type { FileResult } from './report.js';

/** Files larger than this are reported as skipped, not analysed. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** What every file of one run is checked with; plain data, so it can be posted to a worker thread. */
export interface CheckSettings {
  cwd: string;
  /** The project root file kinds are judged from: the configuration file's folder, else `cwd`. */
  root?: string;
  config: AwaitguardConfig;
  /** With `--fix`: how fixes are written. */
  fix?: Partial<FixOptions>;
  /** With `--fix-dry-run`: compute the fixes, keep before and after, write nothing. */
  fixDryRun?: boolean;
  /** With `--fix`: real paths of the folders (or files) it may write in; see `fixRoots`. */
  fixRoots?: string[];
  /** `--debug` or `DEBUG=awaitguard`: keep the stack of an internal error. */
  debug: boolean;
  /** Files named on the command line (absolute): checked even when they look generated. */
  explicitFiles?: string[];
  /** Attach each finding's fixes, written with these options (the formats that show fixes: json's `fixCount`, eslint's suggestions). */
  withFixes?: Partial<FixOptions>;
}

/** One file's outcome, with what the run collects besides the report. */
export interface FileOutcome {
  result: FileResult;
  /** With `--fix`: runtime files the applied fixes import. */
  created: CreatedFile[];
  /** The stack of an internal error, when debugging. */
  debugText?: string;
  /** Hash of the text that was analysed (after fixes), for the cache; absent when it was not analysed. */
  contentHash?: string;
  /** The other project files the analysis looked into, with the hash of the text it read: the cache's dependencies. */
  dependencies?: Record<string, string>;
}

export const hashText = hash;

/**
 * Reads a file the way the analysis sees it: UTF-8 without a BOM. Only a regular file of at most 10 MB is
 * read (a FIFO is not even waited on); throws what `fs` throws, or a `NotReadableError`.
 */
export function readSource(file: string): string {
  return readSourceFile(file).text;
}

export function readSourceFile(file: string): SourceFile {
  const bytes = readRegularFile(file, MAX_FILE_BYTES);
  // Invalid UTF-8 decodes to U+FFFD; the parser then reports whatever it makes of it.
  const text = bytes.toString('utf8');
  const bom = text.charCodeAt(0) === 0xfeff;
  return { text: bom ? text.slice(1) : text, bom, bytes }; // editors do not count the BOM as a column
}

/** `given`: the file's text as read elsewhere (standard input), instead of reading `file`. */
export function checkFile(file: string, settings: CheckSettings, given?: SourceFile): FileOutcome {
  const root = settings.root ?? settings.cwd;
  const includeGenerated = settings.config.includeGenerated === true || (settings.explicitFiles?.includes(file) ?? false);
  // Generated, vendored and minified code: every rule is off there, so it is not parsed (a bundle can be
  // megabytes), and when its path says so, not even read.
  const byPath = classifyFile(file, root, settings.config, undefined, includeGenerated);
  const result: FileResult = { path: file, relPath: displayPath(file, settings.cwd), kind: byPath.kind, findings: [] };
  const outcome: FileOutcome = { result, created: [] };
  result.generated = skippedAsGenerated(byPath, settings.config);
  if (result.generated !== undefined) return outcome;
  let source: SourceFile;
  try {
    source = given ?? readSourceFile(file);
  } catch (err) {
    if (err instanceof NotReadableError && err.reason === 'too-large') result.skipped = `larger than 10 MB (${(err.size / (1024 * 1024)).toFixed(1)} MB)`;
    else result.readError = readErrorMessage(err);
    return outcome;
  }
  const byContent = classifyFile(file, root, settings.config, source.text, includeGenerated);
  result.kind = byContent.kind;
  result.generated = skippedAsGenerated(byContent, settings.config);
  if (result.generated !== undefined) return outcome;
  const kind = result.kind;

  const parser = fastParser();
  try {
    const text = settings.fix ? fixFile(file, source, settings.fix, settings, outcome, parser) : source.text;
    const project = projectFor(settings, parser);
    const { result: analysis, dependencies } = project.track(() => {
      if (!settings.withFixes) return analyze(text, file, { config: settings.config, parser, kind, project });
      // One analysis either way: fixes, and where their runtime comes from, are worked out only for a file with findings.
      const shown = settings.withFixes;
      const fix = () => fixOptionsForFile(file, shown, settings.config.fix?.runtime !== undefined, lookupsFor(settings));
      return analyzeWithFixes(text, file, { config: settings.config, fix, parser, kind, project });
    });
    const others = Object.entries(dependencies).filter(([dependency]) => dependency !== file);
    if (others.length > 0) outcome.dependencies = Object.fromEntries(others);
    if (analysis.parseError) result.parseError = analysis.parseError;
    result.findings = [...analysis.findings].sort(compareFindings);
    if (analysis.unusedDirectives) result.unusedDirectives = analysis.unusedDirectives;
    if (result.findings.length > 0 || (result.unusedDirectives?.length ?? 0) > 0) result.text = text;
    outcome.contentHash = hashText(text);
  } catch (err) {
    result.internalError = errorMessage(err);
    if (settings.debug) {
      outcome.debugText = `awaitguard: internal error in ${result.relPath}:\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`;
    }
  }
  return outcome;
}

// One project per thread and run: modules that several files import are read and parsed once.
const projects = new WeakMap<CheckSettings, DiskProject>();

const lookups = new WeakMap<CheckSettings, RuntimeLookups>();

/** One run's answers about the packages around its files: the copies its fixes vendor are written after all files are checked. */
function lookupsFor(settings: CheckSettings): RuntimeLookups {
  let found = lookups.get(settings);
  if (!found) lookups.set(settings, (found = memoizedLookups()));
  return found;
}

function projectFor(settings: CheckSettings, parser: FastParser | undefined): DiskProject {
  let project = projects.get(settings);
  if (!project) projects.set(settings, (project = new DiskProject(parser)));
  return project;
}

/** Applies and writes the fixes of `file`; returns the text to report on (the original when not written). */
function fixFile(file: string, source: SourceFile, runFix: Partial<FixOptions>, settings: CheckSettings, outcome: FileOutcome, parser: FastParser | undefined): string {
  // Read from the disk once, and only for a file that has something to fix.
  let resolved: Partial<FixOptions> | undefined;
  const fix = (): Partial<FixOptions> => (resolved ??= fixOptionsForFile(file, runFix, settings.config.fix?.runtime !== undefined, lookupsFor(settings)));
  const fixed = fixText(source.text, file, settings.config, fix, { parser, ...(outcome.result.kind ? { kind: outcome.result.kind } : {}), project: projectFor(settings, parser) });
  if (fixed.unfixed > 0) outcome.result.unfixed = fixed.unfixed;
  if (fixed.applied === 0) return source.text;
  if (settings.fixDryRun) {
    outcome.result.fixed = fixed.applied;
    outcome.result.fixPreview = { before: source.text, after: fixed.text };
    outcome.created.push(...fixed.createFiles);
    return fixed.text;
  }
  const notWritten = writeFixedFile(file, source, fixed.text, settings.fixRoots ?? [settings.cwd], settings.cwd);
  if (notWritten !== undefined) {
    outcome.result.fixError = notWritten;
    return source.text;
  }
  outcome.result.fixed = fixed.applied;
  outcome.created.push(...fixed.createFiles);
  return fixed.text;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.column - b.range.start.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

export function readErrorMessage(err: unknown): string {
  if (err instanceof NotReadableError) return err.message;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'ENOENT') return 'the file no longer exists';
  return errorMessage(err);
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
