import { CONFIDENCES, SEVERITIES, closest, didYouMean, isOneOf, parseRuleOverride, type Confidence, type RuleId, type Severity } from '../engine/index.js';
import { UsageError } from '../shared/errors.js';
import { parseShard, type Shard } from './shard.js';
import type { MergeOptions } from './mergeReports.js';

export const FORMATS = ['stylish', 'json', 'sarif', 'github', 'eslint'] as const;
export type FormatName = (typeof FORMATS)[number];

export interface CheckOptions {
  /** Files, folders and globs as given; empty means the current folder. */
  paths: string[];
  format: FormatName;
  /** Write the report to this file instead of stdout. */
  output?: string;
  /** Exit 1 when there are more warnings than this; undefined means no limit. */
  maxWarnings?: number;
  /** `--rule id=severity` overrides, in the order given (later wins). */
  rules: [RuleId, Severity][];
  /** `--config FILE`; undefined means search from the working folder upwards. */
  config?: string;
  /** `--color` / `--no-color`; undefined means: only when stdout is a terminal and NO_COLOR is unset. */
  color?: boolean;
  /** Report errors only. */
  quiet: boolean;
  /** `--explain`: print each finding's interleaving under it (stylish). */
  explain?: boolean;
  /** `--min-confidence`: hide findings below it (default: the configuration's, else medium). */
  minConfidence?: Confidence;
  /** Apply the preferred fix of each finding and write the files. */
  fix: boolean;
  /** `--fix-dry-run`: compute the fixes as `--fix` does and show them; write nothing. */
  fixDryRun?: boolean;
  /** `--jobs N`: worker threads; undefined means one per core (fewer for small runs). */
  jobs?: number;
  /** Reuse results of files whose text, config and awaitguard build are unchanged. */
  cache: boolean;
  /** `--cache-location`: a cache file, or a folder for it. */
  cacheLocation?: string;
  /** Report only findings not in this baseline file. */
  baseline?: string;
  /** Record every current finding in this baseline file. */
  baselineWrite?: string;
  /** Drop the entries of this baseline file that no longer occur, add nothing, and report as `--baseline` does. */
  baselinePrune?: string;
  /** `--include-generated`: check generated, vendored and minified files too. */
  includeGenerated?: boolean;
  /** `--debug`: list the files skipped as generated, keep internal errors' stacks. */
  debug?: boolean;
  /** `--summary FILE`: append a Markdown summary of the run to FILE (a CI job's summary page). */
  summary?: string;
  /** `--shard i/n`: check the i-th of n deterministic parts of the files. */
  shard?: Shard;
  /** `--changed-since REF`: check the files changed since the merge base of REF, report findings in changed functions. */
  changedSince?: string;
  /** `--stdin`: check the text on standard input instead of files. */
  stdin?: boolean;
  /** `--stdin-filename`: the path the standard input is checked as (its kind, its parser, its name in the report). */
  stdinFilename?: string;
  /** `--print-config FILE`: print the configuration that applies to FILE and check nothing. */
  printConfig?: string;
  /** `--report-unused-disable-directives[-severity]`: report disable directives that suppress nothing. */
  reportUnusedDisableDirectives?: Severity;
}

export type ParsedArgs = { command: 'help' } | { command: 'version' } | { command: 'check'; options: CheckOptions } | { command: 'merge-reports'; options: MergeOptions };

