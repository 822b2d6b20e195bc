import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { ALL_RULES, ConfigError, FIX_DEFAULTS, confidenceCeiling, severityIn, type AwaitguardConfig, type CreatedFile } from '../engine/index.js';
import { classifyFile } from '../shared/fileKind.js';
import { packageRootOf } from '../shared/runtimeHome.js';
import { withoutVendoring, type FixOptions } from '../fixes/index.js';
import { applyBaseline, buildBaseline, pruneBaseline, readBaseline, writeBaseline } from './baseline.js';
import { ResultCache, resolveCacheFile } from './cache.js';
import { checkFile, errorMessage, readSource, type CheckSettings } from './checkFile.js';
import { checkFiles } from './pool.js';
import { progressLine } from './progress.js';
import { fastParser } from '../shared/fastParser.js';
import { maxFastParseLength, threadStackMb } from '../shared/stack.js';
import { changedSince, onlyChanged } from './changedSince.js';
import { inShard } from './shard.js';
import { jobSummary } from './jobSummary.js';
import { mergeReports, type MergeOptions } from './mergeReports.js';
import { checkVendorPath, createVendoredFiles, fixRoots, projectRoot } from './fix.js';
import { HELP_TEXT, parseArgs, type CheckOptions, type FormatName } from './args.js';
import { discoverFiles } from '../shared/discover.js';
import { UsageError } from '../shared/errors.js';
import { formatEslint } from './formatters/eslint.js';
import { formatGithub } from './formatters/github.js';
import { formatJson } from './formatters/json.js';
import { formatSarif } from './formatters/sarif.js';
import { formatStylish } from './formatters/stylish.js';
import { loadConfig } from './loadConfig.js';
import { displayPath } from '../shared/paths.js';
import { isDebug } from './internalError.js';
import { countResults, plural, type FileResult, type Formatter, type Report } from './report.js';
import { buildId, packageVersion } from './version.js';

export { checkFile, MAX_FILE_BYTES } from './checkFile.js';
export { isDebug } from './internalError.js';

export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_USAGE = 2;

export interface RunIO {
  cwd: string;
  /** All of standard input, for `--stdin` (default: read file descriptor 0). */
  readStdin?: () => string;
  env: Record<string, string | undefined>;
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  /** Progress goes here, on a terminal. */
  stderr: { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
}

const FORMATTERS: Record<FormatName, Formatter> = {
  stylish: formatStylish,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
  eslint: formatEslint,
};

/**
 * The fixes a format shows with each finding: json counts the project's; eslint lists them as the ESLint plugin's
 * suggestions, which cannot create the vendored runtime and so import the package's (as the plugin does).
 */
function fixesShownBy(format: FormatName, config: AwaitguardConfig, projectRoot: string): Partial<FixOptions> | undefined {
  if (format === 'json') return { ...config.fix, projectRoot };
  if (format === 'eslint') return withoutVendoring({ ...config.fix, projectRoot });
  return undefined;
}

/** How the process that runs the CLI can be reached from worker threads and identified by the cache. */
export interface RunHost {
  /** The script a check worker runs (the CLI bundle); without it every file is checked in this thread. */
  workerScript?: URL;
}

/** Runs the CLI; resolves to the exit code. Rejects only on bugs (main.ts reports those as internal errors). */
export async function run(argv: readonly string[], io: RunIO, host: RunHost = {}): Promise<number> {
  const fail = (message: string): number => {
    io.stderr.write(`awaitguard: ${message}\n`);
    return EXIT_USAGE;
  };
  try {
    const parsed = parseArgs(argv);
    if (parsed.command === 'help') {
      io.stdout.write(HELP_TEXT);
      return EXIT_OK;
    }
    if (parsed.command === 'version') {
      io.stdout.write(`${packageVersion()}\n`);
      return EXIT_OK;
    }
    if (parsed.command === 'merge-reports') return merge(parsed.options, io);
    return await check(parsed.options, io, host);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) return fail(err.message);
    throw err;
  }
}

