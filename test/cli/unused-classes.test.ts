// A class of an application that no module of the project names is never made: its methods never run, let alone
// at once, so what the rules find in it is shown on request. (A check-then-act in an application's method is low
// in any case: see application-code.test.ts.) Decorated classes (found by scanning folders), default
// exports (taken by file path) and libraries' classes (made by outside code) keep their confidence.
import { afterAll, describe, expect, it } from 'vitest';
import { checkInProcess, makeProject, removeProjects } from './helpers.js';

afterAll(() => removeProjects());

const service = (head = 'export class', decorator = ''): string => `declare function download(url: string): Promise<string>;
declare function fetchToken(): Promise<string>;
${decorator}${head} DownloadService {
  private token: string | null = null;
  async downloadAll(urls: string[]) {
    return Promise.all(urls.map((url) => download(url)));
  }
  async auth() {
    if (!this.token) {
      this.token = await fetchToken();
    }
    return this.token;
  }
}
`;

const APP = { name: 'web', private: true };

async function findings(manifest: Record<string, unknown>, files: Record<string, string>): Promise<string[]> {
  const dir = makeProject({ 'package.json': JSON.stringify(manifest), ...files });
  const { stdout } = await checkInProcess(dir, ['--format', 'json', '--min-confidence', 'low']);
  const report = JSON.parse(stdout) as { results: { filePath: string; findings: { line: number; ruleId: string; confidence: string }[] }[] };
  return report.results.flatMap((r) => r.findings.map((f) => `${f.ruleId}:${f.line}:${f.confidence}`));
}

describe('findings in a class nothing in the application names', () => {
  it('are low when no module names the class', async () => {
    expect(await findings(APP, { 'src/download.ts': service() })).toEqual(['unbounded-concurrency:6:low', 'check-then-act:10:low']);
  });

  it('keep their confidence once another module makes the class', async () => {
    const main = "import { DownloadService } from './download';\nexport const downloads = new DownloadService();\n";
    expect(await findings(APP, { 'src/download.ts': service(), 'src/main.ts': main })).toEqual(['unbounded-concurrency:6:medium', 'check-then-act:10:low']);
  });

  it('keep their confidence in a library, a decorated class, and a default export', async () => {
    expect(await findings({ name: 'sdk', types: 'dist/index.d.ts' }, { 'src/download.ts': service() })).toEqual(['unbounded-concurrency:6:medium', 'check-then-act:10:medium']);
    const decorated = service('export class', 'declare function Controller(path: string): ClassDecorator;\n@Controller("/downloads")\n');
    expect(await findings(APP, { 'src/download.ts': decorated })).toEqual(['unbounded-concurrency:8:medium', 'check-then-act:12:low']);
    expect(await findings(APP, { 'src/download.ts': service('export default class') })).toEqual(['unbounded-concurrency:6:medium', 'check-then-act:10:low']);
  });
});
