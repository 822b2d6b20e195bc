import { analyze, type AwaitguardConfig, type CreatedFile, type FastParser, type Fix } from '../engine/index.js';
import { editsOverlap, applyEdits } from './apply.js';
import { analyzeWithFixes } from './index.js';
import type { FixOptions } from './options.js';

/** ESLint stops after 10 passes too: each pass applies the non-overlapping preferred fixes, then re-analyses. */
const MAX_PASSES = 10;

export interface FixOutcome {
  text: string;
  /** How many fixes were applied. */
  applied: number;
  createFiles: CreatedFile[];
}

/**
 * Applies the preferred fix of each finding, pass after pass, keeping a pass only if the result still parses.
 * Never returns text that does not parse.
 */
export function fixText(text: string, file: string, config: AwaitguardConfig, fix: Partial<FixOptions>, parser?: FastParser): FixOutcome {
  let current = text;
  let applied = 0;
  const createFiles: CreatedFile[] = [];
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const result = analyzeWithFixes(current, file, { config, fix, parser });
    if (result.parseError) break;
    const chosen: Fix[] = [];
    for (const finding of result.findings) {
      const preferred = finding.fixes.find((f) => f.preferred);
      if (!preferred || chosen.some((c) => editsOverlap(c.edits, preferred.edits))) continue;
      chosen.push(preferred);
    }
    if (chosen.length === 0) break;
    const next = applyEdits(
      current,
      chosen.flatMap((f) => f.edits),
    );
    // Judged by the reference parser alone: a fix is kept only if typescript-estree (the editor's) accepts it.
    if (analyze(next, file, { config }).parseError) break;
    current = next;
    applied += chosen.length;
    for (const f of chosen) for (const c of f.createFiles ?? []) if (!createFiles.some((x) => x.path === c.path)) createFiles.push(c);
  }
  return { text: current, applied, createFiles };
}