async function check(options: CheckOptions, io: RunIO, host: RunHost): Promise<number> {
  const cwd = path.resolve(io.cwd);
  const loaded = loadConfig(cwd, options.config);
  if (options.printConfig !== undefined) {
    io.stdout.write(printedConfig(path.resolve(cwd, options.printConfig), effectiveConfig(loaded, options), loaded, cwd));
    return EXIT_OK;
  }
  if (options.fix && options.fixDryRun) throw new UsageError('use one of --fix and --fix-dry-run');
  // A baseline written from part of the files would drop every other file's entries.
  const partial = options.shard ? '--shard' : options.changedSince !== undefined ? '--changed-since' : options.stdin ? '--stdin' : undefined;
  if (partial && options.baselineWrite !== undefined) throw new UsageError(`--baseline-write records every finding of a full run; with ${partial} it would drop the other files' entries`);
  if (options.stdinFilename !== undefined && !options.stdin) throw new UsageError('--stdin-filename names the code read with --stdin; pass --stdin too');
  if (options.stdin) {
    if (options.paths.length > 0) throw new UsageError(`--stdin checks standard input, not files; drop ${options.paths.join(' ')}`);
    if (options.fix) throw new UsageError('--fix cannot write standard input back; --fix-dry-run shows what it would change');
  }
  const config = effectiveConfig(loaded, options);
  // Read before the (possibly long) check, so a bad baseline fails fast.
  if ([options.baseline, options.baselineWrite, options.baselinePrune].filter((o) => o !== undefined).length > 1) {
    throw new UsageError('use one of --baseline, --baseline-write and --baseline-prune');
  }
  const baselineOption = options.baseline ?? options.baselinePrune;
  const baselineFile = baselineOption === undefined ? undefined : path.resolve(cwd, baselineOption);
  const baseline = baselineFile === undefined ? undefined : readBaseline(baselineFile, displayPath(baselineFile, cwd));

  if (options.changedSince !== undefined && options.stdin) throw new UsageError('--changed-since checks files of a git repository, not standard input');
  const changed = options.changedSince === undefined ? undefined : changedSince(options.changedSince, cwd);
  const stdinFile = options.stdin ? path.resolve(cwd, options.stdinFilename ?? '<stdin>.ts') : undefined;
  const discovered = stdinFile !== undefined ? { files: [stdinFile], warnings: [] } : discoverFiles({
    cwd,
    paths: options.paths,
    include: config.include,
    exclude: config.exclude,
    configDir: loaded.dir,
    ...(loaded.source !== undefined ? { configSource: loaded.source } : {}),
  });
  for (const warning of discovered.warnings) io.stderr.write(`awaitguard: warning: ${warning}\n`);
  if (changed) {
    const all = discovered.files.length;
    discovered.files = discovered.files.filter((f) => changed.has(f));
    if (options.debug === true || isDebug(io.env)) io.stderr.write(`awaitguard: --changed-since ${options.changedSince}: ${plural(discovered.files.length, 'file')} of ${all} changed\n`);
  }
  if (options.shard) {
    const shard = options.shard;
    discovered.files = discovered.files.filter((f) => inShard(f, cwd, shard));
  }
  // With --changed-since, nothing changed is an answer, not a warning; a shard may be empty.
  if (discovered.files.length === 0 && discovered.warnings.length === 0 && !changed && !options.shard) {
    io.stderr.write('awaitguard: warning: no TypeScript or JavaScript files to check\n');
  }

  const debug = options.debug === true || isDebug(io.env);
  // A file named on the command line is checked whatever it looks like: the user asked for it.
  const explicitFiles = options.paths.map((p) => path.resolve(cwd, p)).filter((p) => discovered.files.includes(p));
  const settings: CheckSettings = { cwd, root: loaded.dir, config, debug, ...(explicitFiles.length > 0 ? { explicitFiles } : {}) };
  const shownFixes = fixesShownBy(options.format, config, loaded.dir);
  if (shownFixes) settings.withFixes = shownFixes;
  if (options.fix || options.fixDryRun) {
    settings.fix = fixOptionsFor(config, cwd, loaded);
    settings.fixRoots = fixRoots(cwd, options.paths);
    if (options.fixDryRun) settings.fixDryRun = true;
  }
  const cache =
    options.cache || options.cacheLocation !== undefined
      ? ResultCache.open(resolveCacheFile(cwd, options.cacheLocation), cwd, buildId(), settingsHash(config), settings.withFixes ? stableJson(settings.withFixes) : undefined)
      : undefined;
  if (cache?.warning) io.stderr.write(`awaitguard: warning: ${cache.warning}\n`);
  const results = stdinFile !== undefined ? [checkStdin(stdinFile, settings, io)] : await checkAll(discovered.files, settings, options, io, host, cache);
  if (cache) {
    const failure = cache.save();
    if (failure) io.stderr.write(`awaitguard: warning: cannot write the cache ${displayPath(cache.file, cwd)}: ${failure}\n`);
  }

  if (debug) {
    for (const r of results) if (r.generated !== undefined) io.stderr.write(`awaitguard: skipped ${r.relPath}: generated (${r.generated})\n`);
  }
  const reported = applyBaselineOptions(options, changed ? onlyChanged(results, changed) : results, baseline, baselineFile, io, cwd);
  const all = countResults(reported);

  const shown = options.quiet ? reported.map(errorsOnly) : reported;
  const report: Report = { cwd, version: packageVersion(), results: shown, rules: ALL_RULES.map((rule) => rule.meta) };

  const toFile = options.output !== undefined;
  const color = options.color ?? (!toFile && autoColor(io));
  const text = FORMATTERS[options.format](report, { color, explain: options.explain === true });
  if (!writeReport(text, options.output, cwd, io)) return EXIT_USAGE;

  if (options.summary !== undefined) {
    const target = path.resolve(cwd, options.summary);
    const notes = [
      ...(options.changedSince !== undefined ? [`Checked the files changed since \`${options.changedSince}\`; findings in the functions they change.`] : []),
      ...(options.shard ? [`Shard ${options.shard.index} of ${options.shard.count}.`] : []),
      ...(options.baseline !== undefined ? [`Findings recorded in the baseline \`${options.baseline}\` are not counted.`] : []),
    ];
    try {
      appendFileSync(target, jobSummary(reported, notes));
    } catch (err) {
      io.stderr.write(`awaitguard: warning: cannot write the summary to ${displayPath(target, cwd)}: ${errorMessage(err)}\n`);
    }
  }
  if (all.internalErrorCount > 0) {
    io.stderr.write(`awaitguard: internal error while analysing ${plural(all.internalErrorCount, 'file')} (see the report)\n`);
    return EXIT_USAGE;
  }
  if (all.errorCount > 0 || all.parseErrorCount > 0 || all.readErrorCount > 0) return EXIT_PROBLEMS;
  if (options.maxWarnings !== undefined && all.warningCount > options.maxWarnings) {
    io.stderr.write(`awaitguard: too many warnings (${all.warningCount}; --max-warnings allows ${options.maxWarnings})\n`);
    return EXIT_PROBLEMS;
  }
  return EXIT_OK;
}

