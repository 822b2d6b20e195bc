// The runtime copy a quick fix creates must land inside the project: a linked folder on the way to
// `vendorPath` must not take it elsewhere. The fix then imports the package instead.
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { RACY, ensureServerBuilt, makeFolder, removeFolders, startClient, uriOf, type LspClient } from './lsp.js';

let client: LspClient | undefined;
const outside: string[] = [];

beforeAll(() => ensureServerBuilt(), 180_000);
afterEach(() => {
  client?.kill();
  client = undefined;
  removeFolders();
  for (const dir of outside.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function preferredEdit(dir: string): Promise<string> {
  client = await startClient({ folders: [dir], settings: { debounce: 0 } });
  const uri = uriOf(path.join(dir, 'src', 'racy.ts'));
  await client.open(uri, RACY);
  const d = await client.waitDiagnostics(uri, { version: 1 });
  const actions = (await client.codeActions(uri, d.diagnostics[0]!.range, d.diagnostics)) ?? [];
  const preferred = actions.find((a) => a.isPreferred);
  expect(preferred?.title).toMatch(/Guard/);
  return JSON.stringify(preferred!.edit);
}

test('a vendorPath through a folder linked out of the project: the fix imports awaitguard/runtime and creates nothing', async () => {
  const elsewhere = mkdtempSync(path.join(tmpdir(), 'awaitguard-elsewhere-'));
  outside.push(elsewhere);
  const dir = makeFolder({ 'package.json': '{ "name": "demo" }\n' });
  symlinkSync(elsewhere, path.join(dir, 'src'));
  const edit = await preferredEdit(dir);
  expect(edit).not.toContain('"kind":"create"');
  expect(edit).toContain('awaitguard/runtime');
  await client!.waitLog(/leads outside .* through a link; fixes import awaitguard\/runtime instead/);
});

test('a vendorPath inside the project still creates the runtime copy there', async () => {
  const dir = makeFolder({ 'package.json': '{ "name": "demo" }\n', 'src/keep.ts': '' });
  const edit = await preferredEdit(dir);
  expect(edit).toContain('"kind":"create"');
  expect(edit).toContain(uriOf(path.join(dir, 'src', 'awaitguard-lock.ts')));
});
