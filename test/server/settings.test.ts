// Settings as the server pulls them (workspace/configuration) or is pushed them, and awaitguard.config.json per folder.
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { CHECK_THEN_ACT, RACY, ensureServerBuilt, makeFolder, removeFolders, startClient, uriOf, type LspClient } from './lsp.js';

let client: LspClient | undefined;

beforeAll(() => ensureServerBuilt(), 180_000);
afterEach(() => {
  client?.kill();
  client = undefined;
  removeFolders();
});

const severities = (d: { diagnostics: { code?: unknown; severity?: number }[] }) => d.diagnostics.map((x) => [x.code, x.severity]);

describe('settings', () => {
  test('awaitguard.enable false clears the diagnostics; true brings them back', async () => {
    const dir = makeFolder();
    let settings: Record<string, unknown> = { debounce: 0 };
    client = await startClient({ folders: [dir], settings: () => settings });
    const c = client;
    const uri = uriOf(path.join(dir, 'a.ts'));
    await c.open(uri, RACY);
    expect((await c.waitDiagnostics(uri, { version: 1 })).diagnostics).toHaveLength(1);

    settings = { debounce: 0, enable: false };
    let from = c.diagnostics.length;
    await c.notify('workspace/didChangeConfiguration', { settings: null });
    expect((await c.waitDiagnostics(uri, { from })).diagnostics).toEqual([]);
    await expect.poll(() => c.statuses.filter((s) => s.uri === uri).at(-1)?.state).toBe('disabled');
    // While disabled: no code actions, and edits publish nothing but empty lists.
    expect(await c.codeActions(uri, { start: { line: 4, character: 2 }, end: { line: 4, character: 2 } })).toEqual([]);
    from = c.diagnostics.length;
    await c.change(uri, 2, RACY + '\n');
    expect((await c.waitDiagnostics(uri, { from })).diagnostics).toEqual([]);

    settings = { debounce: 0, enable: true };
    from = c.diagnostics.length;
    await c.notify('workspace/didChangeConfiguration', { settings: null });
    expect((await c.waitDiagnostics(uri, { from, version: 2 })).diagnostics).toHaveLength(1);
  });

  test('awaitguard.enable false from the start publishes an empty list', async () => {
    const dir = makeFolder();
    client = await startClient({ folders: [dir], settings: { debounce: 0, enable: false } });
    const uri = uriOf(path.join(dir, 'a.ts'));
    await client.open(uri, RACY);
    expect((await client.waitDiagnostics(uri)).diagnostics).toEqual([]);
  });

  test("rules { 'lost-update': 'off' } reports nothing; 'warning' and 'info' set the severity", async () => {
    const dir = makeFolder();
    let rules: Record<string, string> = { 'lost-update': 'off' };
    client = await startClient({ folders: [dir], settings: () => ({ debounce: 0, rules }) });
    const c = client;
    const uri = uriOf(path.join(dir, 'a.ts'));
    await c.open(uri, RACY);
    expect((await c.waitDiagnostics(uri, { version: 1 })).diagnostics).toEqual([]);
    expect(await c.codeActions(uri, { start: { line: 4, character: 2 }, end: { line: 4, character: 2 } })).toEqual([]);
    for (const [severity, lsp] of [['warning', 2], ['info', 3], ['error', 1]] as const) {
      rules = { 'lost-update': severity };
      const from = c.diagnostics.length;
      await c.notify('workspace/didChangeConfiguration', { settings: null });
      expect(severities(await c.waitDiagnostics(uri, { from, version: 1 }))).toEqual([['lost-update', lsp]]);
    }
  });

  test('malformed settings fall back to the defaults instead of stopping analysis', async () => {
    const dir = makeFolder();
    client = await startClient({
      folders: [dir],
      settings: { enable: 'yes', debounce: 'fast', rules: { 'lost-update': 'loud', 'no-such-rule': 'off' }, fix: 7, include: 'src' },
    });
    const uri = uriOf(path.join(dir, 'a.ts'));
    await client.open(uri, RACY);
    expect(severities(await client.waitDiagnostics(uri, { version: 1 }))).toEqual([['lost-update', 1]]);
  });

  test('a client without workspace/configuration pushes settings with didChangeConfiguration', async () => {
    const dir = makeFolder();
    client = await startClient({ folders: [dir], configuration: false });
    const c = client;
    const uri = uriOf(path.join(dir, 'a.ts'));
    await c.open(uri, RACY);
    expect((await c.waitDiagnostics(uri, { version: 1 })).diagnostics).toHaveLength(1);
    const from = c.diagnostics.length;
    await c.notify('workspace/didChangeConfiguration', { settings: { awaitguard: { debounce: 0, rules: { 'lost-update': 'warning' } } } });
    expect(severities(await c.waitDiagnostics(uri, { from, version: 1 }))).toEqual([['lost-update', 2]]);
    expect(c.configurationRequests).toEqual([]);
  });
});