/** The report on stdout, or in `output`; false (said on stderr) when it cannot be written there. */
function writeReport(text: string, output: string | undefined, cwd: string, io: RunIO): boolean {
  if (output === undefined) {
    io.stdout.write(text);
    return true;
  }
  const target = path.resolve(cwd, output);
  try {
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
    return true;
  } catch (err) {
    io.stderr.write(`awaitguard: cannot write the report to ${displayPath(target, cwd)}: ${errorMessage(err)}\n`);
    return false;
  }
}

/** `awaitguard merge-reports`: the shards' reports as one, on stdout or in `--output`, with the run's exit code. */
function merge(options: MergeOptions, io: RunIO): number {
  const cwd = path.resolve(io.cwd);
  const merged = mergeReports(options, cwd);
  if (!writeReport(merged.text, options.output, cwd, io)) return EXIT_USAGE;
  if (merged.why) io.stderr.write(`awaitguard: ${merged.why}\n`);
  return merged.exitCode;
}

/** The configuration file's settings with the command line's on top. */
function effectiveConfig(loaded: ReturnType<typeof loadConfig>, options: CheckOptions): AwaitguardConfig {
  return {
    ...loaded.config,
    rules: { ...loaded.config.rules, ...Object.fromEntries(options.rules) },
    ...(options.minConfidence ? { minConfidence: options.minConfidence } : {}),
    ...(options.includeGenerated ? { includeGenerated: true } : {}),
    ...(options.reportUnusedDisableDirectives ? { reportUnusedDisableDirectives: options.reportUnusedDisableDirectives } : {}),
  };
}

