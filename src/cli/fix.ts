import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { analyze, type AwaitguardConfig, type CreatedFile, type Fix } from '../engine/index.js';
import { analyzeWithFixes, applyEdits, editsOverlap, type FixOptions } from '../fixes/index.js';
import { readTemplate } from '../shared/vendorTemplates.js';

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
export function fixText(text: string, file: string, config: AwaitguardConfig, fix: Partial<FixOptions>): FixOutcome {
  let current = text;
  let applied = 0;
  const createFiles: CreatedFile[] = [];
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const result = analyzeWithFixes(current, file, { config, fix });
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
    if (analyze(next, file, { config }).parseError) break;
    current = next;
    applied += chosen.length;
    for (const f of chosen) for (const c of f.createFiles ?? []) if (!createFiles.some((x) => x.path === c.path)) createFiles.push(c);
  }
  return { text: current, applied, createFiles };
}

/** Writes the vendored runtime copies a fix imports, unless the file exists already. Returns the paths written. */
export function createVendoredFiles(files: readonly CreatedFile[]): string[] {
  const written: string[] = [];
  for (const f of files) {
    if (existsSync(f.path)) continue;
    mkdirSync(path.dirname(f.path), { recursive: true });
    writeFileSync(f.path, readTemplate(f.template));
    written.push(f.path);
  }
  return written;
}

/** The folder `vendorPath` is relative to: the config's folder, else the nearest package.json's, else cwd. */
export function projectRoot(cwd: string, configFile: string | undefined, configDir: string): string {
  if (configFile) return configDir;
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return cwd;
  }
}
