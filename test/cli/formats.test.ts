// The json, sarif and github formats, on one project with a racy file, a clean one and a syntax error.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_RULES } from '../../src/engine/index.js';
import { CHECK_THEN_ACT, CLEAN, RACY, ROOT, SYNTAX_ERROR, ensureBuilt, makeProject, parseJsonOutput, removeProjects, runCli } from './helpers.js';
import { sarifProblems } from './sarif-shape.js';

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => removeProjects());

const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

function project(): string {
  return makeProject({
    'src/racy.ts': RACY,
    'src/clean.ts': CLEAN,
    'src/broken.ts': SYNTAX_ERROR,
    'lib/client.ts': CHECK_THEN_ACT,
  });
}

// Pin severities so the expectations do not depend on defaults.
const PIN = ['--rule', 'lost-update=error', '--rule', 'check-then-act=warning'];

describe('--format json', () => {
  interface JsonFinding {
    ruleId: string;
    severity: string;
    message: string;
    line: number;
    column: number;
    endLine: number;
    endColumn: number;
    location?: string;
    range: { start: { line: number; column: number }; end: { line: number; column: number }; offset: [number, number] };
    related: { message: string; line: number; column: number }[];
    fixCount: number;
  }
  interface JsonReport {
    version: string;
    formatVersion: number;
    results: { filePath: string; parseError?: { message: string; line: number; column: number }; findings: JsonFinding[] }[];
    summary: Record<string, number>;
  }

  it('lists every file with its findings, parse error and a summary', () => {
    const dir = project();
    const { code, stdout, stderr } = runCli(['check', '--format', 'json', ...PIN], dir);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    const report = parseJsonOutput<JsonReport>(stdout);
    expect(report.version).toBe(version);
    expect(report.results.map((r) => r.filePath)).toEqual(['lib/client.ts', 'src/broken.ts', 'src/clean.ts', 'src/racy.ts']);

    const [client, broken, clean, racy] = report.results;
    expect(clean!.findings).toEqual([]);
    expect(clean!.parseError).toBeUndefined();
    expect(broken!.parseError).toEqual({ message: 'Expression expected.', line: 2, column: 17 });
    expect(broken!.findings).toEqual([]);

    expect(racy!.findings).toHaveLength(1);
    const f = racy!.findings[0]!;
    expect(f).toMatchObject({ ruleId: 'lost-update', severity: 'error', line: 5, column: 3, endLine: 5, endColumn: 12, location: 'n' });
    expect(f.range.start).toEqual({ line: 5, column: 2 }); // the engine's range, as is
    expect(RACY.slice(f.range.offset[0], f.range.offset[1])).toBe('n = v + 1');
    expect(f.message).toContain('`n`');
    expect(f.related.map((r) => [r.line, r.column])).toEqual([
      [3, 13],
      [4, 3],
    ]);
    expect(typeof f.fixCount).toBe('number');
    expect(f).not.toHaveProperty('fixes');

    expect(client!.findings.map((x) => [x.ruleId, x.severity, x.line, x.column])).toEqual([['check-then-act', 'warning', 5, 7]]);
    expect(report.summary).toEqual({
      errorCount: 1,
      warningCount: 1,
      infoCount: 0,
      fileCount: 4,
      filesByKind: { source: 4 },
      parseErrorCount: 1,
      readErrorCount: 0,
      internalErrorCount: 0,
      skippedCount: 0,
      generatedBy: {},
      fixErrorCount: 0,
    });
  });

  it('paths are relative to the working folder, even when it is below the files', () => {
    const dir = project();
    const report = parseJsonOutput<JsonReport>(runCli(['check', '--format', 'json', '..'], path.join(dir, 'src')).stdout);
    expect(report.results.map((r) => r.filePath)).toEqual(['../lib/client.ts', 'broken.ts', 'clean.ts', 'racy.ts']);
  });
});

