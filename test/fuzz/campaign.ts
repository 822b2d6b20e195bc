// The fuzzing loop: generate cases, check them in batches against every oracle, pin each failure on a case,
// minimize new kinds of failure and write them as repro files. Used by scripts/fuzz.mjs (long campaigns) and
// by test/fuzz/fuzz.test.ts (a fixed-seed sample in CI).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { COMPANION, copyCases, findingKey, runAttributed, type FileReport, type Mode, type RunProblem, type Tools } from './cli.js';
import { Compiler } from './compile.js';
import { CASE_KINDS, generateCase, type CaseKind, type FuzzCase } from './generate.js';
import { FuzzLspClient } from './lsp.js';
import { minimize } from './minimize.js';
import { caseRng, Random } from './random.js';
import { runCase } from './runtime.js';
import type { Seed } from './seeds.js';

/** What can go wrong; the report groups failures by kind, mode and a category (a signal, an error code). */
export type FailureKind =
  | 'crash'
  | 'hang'
  | 'bad-output'
  | 'internal-error'
  | 'parser-diff'
  | 'jobs-diff'
  | 'fix-breaks-parse'
  | 'fix-breaks-compile'
  | 'fix-deadlock'
  | 'fix-breaks-load'
  | 'fix-parser-diff'
  | 'lsp-died'
  | 'lsp-no-answer'
  | 'lsp-internal-error';

export type Oracle = 'default' | 'estree' | 'jobs' | 'fix' | 'compile' | 'run' | 'fix-estree' | 'lsp';
export const ALL_ORACLES: readonly Oracle[] = ['default', 'estree', 'jobs', 'fix', 'compile', 'run', 'fix-estree', 'lsp'];

export interface Failure {
  kind: FailureKind;
  /** The run that showed it: a CLI mode, `estree-on-fixed`, `compile`, `run` or `lsp`. */
  mode: string;
  category: string;
  detail: string;
  signature: string;
  seed: number;
  index: number;
  caseKind: CaseKind;
  construct?: string;
  depth: number;
  description: string;
  ext: string;
  bytes: number;
  /** Set when a repro was written. */
  repro?: string;
}

export interface Stats {
  cases: number;
  byKind: Record<string, number>;
  byConstruct: Record<string, number>;
  /** Cases each oracle judged (a CLI report obtained, a compile compared, a fixed case run, a document answered). */
  checked: Record<string, number>;
  /** Cases whose text `--fix` changed. */
  fixChanged: number;
  /** Cases with at least one finding under the default parser. */
  withFindings: number;
  cliRuns: number;
  ms: number;
  /** Time spent per oracle. */
  msByOracle: Record<string, number>;
}

export interface CampaignOptions {
  tools: Tools;
  seeds: readonly Seed[];
  seed: number;
  start?: number;
  cases: number;
  /** Explicit indices instead of start..start+cases. */
  only?: readonly number[];
  batch?: number;
  maxDepth?: number;
  oracles?: readonly Oracle[];
  /** `--jobs 2` and fix with typescript-estree run on every n-th batch (1: always). */
  jobsEvery?: number;
  fixEstreeEvery?: number;
  /** Cases per batch opened in the language server. */
  lspPerBatch?: number;
  /** Minimize the first failure of each (signature, construct); write repros under `out`. */
  minimize?: boolean;
  minimizeRuns?: number;
  minimizeMs?: number;
  out?: string;
  /** Temporary folders go here (removed batch by batch unless `keep`). */
  work: string;
  keep?: boolean;
  log?: (line: string) => void;
  /** Called after every batch with the state so far (the script rewrites its summary). */
  onBatch?: (stats: Stats, failures: readonly Failure[]) => void;
}

export interface CampaignResult {
  stats: Stats;
  failures: Failure[];
}

/** The parse error typescript-estree is never given such a file with (src/engine/asyncNesting.ts). */
const ESTREE_REFUSES = /which the TypeScript parser takes (exponential|quadratic) time on/;

/** Cases above this size skip the --fix oracles. */
export const MAX_FIX_BYTES = 256 * 1024;

/** Cases above this size are not opened in the language server (the CLI runs cover them). */
export const MAX_LSP_BYTES = 512 * 1024;