/** `--stdin`: the text on standard input, checked in this thread as the file `file` (which need not exist). */
function checkStdin(file: string, settings: CheckSettings, io: RunIO): FileResult {
  const bytes = Buffer.from((io.readStdin ?? (() => readFileSync(0, 'utf8')))(), 'utf8');
  const text = bytes.toString('utf8');
  const bom = text.charCodeAt(0) === 0xfeff;
  return checkFile(file, settings, { text: bom ? text.slice(1) : text, bom, bytes }).result;
}

/**
 * `--print-config FILE`: what applies to FILE, as JSON: where the configuration came from, the kind of file its
 * path (and text, when it exists) makes it, each rule's severity and the most confidence its findings can have
 * there, and the rest of the effective configuration.
 */
function printedConfig(file: string, config: AwaitguardConfig, loaded: ReturnType<typeof loadConfig>, cwd: string): string {
  let text: string | undefined;
  try {
    text = readSource(file);
  } catch {
    // Not there (yet): judged by its path alone.
  }
  const { kind } = classifyFile(file, loaded.dir, config, text);
  const rules = Object.fromEntries(
    ALL_RULES.map(({ meta }) => [meta.id, { severity: severityIn(meta, kind, config), maxConfidence: confidenceCeiling(meta, kind) ?? 'high' }]),
  );
  const printed = {
    file: displayPath(file, cwd),
    kind,
    configFile: loaded.file === undefined ? null : displayPath(loaded.file, cwd),
    minConfidence: config.minConfidence ?? 'medium',
    rules,
    include: config.include,
    exclude: config.exclude,
    lockClasses: config.lockClasses,
    fix: { ...FIX_DEFAULTS, ...config.fix },
    reportUnusedDisableDirectives: config.reportUnusedDisableDirectives ?? 'off',
    includeGenerated: config.includeGenerated ?? false,
    generatorsSuspend: config.generatorsSuspend ?? true,
    ...(config.fileKinds ? { fileKinds: config.fileKinds } : {}),
    ...(config.rulesByKind ? { rulesByKind: config.rulesByKind } : {}),
  };
  return `${JSON.stringify(printed, null, 2)}\n`;
}

/** `--quiet`: a result with its errors only. */
function errorsOnly(r: FileResult): FileResult {
  const shown: FileResult = { ...r, findings: r.findings.filter((f) => f.severity === 'error') };
  if (r.unusedDirectives) shown.unusedDirectives = r.unusedDirectives.filter((u) => u.severity === 'error');
  return shown;
}

/**
 * `--baseline-write` records every finding and reports none of them; `--baseline` drops the findings it holds
 * and says on stderr how many it hid and how many of its entries no longer occur.
 */
