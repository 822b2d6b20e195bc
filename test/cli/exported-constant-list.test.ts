// A list the code spells out (`export const HOSTS = [Host.GitHub, Host.GitLab]`) holds what it names, and a
// fan-out over it is bounded; but an exported list is the project's to extend, so another module that adds to it
// (`HOSTS.push(configured)`) makes it as large as what that module is given. The project is read as the CLI reads
// it: the other module is found by the name it mentions.
import { afterAll, describe, expect, it } from 'vitest';
import { checkInProcess, makeProject, removeProjects } from './helpers.js';

afterAll(() => removeProjects());

const HOSTS = `export const HOSTS: string[] = ['github.com', 'gitlab.com'];

export async function pingAll(ping: (host: string) => Promise<number>): Promise<number[]> {
  return Promise.all(HOSTS.map((host) => ping(host)));
}
`;

async function fanOutFindings(other: string): Promise<string[]> {
  const dir = makeProject({ 'package.json': JSON.stringify({ name: 'hosts', version: '1.0.0' }), 'src/hosts.ts': HOSTS, 'src/other.ts': other });
  const { stdout } = await checkInProcess(dir, ['--format', 'json', '--min-confidence', 'low']);
  const report = JSON.parse(stdout) as { results: { filePath: string; findings: { line: number; ruleId: string; confidence: string }[] }[] };
  return report.results.filter((r) => r.filePath.endsWith('hosts.ts')).flatMap((r) => r.findings.map((f) => `${f.ruleId}:${f.line}:${f.confidence}`));
}

describe('an exported list of constants', () => {
  it('bounds a fan-out over it when other modules only read it', async () => {
    expect(await fanOutFindings("import { HOSTS } from './hosts';\nexport const count = (): number => HOSTS.length;\n")).toEqual([]);
  });

  it('does not when another module adds to it', async () => {
    const adds = "import { HOSTS } from './hosts';\nexport function configure(hosts: string[]): void {\n  for (const h of hosts) HOSTS.push(h);\n}\n";
    expect(await fanOutFindings(adds)).toEqual(['unbounded-concurrency:4:medium']);
  });
});
