// In a monorepo, `import { x } from '@acme/utils'` names another package of the same checkout: what the
// imported function does (I/O or in-memory work, a shared in-flight promise) is read from its source, as for a
// relative import, with nothing installed.
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { makeProject, removeProjects } from './helpers.js';

afterAll(() => removeProjects());

async function findings(cwd: string): Promise<{ file: string; line: number; ruleId: string }[]> {
  let stdout = '';
  const code = await run(['check', '.', '--format', 'json'], { cwd, env: {}, stdout: { write: (s: string) => (stdout += s), isTTY: false }, stderr: { write: () => {} } });
  expect([0, 1]).toContain(code);
  const report = JSON.parse(stdout) as { results: { filePath: string; findings: { line: number; ruleId: string }[] }[] };
  return report.results.flatMap((f) => f.findings.map((x) => ({ file: f.filePath, line: x.line, ruleId: x.ruleId })));
}

const FAN_OUT = (fn: string) => `import { ${fn} } from '@acme/utils';
export async function loadAll(paths: string[]) {
  return Promise.all(paths.map((p) => ${fn}(p)));
}
`;

describe('workspace packages', () => {
  it('an imported helper of another package that only computes is no I/O; one that reads files is', async () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*'] }),
      'packages/utils/package.json': JSON.stringify({ name: '@acme/utils', main: 'dist/index.js' }),
      'packages/utils/src/index.ts': `import { readFile } from 'node:fs/promises';
// Async for its callers' sake: it parses in memory.
export async function loadModule(text: string): Promise<unknown> {
  const parsed: unknown = JSON.parse(text);
  return parsed;
}
export async function readConfig(path: string): Promise<string> {
  return readFile(path, 'utf8');
}
`,
      'packages/app/package.json': JSON.stringify({ name: '@acme/app' }),
      'packages/app/src/modules.ts': FAN_OUT('loadModule'),
      'packages/app/src/configs.ts': FAN_OUT('readConfig'),
    });
    const found = await findings(dir);
    expect(found.filter((f) => f.ruleId === 'unbounded-concurrency').map((f) => f.file)).toEqual(['packages/app/src/configs.ts']);
  });
});
