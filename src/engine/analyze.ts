import type { ProjectHost } from './callees.js';
import { mayHaveFindings } from './prefilter.js';
import { DEFAULT_CONFIG, type AwaitguardConfig } from './config.js';
import type { FileKind } from './fileKinds.js';
import { atLeast, type Confidence, type ReportedSeverity } from './findings.js';
import type { AnalysisResult, Finding, SourceRange } from './findings.js';
import { EnclosingContexts } from './context.js';
import { inProgram, renderInterleaving } from './interleaving.js';
import { buildModel, type FileModel } from './model.js';
import { attachLines, LineIndex } from './lines.js';
import { parseSource, type FastParser, type ParseOutcome, type Program } from './parse.js';
import { ALL_RULES } from './rules/index.js';
import { confidenceCeiling, type RuleMeta } from './rules/meta.js';
import type { Severity } from './settingsSchema.js';
import type { Anchor, FixSubject } from './rules/rule.js';
import { mayHoldDirective, Suppressions } from './suppressions.js';
import { unusedDirectives } from './unusedDirectives.js';

export interface AnalyzeOptions {
  config?: AwaitguardConfig;
  /**
   * A tree already parsed from `text` (ESTree with `range`, `loc` and `comments`, as ESLint's parsers give),
   * so a host that has parsed the file does not pay for a second parse.
   */
  ast?: Program;
  /** A faster parser to try first (see `FastParser`); typescript-estree parses when it is absent or fails. */
  parser?: FastParser;
  /**
   * Where the file's code lives (front ends decide from its path in the project: shared/fileKind.ts); rules
   * weigh findings by it. Default `source`.
   */
  kind?: FileKind;
  /**
   * Loads the modules this file imports, so that what an imported function does (starts I/O, shares one
   * in-flight promise) is known at its calls. Without it, only this file's functions are looked into.
   */
  project?: ProjectHost;
  /**
   * Whether `eslint-disable… awaitguard/<rule>` comments suppress findings, as `awaitguard-disable…` ones do
   * (default true). The ESLint plugin passes false: ESLint applies them to its problems itself.
   */
  eslintDirectives?: boolean;
}

/** Analyses one file's text. Pure: no I/O. Never throws on user input. */
export function analyze(text: string, fileName: string, options: AnalyzeOptions = {}): AnalysisResult {
  return analyzeDetailed(text, fileName, options).result;
}

/** A finding together with the syntax it came from, for quick fixes. */
export interface DetailedFinding {
  finding: Finding;
  subject?: FixSubject;
}

export interface DetailedAnalysis {
  result: AnalysisResult;
  /** Absent when the file did not parse. */
  model?: FileModel;
  details: DetailedFinding[];
}

/** Like `analyze`, and also returns the model and each finding's subject so fixes can be computed. */
export function analyzeDetailed(text: string, fileName: string, options: AnalyzeOptions = {}): DetailedAnalysis {
  const config = options.config ?? DEFAULT_CONFIG;
  const kind = options.kind ?? 'source';
  const rules = shownRules(config, kind, text);
  // Nothing to analyse, or nothing that could be shown: all that is left to say is whether the file has a syntax
  // error, and which of its disable directives (when they are reported) then suppress nothing.
  const idle = rules.length === 0 || !mayHaveFindings(text);
  const directives = reportsDirectives(config, text);
  if (!options.ast && idle && !directives && options.parser?.accepts?.(text, fileName)) return { result: { findings: [] }, details: [] };
  const parsed: ParseOutcome = options.ast ? { ok: true, ast: options.ast } : parseSource(text, fileName, options.parser);
  if (!parsed.ok) return { result: { findings: [], parseError: parsed.error }, details: [] };
  const lines = new LineIndex(text);
  if (idle) {
    if (!directives) return { result: { findings: [] }, details: [] };
    const suppressions = new Suppressions(parsed.ast.comments ?? [], lines, { track: true, eslint: options.eslintDirectives });
    return { result: { findings: [], unusedDirectives: unusedDirectives(suppressions, text, lines, directives) }, details: [] };
  }
  attachLines(parsed.ast, lines);
  return analyzeTree(parsed.ast, text, fileName, config, lines, kind, rules, directives, options);
}

/** The severity unused disable directives are reported at, when they are and `text` may hold one. */
function reportsDirectives(config: AwaitguardConfig, text: string): ReportedSeverity | undefined {
  const severity = config.reportUnusedDisableDirectives ?? 'off';
  return severity !== 'off' && mayHoldDirective(text) ? severity : undefined;
}

interface ShownRule {
  rule: (typeof ALL_RULES)[number];
  severity: ReportedSeverity;
  /** The most confidence its findings can have in this file (see `confidenceCeiling`). */
  ceiling: Confidence | undefined;
}

/**
 * The rules that can report something shown in `text`, a file of `kind`: not turned off there, not capped below
 * the least confidence shown (a test file's findings are low at most, and low is hidden by default), and
 * mentioned in it when they say what they need to be (see `CheckRule.mentions`).
 */