/** Deeper cases are not run after --fix (esbuild takes minutes on a few thousand nested functions). */
export const MAX_RUN_DEPTH = 300;

export const caseFileName = (c: Pick<FuzzCase, 'index' | 'ext'>): string => `c${String(c.index).padStart(6, '0')}${c.ext}`;

/** Timing-free, path-free message text, so one bug gives one category. */
export function normalizeMessage(m: string): string {
  return m
    .replace(/\/[\w./-]+/g, '<path>')
    .replace(/\d+/g, 'N')
    .replace(/'[^']*'|"[^"]*"|`[^`]*`/g, '<q>')
    .slice(0, 90);
}

interface Ctx {
  o: CampaignOptions;
  oracles: Set<Oracle>;
  compiler?: Compiler;
  stats: Stats;
  batchNo: number;
  /** Checking a candidate while minimizing: a hang is believed without a second, longer run. */
  minimizing?: boolean;
}

/** Checks one batch of cases against the selected oracles; returns the failures (one per case and signature). */
export async function checkBatch(cases: readonly FuzzCase[], ctx: Ctx, dir: string): Promise<Failure[]> {
  const { o, oracles, stats } = ctx;
  const { tools } = o;
  const failures: Failure[] = [];
  const byFile = new Map(cases.map((c) => [caseFileName(c), c]));
  const fail = (file: string, kind: FailureKind, mode: string, category: string, detail: string): void => {
    const c = byFile.get(file);
    if (!c) return;
    const signature = `${kind}|${mode}|${category}`;
    if (failures.some((f) => f.index === c.index && f.signature === signature)) return;
    failures.push({
      kind,
      mode,
      category,
      detail,
      signature,
      seed: c.seed,
      index: c.index,
      caseKind: c.kind,
      ...(c.construct !== undefined ? { construct: c.construct } : {}),
      depth: c.depth,
      description: c.description,
      ext: c.ext,
      bytes: c.text.length,
    });
  };
  const problemFailures = (mode: string, problems: Map<string, RunProblem>): void => {
    for (const [file, p] of problems) fail(file, p.kind, mode, p.kind === 'crash' ? p.detail : '', `${p.detail}${p.stderr ? `; stderr: ${firstLines(p.stderr)}` : ''}`);
  };
  const internalErrors = (mode: string, reports: Map<string, FileReport>): void => {
    for (const [file, r] of reports) if (r.internalError !== undefined) fail(file, 'internal-error', mode, normalizeMessage(r.internalError), r.internalError);
  };

  mkdirSync(dir, { recursive: true });
  const files = cases.map(caseFileName);
  for (const c of cases) writeFileSync(path.join(dir, caseFileName(c)), c.text);
  const sub = (name: string): string => {
    const d = path.join(dir, name);
    mkdirSync(d, { recursive: true });
    return d;
  };

  // The two parsers. A file that hangs under one is checked alone under the other, and skipped afterwards.
  const hung = new Set<string>();
  const confirmHangs = !ctx.minimizing;
  const reports: Partial<Record<Mode, Map<string, FileReport>>> = {};
  for (const mode of ['default', 'estree'] as const) {
    if (!oracles.has(mode)) continue;
    const run = await timed(stats, mode, () => runAttributed(tools, mode, dir, files, { alone: hung, confirmHangs }));
    for (const [f, p] of run.problems) if (p.kind === 'hang') hung.add(f);
    stats.cliRuns += run.runs;
    stats.checked[mode] = (stats.checked[mode] ?? 0) + run.reports.size;
    problemFailures(mode, run.problems);
    internalErrors(mode, run.reports);
    reports[mode] = run.reports;
  }
  const def = reports.default;
  const est = reports.estree;
  for (const r of def?.values() ?? []) if (r.findings.length > 0) stats.withFindings++;
  if (def && est) {
    for (const file of files) {
      const a = def.get(file);
      const b = est.get(file);
      if (!a || !b || a.internalError !== undefined || b.internalError !== undefined) continue;
      // A documented difference (src/engine/asyncNesting.ts): typescript-estree is not given `async (` nested
      // deeper than TypeScript's parser handles in bounded time; oxc parses it.
      if (!a.parseError && b.parseError && ESTREE_REFUSES.test(b.parseError.message)) continue;
      if (!a.parseError && b.parseError) {
        fail(file, 'parser-diff', 'default/estree', 'oxc-only-parses', `the default parser (oxc) accepts it; typescript-estree: ${b.parseError.line}:${b.parseError.column} ${b.parseError.message}`);
      } else if (a.parseError && !b.parseError) {
        fail(file, 'parser-diff', 'default/estree', 'estree-only-parses', `typescript-estree accepts it; the default parser: ${a.parseError.line}:${a.parseError.column} ${a.parseError.message}`);
      } else if (!a.parseError && !b.parseError) {
        const ka = a.findings.map(findingKey);
        const kb = b.findings.map(findingKey);
        if (JSON.stringify(ka) !== JSON.stringify(kb)) {
          fail(file, 'parser-diff', 'default/estree', 'findings', `findings differ: default ${summarizeFindings(a)} vs typescript-estree ${summarizeFindings(b)}; first difference: ${firstDifference(ka, kb)}`);
        }
      }
    }
  }
  const sane = files.filter((f) => (def?.has(f) ?? true) && !hung.has(f));

  // Worker threads: same report as the main thread.
  if (oracles.has('jobs') && (o.jobsEvery ?? 1) > 0 && ctx.batchNo % (o.jobsEvery ?? 1) === 0) {
    const jdir = sub('jobs');
    copyCases(dir, jdir, sane);
    const run = await timed(stats, 'jobs', () => runAttributed(tools, 'jobs', jdir, sane, { confirmHangs }));
    stats.cliRuns += run.runs;
    stats.checked.jobs = (stats.checked.jobs ?? 0) + run.reports.size;
    problemFailures('jobs', run.problems);
    internalErrors('jobs', run.reports);
    for (const [file, r] of run.reports) {
      const a = def?.get(file);
      if (!a || file === COMPANION || r.internalError !== undefined) continue;
      if (JSON.stringify(r) !== JSON.stringify(a)) fail(file, 'jobs-diff', 'jobs', '', `--jobs 2 reports ${summarize(r)}; --jobs 1 reports ${summarize(a)}`);
    }
  }

  // --fix, then: the fixed text parses (both parsers), type-checks when the original did, runs when the original ran.
  const fixed = new Map<string, string>();
  if (oracles.has('fix')) {
    const fdir = sub('fix');
    const restore = (group: readonly string[]): void => copyCases(dir, fdir, group);
    // Huge cases (deep nesting) already went through both parsers; --fix on them would only parse them again.
    const fixable = sane.filter((f) => byFile.get(f)!.text.length <= MAX_FIX_BYTES);
    const run = await timed(stats, 'fix', () => runAttributed(tools, 'fix', fdir, fixable, { restore, confirmHangs }));
    stats.cliRuns += run.runs;
    stats.checked.fix = (stats.checked.fix ?? 0) + run.reports.size;
    problemFailures('fix', run.problems);
    internalErrors('fix', run.reports);
    for (const [file, r] of run.reports) {
      const c = byFile.get(file)!;
      const text = readFileSync(path.join(fdir, file), 'utf8');
      if (text === c.text) continue;
      stats.fixChanged++;
      fixed.set(file, text);
      if (r.parseError && !def?.get(file)?.parseError) {
        fail(file, 'fix-breaks-parse', 'fix', '', `after --fix the default parser reports ${r.parseError.line}:${r.parseError.column} ${r.parseError.message}`);
      }
    }
    const changed = [...fixed.keys()];
    if (changed.length > 0 && est) {
      const erun = await timed(stats, 'estree-on-fixed', () => runAttributed(tools, 'estree', fdir, changed, { confirmHangs }));
      stats.cliRuns += erun.runs;
      problemFailures('estree-on-fixed', erun.problems);
      internalErrors('estree-on-fixed', erun.reports);
      for (const [file, r] of erun.reports) {
        if (r.parseError && !est.get(file)?.parseError) {
          fail(file, 'fix-breaks-parse', 'estree-on-fixed', '', `after --fix typescript-estree reports ${r.parseError.line}:${r.parseError.column} ${r.parseError.message}`);
        }
      }
    }
    const vendored = vendoredFiles(fdir);
    for (const [file, text] of fixed) {
      const c = byFile.get(file)!;
      if (c.text.length > 150_000) continue;
      if (oracles.has('compile')) {
        ctx.compiler ??= new Compiler(tools.root);
        const siblings = siblingFiles(tools.root, c.seedRel);
        const before = await timed(stats, 'compile', async () => ctx.compiler!.errors({ ...siblings, [file]: c.text }, file));
        if (before && before.length === 0) {
          const after = await timed(stats, 'compile', async () => ctx.compiler!.errors({ ...siblings, ...vendored, [file]: text }, file));
          stats.checked.compile = (stats.checked.compile ?? 0) + 1;
          const e = after?.[0];
          if (e) fail(file, 'fix-breaks-compile', 'compile', `TS${e.code}`, `the original type-checks; after --fix: TS${e.code} on line ${e.line}: ${e.message}${after.length > 1 ? ` (+${after.length - 1} more)` : ''}`);
        }
      }
      // Running is about what a fix does to the code's behaviour; deep nesting only slows the bundler down.
      if (oracles.has('run') && c.depth <= MAX_RUN_DEPTH && c.text.length <= 64 * 1024) {
        const rdir = sub('run');
        const before = await timed(stats, 'run', () => runCase(tools.root, dir, file, c.text, rdir, `orig-${c.index}`));
        // Runnable: it loads, every call finishes, and at least one call succeeds.
        if (before.state !== 'settled' || before.settled - before.rejected < 1) continue;
        let after = await timed(stats, 'run', () => runCase(tools.root, fdir, file, text, rdir, `fixed-${c.index}`));
        if (after.state === 'deadlock' || after.state === 'timeout') after = await runCase(tools.root, fdir, file, text, rdir, `fixed-${c.index}-again`);
        stats.checked.run = (stats.checked.run ?? 0) + 1;
        if (after.state === 'deadlock') fail(file, 'fix-deadlock', 'run', '', `every call of the original finishes; after --fix these calls never finish (nothing left to run): ${after.pending.join(', ')}`);
        else if (after.state === 'timeout') fail(file, 'fix-deadlock', 'run', 'timeout', `every call of the original finishes in ${before.ms} ms; after --fix still running after the bound: ${after.pending.join(', ')}`);
        else if (after.state === 'load-error' || after.state === 'bundle-error' || after.state === 'crash') fail(file, 'fix-breaks-load', 'run', after.state, `the original loads and runs; after --fix: ${after.message}`);
      }
    }
  }

  // The fix is the same whichever parser built the tree.
  if (oracles.has('fix-estree') && oracles.has('fix') && (o.fixEstreeEvery ?? 1) > 0 && ctx.batchNo % (o.fixEstreeEvery ?? 1) === 0) {
    const f2 = sub('fix-estree');
    const agree = sane.filter((f) => {
      const a = def?.get(f);
      const b = est?.get(f);
      return a && b && !a.parseError && !b.parseError && a.findings.length > 0 && byFile.get(f)!.text.length <= MAX_FIX_BYTES && JSON.stringify(a.findings.map(findingKey)) === JSON.stringify(b.findings.map(findingKey));
    });
    if (agree.length > 0) {
      const run = await timed(stats, 'fix-estree', () => runAttributed(tools, 'fix-estree', f2, agree, { restore: (group) => copyCases(dir, f2, group), confirmHangs }));
      stats.cliRuns += run.runs;
      stats.checked['fix-estree'] = (stats.checked['fix-estree'] ?? 0) + run.reports.size;
      problemFailures('fix-estree', run.problems);
      internalErrors('fix-estree', run.reports);
      for (const file of run.reports.keys()) {
        const c = byFile.get(file)!;
        const viaDefault = fixed.get(file) ?? c.text;
        const viaEstree = readFileSync(path.join(f2, file), 'utf8');
        if (viaDefault !== viaEstree) fail(file, 'fix-parser-diff', 'fix/fix-estree', '', `--fix writes different text with typescript-estree (first difference on line ${firstDifferentLine(viaDefault, viaEstree)})`);
      }
    }
  }

  // The language server: a sample of the cases opened as documents.
  const lspCount = o.lspPerBatch ?? 3;
  if (oracles.has('lsp') && lspCount > 0) {
    const r = new Random(caseRng(o.seed ^ 0x5eed, cases[0]?.index ?? 0));
    const small = cases.filter((c) => c.text.length <= MAX_LSP_BYTES && !hung.has(caseFileName(c)));
    const sample = small.length <= lspCount ? small : pickDistinct(r, small, lspCount);
    let client: FuzzLspClient | undefined;
    for (const c of sample) {
      if (!client || !client.alive) {
        await client?.stop();
        client = new FuzzLspClient(tools.server, dir);
        if (!(await client.initialize(dir))) {
          fail(caseFileName(c), 'lsp-no-answer', 'lsp', 'initialize', `the server did not answer initialize; stderr: ${firstLines(client.stderr)}`);
          continue;
        }
      }
      const file = caseFileName(c);
      const lsp = client;
      const outcome = await timed(stats, 'lsp', () => lsp.check(path.join(dir, file), c.text, c.ext, 20_000 + (30_000 * c.text.length) / 1_048_576));
      stats.checked.lsp = (stats.checked.lsp ?? 0) + 1;
      if (outcome.state === 'died') fail(file, 'lsp-died', 'lsp', outcome.detail.replace(/^after answering: /, ''), `the server died (${outcome.detail}); stderr: ${firstLines(outcome.stderr)}`);
      else if (outcome.state === 'no-answer') {
        fail(file, 'lsp-no-answer', 'lsp', '', outcome.detail);
        // Still busy with this document: the next one gets a fresh server.
        await client.stop();
        client = undefined;
      }
      else if (outcome.state === 'internal-error') fail(file, 'lsp-internal-error', 'lsp', normalizeMessage(outcome.message), `status "error": ${outcome.message}`);
    }
    await client?.stop();
  }
  return failures;
}

