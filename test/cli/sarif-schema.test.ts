// The SARIF the CLI writes, validated against the official SARIF 2.1.0 schema (as Microsoft's SARIF SDK ships it)
// and by Microsoft's own validator, on every racy and safe fixture (every rule, every shape of finding, each with
// its interleaving as code flows) and on the file-level notifications (a syntax error, an unused directive).
// Each validator is first shown to catch a broken log, so a pass means something.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from '../fixtureCorpus.js';
import { ensureBuilt, makeProject, removeProjects, runCli } from './helpers.js';
import { officialSarif, validateWithMultitool, type OfficialSarif } from './officialSarif.js';

interface SarifLog {
  runs: {
    results: {
      ruleId: string;
      message: { text: string };
      codeFlows?: { message: { text: string }; threadFlows: { id: string; locations: { executionOrder: number; location: { message: { text: string } } }[] }[] }[];
    }[];
  }[];
}

let tools: OfficialSarif;
let validate: (log: unknown) => string[];
let fixturesLog: string;
let notificationsLog: string;
let brokenLog: string;

beforeAll(() => {
  ensureBuilt();
  tools = officialSarif();
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const check = ajv.compile(JSON.parse(readFileSync(tools.schemaPath, 'utf8')) as object);
  validate = (log) => (check(log) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));

  const out = makeProject({});
  fixturesLog = path.join(out, 'fixtures.sarif');
  const fixtures = runCli(['check', '.', '--min-confidence', 'low', '--format', 'sarif', '--output', fixturesLog], FIXTURES);
  expect(fixtures.code, fixtures.stderr).toBe(1);

  const project = makeProject({
    'src/broken.ts': 'export async function f( {\n',
    'src/quiet.ts': '// awaitguard-disable-next-line lost-update\nexport const x = 1;\n',
    'src/racy.ts': 'let n = 0;\nexport async function add(k: string) {\n  n += await size(k);\n}\ndeclare function size(k: string): Promise<number>;\n',
  });
  notificationsLog = path.join(out, 'notifications.sarif');
  const notifications = runCli(['check', 'src', '--report-unused-disable-directives', '--format', 'sarif', '--output', notificationsLog], project);
  expect(notifications.code, notifications.stderr).toBe(1);

  // A log GitHub would reject twice over: a result without a message, a thread flow with an unknown property.
  const broken = JSON.parse(readFileSync(fixturesLog, 'utf8')) as { runs: { results: Record<string, unknown>[] }[] };
  delete broken.runs[0]!.results[0]!.message;
  const flow = (broken.runs[0]!.results.find((r) => r.codeFlows) as { codeFlows: { threadFlows: Record<string, unknown>[] }[] }).codeFlows[0]!.threadFlows[0]!;
  flow.bogus = true;
  brokenLog = path.join(out, 'broken.sarif');
  writeFileSync(brokenLog, JSON.stringify(broken, null, 2));
  return () => removeProjects();
}, 360_000);

describe('SARIF against the official 2.1.0 schema', () => {
  it('the schema catches a broken log', () => {
    const problems = validate(JSON.parse(readFileSync(brokenLog, 'utf8')));
    expect(problems.some((p) => /required property 'message'/.test(p))).toBe(true);
    expect(problems.some((p) => /threadFlows\/0 must NOT have additional properties/.test(p))).toBe(true);
  });

  it('every fixture finding, code flows included, is valid', () => {
    const log = JSON.parse(readFileSync(fixturesLog, 'utf8')) as SarifLog;
    expect(validate(log)).toEqual([]);
    const results = log.runs[0]!.results;
    expect(new Set(results.map((r) => r.ruleId)).size).toBeGreaterThanOrEqual(8);
    for (const r of results) {
      // One code flow per finding, a thread flow per concurrent call, the steps numbered 1..n across them.
      expect(r.codeFlows, `${r.ruleId}: ${r.message.text}`).toHaveLength(1);
      const flow = r.codeFlows![0]!;
      expect(flow.threadFlows.length).toBeGreaterThanOrEqual(2);
      const order = flow.threadFlows.flatMap((t) => t.locations.map((l) => l.executionOrder)).sort((a, b) => a - b);
      expect(order).toEqual(order.map((_, i) => i + 1));
      for (const t of flow.threadFlows) for (const l of t.locations) expect(l.location.message.text.trim()).not.toBe('');
    }
  });

  it('a run with a syntax error and an unused directive (notifications) is valid', () => {
    expect(validate(JSON.parse(readFileSync(notificationsLog, 'utf8')))).toEqual([]);
  });
});

describe("SARIF through Microsoft's validator (Sarif.Multitool validate)", () => {
  // The binary is Linux x64 only; elsewhere the schema tests above still run.
  const onLinux = process.platform === 'linux' && process.arch === 'x64';

  it.runIf(onLinux)('the validator catches a broken log', () => {
    const found = validateWithMultitool(tools.validator!, brokenLog).filter((r) => r.level === 'error');
    expect(found.map((r) => r.ruleId).sort()).toEqual(['JSON1002', 'JSON1005']);
  }, 120_000);

  it.runIf(onLinux)('reports no error and no warning on the fixtures and on the notifications, but for keeping the artifacts array', () => {
    for (const log of [fixturesLog, notificationsLog]) {
      // SARIF2004: "the artifacts array holds only locations": by design, so a run records every file it checked.
      const found = validateWithMultitool(tools.validator!, log).filter((r) => r.level !== 'note' && r.ruleId !== 'SARIF2004');
      expect(found, path.basename(log)).toEqual([]);
    }
  }, 240_000);
});
