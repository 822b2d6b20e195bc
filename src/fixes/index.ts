import { analyzeDetailed, type AnalysisResult, type FileKind, type FastParser, type Program, type ProjectHost, type AwaitguardConfig, type DetailedAnalysis, type DetailedFinding, type Finding, type Fix } from '../engine/index.js';
import { lockFixes, plannedSection, type FixContext } from './lockWrap.js';
import { LockReach } from './lockReach.js';
import { ClassMembers } from './classMembers.js';
import { ModuleTop } from './moduleTop.js';
import { DEFAULT_FIX_OPTIONS, type FixOptions } from './options.js';
import { generationGuardFix } from './generationGuard.js';
import { abortStaleRunFix, ignoreStaleRunFix } from './ignoreStaleRun.js';
import { registerFirstFix } from './registerFirst.js';
import { clearOnFailureFix } from './clearOnFailure.js';
import { semaphoreFix } from './semaphoreLimit.js';
import { shareInFlightFix } from './shareInFlight.js';
import { WordsOfText } from './names.js';
import { detectStyle } from './style.js';
import { suppressFix } from './suppress.js';

export { applyEdits, editsOverlap } from './apply.js';
export { DEFAULT_FIX_OPTIONS, withoutVendoring, type FixOptions } from './options.js';
export { fixText, type FixOutcome } from './fixAll.js';

export interface FixAnalyzeOptions {
  config?: AwaitguardConfig;
  /** See `AnalyzeOptions.ast`. */
  ast?: Program;
  /** See `AnalyzeOptions.parser`. */
  parser?: FastParser;
  /** Or a function, called only for a file that has findings to fix (options that cost reading the disk). */
  fix?: Partial<FixOptions> | (() => Partial<FixOptions>);
  /** See `AnalyzeOptions.kind`. */
  kind?: FileKind;
  /** See `AnalyzeOptions.project`. */
  project?: ProjectHost;
  /** See `AnalyzeOptions.eslintDirectives`. */
  eslintDirectives?: boolean;
}

/** Analyses a file and attaches to every finding the fixes that apply, the preferred one first. */
export function analyzeWithFixes(text: string, fileName: string, options: FixAnalyzeOptions = {}): AnalysisResult {
  const detailed = analyzeDetailed(text, fileName, {
    ...(options.config ? { config: options.config } : {}),
    ...(options.ast ? { ast: options.ast } : {}),
    parser: options.parser,
    ...(options.kind ? { kind: options.kind } : {}),
    ...(options.project ? { project: options.project } : {}),
    ...(options.eslintDirectives !== undefined ? { eslintDirectives: options.eslintDirectives } : {}),
  });
  // Most files have nothing to fix: no style, names or module top to work out for them.
  if (!detailed.model || detailed.details.length === 0) return detailed.result;
  const ctx = fixContext(detailed, text, fileName, options.fix);
  for (const d of detailed.details) d.finding.fixes = fixesFor(d, ctx);
  return detailed.result;
}

/**
 * The findings of an analysis already made (`analyzeDetailed` of this very text) that `wanted` picks, each mapped
 * to a copy with its fixes: the light bulb on one line builds the fixes of that line's findings, not the whole
 * file's, and does not analyse the file again.
 */
export function fixesOfAnalysis(
  detailed: DetailedAnalysis,
  text: string,
  fileName: string,
  fix: FixAnalyzeOptions['fix'],
  wanted: (finding: Finding) => boolean,
): Map<Finding, Finding> {
  const picked = detailed.details.filter((d) => wanted(d.finding));
  if (!detailed.model || picked.length === 0) return new Map(picked.map((d) => [d.finding, d.finding]));
  const ctx = fixContext(detailed, text, fileName, fix);
  return new Map(picked.map((d) => [d.finding, { ...d.finding, fixes: fixesFor(d, ctx) }]));
}

function fixContext(detailed: DetailedAnalysis, text: string, fileName: string, fix: FixAnalyzeOptions['fix']): FixContext {
  const model = detailed.model!;
  const fixOptions: FixOptions = { ...DEFAULT_FIX_OPTIONS, ...(typeof fix === 'function' ? fix() : fix) };
  const style = detectStyle(text, model.ast, fileName);
  const moduleNames = moduleLevelNames(detailed);
  const ctx: FixContext = {
    model,
    text,
    fileName,
    style,
    options: fixOptions,
    moduleNames,
    names: new WordsOfText(text),
    top: new ModuleTop(model.ast, text, fileName, style, fixOptions, moduleNames),
    members: new ClassMembers(),
    // Where every finding's lock would go, the ones not asked for too: fixes of one line must agree with the others'.
    reach: new LockReach(model, text, () =>
      detailed.details.flatMap((d) => {
        const planned = d.subject?.kind === 'race' ? plannedSection(d.subject, ctx) : null;
        return planned ? [planned] : [];
      }),
    ),
  };
  return ctx;
}

function fixesFor(d: DetailedFinding, ctx: FixContext): Fix[] {
  const fixes: Fix[] = [];
  const subject = d.subject;
  try {
    if (subject?.kind === 'race') {
      fixes.push(...lockFixes(subject, ctx), ...shareInFlightFix(subject, ctx));
      // Where no lock fits (a function that never awaits), sharing the in-flight promise is the fix to apply.
      if (fixes.length > 0 && !fixes.some((f) => f.preferred)) fixes[0] = { ...fixes[0]!, preferred: true };
    } else if (subject?.kind === 'fan-out') {
      fixes.push(...semaphoreFix(subject, ctx));
    } else if (subject?.kind === 'effect') {
      fixes.push(...ignoreStaleRunFix(subject, ctx), ...abortStaleRunFix(subject, ctx));
    } else if (subject?.kind === 'teardown') {
      fixes.push(...generationGuardFix(subject, ctx));
    } else if (subject?.kind === 'register') {
      fixes.push(...registerFirstFix(subject, ctx));
    } else if (subject?.kind === 'latch') {
      fixes.push(...clearOnFailureFix(subject, ctx));
    }
  } catch {
    // A fix that cannot be built is left out; the finding and its suppression still stand.
  }
  fixes.push(suppressFix(d.finding, ctx));
  return fixes;
}

function moduleLevelNames(detailed: ReturnType<typeof analyzeDetailed>): Set<string> {
  const names = new Set<string>();
  const scope = detailed.model?.scope.manager.globalScope;
  if (!scope) return names;
  for (const s of [scope, ...scope.childScopes.filter((c) => c.type === 'module')]) {
    for (const v of s.variables) names.add(v.name);
    for (const ref of s.through) names.add(ref.identifier.name);
  }
  return names;
}