/** The oracles a failure needs to show again, for minimizing it alone. */
export function oraclesFor(f: Pick<Failure, 'kind' | 'mode'>): Oracle[] {
  switch (f.kind) {
    case 'parser-diff':
      return ['default', 'estree'];
    case 'jobs-diff':
      return ['default', 'jobs'];
    case 'fix-breaks-parse':
      return ['default', 'estree', 'fix'];
    case 'fix-breaks-compile':
      return ['default', 'fix', 'compile'];
    case 'fix-deadlock':
    case 'fix-breaks-load':
      return ['default', 'fix', 'run'];
    case 'fix-parser-diff':
      return ['default', 'estree', 'fix', 'fix-estree'];
    case 'lsp-died':
    case 'lsp-no-answer':
    case 'lsp-internal-error':
      return ['lsp'];
    default:
      switch (f.mode) {
        case 'estree':
          return ['estree'];
        case 'jobs':
          return ['jobs'];
        case 'fix':
          return ['fix'];
        case 'estree-on-fixed':
          return ['default', 'estree', 'fix'];
        case 'fix-estree':
          return ['default', 'estree', 'fix', 'fix-estree'];
        default:
          return ['default'];
      }
  }
}

function emptyStats(): Stats {
  return { cases: 0, byKind: Object.fromEntries(CASE_KINDS.map((k) => [k, 0])), byConstruct: {}, checked: {}, fixChanged: 0, withFindings: 0, cliRuns: 0, ms: 0, msByOracle: {} };
}

