// Where code lives weighs its findings: fan-out in tests and benchmarks is deliberate, so the rule is off there
// by default; each finding says how sure it is, and --min-confidence chooses what is shown.
import { describe, expect, it, afterAll } from 'vitest';
import { conventionalFileKind, DEFAULT_CONFIG, generatedByContent, isBuildOutput, validateConfig } from '../../src/engine/index.js';
import { fileKindOf } from '../../src/shared/fileKind.js';
import { checkInProcess, makeProject, removeProjects } from './helpers.js';

afterAll(() => removeProjects());

const check = checkInProcess;

// Fan-out over rows a query returned (high), over a caller's array (medium), over a field nothing adds to (low).
const FANOUT = `declare const db: { query(sql: string): Promise<{ rows: string[] }> };
declare function ping(id: string): Promise<void>;
export async function fromQuery() {
  const { rows } = await db.query('select id from t');
  await Promise.all(rows.map((id) => ping(id)));
}
export async function fromCaller(ids: string[]) {
  await Promise.all(ids.map((id) => ping(id)));
}
export class Fixed {
  constructor(private readonly peers: string[]) {}
  async all() {
    await Promise.all(this.peers.map((id) => ping(id)));
  }
}
`;

describe('file kinds', () => {
  it.each([
    ['src/a.ts', 'source'],
    ['test/a.ts', 'test'],
    ['packages/x/__tests__/a.ts', 'test'],
    ['src/a.test.ts', 'test'],
    ['src/a.spec.mjs', 'test'],
    ['core/diff/streamDiff.vitest.ts', 'test'],
    ['src/vitest.config.ts', 'test'],
    ['bench/a.ts', 'benchmark'],
    ['src/a.bench.ts', 'benchmark'],
    ['scripts/release.mjs', 'script'],
    ['examples/app/src/a.ts', 'script'],
    ['test/bench/a.ts', 'benchmark'],
    ['dev/gossip.js', 'script'],
    ['packages/prisma/seed/documents.ts', 'script'],
    ['db/seeders/20240101-users.js', 'script'],
    ['apps/dev/server.ts', 'script'],
    ['src/dev/loadMessages.ts', 'source'],
    ['packages/core/lib/dev/warn.ts', 'source'],
    // A package whose source lives under `dev/` (nodejs-firestore's `dev/src`, built to `build/src`).
    ['dev/src/index.ts', 'source'],
    ['src/contest.ts', 'source'],
    ['src/latest-tests.ts', 'source'],
    ['system-test/storage.ts', 'test'],
    ['packages/api/integration-tests/jobs.ts', 'test'],
    ['test-helpers/db.ts', 'test'],
    ['dev-packages/cloudflare-integration-tests/runner.ts', 'test'],
    ['packages/e2e_smoke_tests/login.ts', 'test'],
    ['src/latest-tests-report.ts', 'source'],
    ['src/contests/rank.ts', 'source'],
    ['packages/slonik/src/helpers.test/createPool.ts', 'test'],
    ['src/components/button.spec/story.ts', 'test'],
    ['src/respec/index.ts', 'source'],
    ['packages/openapi-spec/src/index.ts', 'source'],
    ['src/latest.tests.data/index.ts', 'source'],
    ['features-legacy/support/api/http.ts', 'test'],
    ['features/support/world.js', 'test'],
    ['features/step_definitions/users.js', 'test'],
    ['e2e/step-definitions/login.ts', 'test'],
    ['src/features/support/SupportChat.tsx', 'source'],
    ['packages/app/src/features/support/api.ts', 'source'],
    ['features/billing/invoice.ts', 'source'],
    ['.yarn/releases/yarn-3.2.1.cjs', 'generated'],
    ['.yarn/plugins/@yarnpkg/plugin-interactive-tools.cjs', 'generated'],
    ['.pnp.cjs', 'generated'],
    ['src/pnp.cjs', 'source'],
    ['docs/.vitepress/scripts/assets.ts', 'script'],
    ['gulpfile.js', 'script'],
    ['packages/ui/Gruntfile.cjs', 'script'],
    ['gulpfile.babel.ts', 'script'],
    ['src/gulpfiles.ts', 'source'],
    ['packages/database/vite.config.ts', 'script'],
    ['webpack.config.prod.js', 'script'],
    ['rollup.config.mjs', 'script'],
    ['src/vite.ts', 'source'],
    ['src/viteConfig.ts', 'source'],
    ['.changeset/changelog-generator.mjs', 'script'],
    ['.github/scripts/label.js', 'script'],
    ['src/github/client.ts', 'source'],
    ['website/src/components/Demo.tsx', 'script'],
    ['tutorials/address-book/app/data.ts', 'script'],
    ['src/tutorial/steps.ts', 'source'],
    ['tools/releaser/src/publish.ts', 'script'],
    ['packages/tools/src/index.ts', 'source'],
    ['tooling/release/src/upload.ts', 'script'],
    ['packages/tooling/src/index.ts', 'source'],
    ['repo-scripts/changelog-generator/index.ts', 'script'],
    ['packages/release-build-scripts/src/publish.ts', 'script'],
    ['www/packages/build-scripts/src/generate-sidebar.ts', 'script'],
    ['src/transcripts/parse.ts', 'source'],
    ['.scripts/compare-database.js', 'script'],
    ['sdks/agent-sdk/vitest.setup.ts', 'test'],
    ['jest.setup.js', 'test'],
    ['packages/web/vitest.config.mts', 'test'],
    ['playwright.config.ts', 'test'],
    ['wdio.conf.ts', 'test'],
    ['src/setupTests.ts', 'test'],
    ['jest.global-setup.ts', 'test'],
    ['src/setup.ts', 'source'],
    ['src/config.ts', 'source'],
    ['src/scriptsRunner.ts', 'source'],
    ['packages/docs-generator/src/docs/render.ts', 'source'],
    ['integration/models/applicationConfig.ts', 'test'],
    ['playwright/index.ts', 'test'],
    ['cypress/support/commands.js', 'test'],
    ['src/integration/slack.ts', 'source'],
    ['packages/playwright/src/index.ts', 'source'],
  ])('%s is %s code by convention', (rel, kind) => {
    expect(conventionalFileKind(rel)).toBe(kind);
  });

  it('is judged from the project root, and the project can say otherwise', () => {
    const config = validateConfig({ fileKinds: { source: ['test/support/**'], test: ['qa/**'] } }, 'x');
    expect(fileKindOf('/home/u/tests/app/src/a.ts', '/home/u/tests/app', DEFAULT_CONFIG)).toBe('source');
    expect(fileKindOf('/p/test/support/db.ts', '/p', config)).toBe('source');
    expect(fileKindOf('/p/qa/load.ts', '/p', config)).toBe('test');
    expect(() => validateConfig({ fileKinds: { tests: [] } }, 'awaitguard.config.json')).toThrow('awaitguard.config.json: "fileKinds" has an unknown file kind "tests"');
  });

  it('a JavaScript file that ends with a source map comment is checked-in build output', () => {
    const built = 'export async function f() {}\n//# sourceMappingURL=f.js.map\n';
    expect(isBuildOutput('dist/f.js', built)).toBe(true);
    expect(isBuildOutput('lib.esm/f.mjs', built)).toBe(true);
    expect(isBuildOutput('src/f.ts', built)).toBe(false);
    expect(isBuildOutput('dist/f.js', 'export async function f() {}\n')).toBe(false);
    expect(isBuildOutput('dist/f.js', '//# sourceMappingURL=f.js.map\nexport const x = 1;\n')).toBe(false);
    expect(fileKindOf('/p/dist/f.js', '/p', DEFAULT_CONFIG, built)).toBe('generated');
    // Minified: lines averaging over 110 characters (GitHub linguist's test), some of 500 or more, in a file long enough to say.
    const minified = Array.from({ length: 8 }, (_, i) => `var a${i}=async function(b){return await Promise.all(b.map(function(c){return fetch(c)}))};`.repeat(8)).join('\n');
    expect(isBuildOutput('public/chart.min.js', minified)).toBe(true);
    expect(isBuildOutput('src/chart.ts', minified)).toBe(false);
    expect(isBuildOutput('public/one-liner.js', minified.slice(0, 600))).toBe(false);
    const handWritten = Array.from({ length: 100 }, (_, i) => `  const value${i} = await load(ids[${i}]); // one statement a line`).join('\n');
    expect(isBuildOutput('src/jobs.js', handWritten)).toBe(false);
    // TypeScript's or Babel's CommonJS output, checked in: the preamble nobody writes by hand.
    const compiled = '"use strict";\n/* Copyright */\nObject.defineProperty(exports, "__esModule", { value: true });\nexports.save = exports.load = void 0;\nasync function load() {}\nexports.load = load;\n';
    expect(generatedByContent('lib/build/store.js', compiled)).toBe('compiled');
    expect(generatedByContent('lib/build/store.js', compiled.replace(/^exports\.save.*$/m, ''))).toBe(null);
    expect(generatedByContent('lib/store.js', 'Object.defineProperty(exports, "__esModule", { value: true });\nexports.load = load;\n')).toBe(null);
    // esbuild's or Bun's bundle runtime, and webpack's, prepended to a bundle checked in under any name.
    const esbuilt = 'var __create = Object.create;\nvar __defProp = Object.defineProperty;\nvar __export = (target, all) => {\n  for (var name in all) __defProp(target, name, { get: all[name], enumerable: true });\n};\nasync function load() {}\n';
    expect(generatedByContent('registry/static/worker.js', esbuilt)).toBe('bundled');
    expect(generatedByContent('registry/static/worker.js', esbuilt.replace(/^var __export[^]*?\n\};\n/m, ''))).toBe(null);
    expect(generatedByContent('public/app.js', '/******/ (() => { // webpackBootstrap\n/******/ \tvar __webpack_modules__ = ({});\n')).toBe('bundled');
    expect(generatedByContent('src/helpers.ts', esbuilt)).toBe(null);
    // esbuild's bundle of dependencies, its helpers required from a file of their own: each module opens with its path.
    const vendored = '"use strict";\nconst {\n  __commonJS,\n  __async\n} = require(\'./esblib.cjs\');\n\n// node_modules/fast-glob/out/utils/array.js\nvar require_array = __commonJS({\n  "node_modules/fast-glob/out/utils/array.js"(exports2) {\n    function flatten(items) { return items; }\n  }\n});\n';
    expect(generatedByContent('build/vendor-extra.cjs', vendored)).toBe('bundled');
    expect(generatedByContent('build/vendor-extra.cjs', vendored.replace(/^\/\/ node_modules.*$/m, '// the array helpers'))).toBe(null);
    expect(generatedByContent('src/require-array.js', 'const { __commonJS } = require(\'./helpers\');\nvar require_array = __commonJS({\n  array() {}\n});\n')).toBe(null);
    // The project's globs decide first.
    expect(fileKindOf('/p/dist/f.js', '/p', validateConfig({ fileKinds: { source: ['dist/**'] } }, 'x'), built)).toBe('source');
  });

  it('build output is counted but not analysed, unless rulesByKind turns a rule on there', async () => {
    const js = FANOUT.replace(/^declare .*$/gm, '').replace(/: string\[\]|private readonly /g, '').replace(/\(ids\)/g, '(ids)');
    const built = `const db = globalThis.db;\nconst ping = globalThis.ping;\n${js}\n//# sourceMappingURL=jobs.js.map\n`;
    const dir = makeProject({ 'dist/jobs.js': built, 'src/jobs.ts': FANOUT });
    const report = JSON.parse((await check(dir, ['--format', 'json'])).stdout) as { results: { filePath: string; kind: string; findings: unknown[] }[]; summary: { filesByKind: Record<string, number> } };
    const byFile = Object.fromEntries(report.results.map((r) => [r.filePath, r]));
    expect(byFile['dist/jobs.js']!.kind).toBe('generated');
    expect(byFile['dist/jobs.js']!.findings).toEqual([]);
    expect(byFile['src/jobs.ts']!.findings.length).toBe(2);
    expect(report.summary.filesByKind).toEqual({ source: 1, generated: 1 });
    const on = makeProject({ 'dist/jobs.js': built, 'awaitguard.config.json': JSON.stringify({ rulesByKind: { generated: { 'unbounded-concurrency': 'warning' } } }) });
    const onReport = JSON.parse((await check(on, ['--format', 'json'])).stdout) as { results: { filePath: string; findings: unknown[] }[] };
    expect(onReport.results.find((r) => r.filePath === 'dist/jobs.js')!.findings.length).toBe(2);
  });

  it('fan-out is off in tests and benchmarks, on in source; the summary counts files by kind', async () => {
    const dir = makeProject({ 'src/jobs.ts': FANOUT, 'test/jobs.test.ts': FANOUT, 'bench/jobs.ts': FANOUT });
    const { stdout } = await check(dir, ['--format', 'json']);
    const report = JSON.parse(stdout) as { results: { filePath: string; kind: string; findings: { ruleId: string }[] }[]; summary: { filesByKind: Record<string, number> } };
    const byFile = Object.fromEntries(report.results.map((r) => [r.filePath, r]));
    expect(byFile['src/jobs.ts']!.kind).toBe('source');
    expect(byFile['src/jobs.ts']!.findings.length).toBe(2);
    expect(byFile['test/jobs.test.ts']!.findings).toEqual([]);
    expect(byFile['bench/jobs.ts']!.findings).toEqual([]);
    expect(report.summary.filesByKind).toEqual({ source: 1, test: 1, benchmark: 1 });
    const stylish = await check(dir, []);
    expect(stylish.stdout).toContain('3 files checked: 1 benchmark, 1 source, 1 test');
  });

  it('a check-then-act is medium in source and low in tests and benchmarks, which run their rounds one at a time', async () => {
    const memo = "declare function fetchToken(): Promise<string>;\nlet token: string | undefined;\nexport async function getToken(): Promise<string> {\n  if (!token) token = await fetchToken();\n  return token;\n}\n";
    const dir = makeProject({ 'src/token.ts': memo, 'test/token.test.ts': memo, 'bench/token.ts': memo });
    const report = JSON.parse((await check(dir, ['--format', 'json', '--min-confidence', 'low'])).stdout) as { results: { filePath: string; findings: { ruleId: string; confidence: string }[] }[] };
    const byFile = Object.fromEntries(report.results.map((r) => [r.filePath, r.findings.map((f) => `${f.ruleId}:${f.confidence}`)]));
    expect(byFile).toEqual({ 'src/token.ts': ['check-then-act:medium'], 'test/token.test.ts': ['check-then-act:low'], 'bench/token.ts': ['check-then-act:low'] });
  });

  it('rulesByKind turns a rule back on for one kind', async () => {
    const dir = makeProject({ 'test/jobs.test.ts': FANOUT, 'awaitguard.config.json': JSON.stringify({ rulesByKind: { test: { 'unbounded-concurrency': 'error' } } }) });
    const { stdout } = await check(dir, ['--format', 'json']);
    expect(JSON.parse(stdout).results[0].findings.map((f: { severity: string }) => f.severity)).toEqual(['error', 'error']);
  });

  it('each finding has a confidence; --min-confidence low shows the low ones, high hides medium', async () => {
    const dir = makeProject({ 'src/jobs.ts': FANOUT });
    const confidences = async (argv: string[]) => JSON.parse((await check(dir, ['--format', 'json', ...argv])).stdout).results[0].findings.map((f: { line: number; confidence: string }) => `${f.line}:${f.confidence}`);
    expect(await confidences([])).toEqual(['5:high', '8:medium']);
    expect(await confidences(['--min-confidence', 'low'])).toEqual(['5:high', '8:medium', '13:low']);
    expect(await confidences(['--min-confidence', 'high'])).toEqual(['5:high']);
    const sarif = JSON.parse((await check(dir, ['--format', 'sarif'])).stdout);
    expect(sarif.runs[0].results.map((r: { rank: number; properties: { confidence: string } }) => [r.rank, r.properties.confidence])).toEqual([[90, 'high'], [60, 'medium']]);
    const bad = await check(dir, ['--min-confidence', 'sure']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--min-confidence expects one of low, medium, high, got "sure"');
  });
});