describe('--format sarif', () => {
  interface Region {
    startLine: number;
    startColumn: number;
    endLine?: number;
    endColumn?: number;
  }
  interface Location {
    id?: number;
    physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string; index?: number }; region?: Region };
    message?: { text: string };
  }
  interface Sarif {
    runs: {
      tool: { driver: { name: string; version: string; rules: { id: string; name: string; helpUri: string; defaultConfiguration: { level: string } }[] } };
      originalUriBaseIds: Record<string, { uri: string }>;
      invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string }; locations: Location[] }[] }[];
      results: {
        ruleId: string;
        ruleIndex: number;
        level: string;
        message: { text: string };
        locations: Location[];
        relatedLocations?: Location[];
        partialFingerprints: Record<string, string>;
      }[];
    }[];
  }

  function sarif(args: string[], cwd: string): { log: Sarif; code: number | null } {
    const { code, stdout, stderr } = runCli(['check', '--format', 'sarif', ...args], cwd);
    expect(stderr).toBe('');
    const log = parseJsonOutput<Sarif>(stdout);
    expect(sarifProblems(log)).toEqual([]);
    return { log, code };
  }

  it('is structurally valid SARIF 2.1.0 with every rule, results, related locations and notifications', () => {
    const dir = project();
    const { log, code } = sarif(PIN, dir);
    expect(code).toBe(1);
    const run = log.runs[0]!;
    expect(log.runs).toHaveLength(1);
    expect(run.tool.driver.name).toBe('awaitguard');
    expect(run.tool.driver.version).toBe(version);
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(ALL_RULES.map((r) => r.meta.id));
    const lostUpdate = run.tool.driver.rules.find((r) => r.id === 'lost-update')!;
    expect(lostUpdate.name).toBe('LostUpdate');
    expect(lostUpdate.helpUri).toMatch(/^https:\/\/.*lost-update\.md$/);
    expect(run.originalUriBaseIds['%SRCROOT%']!.uri).toBe(`${pathToFileURL(dir).href}/`);

    expect(run.results.map((r) => [r.ruleId, r.level, r.locations[0]!.physicalLocation.artifactLocation.uri])).toEqual([
      ['check-then-act', 'warning', 'lib/client.ts'],
      ['lost-update', 'error', 'src/racy.ts'],
    ]);
    const result = run.results[1]!;
    expect(run.tool.driver.rules[result.ruleIndex]!.id).toBe('lost-update');
    expect(result.locations[0]!.physicalLocation.region).toEqual({ startLine: 5, startColumn: 3, endLine: 5, endColumn: 12 });
    expect(result.locations[0]!.physicalLocation.artifactLocation.uriBaseId).toBe('%SRCROOT%');
    expect(result.relatedLocations!.map((l) => [l.id, l.physicalLocation.region!.startLine, l.physicalLocation.region!.startColumn])).toEqual([
      [1, 3, 13],
      [2, 4, 3],
    ]);
    // GitHub shows related locations when the message links them.
    expect(result.message.text).toMatch(/\]\(1\).*\]\(2\)/);
    expect(result.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{16}:1$/);

    const invocation = run.invocations[0]!;
    expect(invocation.executionSuccessful).toBe(true);
    expect(invocation.toolExecutionNotifications).toHaveLength(1);
    const note = invocation.toolExecutionNotifications[0]!;
    expect(note.level).toBe('error');
    expect(note.message.text).toBe('Parsing error: Expression expected.');
    expect(note.locations[0]!.physicalLocation.artifactLocation.uri).toBe('src/broken.ts');
    expect(note.locations[0]!.physicalLocation.region).toEqual({ startLine: 2, startColumn: 18 });
  });

  it('maps severities to levels (info -> note) and encodes uris', () => {
    const dir = makeProject({ 'src/my file [v2].ts': RACY });
    const { log, code } = sarif(['--rule', 'lost-update=info'], dir);
    expect(code).toBe(0);
    const result = log.runs[0]!.results[0]!;
    expect(result.level).toBe('note');
    expect(result.locations[0]!.physicalLocation.artifactLocation.uri).toBe('src/my%20file%20%5Bv2%5D.ts');
  });

  it('fingerprints survive unrelated edits elsewhere in the file and tell findings apart', () => {
    const dir = makeProject({ 'racy.ts': RACY });
    const before = sarif([], dir).log.runs[0]!.results;
    // Unrelated code above and below, and the finding re-indented: line numbers move, the fingerprint stays.
    const edited = `import { x } from './x';\n\nexport const other = x + 1;\n${RACY.replace('  n = v + 1;', '      n = v + 1;')}\nexport function more() {}\n`;
    writeFileSync(path.join(dir, 'racy.ts'), edited);
    const after = sarif([], dir).log.runs[0]!.results;
    expect(after[0]!.locations[0]!.physicalLocation.region!.startLine).toBe(8);
    expect(after[0]!.partialFingerprints).toEqual(before[0]!.partialFingerprints);

    // Two findings with the same line text get different occurrence counters.
    const twice = `let n = 0;
export async function a() {
  const v = n;
  await Promise.resolve();
  n = v + 1;
}
export async function b() {
  const v = n;
  await Promise.resolve();
  n = v + 1;
}
`;
    writeFileSync(path.join(dir, 'racy.ts'), twice);
    const prints = sarif([], dir).log.runs[0]!.results.map((r) => r.partialFingerprints.primaryLocationLineHash!);
    expect(prints).toHaveLength(2);
    expect(prints[0]!.replace(/:\d+$/, '')).toBe(prints[1]!.replace(/:\d+$/, ''));
    expect(prints.map((p) => p.split(':')[1])).toEqual(['1', '2']);
  });

  it('a clean run has an empty results array and still lists the rules', () => {
    const dir = makeProject({ 'clean.ts': CLEAN });
    const { log, code } = sarif([], dir);
    expect(code).toBe(0);
    expect(log.runs[0]!.results).toEqual([]);
    expect(log.runs[0]!.tool.driver.rules.length).toBe(ALL_RULES.length);
    expect(log.runs[0]!.invocations[0]!.toolExecutionNotifications).toEqual([]);
  });

  it('--output writes the SARIF file', () => {
    const dir = project();
    const { code, stdout } = runCli(['check', '--format', 'sarif', '--output', 'out/awaitguard.sarif'], dir);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const log = JSON.parse(readFileSync(path.join(dir, 'out', 'awaitguard.sarif'), 'utf8')) as Sarif;
    expect(sarifProblems(log)).toEqual([]);
    expect(log.runs[0]!.results.length).toBe(2);
  });
});