describe('awaitguard.config.json and multi-root workspaces', () => {
  test('two workspace folders, each with its own awaitguard.config.json: each document gets its folder\'s severity', async () => {
    const warn = makeFolder({ 'awaitguard.config.json': JSON.stringify({ rules: { 'lost-update': 'warning' } }) });
    const info = makeFolder({ 'awaitguard.config.json': JSON.stringify({ rules: { 'lost-update': 'info', 'check-then-act': 'off' } }) });
    client = await startClient({ folders: [warn, info], settings: { debounce: 0 } });
    const c = client;
    const a = uriOf(path.join(warn, 'src', 'a.ts'));
    const b = uriOf(path.join(info, 'src', 'b.ts'));
    await c.open(a, RACY + CHECK_THEN_ACT.replace('export { Client };', 'export { Client as C2 };'));
    await c.open(b, RACY + CHECK_THEN_ACT.replace('export { Client };', 'export { Client as C2 };'));
    const da = await c.waitDiagnostics(a, { version: 1 });
    const db = await c.waitDiagnostics(b, { version: 1 });
    expect(severities(da)).toEqual([['lost-update', 2], ['check-then-act', 2]]);
    expect(severities(db)).toEqual([['lost-update', 3]]);
    // Each document's settings were asked for with its own scope.
    expect(c.configurationRequests).toEqual(expect.arrayContaining([a, b]));
  });

  test('editor rule settings win over awaitguard.config.json; a folder added later is honoured', async () => {
    const one = makeFolder({ 'awaitguard.config.json': JSON.stringify({ rules: { 'lost-update': 'warning' } }) });
    const two = makeFolder({ 'awaitguard.config.json': JSON.stringify({ rules: { 'lost-update': 'info' } }) });
    // Per-scope settings: the editor turns lost-update into an error for folder one only.
    client = await startClient({
      folders: [one],
      settings: (scope) => (scope?.startsWith(uriOf(one)) ? { debounce: 0, rules: { 'lost-update': 'error' } } : { debounce: 0 }),
    });
    const c = client;
    const a = uriOf(path.join(one, 'a.ts'));
    await c.open(a, RACY);
    expect(severities(await c.waitDiagnostics(a, { version: 1 }))).toEqual([['lost-update', 1]]);
    await c.notify('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: uriOf(two), name: 'two' }], removed: [] } });
    const b = uriOf(path.join(two, 'b.ts'));
    await c.open(b, RACY);
    expect(severities(await c.waitDiagnostics(b, { version: 1 }))).toEqual([['lost-update', 3]]);
  });

  test('an invalid awaitguard.config.json is reported once and analysis goes on with the editor settings', async () => {
    const dir = makeFolder({ 'awaitguard.config.json': '{ "rules": { "lost-update": "loud" } }' });
    client = await startClient({ folders: [dir], settings: { debounce: 0 } });
    const c = client;
    const a = uriOf(path.join(dir, 'a.ts'));
    const b = uriOf(path.join(dir, 'b.ts'));
    await c.open(a, RACY);
    expect(severities(await c.waitDiagnostics(a, { version: 1 }))).toEqual([['lost-update', 1]]);
    await c.open(b, RACY);
    await c.waitDiagnostics(b, { version: 1 });
    const warning = await c.waitLog(/awaitguard\.config\.json/);
    expect(warning).toMatch(/lost-update/);
    // Shown once as a warning (window/showMessage), logged once, however many documents.
    expect(c.shown.filter((m) => m.message.includes('awaitguard.config.json'))).toEqual([
      { type: 2, message: expect.stringMatching(/using the editor settings only/) },
    ]);
    expect(c.logs.filter((l) => l.includes('awaitguard.config.json'))).toHaveLength(2);
  });

  test('package.json "awaitguard" key is read when there is no awaitguard.config.json', async () => {
    const dir = makeFolder({ 'package.json': JSON.stringify({ name: 'p', awaitguard: { rules: { 'lost-update': 'info' } } }) });
    client = await startClient({ folders: [dir], settings: { debounce: 0 } });
    const uri = uriOf(path.join(dir, 'src', 'a.ts'));
    await client.open(uri, RACY);
    expect(severities(await client.waitDiagnostics(uri, { version: 1 }))).toEqual([['lost-update', 3]]);
  });

  // Regression: folderOf() once called fileURLToPath() on the matching workspace folder, which throws
  // for a non-file folder (VS Code virtual workspaces such as vscode-vfs://, or any client that names folders by
  // another scheme). validate() (it calls folderOf at main.ts:111 and 155) catches it, logs "internal error" and
  // published nothing; non-file folders are now skipped when looking for a document's folder.
  test('a document in a non-file workspace folder is analysed', async () => {
    client = await startClient({ folders: [], settings: { debounce: 0 } });
    const c = client;
    await c.notify('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: 'vscode-vfs://github/org/repo', name: 'repo' }], removed: [] } });
    const uri = 'vscode-vfs://github/org/repo/src/a.ts';
    await c.open(uri, RACY);
    expect((await c.waitDiagnostics(uri, { version: 1, timeout: 3000 })).diagnostics).toHaveLength(1);
  });
});
