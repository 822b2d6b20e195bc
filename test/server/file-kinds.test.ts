// The editor weighs findings by where the file's code lives, as the CLI does: the same deliberate fan-out is a
// diagnostic in source code and none in a test, and the project's `fileKinds` and `minConfidence` apply.
import path from 'node:path';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { ensureServerBuilt, makeFolder, removeFolders, startClient, uriOf, type LspClient } from './lsp.js';

let client: LspClient | undefined;

beforeAll(() => ensureServerBuilt(), 180_000);
afterEach(() => {
  client?.kill();
  client = undefined;
  removeFolders();
});

// Rows of a query (high confidence) fanned out: reported in source code; the rule is off in tests.
const FAN_OUT = `import { db } from './db';
export async function notifyAll(): Promise<void> {
  const { rows } = await db.query('select id from users');
  await Promise.all(rows.map(async (r: { id: string }) => db.send(r.id)));
}
`;

async function ruleIdsAt(dir: string, rel: string, text: string): Promise<string[]> {
  client ??= await startClient({ folders: [dir], settings: { debounce: 0 } });
  const uri = uriOf(path.join(dir, rel));
  await client.open(uri, text);
  const d = await client.waitDiagnostics(uri, { version: 1 });
  return d.diagnostics.map((x) => String(x.code));
}

test('a fan-out is a diagnostic in src/ and none in test/ or in a *.test.ts file', async () => {
  const dir = makeFolder({ 'package.json': '{ "name": "demo" }\n' });
  expect(await ruleIdsAt(dir, 'src/notify.ts', FAN_OUT)).toEqual(['unbounded-concurrency']);
  expect(await ruleIdsAt(dir, 'test/notify.ts', FAN_OUT)).toEqual([]);
  expect(await ruleIdsAt(dir, 'src/notify.test.ts', FAN_OUT)).toEqual([]);
});

test("the project's fileKinds decide, from the folder whose config applies", async () => {
  const dir = makeFolder({ 'package.json': '{ "name": "demo" }\n', 'awaitguard.config.json': '{ "fileKinds": { "test": ["load/**"] } }\n' });
  expect(await ruleIdsAt(dir, 'load/notify.ts', FAN_OUT)).toEqual([]);
  expect(await ruleIdsAt(dir, 'src/notify.ts', FAN_OUT)).toEqual(['unbounded-concurrency']);
});

test("the project's minConfidence hides what is less sure", async () => {
  // Over what a caller passes: medium confidence.
  const fromCaller = FAN_OUT.replace("notifyAll(): Promise<void> {\n  const { rows } = await db.query('select id from users');", 'notifyAll(rows: { id: string }[]): Promise<void> {');
  const medium = makeFolder({ 'package.json': '{ "name": "demo" }\n' });
  expect(await ruleIdsAt(medium, 'src/notify.ts', fromCaller)).toEqual(['unbounded-concurrency']);
  client?.kill();
  client = undefined;
  const high = makeFolder({ 'package.json': '{ "name": "demo", "awaitguard": { "minConfidence": "high" } }\n' });
  expect(await ruleIdsAt(high, 'src/notify.ts', fromCaller)).toEqual([]);
  expect(await ruleIdsAt(high, 'src/rows.ts', FAN_OUT)).toEqual(['unbounded-concurrency']);
});

// A runner the project makes for one query and keeps to it: its memo is no race (shown only on request). The
// class is exported, so the server lists the workspace in the background to find every place it is made, then
// checks the document again.
const PER_QUERY = `import type { Pool, PoolClient } from './db';
export class QueryRunner {
  private conn: PoolClient | undefined;
  constructor(private readonly pool: Pool) {}
  async connection(): Promise<PoolClient> {
    if (!this.conn) {
      this.conn = await this.pool.connect();
    }
    return this.conn;
  }
}
export async function runQuery(pool: Pool): Promise<PoolClient> {
  const runner = new QueryRunner(pool);
  return await runner.connection();
}
`;

test('an object made per call goes quiet once the workspace has been listed in the background', async () => {
  const dir = makeFolder({ 'package.json': '{ "name": "app" }\n', 'src/other.ts': 'export const x = 1;\n' });
  client = await startClient({ folders: [dir], settings: { debounce: 0 } });
  const uri = uriOf(path.join(dir, 'src/runner.ts'));
  await client.open(uri, PER_QUERY);
  // First, before the listing: where the class is made is not known yet, so the memo is reported.
  const first = await client.waitDiagnostics(uri, { version: 1 });
  expect(first.diagnostics.map((d) => String(d.code))).toEqual(['check-then-act']);
  const settled = await client.waitDiagnostics(uri, { version: 1, where: (p) => p.diagnostics.length === 0 });
  expect(settled.diagnostics).toEqual([]);
});