describe('--format github', () => {
  it('prints one workflow command per finding and parse error', () => {
    const dir = project();
    const { code, stdout, stderr } = runCli(['check', '--format', 'github', ...PIN], dir);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^::warning file=lib\/client\.ts,line=5,col=7,endLine=5,endColumn=\d+,title=awaitguard\(check-then-act\)::\S/);
    expect(lines[1]).toBe('::error file=src/broken.ts,line=2,col=18,title=awaitguard(parsing error)::Parsing error: Expression expected.');
    expect(lines[2]).toMatch(/^::error file=src\/racy\.ts,line=5,col=3,endLine=5,endColumn=12,title=awaitguard\(lost-update\)::/);
    // The related locations travel in the message, newlines escaped.
    expect(lines[2]).toMatch(/%0A↳ 3:13 .*%0A↳ 4:3 /);
    expect(lines[2]).not.toMatch(/\r|\n/);
  });

  it('uses ::notice for info and escapes properties', () => {
    const dir = makeProject({ 'a,b:c%.ts': RACY });
    const { code, stdout } = runCli(['check', '--format', 'github', '--rule', 'lost-update=info'], dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^::notice file=a%2Cb%3Ac%25\.ts,line=5,col=3,/);
  });

  it('prints nothing for a clean project', () => {
    expect(runCli(['check', '--format', 'github'], makeProject({ 'clean.ts': CLEAN }))).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('the interleaving', () => {
  it('--explain prints each finding\'s timeline under it: a column per call, a row per step with its line, the outcome', () => {
    const dir = makeProject({ 'src/racy.ts': RACY });
    const plain = runCli(['check'], dir);
    expect(plain.stdout).not.toContain('interleaving:');
    const { code, stdout } = runCli(['check', '--explain'], dir);
    expect(code).toBe(1);
    const lines = stdout.split('\n');
    const at = lines.findIndex((l) => l.trim() === 'interleaving:');
    expect(at).toBeGreaterThan(0);
    const table = lines.slice(at + 1, at + 9).map((l) => l.trimEnd());
    expect(table[0]).toMatch(/^\s+line {2}call A of `inc\(\)`\s+call B of `inc\(\)`$/);
    // Each step in its call's column: B's steps start where B's header does.
    const bColumn = table[0]!.indexOf('call B');
    expect(table.slice(1, 7).map((l) => l.trim())).toEqual([
      '3  reads `n` (v)',
      '4  yields',
      expect.stringMatching(/^3\s+reads `n`: still v$/),
      expect.stringMatching(/^4\s+yields$/),
      '5  writes `n = v + 1`',
      expect.stringMatching(/^5\s+writes `n = v \+ 1`$/),
    ]);
    expect(table[3]!.indexOf('reads')).toBe(bColumn);
    expect(table[7]).toMatch(/→ B's write is computed from the same v as A's and overwrites it: A's update is lost$/);
    // Colour only on a terminal or when asked: each call's steps in its own colour.
    const coloured = runCli(['check', '--explain', '--color'], dir).stdout;
    expect(coloured).toContain('\u001b[36m  reads `n` (v)');
  });

  it('the JSON format carries the steps with their lines, always', () => {
    const dir = makeProject({ 'src/racy.ts': RACY });
    const report = parseJsonOutput<{ results: { findings: { interleaving: { actors: { id: string; label: string }[]; steps: { actor: number; text: string; line: number; column: number }[]; outcome: string } }[] }[] }>(
      runCli(['check', '--format', 'json'], dir).stdout,
    );
    const timeline = report.results[0]!.findings[0]!.interleaving;
    expect(timeline.actors).toEqual([
      { id: 'A', label: 'call A of `inc()`' },
      { id: 'B', label: 'call B of `inc()`' },
    ]);
    expect(timeline.steps.map((s) => [s.actor, s.line, s.column, s.text])).toEqual([
      [0, 3, 13, 'reads `n` (v)'],
      [0, 4, 3, 'yields'],
      [1, 3, 13, 'reads `n`: still v'],
      [1, 4, 3, 'yields'],
      [0, 5, 3, 'writes `n = v + 1`'],
      [1, 5, 3, 'writes `n = v + 1`'],
    ]);
    expect(timeline.outcome).toContain("A's update is lost");
  });

  it('--format github --explain lists the steps in the annotation, numbered (an annotation is not monospaced)', () => {
    const dir = makeProject({ 'src/racy.ts': RACY });
    expect(runCli(['check', '--format', 'github'], dir).stdout).not.toContain('Interleaving');
    const { stdout } = runCli(['check', '--format', 'github', '--explain'], dir);
    const message = decodeURIComponent(stdout.trim().split('::')[2]!);
    expect(message).toContain('Interleaving (A: call A of `inc()`; B: call B of `inc()`):\n1. A, line 3: reads `n` (v)\n2. A, line 4: yields\n3. B, line 3: reads `n`: still v');
    expect(message).toMatch(/\n6\. B, line 5: writes `n = v \+ 1`\n→ .*A's update is lost$/);
  });
});
