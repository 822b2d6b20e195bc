// Documents nested deeper than any default stack: the server (which parses on a thread with a known stack,
// see src/shared/stack.ts) answers each, stays up, and Check Workspace over them reports the other files.
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DEEP_INPUTS } from '../deepInputs.js';
import { RACY, ensureServerBuilt, makeFolder, removeFolders, startClient, uriOf, type LspClient } from './lsp.js';

let client: LspClient | undefined;

beforeAll(() => ensureServerBuilt(), 180_000);
afterEach(() => {
  client?.kill();
  client = undefined;
  removeFolders();
});

describe('deeply nested documents', () => {
  test('each is answered, and the server still analyses a racy document after them', async () => {
    const dir = makeFolder({ 'package.json': '{ "name": "demo" }\n' });
    client = await startClient({ folders: [dir], settings: { debounce: 0 } });
    const c = client;
    for (const [label, { file, text }] of Object.entries(DEEP_INPUTS)) {
      const uri = uriOf(path.join(dir, file));
      await c.open(uri, text, file.endsWith('.tsx') ? 'typescriptreact' : 'typescript');
      const published = await c.waitDiagnostics(uri, { version: 1, timeout: 60_000 });
      expect(published.diagnostics.every((d) => d.code !== 'lost-update'), label).toBe(true);
      expect(c.exited, `${label}: the server exited`).toBe(false);
    }
    const racy = uriOf(path.join(dir, 'racy.ts'));
    await c.open(racy, RACY);
    expect((await c.waitDiagnostics(racy, { version: 1 })).diagnostics.map((d) => d.code)).toEqual(['lost-update']);
  }, 180_000);

  test('Check Workspace over a folder that holds them reports the racy file', async () => {
    const files = Object.fromEntries(Object.values(DEEP_INPUTS).map(({ file, text }) => [`src/${file}`, text]));
    const dir = makeFolder({ 'package.json': '{ "name": "demo" }\n', ...files, 'src/racy.ts': RACY });
    client = await startClient({ folders: [dir], settings: { debounce: 0 } });
    const result = await client.request<{ files: number; findings: number }>(
      'workspace/executeCommand',
      { command: 'awaitguard.server.checkWorkspace', arguments: [] },
      150_000,
    );
    expect(result).toMatchObject({ files: Object.keys(files).length + 1, findings: 1 });
    expect(client.exited).toBe(false);
  }, 180_000);
});