async function timed<T>(stats: Stats, key: string, fn: () => Promise<T>): Promise<T> {
  const t = Date.now();
  try {
    return await fn();
  } finally {
    stats.msByOracle[key] = (stats.msByOracle[key] ?? 0) + Date.now() - t;
  }
}

export async function runCampaign(o: CampaignOptions): Promise<CampaignResult> {
  const started = Date.now();
  const stats = emptyStats();
  const failures: Failure[] = [];
  const oracles = new Set(o.oracles ?? ALL_ORACLES);
  const ctx: Ctx = { o, oracles, stats, batchNo: 0 };
  const indices = o.only ? [...o.only] : Array.from({ length: o.cases }, (_, i) => (o.start ?? 0) + i);
  const batchSize = o.batch ?? 16;
  const minimized = new Set<string>();
  const pending: Failure[] = [];
  const log = o.log ?? (() => undefined);
  mkdirSync(o.work, { recursive: true });
  assertIsolated(o.work);

  for (let b = 0; b < indices.length; b += batchSize) {
    const cases = indices.slice(b, b + batchSize).map((i) => generateCase(o.seeds, o.seed, i, { maxDepth: o.maxDepth }));
    for (const c of cases) {
      stats.cases++;
      stats.byKind[c.kind] = (stats.byKind[c.kind] ?? 0) + 1;
      const key = c.kind === 'amplify' ? c.construct! : c.kind;
      stats.byConstruct[key] = (stats.byConstruct[key] ?? 0) + 1;
    }
    const dir = path.join(o.work, `batch-${cases[0]!.index}`);
    const found = await checkBatch(cases, ctx, dir);
    ctx.batchNo++;
    for (const f of found) {
      failures.push(f);
      // One repro per kind of failure and construct: a hang under both parsers is one hang to minimize.
      const key = `${f.kind}|${f.category}|${f.construct ?? f.caseKind}`;
      if (o.out && !minimized.has(key)) {
        // The case as generated now; minimized after the last batch, so a long campaign reports its counts first.
        minimized.add(key);
        f.repro = writeRepro(o, cases.find((x) => x.index === f.index)!, f);
        pending.push(f);
      }
    }
    if (!o.keep) rmSync(dir, { recursive: true, force: true });
    stats.ms = Date.now() - started;
    const done = Math.min(b + batchSize, indices.length);
    const timing = Object.entries(stats.msByOracle).map(([k, v]) => `${k} ${Math.round(v / 1000)}`).join(', ');
    log(`[fuzz] ${done}/${indices.length} cases, ${failures.length} failures (${new Set(failures.map((f) => f.signature)).size} kinds), ${stats.cliRuns} CLI runs, ${Math.round(stats.ms / 1000)} s (${timing})`);
    for (const f of found) log(`[fuzz]   FAIL ${formatFailure(f)}`);
    o.onBatch?.(stats, failures);
  }
  if (o.minimize) {
    for (const [i, f] of pending.entries()) {
      log(`[fuzz] minimizing ${i + 1}/${pending.length}: ${f.signature} (seed ${f.seed} index ${f.index})`);
      const c = generateCase(o.seeds, o.seed, f.index, { maxDepth: o.maxDepth });
      f.repro = await minimizeRepro(o, ctx, c, f);
      o.onBatch?.(stats, failures);
    }
  }
  stats.ms = Date.now() - started;
  return { stats, failures };
}

