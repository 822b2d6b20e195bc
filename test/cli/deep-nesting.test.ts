// A file nested deeper than any stack must never take the run down: the native parser gets only what fits in
// its thread's stack (src/shared/stack.ts), and every other file's findings are still reported.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxFastParseLength, PARSE_STACK_MB } from '../../src/shared/stack.js';
import { DEEP_INPUTS } from '../deepInputs.js';
import { ensureBuilt, makeProject, parseJsonOutput, RACY, removeProjects, runCli } from './helpers.js';

interface JsonReport {
  results: { filePath: string; findings: { ruleId: string }[]; parseError?: { message: string }; internalError?: string }[];
}

beforeAll(ensureBuilt);
afterAll(removeProjects);

const files = Object.fromEntries(Object.values(DEEP_INPUTS).map(({ file, text }) => [`src/${file}`, text]));

describe('deeply nested input', () => {
  it.each([['1'], ['2']])('with --jobs %s: no crash, every deep file is a result, the racy file is still reported', (jobs) => {
    const dir = makeProject({ ...files, 'src/racy.ts': RACY });
    const run = runCli(['check', 'src', '--format', 'json', '--jobs', jobs], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const report = parseJsonOutput<JsonReport>(run.stdout);
    expect(report.results).toHaveLength(Object.keys(files).length + 1);
    expect(report.results.find((r) => r.filePath.endsWith('racy.ts'))?.findings.map((f) => f.ruleId)).toEqual(['lost-update']);
    for (const r of report.results) expect(r.internalError).toBeUndefined();
  });

  it('a text as long as the native parser may take, at the costliest nesting measured, parses on the run thread', () => {
    // Parenthesized types cost the most stack per byte; this file is right at the limit and goes to oxc.
    const limit = maxFastParseLength(PARSE_STACK_MB);
    const depth = Math.floor((limit - 20) / 2);
    const text = `let x: ${'('.repeat(depth)}b${')'.repeat(depth)};\n`;
    expect(text.length).toBeLessThanOrEqual(limit);
    const dir = makeProject({ 'edge.ts': text, 'racy.ts': RACY });
    const run = runCli(['check', '.', '--format', 'json'], dir, { DEBUG: 'awaitguard' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`oxc-parser for files up to ${limit} characters`);
    const report = parseJsonOutput<JsonReport>(run.stdout);
    expect(report.results.map((r) => [r.filePath, r.findings.length, r.parseError?.message])).toEqual([
      ['edge.ts', 0, undefined],
      ['racy.ts', 1, undefined],
    ]);
  });

  it('both parsers accept a 500-call chain on the run thread (typescript-estree overflowed on a default stack)', () => {
    const dir = makeProject({ 'chain.ts': `export const x = a${'.b()'.repeat(500)};\n` });
    const envs: Record<string, string>[] = [{}, { AWAITGUARD_PARSER: 'typescript-estree' }];
    for (const env of envs) {
      const run = runCli(['check', '.', '--format', 'json'], dir, env);
      expect(run.code).toBe(0);
      expect(parseJsonOutput<JsonReport>(run.stdout).results[0]?.parseError).toBeUndefined();
    }
  });
});
