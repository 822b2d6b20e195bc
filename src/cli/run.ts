import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ALL_RULES, ConfigError, analyze, type AwaitguardConfig, type CreatedFile, type Finding } from '../engine/index.js';
import type { FixOptions } from '../fixes/index.js';
import { fixText } from '../fixes/index.js';
import { createVendoredFiles, projectRoot } from './fix.js';
import { HELP_TEXT, parseArgs, type CheckOptions, type FormatName } from './args.js';
import { discoverFiles } from '../shared/discover.js';
import { UsageError } from '../shared/errors.js';
import { formatGithub } from './formatters/github.js';
import { formatJson } from './formatters/json.js';
import { formatSarif } from './formatters/sarif.js';
import { formatStylish } from './formatters/stylish.js';
import { loadConfig } from './loadConfig.js';
import { displayPath } from '../shared/paths.js';
import { countResults, plural, type FileResult, type Formatter, type Report } from './report.js';
import { packageVersion } from './version.js';

/** Files larger than this are reported as skipped, not analysed. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_USAGE = 2;

export interface RunIO {
  cwd: string;
  env: Record<string, string | undefined>;
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown };
}

const FORMATTERS: Record<FormatName, Formatter> = {
  stylish: formatStylish,
  json: formatJson,
  sarif: formatSarif,
  github: formatGithub,
};

/** Runs the CLI; returns the exit code. Throws only on bugs (main.ts reports those as internal errors). */
export function run(argv: readonly string[], io: RunIO): number {
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
    return check(parsed.options, io);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) return fail(err.message);
    throw err;
  }
}

function check(options: CheckOptions, io: RunIO): number {
  const cwd = path.resolve(io.cwd);
  const loaded = loadConfig(cwd, options.config);
  const config: AwaitguardConfig = {
    ...loaded.config,
    rules: { ...loaded.config.rules, ...Object.fromEntries(options.rules) },
  };

  const discovered = discoverFiles({
    cwd,
    paths: options.paths,
    include: config.include,
    exclude: config.exclude,
    configDir: loaded.dir,
    ...(loaded.source !== undefined ? { configSource: loaded.source } : {}),
  });
  for (const warning of discovered.warnings) io.stderr.write(`awaitguard: warning: ${warning}\n`);
  if (discovered.files.length === 0 && discovered.warnings.length === 0) {
    io.stderr.write('awaitguard: warning: no TypeScript or JavaScript files to check\n');
  }

  const debug = isDebug(io.env);
  const fix = options.fix ? fixOptionsFor(config, cwd, loaded) : undefined;
  const created: CreatedFile[] = [];
  const results = discovered.files.map((file) =>
    checkFile(file, cwd, config, debug ? io.stderr : undefined, fix ? { options: fix, created } : undefined),
  );
  if (fix) {
    const fixedFiles = results.filter((r) => (r.fixed ?? 0) > 0);
    const written = createVendoredFiles(created);
    for (const w of written) io.stderr.write(`awaitguard: created ${displayPath(w, cwd)} (the Lock/Semaphore runtime the fixes import)\n`);
    const count = fixedFiles.reduce((n, r) => n + (r.fixed ?? 0), 0);
    if (count > 0) io.stderr.write(`awaitguard: applied ${plural(count, 'fix', 'fixes')} in ${plural(fixedFiles.length, 'file')}\n`);
  }
  const all = countResults(results);

  const shown = options.quiet ? results.map((r) => ({ ...r, findings: r.findings.filter((f) => f.severity === 'error') })) : results;
  const report: Report = { cwd, version: packageVersion(), results: shown, rules: ALL_RULES.map((rule) => rule.meta) };

  const toFile = options.output !== undefined;
  const color = options.color ?? (!toFile && autoColor(io));
  const text = FORMATTERS[options.format](report, { color });
  if (options.output !== undefined) {
    const target = path.resolve(cwd, options.output);
    try {
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, text);
    } catch (err) {
      io.stderr.write(`awaitguard: cannot write the report to ${displayPath(target, cwd)}: ${errorMessage(err)}\n`);
      return EXIT_USAGE;
    }
  } else {
    io.stdout.write(text);
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

/** With `--fix`: how fixes are written, and where the runtime files they need are collected. */
export interface FixRun {
  options: Partial<FixOptions>;
  created: CreatedFile[];
}

function fixOptionsFor(config: AwaitguardConfig, cwd: string, loaded: ReturnType<typeof loadConfig>): Partial<FixOptions> {
  return { ...config.fix, projectRoot: projectRoot(cwd, loaded.file, loaded.dir) };
}

export function checkFile(
  file: string,
  cwd: string,
  config: AwaitguardConfig,
  debug: RunIO['stderr'] | undefined,
  fix?: FixRun,
): FileResult {
  const result: FileResult = { path: file, relPath: displayPath(file, cwd), findings: [] };
  let text: string;
  try {
    const stats = statSync(file);
    if (stats.isDirectory()) {
      result.readError = 'it is a folder';
      return result;
    }
    if (stats.size > MAX_FILE_BYTES) {
      result.skipped = `larger than 10 MB (${(stats.size / (1024 * 1024)).toFixed(1)} MB)`;
      return result;
    }
    // Invalid UTF-8 decodes to U+FFFD; the parser then reports whatever it makes of it.
    text = readFileSync(file, 'utf8');
  } catch (err) {
    result.readError = readErrorMessage(err);
    return result;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // editors do not count the BOM as a column

  try {
    if (fix) {
      const outcome = fixText(text, file, config, fix.options);
      if (outcome.applied > 0) {
        writeFileSync(file, outcome.text);
        text = outcome.text;
        result.fixed = outcome.applied;
        for (const c of outcome.createFiles) if (!fix.created.some((x) => x.path === c.path)) fix.created.push(c);
      }
    }
    const analysis = analyze(text, file, { config });
    if (analysis.parseError) result.parseError = analysis.parseError;
    result.findings = [...analysis.findings].sort(compareFindings);
    if (result.findings.length > 0) result.text = text;
  } catch (err) {
    result.internalError = errorMessage(err);
    debug?.write(`awaitguard: internal error in ${result.relPath}:\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  return result;
}

function compareFindings(a: Finding, b: Finding): number {
  return (
    a.range.start.line - b.range.start.line ||
    a.range.start.column - b.range.start.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    (a.message < b.message ? -1 : a.message > b.message ? 1 : 0)
  );
}

function readErrorMessage(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'ENOENT') return 'the file no longer exists';
  return errorMessage(err);
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function autoColor(io: RunIO): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== '' && force !== '0' && force !== 'false') return true;
  return io.stdout.isTTY === true;
}

/** `DEBUG=awaitguard` (or `*`, or a comma-separated list that contains it) prints stacks of internal errors. */
export function isDebug(env: RunIO['env']): boolean {
  return (env.DEBUG ?? '').split(/[\s,]+/).some((name) => name === '*' || name === 'awaitguard' || name === 'awaitguard:*');
}