function reproStem(o: CampaignOptions, c: FuzzCase, f: Failure): { folder: string; stem: string } {
  const folder = path.join(o.out!, slug(`${f.kind}-${f.mode}${f.category ? '-' + f.category : ''}`));
  mkdirSync(folder, { recursive: true });
  return { folder, stem: `${c.seed}-${c.index}` };
}

/** Writes the case as generated, and what failed, under `out`; returns the case file's path. */
function writeRepro(o: CampaignOptions, c: FuzzCase, f: Failure, extra: Record<string, unknown> = {}): string {
  const { folder, stem } = reproStem(o, c, f);
  const file = path.join(folder, `${stem}.orig${c.ext}`);
  if (c.text.length <= 2 * 1_048_576) writeFileSync(file, c.text);
  const meta = { ...f, replay: `npm run fuzz -- --seed ${c.seed} --only ${c.index}`, ...extra };
  writeFileSync(path.join(folder, `${stem}.json`), JSON.stringify(meta, null, 2) + '\n');
  return file;
}

/** Shrinks `c` while `f` still reproduces on it alone; writes `<stem>.min<ext>` and returns its path. */
async function minimizeRepro(o: CampaignOptions, ctx: Ctx, c: FuzzCase, f: Failure): Promise<string> {
  const { folder, stem } = reproStem(o, c, f);
  const oracles = new Set(oraclesFor(f));
  let attempt = 0;
  const reproduces = async (text: string): Promise<boolean> => {
    const one: FuzzCase = { ...c, text };
    const dir = path.join(o.work, `min-${c.index}-${attempt++}`);
    try {
      const found = await checkBatch([one], { ...ctx, oracles, batchNo: 0, stats: emptyStats(), minimizing: true }, dir);
      return found.some((x) => x.signature === f.signature);
    } finally {
      if (!o.keep) rmSync(dir, { recursive: true, force: true });
    }
  };
  if (!(await reproduces(c.text))) {
    writeRepro(o, c, f, { reproducesAlone: false });
    return path.join(folder, `${stem}.orig${c.ext}`);
  }
  const seedText = c.amplify ? o.seeds.find((s) => s.rel === c.seedRel)?.text : undefined;
  // A hang costs a time bound per attempt: less time for it, the depth bisection is what matters there.
  const ms = o.minimizeMs ?? (f.kind === 'hang' ? 3 : 6) * 60_000;
  const budget = { runs: o.minimizeRuns ?? 150, deadline: Date.now() + ms };
  const m = await minimize(c.text, c.ext, c.amplify, seedText, reproduces, budget);
  const file = path.join(folder, `${stem}.min${c.ext}`);
  writeFileSync(file, m.text);
  writeRepro(o, c, f, { reproducesAlone: true, minimized: path.basename(file), minimizedBytes: m.text.length, minimizedLines: m.text.split('\n').length, minimizeRuns: m.runs, notes: m.notes });
  return file;
}

