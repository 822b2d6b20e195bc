import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../shared/errors.js';
import { displayPath } from '../shared/paths.js';
import { errorMessage } from './checkFile.js';
import { JSON_FORMAT_VERSION } from './formatters/json.js';

/*
 * `awaitguard merge-reports`: the reports of `--shard` jobs (or of any runs over disjoint files) as the one report a
 * single run would have written, and its exit code. JSON and SARIF, each into its own kind: files in path order,
 * counts added up; SARIF's artifacts, rule indexes and notifications renumbered into one run.
 */

export interface MergeOptions {
  files: string[];
  output?: string;
  maxWarnings?: number;
}

export interface Merged {
  text: string;
  exitCode: 0 | 1 | 2;
  /** For stderr, when the exit code is not 0. */
  why?: string;
}

type Json = Record<string, unknown>;

export function mergeReports(options: MergeOptions, cwd: string): Merged {
  if (options.files.length === 0) throw new UsageError('merge-reports needs the reports to merge: awaitguard merge-reports shard-1.json shard-2.json …');
  const reports = options.files.map((file) => read(path.resolve(cwd, file), displayPath(path.resolve(cwd, file), cwd)));
  const kinds = new Set(reports.map((r) => r.kind));
  if (kinds.size > 1) throw new UsageError('merge-reports merges reports of one format: all JSON (--format json) or all SARIF');
  return reports[0]!.kind === 'json' ? mergeJson(reports.map((r) => r.data), options) : mergeSarif(reports.map((r) => r.data), options);
}