function applyBaselineOptions(
  options: CheckOptions,
  results: FileResult[],
  baseline: ReturnType<typeof readBaseline> | undefined,
  baselineFile: string | undefined,
  io: RunIO,
  cwd: string,
): FileResult[] {
  if (options.baselineWrite !== undefined) {
    const target = path.resolve(cwd, options.baselineWrite);
    const written = buildBaseline(results, target);
    writeBaseline(target, written);
    const count = written.findings.reduce((n, e) => n + e.count, 0);
    io.stderr.write(`awaitguard: wrote ${plural(count, 'finding')} to the baseline ${displayPath(target, cwd)}\n`);
    return applyBaseline(results, written, target).results;
  }
  if (!baseline || !baselineFile) return results;
  const shown = displayPath(baselineFile, cwd);
  if (options.baselinePrune !== undefined) {
    const pruned = pruneBaseline(results, baseline, baselineFile);
    if (pruned.removed > 0) writeBaseline(baselineFile, pruned.baseline);
    io.stderr.write(`awaitguard: pruned ${plural(pruned.removed, 'entry', 'entries')} that no longer ${pruned.removed === 1 ? 'occurs' : 'occur'} from the baseline ${shown}\n`);
    baseline = pruned.baseline;
  }
  const outcome = applyBaseline(results, baseline, baselineFile);
  if (outcome.matched > 0) io.stderr.write(`awaitguard: ${plural(outcome.matched, 'finding')} in the baseline ${shown} not reported\n`);
  if (outcome.unmatched > 0) {
    io.stderr.write(
      `awaitguard: ${plural(outcome.unmatched, 'baseline entry', 'baseline entries')} no longer ${outcome.unmatched === 1 ? 'occurs' : 'occur'}` +
        ` (fixed or changed code); drop ${outcome.unmatched === 1 ? 'it' : 'them'} with --baseline-prune ${shown} (--baseline-write would also accept every new finding)\n`,
    );
  }
  return outcome.results;
}

/**
 * Checks the files (cached results first, the rest in worker threads), applies and reports `--fix`, and
 * returns one result per file in discovery order.
 */
async function checkAll(
  files: readonly string[],
  settings: CheckSettings,
  options: CheckOptions,
  io: RunIO,
  host: RunHost,
  cache: ResultCache | undefined,
): Promise<FileResult[]> {
  const results = new Array<FileResult>(files.length);
  const pending: number[] = [];
  files.forEach((file, index) => {
    const hit = cache?.lookup(file);
    // `--fix` has work to do in a file with findings even when its result is cached.
    if (hit && !(settings.fix && (hit.findings.length > 0 || (hit.unusedDirectives?.length ?? 0) > 0))) results[index] = hit;
    else pending.push(index);
  });

  // Machine formats are read by programs, which get nothing but the report.
  const progress = progressLine(io.stderr, options.format === 'stylish' ? files.length : 0);
  let done = files.length - pending.length;
  let findings = results.reduce((n, r) => n + (r?.findings.length ?? 0), 0);
  const created: CreatedFile[] = [];
  const { outcomes, workers } = await checkFiles(
    pending.map((i) => files[i]!),
    settings,
    {
      jobs: options.jobs ?? availableParallelism(),
      explicitJobs: options.jobs !== undefined,
      ...(host.workerScript ? { workerScript: host.workerScript } : {}),
      onOutcome: (_, outcome) => {
        progress.update(++done, (findings += outcome.result.findings.length));
      },
    },
  );
  progress.end();
  if (settings.debug) {
    const where = workers > 0 ? `${workers} worker threads` : 'the run thread';
    io.stderr.write(`awaitguard: checked ${pending.length} of ${plural(files.length, 'file')} in ${where}; ${files.length - pending.length} from the cache\n`);
    const fast = fastParser(io.env) ? `oxc-parser for files up to ${maxFastParseLength()} characters (${threadStackMb()} MB stack), ` : '';
    io.stderr.write(`awaitguard: parser: ${fast ? `${fast}typescript-estree for larger ones and where oxc reports an error` : 'typescript-estree'}\n`);
  }
  outcomes.forEach((outcome, k) => {
    results[pending[k]!] = outcome.result;
    // A dry run's results describe the fixed text, which is not on disk.
    if (!settings.fixDryRun) cache?.store(outcome.result, outcome.contentHash, outcome.dependencies);
    if (outcome.debugText) io.stderr.write(outcome.debugText);
    for (const c of outcome.created) if (!created.some((x) => x.path === c.path)) created.push(c);
  });

  if (settings.fixDryRun) reportDryRun(results, created, io, settings.cwd);
  else if (settings.fix) reportFixes(results, created, settings.fix, io, settings.cwd);
  return results;
}