export function formatFailure(f: Failure): string {
  return `${f.kind} [${f.mode}${f.category ? ' ' + f.category : ''}] seed ${f.seed} index ${f.index} (${f.ext}, ${f.bytes} bytes): ${f.description} — ${f.detail}${f.repro ? ` — repro ${f.repro}` : ''}`;
}

/**
 * `--fix` vendors the runtime under the nearest package.json's folder, and the CLI reads the nearest
 * awaitguard.config.json: a work folder inside a project would write into that project and be configured by it.
 */
export function assertIsolated(work: string): void {
  for (let dir = path.resolve(work); ; dir = path.dirname(dir)) {
    for (const marker of ['package.json', 'awaitguard.config.json']) {
      if (existsSync(path.join(dir, marker))) throw new Error(`the fuzz work folder ${work} is inside ${dir} (it has a ${marker}); use one outside any project, such as the OS temp folder`);
    }
    if (path.dirname(dir) === dir) return;
  }
}

/** Other source files next to the seed (examples import their siblings), for the type check. */
function siblingFiles(root: string, seedRel: string): Record<string, string> {
  if (!seedRel.startsWith('examples/')) return {};
  const dir = path.join(root, path.dirname(seedRel));
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    if (name === path.basename(seedRel) || !/\.[cm]?tsx?$/.test(name)) continue;
    out[name] = readFileSync(path.join(dir, name), 'utf8');
  }
  return out;
}