function read(file: string, shown: string): { kind: 'json' | 'sarif'; data: Json } {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read the report ${shown}: ${errorMessage(err)}`);
  }
  const d = data as Json;
  if (d && typeof d === 'object' && Array.isArray(d.results) && typeof d.formatVersion === 'number') {
    if (d.formatVersion !== JSON_FORMAT_VERSION) throw new UsageError(`the report ${shown} has JSON format version ${String(d.formatVersion)}; this awaitguard reads ${JSON_FORMAT_VERSION}`);
    return { kind: 'json', data: d };
  }
  if (d && typeof d === 'object' && d.version === '2.1.0' && Array.isArray(d.runs) && d.runs.length === 1) return { kind: 'sarif', data: d };
  throw new UsageError(`the report ${shown} is neither an awaitguard JSON report (--format json) nor a SARIF log of one run (--format sarif)`);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function mergeJson(reports: Json[], options: MergeOptions): Merged {
  const versions = new Set(reports.map((r) => r.version));
  if (versions.size > 1) throw new UsageError(`the reports come from different awaitguard versions (${[...versions].join(', ')}); merge reports of one version`);
  const results = reports.flatMap((r) => r.results as Json[]).sort((a, b) => compare(String(a.filePath), String(b.filePath)));
  const summary: Json = {};
  for (const r of reports) {
    for (const [key, value] of Object.entries(r.summary as Json)) {
      if (typeof value === 'number') summary[key] = ((summary[key] as number | undefined) ?? 0) + value;
      else if (value && typeof value === 'object') {
        const into = (summary[key] ??= {}) as Record<string, number>;
        for (const [k, n] of Object.entries(value as Record<string, number>)) into[k] = (into[k] ?? 0) + n;
      }
    }
  }
  const merged = { version: reports[0]!.version, formatVersion: JSON_FORMAT_VERSION, results, summary };
  const n = (key: string): number => (summary[key] as number | undefined) ?? 0;
  return withExit(`${JSON.stringify(merged, null, 2)}\n`, { internal: n('internalErrorCount'), errors: n('errorCount') + n('parseErrorCount') + n('readErrorCount'), warnings: n('warningCount') }, options);
}

interface RunJson {
  tool: { driver: { rules: Json[] } & Json };
  invocations: { executionSuccessful: boolean; toolExecutionNotifications: Json[] }[];
  originalUriBaseIds: Json;
  artifacts: { location: { uri: string; uriBaseId?: string } }[];
  results: Json[];
}

function mergeSarif(logs: Json[], options: MergeOptions): Merged {
  const runs = logs.map((l) => (l.runs as RunJson[])[0]!);
  const versions = new Set(runs.map((r) => r.tool.driver.version));
  if (versions.size > 1) throw new UsageError(`the logs come from different awaitguard versions (${[...versions].join(', ')}); merge logs of one version`);
  const bases = new Set(runs.map((r) => JSON.stringify(r.originalUriBaseIds)));
  if (bases.size > 1) throw new UsageError('the logs were written from different folders (originalUriBaseIds differ); run every shard from the same folder');
  // Rules by id, in first-seen order: a log lists the unused-directive rule only when it has such a result.
  const rules: Json[] = [];
  const ruleIndex = new Map<string, number>();
  for (const run of runs) {
    for (const rule of run.tool.driver.rules) {
      if (!ruleIndex.has(rule.id as string)) {
        ruleIndex.set(rule.id as string, rules.length);
        rules.push(rule);
      }
    }
  }
  const keyOf = (a: { uri: string; uriBaseId?: string }): string => `${a.uriBaseId ?? ''}\u0000${a.uri}`;
  // Results and notifications keep their log's artifact; they are sorted by its path, stable within one file.
  type Located = { item: Json; artifact: { uri: string; uriBaseId?: string } | undefined };
  const locate = (run: RunJson, items: Json[]): Located[] =>
    items.map((item) => {
      const loc = ((item.locations as Json[] | undefined)?.[0]?.physicalLocation as Json | undefined)?.artifactLocation as { index?: number } | undefined;
      return { item, artifact: loc?.index !== undefined ? run.artifacts[loc.index]?.location : undefined };
    });
  const byPath = (a: Located, b: Located): number => compare(a.artifact?.uri ?? '', b.artifact?.uri ?? '');
  const results = runs.flatMap((run) => locate(run, run.results)).sort(byPath);
  const notifications = runs.flatMap((run) => locate(run, run.invocations[0]?.toolExecutionNotifications ?? [])).sort(byPath);
  const artifacts: { location: { uri: string; uriBaseId?: string } }[] = [];
  const artifactIndex = new Map<string, number>();
  const reindex = ({ item, artifact }: Located): Json => {
    if (!artifact) return item;
    const key = keyOf(artifact);
    let index = artifactIndex.get(key);
    if (index === undefined) {
      index = artifacts.length;
      artifacts.push({ location: { ...artifact } });
      artifactIndex.set(key, index);
    }
    const at = (loc: Json): Json => ({ ...loc, physicalLocation: { ...(loc.physicalLocation as Json), artifactLocation: { ...artifact, index } } });
    const out: Json = { ...item, locations: (item.locations as Json[]).map(at) };
    if (Array.isArray(item.relatedLocations)) out.relatedLocations = (item.relatedLocations as Json[]).map(at);
    // The steps of the interleaving are in the result's file too.
    if (Array.isArray(item.codeFlows)) {
      out.codeFlows = (item.codeFlows as Json[]).map((flow) => ({
        ...flow,
        threadFlows: (flow.threadFlows as Json[]).map((thread) => ({
          ...thread,
          locations: (thread.locations as Json[]).map((step) => ({ ...step, location: at(step.location as Json) })),
        })),
      }));
    }
    if (typeof item.ruleId === 'string' && ruleIndex.has(item.ruleId)) out.ruleIndex = ruleIndex.get(item.ruleId);
    return out;
  };
  // The single run lists a file's artifact where it first reports on it: notifications (parse errors) come before results.
  const mergedNotifications = notifications.map(reindex);
  const mergedResults = results.map(reindex);
  const first = runs[0]!;
  const run = {
    ...first,
    tool: { ...first.tool, driver: { ...first.tool.driver, rules } },
    invocations: [{ ...first.invocations[0], executionSuccessful: runs.every((r) => r.invocations[0]?.executionSuccessful !== false), toolExecutionNotifications: mergedNotifications }],
    artifacts,
    results: mergedResults,
  };
  const merged = { ...logs[0], runs: [run] };
  const level = (items: Json[], l: string): number => items.filter((i) => i.level === l).length;
  const counts = {
    internal: runs.some((r) => r.invocations[0]?.executionSuccessful === false) ? 1 : 0,
    errors: level(mergedResults, 'error') + mergedNotifications.filter((n) => n.level === 'error' && ['parse-error', 'read-error'].includes(String((n.descriptor as Json | undefined)?.id))).length,
    warnings: level(mergedResults, 'warning'),
  };
  return withExit(`${JSON.stringify(merged, null, 2)}\n`, counts, options);
}

/** The exit code `awaitguard check` gives for these counts. */
function withExit(text: string, counts: { internal: number; errors: number; warnings: number }, options: MergeOptions): Merged {
  if (counts.internal > 0) return { text, exitCode: 2, why: 'a shard hit an internal error (see the report)' };
  if (counts.errors > 0) return { text, exitCode: 1 };
  if (options.maxWarnings !== undefined && counts.warnings > options.maxWarnings) {
    return { text, exitCode: 1, why: `too many warnings (${counts.warnings}; --max-warnings allows ${options.maxWarnings})` };
  }
  return { text, exitCode: 0 };
}