export const HELP_TEXT = `Usage: awaitguard check [options] [paths...]
       awaitguard merge-reports [-o FILE] [--max-warnings N] REPORT...

Finds async races in TypeScript and JavaScript: shared state read before an
await and written after it, check-then-act, lock leaks, unbounded fan-out.

Paths are files, folders or globs (quote globs: 'src/**/*.ts'); the default is
the current folder. .gitignore files are respected; node_modules and .git are
always skipped.

Options:
  -c, --config FILE       Use this configuration file (JSON). By default the
                          first awaitguard.config.json, or package.json with an
                          "awaitguard" key, in the current folder or above.
  -f, --format NAME       Report format: stylish (default), json, sarif, github,
                          eslint (ESLint's JSON formatter shape)
  -o, --output FILE       Write the report to FILE instead of stdout
      --summary FILE      Append a Markdown summary (findings per rule, files
                          checked) to FILE, e.g. "$GITHUB_STEP_SUMMARY"
      --max-warnings N    Exit with code 1 when there are more than N warnings
      --rule ID=SEVERITY  Set a rule's severity: off, info, warning, error
                          (repeatable; overrides the configuration)
      --fix               Apply the preferred fix of each finding (guard with a
                          Lock, limit with a Semaphore) and write the files;
                          a file is written only if it still parses
      --fix-dry-run       Show what --fix would change (a unified diff; with
                          --format json, each file's edits and output) and
                          write nothing
      --quiet             Report errors only
      --shard I/N         Check the I-th of N parts of the files (split by a hash
                          of each path), for N parallel CI jobs; merge their
                          reports with awaitguard merge-reports
      --changed-since REF Check only the files changed since REF (its merge base
                          with HEAD, uncommitted and new files included), and
                          report only findings in functions that changed
      --stdin             Check the code on standard input instead of files
      --stdin-filename PATH
                          The path that code is checked as (its kind of file,
                          its parser, its name in the report; default
                          <stdin>.ts)
      --print-config FILE Print the configuration that applies to FILE (rules
                          and severities for its kind of file) as JSON, and
                          check nothing
      --include-generated Check generated, vendored and minified files too
                          (skipped by default; a file named here is always
                          checked)
      --debug             List the files skipped as generated, and keep the
                          stack of an internal error
      --min-confidence L  Report findings of at least this confidence: high,
                          medium (default) or low
      --report-unused-disable-directives
                          Report disable directives (awaitguard-disable…, and
                          eslint-disable… naming awaitguard/<rule>) that
                          suppress nothing, as errors; --fix removes them
      --report-unused-disable-directives-severity SEVERITY
                          The same at this severity: off, info, warning, error
      --baseline FILE     Report only findings that are not in the baseline
                          FILE, and say how many of its entries no longer occur
      --baseline-write FILE
                          Record every current finding in FILE (keyed by rule,
                          file, enclosing function and code, not line), so later
                          runs with --baseline FILE fail only on new ones
      --baseline-prune FILE
                          Drop the entries of FILE that no longer occur (fixed
                          code), add nothing, and report as --baseline FILE
  -j, --jobs N            Check files in N worker threads (default: one per
                          core; small runs use fewer)
      --cache             Skip files whose content, configuration and awaitguard
                          version are unchanged since the last cached run
      --cache-location PATH
                          Cache file, or a folder for it (default:
                          node_modules/.cache/awaitguard/)
      --explain           Print under each finding the interleaving that makes it
                          a race, step by step (stylish and github formats;
                          JSON and SARIF always carry it)
      --color, --no-color Force or disable colors (default: on when stdout is a
                          terminal and NO_COLOR is not set)
  -h, --help              Show this help
  -v, --version           Show the version

merge-reports: the JSON (or SARIF) reports of --shard jobs as the one report a
single run writes, with its exit code.

Exit codes:
  0  no errors, and no more warnings than --max-warnings
  1  errors found, too many warnings, or a file could not be parsed or read
  2  invalid usage or configuration, or an internal error
`;

type ValueOption = 'config' | 'format' | 'output' | 'max-warnings' | 'rule' | 'jobs' | 'cache-location' | 'baseline' | 'baseline-write' | 'baseline-prune' | 'min-confidence' | 'unused-directives-severity' | 'stdin-filename' | 'print-config' | 'changed-since' | 'shard' | 'summary';
type FlagOption = 'explain' | 'quiet' | 'fix' | 'cache' | 'color' | 'no-color' | 'help' | 'version' | 'include-generated' | 'debug' | 'unused-directives' | 'stdin' | 'fix-dry-run';

