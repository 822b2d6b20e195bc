// In an application (a private package, or one that runs through `main` or `bin` and declares no library) every
// caller is in the repository: whether a class's method or a module's function overlaps itself depends on callers
// the analysis does not follow, so its check-then-act is shown on request. A library's methods, which outside code
// may call at once, keep their confidence; so does a module function its own module hands on or starts unwaited.
import { afterAll, describe, expect, it } from 'vitest';
import { checkInProcess, makeProject, removeProjects } from './helpers.js';

afterAll(() => removeProjects());

const SESSION = `declare function fetchProfile(): Promise<{ name: string }>;
export class Session {
  private profile: { name: string } | null = null;
  async ensureProfile() {
    if (!this.profile) {
      this.profile = await fetchProfile();
    }
    return this.profile;
  }
}
let settings: Record<string, string> | null = null;
declare function loadSettings(): Promise<Record<string, string>>;
export async function ensureSettings() {
  if (!settings) {
    settings = await loadSettings();
  }
  return settings;
}
`;

// One module function that checks and fills a module variable; the cases below differ in how the module calls it.
const LOAD = 'declare function loadSettings(): Promise<Record<string, string>>;\n';
const SERVE = 'declare function serve(handler: () => Promise<unknown>): void;\n';
const ensureSettings = (exported: boolean): string => `let settings: Record<string, string> | null = null;
${exported ? 'export ' : ''}async function ensureSettings() {
  if (!settings) {
    settings = await loadSettings();
  }
  return settings;
}
`;

// The module itself shows how the function is started: handed on as a handler, or started without waiting.
const HANDED_ON = `${LOAD}${SERVE}${ensureSettings(false)}serve(ensureSettings);
`;

const STARTED_UNWAITED = `${LOAD}${ensureSettings(true)}export async function warm() {
  void ensureSettings();
  await ensureSettings();
}
`;

// Waited on by a function the module hands on, or by a callback that may run beside itself.
const CALLER_HANDED_ON = `${LOAD}${SERVE}${ensureSettings(false)}async function handle() {
  return await ensureSettings();
}
serve(handle);
`;

const CALLED_BY_CALLBACK = `${LOAD}${ensureSettings(false)}export async function all(ids: string[]) {
  return Promise.all(ids.map(async (id) => (await ensureSettings())[id]));
}
`;

// Waited on wherever its module calls it: the next call starts after this one settles.
const WAITED_ON = `${LOAD}${ensureSettings(true)}export async function main() {
  const s = await ensureSettings();
  return s;
}
`;

// The method starts the overlap itself: its callbacks run side by side.
const IMPORTER = `declare function download(url: string): Promise<string>;
export class Importer {
  private readonly saved = new Map<string, string>();
  async importAll(urls: string[]) {
    await Promise.all(urls.map(async (url) => {
      if (this.saved.has(url)) return;
      const file = await download(url);
      this.saved.set(url, file);
    }));
  }
}
`;

async function confidences(manifest: Record<string, unknown> | null, source = SESSION): Promise<string[]> {
  const files: Record<string, string> = { 'src/session.ts': source };
  if (manifest) files['package.json'] = JSON.stringify(manifest);
  const dir = makeProject(files);
  const { stdout } = await checkInProcess(dir, ['--format', 'json', '--min-confidence', 'low']);
  const report = JSON.parse(stdout) as { results: { findings: { line: number; ruleId: string; confidence: string }[] }[] };
  return report.results.flatMap((r) => r.findings.map((f) => `${f.ruleId}:${f.line}:${f.confidence}`));
}

describe('check-then-act in application code', () => {
  it("is low in a method of an application's class and in its module functions", async () => {
    const low = ['check-then-act:6:low', 'check-then-act:15:low'];
    expect(await confidences({ name: 'web', private: true })).toEqual(low);
    expect(await confidences({ name: 'server', main: 'src/server.js' })).toEqual(low);
    expect(await confidences({ name: 'tool', bin: { tool: 'bin/tool.js' } })).toEqual(low);
  });

  it("keeps a module function's confidence when its own module hands it on or starts it unwaited", async () => {
    const app = { name: 'web', private: true };
    expect(await confidences(app, HANDED_ON)).toEqual(['check-then-act:6:medium']);
    expect(await confidences(app, STARTED_UNWAITED)).toEqual(['check-then-act:5:medium']);
    expect(await confidences(app, CALLER_HANDED_ON)).toEqual(['check-then-act:6:medium']);
    expect(await confidences(app, CALLED_BY_CALLBACK)).toEqual(['check-then-act:5:medium', 'unbounded-concurrency:10:medium']);
    expect(await confidences(app, WAITED_ON)).toEqual(['check-then-act:5:low']);
  });

  it('keeps its confidence in a callback the method fans out', async () => {
    expect(await confidences({ name: 'web', private: true }, IMPORTER)).toEqual(['unbounded-concurrency:5:medium', 'check-then-act:8:medium']);
  });

  it("keeps a library's methods at medium, and a package.json that says neither, or none, as it was", async () => {
    const medium = ['check-then-act:6:medium', 'check-then-act:15:medium'];
    expect(await confidences({ name: 'sdk', types: 'dist/index.d.ts' })).toEqual(medium);
    expect(await confidences({ name: 'sdk', exports: { '.': './dist/index.js' } })).toEqual(medium);
    expect(await confidences({ name: 'sdk', private: true, main: 'dist/index.js', types: 'dist/index.d.ts' })).toEqual(medium);
    expect(await confidences({ name: 'app', type: 'module' })).toEqual(medium);
    expect(await confidences(null)).toEqual(medium);
  });
});
