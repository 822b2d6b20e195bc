// In an application (a private package, or one that runs through `main` or `bin` and declares no library) every
// caller is in the repository: whether a class's method overlaps itself depends on callers the analysis does not
// follow, so its check-then-act is shown on request. A library's methods, which
// outside code may call at once, and an application's module functions keep their confidence.
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
  it("is low in a method of an application's class, medium in its module functions", async () => {
    const low = ['check-then-act:6:low', 'check-then-act:15:medium'];
    expect(await confidences({ name: 'web', private: true })).toEqual(low);
    expect(await confidences({ name: 'server', main: 'src/server.js' })).toEqual(low);
    expect(await confidences({ name: 'tool', bin: { tool: 'bin/tool.js' } })).toEqual(low);
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