const VALUE_OPTIONS: Record<string, ValueOption> = {
  '--config': 'config',
  '-c': 'config',
  '--format': 'format',
  '-f': 'format',
  '--output': 'output',
  '-o': 'output',
  '--max-warnings': 'max-warnings',
  '--rule': 'rule',
  '--jobs': 'jobs',
  '-j': 'jobs',
  '--cache-location': 'cache-location',
  '--baseline': 'baseline',
  '--baseline-write': 'baseline-write',
  '--baseline-prune': 'baseline-prune',
  '--min-confidence': 'min-confidence',
  '--report-unused-disable-directives-severity': 'unused-directives-severity',
  '--stdin-filename': 'stdin-filename',
  '--print-config': 'print-config',
  '--changed-since': 'changed-since',
  '--shard': 'shard',
  '--summary': 'summary',
};

const FLAG_OPTIONS: Record<string, FlagOption> = {
  '--explain': 'explain',
  '--quiet': 'quiet',
  '--include-generated': 'include-generated',
  '--debug': 'debug',
  '--report-unused-disable-directives': 'unused-directives',
  '--stdin': 'stdin',
  '--fix': 'fix',
  '--fix-dry-run': 'fix-dry-run',
  '--cache': 'cache',
  '--color': 'color',
  '--no-color': 'no-color',
  '--help': 'help',
  '-h': 'help',
  '--version': 'version',
  '-v': 'version',
};

const COMMANDS = ['check', 'merge-reports', 'help'];

/** Parses the arguments after `node cli.js`. Throws UsageError (or ConfigError for a bad `--rule`). */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const first = argv[0];
  if (first === undefined) {
    throw new UsageError("missing command; usage: awaitguard check [options] [paths...] (see 'awaitguard --help')");
  }
  if (first === '--help' || first === '-h' || first === 'help') return { command: 'help' };
  if (first === '--version' || first === '-v') return { command: 'version' };
  if (!COMMANDS.includes(first)) {
    if (first.startsWith('-')) {
      throw new UsageError(`expected a command before ${first}; usage: awaitguard check [options] [paths...]`);
    }
    const command = closest(first, COMMANDS);
    throw new UsageError(`unknown command "${first}" (did you mean "awaitguard ${command ?? `check ${first}`}"?)`);
  }

  if (first === 'merge-reports') return parseMergeArgs(argv.slice(1));
  const options: CheckOptions = { paths: [], format: 'stylish', rules: [], quiet: false, fix: false, cache: false };
  let help = false;
  let version = false;
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      options.paths.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      if (arg === '-') throw new UsageError('to check standard input, pass --stdin (and --stdin-filename PATH for its name)');
      options.paths.push(arg);
      continue;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const inlineValue = eq >= 0 ? arg.slice(eq + 1) : undefined;

    const flag = FLAG_OPTIONS[name];
    if (flag !== undefined) {
      if (inlineValue !== undefined) throw new UsageError(`option ${name} does not take a value`);
      if (flag === 'quiet') options.quiet = true;
      else if (flag === 'explain') options.explain = true;
      else if (flag === 'include-generated') options.includeGenerated = true;
      else if (flag === 'debug') options.debug = true;
      // ESLint's flag reports them as errors.
      else if (flag === 'unused-directives') options.reportUnusedDisableDirectives = 'error';
      else if (flag === 'stdin') options.stdin = true;
      else if (flag === 'fix-dry-run') options.fixDryRun = true;
      else if (flag === 'fix') options.fix = true;
      else if (flag === 'cache') options.cache = true;
      else if (flag === 'color') options.color = true;
      else if (flag === 'no-color') options.color = false;
      else if (flag === 'help') help = true;
      else version = true;
      continue;
    }

    const valueOption = VALUE_OPTIONS[name];
    if (valueOption === undefined) {
      const hint = didYouMean(name, [...Object.keys(VALUE_OPTIONS), ...Object.keys(FLAG_OPTIONS)].filter((o) => o.startsWith('--')), '');
      throw new UsageError(`unknown option ${name}${hint || " (see 'awaitguard --help')"}`);
    }
    let value = inlineValue;
    if (value === undefined) {
      const next = argv[i + 1];
      // `--max-warnings -1` is a value; `--output --quiet` is a forgotten value.
      if (next === undefined || (next.startsWith('-') && next !== '-' && !/^-\d+$/.test(next))) {
        throw new UsageError(`option ${name} requires a value`);
      }
      value = next;
      i++;
    }
    applyValue(options, valueOption, name, value);
  }
  if (help) return { command: 'help' };
  if (version) return { command: 'version' };
  if (first === 'help') return { command: 'help' };
  return { command: 'check', options };
}

