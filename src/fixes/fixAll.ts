import { analyze, type AwaitguardConfig, type CreatedFile, type FastParser, type FileKind, type Finding, type Fix, type ProjectHost, type TextEdit } from '../engine/index.js';
import { ClaimedText, applyEdits } from './apply.js';
import { analyzeWithFixes } from './index.js';
import type { FixOptions } from './options.js';

/** ESLint stops after 10 passes too: each pass applies the non-overlapping preferred fixes, then re-analyses. */
const MAX_PASSES = 10;

export interface FixOutcome {
  text: string;
  /** How many fixes were applied. */
  applied: number;
  createFiles: CreatedFile[];
  /**
   * Findings that still have a fix on offer when the loop ended. A pass after which a finding it fixed is
   * reported again, or after which there are more findings than before, is undone and ends the loop: such
   * a fix only moves the race (or reports its own lock), and applying it again would pile locks up.
   */
  unfixed: number;
}

/** How `fixText` analyses: see `AnalyzeOptions` for each. */
export interface FixTextOptions {
  parser?: FastParser;
  kind?: FileKind;
  project?: ProjectHost;
}

/**
 * Applies the preferred fix of each finding, pass after pass, keeping a pass only if the result still parses
 * and has fewer findings than before it. Never returns text that does not parse. `fix`: as `analyzeWithFixes`
 * takes it; a function is called only in a pass that has findings.
 */
export function fixText(text: string, file: string, config: AwaitguardConfig, fix: Partial<FixOptions> | (() => Partial<FixOptions>), how: FixTextOptions = {}): FixOutcome {
  const { parser, kind, project } = how;
  let kept: FixOutcome = { text, applied: 0, createFiles: [], unfixed: 0 };
  let next: FixOutcome | null = null;
  let before: { count: number; fixed: Set<string> } | null = null;
  for (let pass = 0; pass <= MAX_PASSES; pass++) {
    const current = next ?? kept;
    const result = analyzeWithFixes(current.text, file, { config, fix, parser, ...(kind ? { kind } : {}), ...(project ? { project } : {}) });
    if (result.parseError) break;
    const chosen = chooseFixes(result.findings);
    if (next && before) {
      const again = result.findings.some((f) => before!.fixed.has(identity(f, current.text)));
      if (again || result.findings.length > before.count) break; // keep what came before the last pass
      kept = next;
    }
    kept = { ...kept, unfixed: result.findings.filter((f) => f.fixes.some((x) => x.preferred)).length };
    before = { count: result.findings.length, fixed: new Set(chosen.map(({ finding }) => identity(finding, kept.text))) };
    if (chosen.length === 0 || pass === MAX_PASSES) break;
    const edited = applyEdits(kept.text, combinedEdits(chosen));
    // Judged by the reference parser alone: a fix is kept only if typescript-estree (the editor's) accepts it.
    if (analyze(edited, file, { config }).parseError) break;
    const createFiles = [...kept.createFiles];
    for (const { fix: f } of chosen) for (const c of f.createFiles ?? []) if (!createFiles.some((x) => x.path === c.path)) createFiles.push(c);
    next = { text: edited, applied: kept.applied + chosen.length, createFiles, unfixed: 0 };
  }
  return withoutUnusedDirectives(kept, file, config, how);
}

/**
 * When unused disable directives are reported, `--fix` removes them, as ESLint's does: after the races are fixed,
 * since a fix may be what leaves a directive with nothing to suppress.
 */
function withoutUnusedDirectives(kept: FixOutcome, file: string, config: AwaitguardConfig, { parser, kind, project }: FixTextOptions): FixOutcome {
  if ((config.reportUnusedDisableDirectives ?? 'off') === 'off') return kept;
  const unused = analyze(kept.text, file, { config, parser, ...(kind ? { kind } : {}), ...(project ? { project } : {}) }).unusedDirectives ?? [];
  if (unused.length === 0) return kept;
  const edited = applyEdits(kept.text, unused.flatMap((u) => u.fix));
  if (analyze(edited, file, { config }).parseError) return kept;
  return { ...kept, text: edited, applied: kept.applied + unused.length };
}

/**
 * The preferred fixes whose edits do not touch each other, first come first served. Insertions at one point
 * may share it (every new lock's declaration goes after the imports; every fix that needs the runtime
 * imports it there): they are applied in order, and an insertion identical to one already chosen at that
 * point is made once. Without that, a file with a race on each of 30 variables got 10 fixes per run.
 */
function chooseFixes(findings: readonly Finding[]): { finding: Finding; fix: Fix }[] {
  const chosen: { finding: Finding; fix: Fix }[] = [];
  const replaced = new ClaimedText();
  const insertedAt = new ClaimedText();
  for (const finding of findings) {
    const fix = finding.fixes.find((x) => x.preferred);
    if (!fix) continue;
    const replacements = fix.edits.filter((e) => e.offset[0] !== e.offset[1]);
    const insertions = fix.edits.filter((e) => e.offset[0] === e.offset[1]);
    if (replaced.overlaps(fix.edits) || insertedAt.overlaps(replacements)) continue;
    replaced.claim(replacements);
    insertedAt.claim(insertions);
    chosen.push({ finding, fix });
  }
  return chosen;
}

/** The edits of the chosen fixes, an insertion repeated at one point (the same import, the same lock) made once. */
function combinedEdits(chosen: readonly { fix: Fix }[]): TextEdit[] {
  const seen = new Set<string>();
  return chosen
    .flatMap(({ fix }) => fix.edits)
    .filter((e) => {
      if (e.offset[0] !== e.offset[1]) return true;
      const key = `${e.offset[0]}\u0000${e.text}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** What stays the same about a finding when a fix elsewhere moves its lines: rule, state, function, code. */
function identity(f: Finding, text: string): string {
  return [f.ruleId, f.location ?? '', f.context ?? '', text.slice(f.range.offset[0], f.range.offset[1])].join('\u0000');
}
