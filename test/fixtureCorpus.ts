// The fixture corpus in test/fixtures, read once per test file: the engine's fixture test and the ESLint
// plugin's rule tests both take their cases from it.
//
// Layout: test/fixtures/<group>/<racy|safe>/**/<name>.<ext>, where <group> is a rule id, `idioms`
// or `require-atomic-updates` (the last two hold safe files only). A racy file marks every line that
// must be reported with a trailing `// expect: rule-a, rule-b` comment; a file under safe/ must
// report nothing.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RULE_IDS } from '../src/engine/rules/meta.js';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;
export const SAFE_ONLY_GROUPS = ['idioms', 'require-atomic-updates'] as const;
export const GROUPS: readonly string[] = [...RULE_IDS, ...SAFE_ONLY_GROUPS];

export type Kind = 'racy' | 'safe';

export interface Marker {
  line: number;
  ruleId: string;
  /** `// expect: check-then-act (low)`: reported only at `minConfidence: 'low'`, and with that confidence. */
  low?: boolean;
}

export interface Fixture {
  group: string;
  kind: Kind;
  /** Path relative to test/fixtures with forward slashes, used as the test name. */
  rel: string;
  abs: string;
  text: string;
  markers: Marker[];
  /** Lines that mention `expect:` but are not a well-formed trailing marker. */
  malformed: number[];
}

const MARKER = /\/\/\s*expect:\s*([a-z-]+(?:\s*,\s*[a-z-]+)*)\s*(\(low\))?\s*$/;

export function parseMarkers(text: string): { markers: Marker[]; malformed: number[] } {
  const markers: Marker[] = [];
  const malformed: number[] = [];
  text.split(/\r?\n/).forEach((lineText, index) => {
    if (!lineText.includes('expect:')) return;
    const match = MARKER.exec(lineText);
    if (!match?.[1]) {
      malformed.push(index + 1);
      return;
    }
    for (const ruleId of match[1].split(',')) markers.push({ line: index + 1, ruleId: ruleId.trim(), ...(match[2] ? { low: true } : {}) });
  });
  return { markers, malformed };
}

export function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const abs = join(dir, name);
    if (statSync(abs).isDirectory()) out.push(...walk(abs));
    else out.push(abs);
  }
  return out;
}

export function isFixtureFile(path: string): boolean {
  const lower = path.toLowerCase();
  if (/\.d\.[mc]?ts$/.test(lower)) return false;
  return EXTENSIONS.some((ext) => lower.endsWith(ext));
}

export function collectFixtures(): Fixture[] {
  const fixtures: Fixture[] = [];
  for (const group of GROUPS) {
    for (const kind of ['racy', 'safe'] as const) {
      const dir = join(FIXTURES, group, kind);
      let files: string[];
      try {
        files = walk(dir);
      } catch {
        continue;
      }
      for (const abs of files) {
        if (!isFixtureFile(abs)) continue;
        const text = readFileSync(abs, 'utf8');
        fixtures.push({
          group,
          kind,
          rel: relative(FIXTURES, abs).split(sep).join('/'),
          abs,
          text,
          ...parseMarkers(text),
        });
      }
    }
  }
  return fixtures;
}
