// --summary FILE: the first findings listed one by one with their interleaving folded under them, the rest counted.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SUMMARY_FINDINGS } from '../../src/cli/jobSummary.js';
import { RACY, ensureBuilt, makeProject, removeProjects, runCli } from './helpers.js';

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => removeProjects());

describe('--summary', () => {
  it(`lists the first ${SUMMARY_FINDINGS} findings, each with how it happens, and counts the others`, () => {
    const files = Object.fromEntries(Array.from({ length: SUMMARY_FINDINGS + 2 }, (_, i) => [`src/counter${String(i).padStart(2, '0')}.ts`, RACY]));
    const dir = makeProject(files);
    expect(runCli(['check', '--summary', 'summary.md'], dir).code).toBe(1);
    const summary = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    expect(summary).toContain(`**${SUMMARY_FINDINGS + 2} findings**`);
    expect(summary.match(/^- `src\/counter\d\d\.ts:5` \*\*lost-update\*\*/gm)).toHaveLength(SUMMARY_FINDINGS);
    expect(summary.match(/<details><summary>How it happens<\/summary>/g)).toHaveLength(SUMMARY_FINDINGS);
    expect(summary).toContain('…and 2 more findings (see the report).');
    expect(summary).not.toContain(`counter${SUMMARY_FINDINGS + 1}.ts`);
  });

  it('lists nothing when there is nothing to report', () => {
    const dir = makeProject({ 'src/clean.ts': 'export const x = 1;\n' });
    expect(runCli(['check', '--summary', 'summary.md'], dir).code).toBe(0);
    const summary = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    expect(summary).toContain('No findings.');
    expect(summary).not.toContain('#### Findings');
  });
});