function shownRules(config: AwaitguardConfig, kind: FileKind, text: string): ShownRule[] {
  const minConfidence = config.minConfidence ?? 'medium';
  return ALL_RULES.flatMap((rule) => {
    const severity = severityIn(rule.meta, kind, config);
    if (severity === 'off') return [];
    const ceiling = confidenceCeiling(rule.meta, kind);
    if (ceiling !== undefined && !atLeast(ceiling, minConfidence)) return [];
    if ('mentions' in rule && rule.mentions && !rule.mentions.test(text)) return [];
    return [{ rule, severity, ceiling }];
  });
}

function analyzeTree(
  ast: Program,
  text: string,
  fileName: string,
  config: AwaitguardConfig,
  lines: LineIndex,
  kind: FileKind,
  rules: readonly ShownRule[],
  /** The severity unused directives are reported at, when they are (see `reportsDirectives`). */
  directives: ReportedSeverity | undefined,
  { project, eslintDirectives }: AnalyzeOptions,
): DetailedAnalysis {
  const toRange = (anchor: Anchor): SourceRange => {
    const [start, end] = anchor.range;
    return { start: lines.position(start), end: lines.position(end), offset: [start, end] };
  };
  try {
    const minConfidence = config.minConfidence ?? 'medium';
    // A flow rule observes the walk that builds the model; any other rule looks at the model afterwards.
    const enabled = rules.map(({ rule, severity, ceiling }) => ({
      rule,
      severity,
      ceiling,
      decide: 'observe' in rule ? { by: 'flow' as const, observer: rule.observe({ kind }), checker: rule } : { by: 'model' as const, checker: rule },
    }));
    const model = buildModel(ast, text, fileName, config, enabled.flatMap(({ decide }) => (decide.by === 'flow' ? [decide.observer] : [])), project);
    const suppressions = new Suppressions(ast.comments ?? [], lines, { track: directives !== undefined, eslint: eslintDirectives });
    const contexts = new EnclosingContexts(model.index.functions, text);
    const details: DetailedFinding[] = [];
    for (const { rule, severity, ceiling, decide } of enabled) {
      for (const report of decide.by === 'flow' ? [...decide.observer.reports(), ...(decide.checker.check?.(model) ?? [])] : decide.checker.check(model)) {
        const confidence = capped(report.confidence ?? 'medium', ceiling);
        if (!atLeast(confidence, minConfidence)) continue;
        const range = toRange(report.anchor);
        if (suppressions.isSuppressed(rule.meta.id, range.start.line)) continue;
        const context = contexts.at(range.offset[0]);
        const outermost = contexts.outermost(range.offset[0]);
        const finding: Finding = {
          ruleId: rule.meta.id,
          severity,
          message: report.message,
          range,
          ...(report.location !== undefined ? { location: report.location } : {}),
          ...(context !== undefined ? { context } : {}),
          ...(outermost ? { functionLines: { start: lines.line(outermost[0]), end: lines.line(outermost[1]) } } : {}),
          // Only places in this file: a line of another module would point at the wrong code here.
          related: report.related.filter((r) => inProgram(r.anchor, ast)).map((r) => ({ range: toRange(r.anchor), message: r.message })),
          ...(report.interleaving ? { interleaving: renderInterleaving(report.interleaving, text, toRange, ast) } : {}),
          fixes: [],
          confidence,
        };
        details.push(report.subject ? { finding, subject: report.subject } : { finding });
      }
    }
    details.sort(
      (a, b) => a.finding.range.offset[0] - b.finding.range.offset[0] || a.finding.ruleId.localeCompare(b.finding.ruleId),
    );
    const findings = details.map((d) => d.finding);
    const result: AnalysisResult = directives ? { findings, unusedDirectives: unusedDirectives(suppressions, text, lines, directives) } : { findings };
    return { result, model, details };
  } catch (err) {
    // Pathologically deep input can exhaust the stack in the recursive walk; report it like a parse failure.
    if (err instanceof RangeError) {
      return {
        result: { findings: [], parseError: { message: 'the file is nested too deeply to analyse', line: 1, column: 0 } },
        details: [],
      };
    }
    throw err;
  }
}

/** A finding's confidence, at most `cap`. */
function capped(confidence: Confidence, cap: Confidence | undefined): Confidence {
  return cap !== undefined && !atLeast(cap, confidence) ? cap : confidence;
}

/**
 * A rule's severity in a file of `kind`: the project's setting for that kind, else the rule's default for that
 * kind (tests and benchmarks differ from source for some rules, whatever the project sets in `rules`), else the
 * project's setting, else the rule's default.
 */
export function severityIn(meta: RuleMeta, kind: FileKind, config: AwaitguardConfig): Severity {
  const byKind = config.rulesByKind?.[kind]?.[meta.id];
  if (byKind) return byKind;
  if (kind === 'generated') return 'off';
  const kindDefault = kind === 'source' ? undefined : meta.kinds?.[kind];
  return kindDefault ?? config.rules[meta.id] ?? meta.defaultSeverity;
}