function parseMergeArgs(argv: readonly string[]): ParsedArgs {
  const options: MergeOptions = { files: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      const v = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new UsageError(`option ${name} requires a value`);
      return v;
    };
    if (name === '--help' || name === '-h') return { command: 'help' };
    if (name === '-o' || name === '--output') options.output = value();
    else if (name === '--max-warnings') {
      const v = value();
      if (!/^-?\d+$/.test(v)) throw new UsageError(`option ${name} expects a whole number, got "${v}"`);
      if (Number(v) >= 0) options.maxWarnings = Number(v);
    } else if (arg.startsWith('-') && arg !== '-') {
      throw new UsageError(`unknown option ${name} for merge-reports${didYouMean(name, ['--output', '--max-warnings'], '') || ' (it takes -o FILE, --max-warnings N and the reports)'}`);
    } else options.files.push(arg);
  }
  return { command: 'merge-reports', options };
}

/** Options whose value is a path, and the field each sets. */
const PATH_OPTIONS = {
  config: 'config',
  output: 'output',
  'cache-location': 'cacheLocation',
  baseline: 'baseline',
  'baseline-write': 'baselineWrite',
  'baseline-prune': 'baselinePrune',
  'stdin-filename': 'stdinFilename',
  'print-config': 'printConfig',
  summary: 'summary',
} as const satisfies Partial<Record<ValueOption, keyof CheckOptions>>;

function applyValue(options: CheckOptions, option: ValueOption, name: string, value: string): void {
  if (option in PATH_OPTIONS) {
    if (value === '') throw new UsageError(`option ${name} requires a ${option === 'cache-location' ? 'path' : 'file name'}`);
    options[PATH_OPTIONS[option as keyof typeof PATH_OPTIONS]] = value;
    return;
  }
  switch (option) {
    case 'jobs': {
      const n = Number(value.trim());
      if (!/^\d+$/.test(value.trim()) || n < 1 || n > 1024) {
        throw new UsageError(`option ${name} expects a number of worker threads from 1 to 1024, got "${value}"`);
      }
      options.jobs = n;
      return;
    }
    case 'format':
      if (!(FORMATS as readonly string[]).includes(value)) {
        throw new UsageError(`unknown format "${value}"${didYouMean(value, FORMATS) || ` (expected one of ${FORMATS.join(', ')})`}`);
      }
      options.format = value as FormatName;
      return;
    case 'max-warnings': {
      if (!/^-?\d+$/.test(value.trim())) {
        throw new UsageError(`option ${name} expects a whole number, got "${value}"`);
      }
      const n = Number(value);
      if (n === -1) {
        // ESLint's spelling of "no limit".
        delete options.maxWarnings;
        return;
      }
      if (n < 0 || !Number.isSafeInteger(n)) {
        throw new UsageError(`option ${name} expects a number of warnings (0 or more, or -1 for no limit), got "${value}"`);
      }
      options.maxWarnings = n;
      return;
    }
    case 'rule':
      options.rules.push(parseRuleOverride(value));
      return;
    case 'unused-directives-severity':
      if (!isOneOf(value, SEVERITIES)) throw new UsageError(`option ${name} expects one of ${SEVERITIES.join(', ')}, got "${value}"`);
      options.reportUnusedDisableDirectives = value;
      return;
    case 'shard':
      options.shard = parseShard(value, name);
      return;
    case 'changed-since':
      if (value.trim() === '') throw new UsageError(`option ${name} requires a git revision (a branch, a tag, a commit)`);
      options.changedSince = value;
      return;
    case 'min-confidence':
      if (!isOneOf(value, CONFIDENCES)) throw new UsageError(`option ${name} expects one of ${CONFIDENCES.join(', ')}, got "${value}"`);
      options.minConfidence = value;
      return;
  }
}
