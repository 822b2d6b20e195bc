// Runs the built CLI over case files and reads its JSON report. A run over many files that crashes or hangs
// is split in halves until the files that do it alone are found, so one bad case costs a few runs, not a batch.
import { copyFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { abnormalEnd, runProcess, type ProcessResult } from './process.js';

/** The built front ends under test. */
export interface Tools {
  root: string;
  cli: string;
  server: string;
}

/**
 * default: the native parser first (oxc), as users run it. estree: AWAITGUARD_PARSER=typescript-estree.
 * jobs: default parser in two worker threads. fix: `--fix`, default parser. fix-estree: `--fix` with typescript-estree.
 */
export type Mode = 'default' | 'estree' | 'jobs' | 'fix' | 'fix-estree';

export interface JsonFinding {
  ruleId: string;
  severity: string;
  message: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  location?: string;
  related: { message: string; line: number; column: number }[];
  fixCount: number;
}

export interface FileReport {
  parseError?: { message: string; line: number; column: number };
  internalError?: string;
  readError?: string;
  skipped?: string;
  findings: JsonFinding[];
}

export interface RunProblem {
  kind: 'crash' | 'hang' | 'bad-output';
  detail: string;
  stderr: string;
}

/** Base time bound of one CLI run; each file adds 1 s plus 30 s per MB. */
export const BASE_TIMEOUT_MS = 12_000;

export function timeoutFor(bytes: readonly number[], scale = 1): number {
  return scale * (BASE_TIMEOUT_MS + bytes.reduce((s, b) => s + 1000 + (30_000 * b) / 1_048_576, 0));
}

export const usesEstree = (mode: Mode): boolean => mode === 'estree' || mode === 'fix-estree';
export const fixes = (mode: Mode): boolean => mode === 'fix' || mode === 'fix-estree';

function envFor(mode: Mode): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('AWAITGUARD_') || k === 'DEBUG' || k === 'CI' || k.startsWith('GITHUB_') || k === 'FORCE_COLOR') continue;
    env[k] = v;
  }
  env.NO_COLOR = '1';
  if (usesEstree(mode)) env.AWAITGUARD_PARSER = 'typescript-estree';
  return env;
}

/** A small file that joins every `jobs` run: with one file alone the CLI would not start workers. */
export const COMPANION = 'zz-companion.ts';
const COMPANION_TEXT = 'export let n = 0;\nexport async function bump(): Promise<void> {\n  const v = n;\n  await Promise.resolve();\n  n = v + 1;\n}\n';

export interface CliRun {
  problem?: RunProblem;
  reports: Map<string, FileReport>;
  proc: ProcessResult;
}

/** One run of the CLI in `dir` over `files` (names in `dir`). */
export async function runCli(tools: Tools, mode: Mode, dir: string, files: readonly string[], timeoutMs: number): Promise<CliRun> {
  const names = [...files];
  if (mode === 'jobs') {
    writeFileSync(path.join(dir, COMPANION), COMPANION_TEXT);
    names.push(COMPANION);
  }
  const args = [tools.cli, 'check', '--format', 'json', '--jobs', mode === 'jobs' ? '2' : '1', ...(fixes(mode) ? ['--fix'] : []), ...names];
  const proc = await runProcess(process.execPath, args, { cwd: dir, env: envFor(mode), timeoutMs });
  const reports = new Map<string, FileReport>();
  const end = abnormalEnd(proc, [0, 1, 2]);
  if (end) return { problem: { ...end, stderr: proc.stderr.slice(0, 4000) }, reports, proc };
  try {
    const json = JSON.parse(proc.stdout) as { results: (FileReport & { filePath: string })[] };
    for (const { filePath, ...r } of json.results) reports.set(filePath.split(path.sep).join('/'), r);
  } catch {
    return { problem: { kind: 'bad-output', detail: `exit ${proc.code}, stdout is not a JSON report`, stderr: (proc.stderr + proc.stdout).slice(0, 4000) }, reports, proc };
  }
  const missing = files.filter((f) => !reports.has(f));
  if (missing.length > 0) {
    return { problem: { kind: 'bad-output', detail: `the report has no entry for ${missing.length} of ${files.length} files`, stderr: proc.stderr.slice(0, 4000) }, reports, proc };
  }
  return { reports, proc };
}

/** Files above this size are checked in a run of their own. */
export const ALONE_BYTES = 64 * 1024;

export interface AttributeOptions {
  /** For fix modes: puts the original texts of `files` back before a run. */
  restore?: (files: readonly string[]) => void;
  /** Files to check in runs of their own (they hung in another mode). */
  alone?: ReadonlySet<string>;
  /** Check a single file that hangs once more with twice the bound before believing it (default true). */
  confirmHangs?: boolean;
}

export interface AttributedRun {
  reports: Map<string, FileReport>;
  /** Files that crash, hang or garble the report when checked alone (for `jobs`: with the companion). */
  problems: Map<string, RunProblem>;
  /** CLI processes started. */
  runs: number;
}

/**
 * Runs `files` together; when that run ends abnormally, splits them until each abnormal end is pinned on
 * single files. A hang is only believed when a single file still hangs with twice the time bound.
 */
export async function runAttributed(
  tools: Tools,
  mode: Mode,
  dir: string,
  files: readonly string[],
  options: AttributeOptions = {},
): Promise<AttributedRun> {
  const { restore, alone, confirmHangs = true } = options;
  const out: AttributedRun = { reports: new Map(), problems: new Map(), runs: 0 };
  restore?.(files);
  const sizeOf = (f: string): number => statSync(path.join(dir, f)).size;
  const visit = async (group: readonly string[]): Promise<void> => {
    if (group.length === 0) return;
    restore?.(group);
    // --fix parses and analyses again after every pass (up to 10): give it more time than a check.
    const bound = timeoutFor(group.map(sizeOf), fixes(mode) ? 3 : 1);
    let run = await runCli(tools, mode, dir, group, bound);
    out.runs++;
    if (run.problem?.kind === 'hang' && group.length === 1 && confirmHangs) {
      restore?.(group);
      run = await runCli(tools, mode, dir, group, 2 * bound);
      out.runs++;
    }
    if (!run.problem) {
      for (const [f, r] of run.reports) if (group.includes(f)) out.reports.set(f, r);
      return;
    }
    if (group.length === 1) {
      out.problems.set(group[0]!, run.problem);
      return;
    }
    if (run.problem.kind === 'hang') {
      // Halving would cost a time bound per step; the files that do not hang take a second each.
      for (const f of group) await visit([f]);
      return;
    }
    const mid = Math.ceil(group.length / 2);
    await visit(group.slice(0, mid));
    await visit(group.slice(mid));
  };
  // Big files go alone: a hang is most likely there, and pinning it by halving would cost a time bound per step.
  const big = files.filter((f) => sizeOf(f) > ALONE_BYTES || alone?.has(f));
  await visit(files.filter((f) => !big.includes(f)));
  for (const f of big) await visit([f]);
  return out;
}

/** Copies `files` from `from` to `to` (the originals a fix run starts from). */
export function copyCases(from: string, to: string, files: readonly string[]): void {
  for (const f of files) copyFileSync(path.join(from, f), path.join(to, f));
}

/** The fields of a finding that a front end shows; equal reports agree on these. */
export function findingKey(f: JsonFinding): string {
  return JSON.stringify([f.ruleId, f.severity, f.message, f.line, f.column, f.endLine, f.endColumn, f.location ?? null, f.related.map((r) => [r.message, r.line, r.column]), f.fixCount]);
}