/** The runtime copies a fix run vendored (under src/ of the fix folder), as virtual files for the type check. */
function vendoredFiles(fdir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const src = path.join(fdir, 'src');
  if (!existsSync(src)) return out;
  for (const name of readdirSync(src)) if (statSync(path.join(src, name)).isFile()) out[`src/${name}`] = readFileSync(path.join(src, name), 'utf8');
  return out;
}

function pickDistinct<T>(r: Random, items: readonly T[], n: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < n && pool.length > 0) out.push(pool.splice(r.int(0, pool.length - 1), 1)[0]!);
  return out;
}

function summarizeFindings(r: FileReport): string {
  return `${r.findings.length} finding(s)${r.findings.length ? ` [${r.findings.map((f) => `${f.ruleId}@${f.line}:${f.column}`).join(', ')}]` : ''}`;
}

function summarize(r: FileReport): string {
  if (r.internalError !== undefined) return `internal error ${r.internalError}`;
  if (r.parseError) return `parse error ${r.parseError.line}:${r.parseError.column} ${r.parseError.message}`;
  return summarizeFindings(r);
}

function firstDifference(a: string[], b: string[]): string {
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (a[i] !== b[i]) return `${a[i] ?? '(none)'} vs ${b[i] ?? '(none)'}`;
  return '(order)';
}

function firstDifferentLine(a: string, b: string): number {
  const la = a.split('\n');
  const lb = b.split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) if (la[i] !== lb[i]) return i + 1;
  return 0;
}

function firstLines(s: string): string {
  return s.trim().split('\n').slice(0, 3).join(' | ').slice(0, 300);
}

function slug(s: string): string {
  return s.replace(/[^\w.-]+/g, '_').slice(0, 80);
}