/** Creates the runtime copies the applied fixes import, and says on stderr what `--fix` did and did not write. */
function reportFixes(results: readonly FileResult[], created: readonly CreatedFile[], fix: Partial<FixOptions>, io: RunIO, cwd: string): void {
  for (const r of results) if (r.fixError !== undefined) io.stderr.write(`awaitguard: warning: ${r.relPath}: ${r.fixError}; not fixed\n`);
  for (const r of results) {
    if (r.unfixed === undefined || r.fixError !== undefined) continue;
    io.stderr.write(`awaitguard: warning: ${r.relPath}: ${plural(r.unfixed, 'finding')} left unfixed: applying ${r.unfixed === 1 ? 'its fix' : 'their fixes'} did not remove ${r.unfixed === 1 ? 'it' : 'them'}\n`);
  }
  // Each copy stays inside the package it was made for (see shared/runtimeHome.ts).
  const vendored = createVendoredFiles(created, (file) => packageRootOf(path.dirname(file)) ?? fix.projectRoot ?? cwd, cwd);
  for (const w of vendored.written) io.stderr.write(`awaitguard: created ${displayPath(w, cwd)} (the Lock/Semaphore runtime the fixes import)\n`);
  for (const { path: p, why } of vendored.refused) io.stderr.write(`awaitguard: warning: cannot create ${displayPath(p, cwd)} (the runtime the fixes import): ${why}\n`);
  const fixedFiles = results.filter((r) => (r.fixed ?? 0) > 0);
  const count = fixedFiles.reduce((n, r) => n + (r.fixed ?? 0), 0);
  if (count > 0) io.stderr.write(`awaitguard: applied ${plural(count, 'fix', 'fixes')} in ${plural(fixedFiles.length, 'file')}\n`);
}

/** What `--fix-dry-run` would have done, on stderr; the diff itself is in the report. */
function reportDryRun(results: readonly FileResult[], created: readonly CreatedFile[], io: RunIO, cwd: string): void {
  for (const c of created) if (!existsSync(c.path)) io.stderr.write(`awaitguard: would create ${displayPath(c.path, cwd)} (the Lock/Semaphore runtime the fixes import)\n`);
  const fixedFiles = results.filter((r) => (r.fixed ?? 0) > 0);
  const count = fixedFiles.reduce((n, r) => n + (r.fixed ?? 0), 0);
  io.stderr.write(`awaitguard: --fix-dry-run: would apply ${plural(count, 'fix', 'fixes')} in ${plural(fixedFiles.length, 'file')}; nothing written\n`);
}

/** Throws a UsageError when `vendorPath` leads out of the project, before any file is fixed. */
function fixOptionsFor(config: AwaitguardConfig, cwd: string, loaded: ReturnType<typeof loadConfig>): Partial<FixOptions> {
  const fix = { ...config.fix, projectRoot: projectRoot(cwd, loaded.file, loaded.dir) };
  checkVendorPath(fix, cwd);
  return fix;
}

/** Everything besides a file's text that decides its findings. Fix settings do not: `--fix` re-checks anyway, and fixes are keyed apart (`ResultCache`). */
function settingsHash(config: AwaitguardConfig): string {
  const decisive: Partial<AwaitguardConfig> = { ...config };
  delete decisive.fix;
  delete decisive.include;
  delete decisive.exclude;
  return createHash('sha1').update(stableJson(decisive)).digest('base64url');
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function autoColor(io: RunIO): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  return io.stdout.isTTY === true;
}
