// A library's users make what it exports, so how the library itself makes a class says nothing of their objects.
// A package.json `exports` map narrows that to what its entry points pass on: a class of an internal module that
// the library makes for one call and keeps to it is shown on request, as in an application; the same class passed
// on by an entry point (or in a package without an exports map, where any module can be imported) keeps its
// confidence.
import { afterAll, describe, expect, it } from 'vitest';
import { checkInProcess, makeProject, removeProjects } from './helpers.js';

afterAll(() => removeProjects());

const RUNNER = `declare function connect(): Promise<{ query(sql: string): Promise<unknown> }>;
export class QueryRunner {
  private connection: { query(sql: string): Promise<unknown> } | null = null;
  async run(sql: string) {
    if (!this.connection) {
      this.connection = await connect();
    }
    return this.connection.query(sql);
  }
}
`;

// The library makes a runner per query and waits on it.
const CLIENT = `import { QueryRunner } from './runner';
export class Client {
  async query(sql: string) {
    const runner = new QueryRunner();
    return await runner.run(sql);
  }
}
`;

async function runnerConfidence(manifest: Record<string, unknown>, index: string, extra: Record<string, string> = {}): Promise<string[]> {
  const dir = makeProject({ 'package.json': JSON.stringify(manifest), 'src/runner.ts': RUNNER, 'src/client.ts': CLIENT, 'src/index.ts': index, ...extra });
  const { stdout } = await checkInProcess(dir, ['--format', 'json', '--min-confidence', 'low']);
  const report = JSON.parse(stdout) as { results: { filePath: string; findings: { line: number; ruleId: string; confidence: string }[] }[] };
  return report.results.filter((r) => r.filePath.endsWith('runner.ts')).flatMap((r) => r.findings.map((f) => `${f.ruleId}:${f.line}:${f.confidence}`));
}

const LIBRARY = { name: 'db', types: './dist/index.d.ts', exports: { '.': { types: './dist/index.d.ts', import: './dist/index.js' } } };

describe('a class made per call in a library', () => {
  it('is shown on request when no entry point passes it on', async () => {
    expect(await runnerConfidence(LIBRARY, "export { Client } from './client';\n")).toEqual(['check-then-act:6:low']);
    // Through `export *` of a module that does not pass it on either.
    expect(await runnerConfidence(LIBRARY, "export * from './client';\n")).toEqual(['check-then-act:6:low']);
  });

  it('keeps its confidence when an entry point passes it on, by name, whole, or under a namespace', async () => {
    expect(await runnerConfidence(LIBRARY, "export { Client } from './client';\nexport { QueryRunner as Runner } from './runner';\n")).toEqual(['check-then-act:6:medium']);
    expect(await runnerConfidence(LIBRARY, "export * from './client';\nexport * from './runner';\n")).toEqual(['check-then-act:6:medium']);
    expect(await runnerConfidence(LIBRARY, "import { QueryRunner } from './runner';\nexport { QueryRunner };\n")).toEqual(['check-then-act:6:medium']);
    expect(await runnerConfidence(LIBRARY, "export * as internals from './runner';\n")).toEqual(['check-then-act:6:medium']);
    // A second entry point, or a folder a subpath pattern opens.
    expect(await runnerConfidence({ ...LIBRARY, exports: { '.': './dist/index.js', './runner': './dist/runner.js' } }, "export { Client } from './client';\n")).toEqual(['check-then-act:6:medium']);
    expect(await runnerConfidence({ ...LIBRARY, exports: { '.': './dist/index.js', './*': './dist/*.js' } }, "export { Client } from './client';\n")).toEqual(['check-then-act:6:medium']);
  });

  it('keeps its confidence when the package has no exports map, or its entry cannot be traced to source', async () => {
    expect(await runnerConfidence({ name: 'db', types: './dist/index.d.ts', main: './dist/index.js' }, "export { Client } from './client';\n")).toEqual(['check-then-act:6:medium']);
    expect(await runnerConfidence({ ...LIBRARY, exports: { '.': './dist/main.js' } }, "export { Client } from './client';\n")).toEqual(['check-then-act:6:medium']);
    // An entry that passes names on as CommonJS does is not followed.
    expect(await runnerConfidence({ ...LIBRARY, exports: { '.': './dist/index.js', './cjs': './dist/cjs.js' } }, "export { Client } from './client';\n", { 'src/cjs.ts': "module.exports = require('./runner');\n" })).toEqual(['check-then-act:6:medium']);
  });
});

// A component of a library is rendered by its users with any props, unless no entry point passes it on.
const AVATAR = `import { useEffect, useState } from 'react';
export function Avatar({ userId }: { userId: string }) {
  const [url, setUrl] = useState('');
  useEffect(() => {
    void loadAvatar(userId).then((u) => setUrl(u));
  }, [userId]);
  return <img src={url} />;
}
declare function loadAvatar(id: string): Promise<string>;
`;
const PROFILE = `import { Avatar } from './avatar';
export function Profile({ user }: { user: { id: string } }) {
  return <Avatar key={user.id} userId={user.id} />;
}
`;

describe("a library's component", () => {
  it('counts its render sites only when no entry point passes it on', async () => {
    const confidence = async (index: string): Promise<string[]> => {
      const dir = makeProject({ 'package.json': JSON.stringify(LIBRARY), 'src/avatar.tsx': AVATAR, 'src/profile.tsx': PROFILE, 'src/index.ts': index });
      const { stdout } = await checkInProcess(dir, ['--format', 'json', '--min-confidence', 'low']);
      const report = JSON.parse(stdout) as { results: { findings: { line: number; ruleId: string; confidence: string }[] }[] };
      return report.results.flatMap((r) => r.findings.map((f) => `${f.ruleId}:${f.line}:${f.confidence}`));
    };
    expect(await confidence("export { Profile } from './profile';\n")).toEqual(['effect-stale-update:5:low']);
    expect(await confidence("export { Profile } from './profile';\nexport { Avatar } from './avatar';\n")).toEqual(['effect-stale-update:5:medium']);
  });
});
