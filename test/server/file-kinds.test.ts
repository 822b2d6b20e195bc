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
