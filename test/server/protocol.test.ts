// The language server as an editor meets it: the built dist/server.js as a child process, LSP over stdio.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { CodeAction, CreateFile, TextDocumentEdit, TextEdit } from 'vscode-languageserver-protocol/node';
import {
  RACY,
  applyWorkspaceEdit,
  documentEditsFor,
  ensureServerBuilt,
  makeFolder,
  removeFolders,
  startClient,
  uriOf,
  type LspClient,
} from './lsp.js';

let client: LspClient | undefined;

beforeAll(() => ensureServerBuilt(), 180_000);
afterEach(() => {
  client?.kill();
  client = undefined;
  removeFolders();
});

/** A workspace folder with a package.json, the server started on it (debounce 0), and the racy file's uri. */
async function racyWorkspace(settings: Record<string, unknown> = {}, initializationOptions?: Record<string, unknown>): Promise<{ c: LspClient; dir: string; uri: string }> {
  const dir = makeFolder({ 'package.json': '{ "name": "demo", "type": "module" }\n' });
  client = await startClient({ folders: [dir], settings: { debounce: 0, ...settings }, ...(initializationOptions ? { initializationOptions } : {}) });
  return { c: client, dir, uri: uriOf(path.join(dir, 'src', 'counter.ts')) };
}

const at = (line: number, character: number) => ({ line, character });

function preferredQuickFix(actions: CodeAction[] | null): CodeAction {
  const preferred = (actions ?? []).filter((a) => a.kind === 'quickfix' && a.isPreferred);
  expect(preferred).toHaveLength(1);
  return preferred[0]!;
}

describe('language server over stdio', () => {
  test('initialize announces incremental sync, quick fixes, fix-all on save and the two commands', async () => {
    client = await startClient({ folders: [makeFolder()] });
    const result = client.initializeResult!;
    expect(result.serverInfo?.name).toBe('awaitguard');
    const caps = result.capabilities;
    expect(caps.textDocumentSync).toEqual({ openClose: true, change: 2, save: { includeText: false } }); // Incremental
    expect(caps.codeActionProvider).toEqual({ codeActionKinds: ['quickfix', 'source.fixAll.awaitguard'] });
    expect(caps.hoverProvider).toBe(true);
    expect(caps.executeCommandProvider?.commands).toEqual(['awaitguard.server.checkWorkspace', 'awaitguard.server.fixAll', 'awaitguard.server.showDocumentation']);
    expect(caps.workspace?.workspaceFolders).toEqual({ supported: true, changeNotifications: true });
  });

  test('a racy document gets one lost-update diagnostic: range, severity, code, link, the read and the await', async () => {
    const { c, uri } = await racyWorkspace();
    await c.open(uri, RACY);
    const published = await c.waitDiagnostics(uri, { version: 1 });
    expect(published.diagnostics).toHaveLength(1);
    const d = published.diagnostics[0]!;
    // `n = v + 1;` on line 5 (0-based 4), without the semicolon.
    expect(d.range).toEqual({ start: at(4, 2), end: at(4, 11) });
    expect(d.severity).toBe(1); // Error
    expect(d.code).toBe('lost-update');
    expect(d.source).toBe('awaitguard');
    expect(d.codeDescription?.href).toMatch(/docs\/rules\/lost-update\.md$/);
    expect(d.message).toMatch(/`n`/);
    const related = d.relatedInformation ?? [];
    expect(related).toHaveLength(2);
    expect(related.every((r) => r.location.uri === uri)).toBe(true);
    // The read `n` in `const v = n;` and the `await Promise.resolve();` statement.
    expect(related.map((r) => r.location.range)).toEqual([
      { start: at(2, 12), end: at(2, 13) },
      { start: at(3, 2), end: at(3, 25) },
    ]);
    expect(related[0]!.message).toMatch(/read/);
    expect(related[1]!.message).toMatch(/yield/);
    // The status item's notification follows each analysis, and says which parser the server runs: oxc, whose
    // native binding is installed here, on the thread with the parse stack (1 GB: files up to 480K characters).
    await expect.poll(() => c.statuses.find((s) => s.uri === uri)).toEqual({ uri, state: 'ok', findings: 1, parser: { name: 'oxc', detail: `native binding for ${process.platform}-${process.arch}, ${Number(process.versions.node.split('.')[0]) >= 22 ? 'raw' : 'JSON'} transfer, files up to 480K characters` } });
  });

  test('the preferred quick fix guards `n` with a Lock and vendors the runtime in the same edit; applying it clears the diagnostics', async () => {
    const { c, dir, uri } = await racyWorkspace();
    await c.open(uri, RACY);
    const published = await c.waitDiagnostics(uri, { version: 1 });
    const diagnostic = published.diagnostics[0]!;

    const actions = await c.codeActions(uri, diagnostic.range, [diagnostic]);
    expect(actions!.every((a) => a.kind === 'quickfix')).toBe(true);
    const titles = actions!.map((a) => a.title);
    expect(titles).toContain('Guard `n` with a Lock (try/finally)');
    expect(titles).toContain('Disable lost-update for this line');
    const fix = preferredQuickFix(actions);
    expect(fix.title).toBe('Guard `n` with a Lock (try/finally)');
    expect(fix.diagnostics?.[0]?.code).toBe('lost-update');
    expect(fix.diagnostics?.[0]?.range).toEqual(diagnostic.range);

    // runtime 'vendor' (the default): create src/awaitguard-lock.ts, fill it, then edit the document.
    const changes = fix.edit!.documentChanges!;
    const runtimeUri = uriOf(path.join(dir, 'src', 'awaitguard-lock.ts'));
    expect(changes).toHaveLength(3);
    const create = changes[0] as CreateFile;
    expect(create).toMatchObject({ kind: 'create', uri: runtimeUri, options: { ignoreIfExists: true } });
    const runtimeEdit = changes[1] as TextDocumentEdit;
    expect(runtimeEdit.textDocument).toEqual({ uri: runtimeUri, version: null });
    expect(runtimeEdit.edits).toHaveLength(1);
    const runtimeText = (runtimeEdit.edits[0] as TextEdit).newText;
    expect(runtimeText).toMatch(/export class Lock\b/);
    const docEdit = changes[2] as TextDocumentEdit;
    expect(docEdit.textDocument).toEqual({ uri, version: 1 });

    const fixed = applyWorkspaceEdit(fix.edit!, new Map([[uri, RACY]])).get(uri)!;
    expect(fixed).toContain("import { Lock } from './awaitguard-lock.js';");
    expect(fixed).toMatch(/await nLock\.acquire\(\);\n\s+try \{[\s\S]*n = v \+ 1;[\s\S]*\} finally \{\n\s+nLock\.release\(\);/);
    expect(readFileSync(path.join(dir, 'src', 'awaitguard-lock.ts'), 'utf8')).toBe(runtimeText);

    const from = c.diagnostics.length;
    await c.change(uri, 2, fixed);
    const after = await c.waitDiagnostics(uri, { version: 2, from });
    expect(after.diagnostics).toEqual([]);

    // Nothing left to fix at the old place; and now that the runtime exists, no fix would create it again.
    expect(await c.codeActions(uri, diagnostic.range, [])).toEqual([]);
    const second = uriOf(path.join(dir, 'src', 'other.ts'));
    await c.open(second, RACY);
    const d2 = await c.waitDiagnostics(second, { version: 1 });
    const fix2 = preferredQuickFix(await c.codeActions(second, d2.diagnostics[0]!.range, d2.diagnostics));
    expect(fix2.edit!.documentChanges!.map((ch) => ('kind' in ch ? ch.kind : ch.textDocument.uri))).toEqual([second]);
  });

  test('"Disable for this line" inserts a suppression comment that silences the finding', async () => {
    const { c, uri } = await racyWorkspace();
    await c.open(uri, RACY);
    const d = (await c.waitDiagnostics(uri, { version: 1 })).diagnostics[0]!;
    const actions = await c.codeActions(uri, d.range, [d]);
    const disable = actions!.find((a) => a.title === 'Disable lost-update for this line')!;
    expect(disable.isPreferred).toBe(false);
    expect(disable.edit!.documentChanges).toHaveLength(1);
    const text = applyWorkspaceEdit(disable.edit!, new Map([[uri, RACY]])).get(uri)!;
    expect(text).toContain('// awaitguard-disable-next-line lost-update\n  n = v + 1;');
    const from = c.diagnostics.length;
    await c.change(uri, 2, text);
    expect((await c.waitDiagnostics(uri, { version: 2, from })).diagnostics).toEqual([]);
  });

  test('"Disable for this file" puts a block directive for the rule at the top, below a #! line', async () => {
    const { c, uri } = await racyWorkspace();
    const text = `#!/usr/bin/env node\n${RACY}`;
    await c.open(uri, text);
    const d = (await c.waitDiagnostics(uri, { version: 1 })).diagnostics[0]!;
    const disable = (await c.codeActions(uri, d.range, [d]))!.find((a) => a.title === 'Disable lost-update for this file')!;
    const disabled = applyWorkspaceEdit(disable.edit!, new Map([[uri, text]])).get(uri)!;
    expect(disabled).toBe(`#!/usr/bin/env node\n/* awaitguard-disable lost-update */\n${RACY}`);
    const from = c.diagnostics.length;
    await c.change(uri, 2, disabled);
    expect((await c.waitDiagnostics(uri, { version: 2, from })).diagnostics).toEqual([]);
  });

  test('hovering a finding shows its interleaving: a table with a column per call, each line linking to its step, then the outcome', async () => {
    const { c, uri } = await racyWorkspace();
    await c.open(uri, RACY);
    const d = (await c.waitDiagnostics(uri, { version: 1 })).diagnostics[0]!;
    const hover = await c.request<{ contents: { kind: string; value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: d.range.start });
    expect(hover!.contents.kind).toBe('markdown');
    const link = (line: number, column: number) => `[${line}](${uri}#L${line},${column})`;
    expect(hover!.contents.value.split('\n')).toEqual([
      '**lost-update: how it happens**',
      '',
      '| line | call A of `inc()` | call B of `inc()` |',
      '|---:|---|---|',
      `| ${link(3, 13)} | reads \`n\` (v) |   |`,
      `| ${link(4, 3)} | yields |   |`,
      `| ${link(3, 13)} |   | reads \`n\`: still v |`,
      `| ${link(4, 3)} |   | yields |`,
      `| ${link(5, 3)} | writes \`n = v + 1\` |   |`,
      `| ${link(5, 3)} |   | writes \`n = v + 1\` |`,
      '',
      "→ B's write is computed from the same v as A's and overwrites it: A's update is lost",
    ]);
    // Away from any finding, and once the text has moved on (the findings are of an older version), nothing.
    expect(await c.request('textDocument/hover', { textDocument: { uri }, position: at(0, 0) })).toBeNull();
    const from = c.diagnostics.length;
    await c.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: at(0, 0), end: at(0, 0) }, text: '\n' }] });
    expect(await c.request('textDocument/hover', { textDocument: { uri }, position: d.range.start })).toBeNull();
    await c.waitDiagnostics(uri, { version: 2, from });
    const moved = await c.request<{ contents: { value: string } }>('textDocument/hover', { textDocument: { uri }, position: at(5, 3) });
    expect(moved.contents.value).toContain(`| ${link(6, 3)} | writes`);
  });

  test('"Show interleaving" is offered to a client that declares it, with the steps as LSP ranges of this version', async () => {
    const plain = await racyWorkspace();
    await plain.c.open(plain.uri, RACY);
    const pd = (await plain.c.waitDiagnostics(plain.uri, { version: 1 })).diagnostics[0]!;
    expect((await plain.c.codeActions(plain.uri, pd.range, [pd]))!.map((a) => a.title)).not.toContain('Show interleaving of this lost-update');
    plain.c.kill();

    const { c, uri } = await racyWorkspace({}, { showInterleaving: true });
    await c.open(uri, RACY);
    const d = (await c.waitDiagnostics(uri, { version: 1 })).diagnostics[0]!;
    const show = (await c.codeActions(uri, d.range, [d]))!.find((a) => a.title === 'Show interleaving of this lost-update')!;
    expect(show.kind).toBe('quickfix');
    expect(show.edit).toBeUndefined();
    expect(show.command!.command).toBe('awaitguard.showInterleaving');
    const [args] = show.command!.arguments as [{ uri: string; version: number; ruleId: string; actors: unknown[]; steps: { actor: number; text: string; range: unknown }[]; outcome: string }];
    expect(args).toMatchObject({ uri, version: 1, ruleId: 'lost-update', actors: [{ id: 'A' }, { id: 'B' }] });
    expect(args.steps.map((s) => [s.actor, s.range])).toEqual([
      [0, { start: at(2, 12), end: at(2, 13) }],
      [0, { start: at(3, 2), end: at(3, 25) }],
      [1, { start: at(2, 12), end: at(2, 13) }],
      [1, { start: at(3, 2), end: at(3, 25) }],
      [0, { start: at(4, 2), end: at(4, 11) }],
      [1, { start: at(4, 2), end: at(4, 11) }],
    ]);
  });

  test('the light bulb on an analysed version builds that line\'s fixes from the kept analysis: the same actions as a fresh analysis gives', async () => {
    const { c, dir, uri } = await racyWorkspace();
    // Two findings on two lines, so a request on one line must not return the other's fixes.
    const text = `${RACY}let m = 0;\nexport async function dec(): Promise<void> {\n  const w = m;\n  await Promise.resolve();\n  m = w - 1;\n}\n`;
    await c.open(uri, text);
    const [first, second] = (await c.waitDiagnostics(uri, { version: 1 })).diagnostics;
    const actionsOn = async (d: typeof first) => (await c.codeActions(uri, d!.range, [d!]))!.map((a) => ({ title: a.title, edit: a.edit, command: a.command }));
    const kept = await actionsOn(second);
    expect(kept.some((a) => a.title.startsWith('Guard `m` with a Lock'))).toBe(true);
    expect(kept.some((a) => a.title.includes('`n`'))).toBe(false);
    // Other documents analysed since push this one's analysis out: the same request analyses the file afresh.
    for (let i = 0; i < 3; i++) {
      const other = uriOf(path.join(dir, 'src', `other${i}.ts`));
      await c.open(other, RACY);
      await c.waitDiagnostics(other, { version: 1 });
    }
    expect(await actionsOn(second)).toEqual(kept);
    expect((await actionsOn(first)).some((a) => a.title.startsWith('Guard `n` with a Lock'))).toBe(true);
  });

  test('"Show documentation" asks the client to open the rule page', async () => {
    const { c, uri } = await racyWorkspace();
    await c.open(uri, RACY);
    const d = (await c.waitDiagnostics(uri, { version: 1 })).diagnostics[0]!;
    const show = (await c.codeActions(uri, d.range, [d]))!.find((a) => a.title === 'Show documentation for lost-update')!;
    expect(show.edit).toBeUndefined();
    const result = await c.request('workspace/executeCommand', { command: show.command!.command, arguments: show.command!.arguments });
    expect(result).toEqual({ shown: true });
    expect(c.shownDocuments).toEqual([{ uri: d.codeDescription!.href, external: true }]);
  });

  test('reportUnusedDisableDirectives: a faded diagnostic on a directive that suppresses nothing, and a fix that removes it', async () => {
    const { c, uri } = await racyWorkspace({ reportUnusedDisableDirectives: 'warning' });
    const text = RACY.replace('  const v = n;', '  // eslint-disable-next-line awaitguard/lost-update\n  const v = n;');
    await c.open(uri, text);
    const published = await c.waitDiagnostics(uri, { version: 1 });
    const unused = published.diagnostics.find((d) => d.code === 'unused-disable-directive')!;
    expect(unused).toMatchObject({ severity: 2, tags: [1], message: "Unused eslint-disable-next-line directive (no problems were reported from 'awaitguard/lost-update')." });
    expect(unused.range.start).toEqual(at(2, 2));
    expect(published.diagnostics.map((d) => d.code)).toEqual(['lost-update', 'unused-disable-directive']);
    const remove = preferredQuickFix(await c.codeActions(uri, unused.range, [unused]));
    expect(remove.title).toBe('Remove unused directive');
    const removed = applyWorkspaceEdit(remove.edit!, new Map([[uri, text]])).get(uri)!;
    expect(removed).toBe(RACY);
  });

  test('run: onSave analyses on open and on save, not as the file is typed', async () => {
    const { c, uri } = await racyWorkspace({ run: 'onSave' });
    await c.open(uri, RACY);
    expect((await c.waitDiagnostics(uri, { version: 1 })).diagnostics).toHaveLength(1);
    // Typing a fix: nothing is published while the file is unsaved.
    const fixed = RACY.replace('n = v + 1;', 'n = 1;');
    const from = c.diagnostics.length;
    await c.change(uri, 2, fixed);
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(c.diagnostics.slice(from).filter((d) => d.uri === uri)).toEqual([]);
    // Saved: analysed at once.
    await c.notify('textDocument/didSave', { textDocument: { uri } });
    expect((await c.waitDiagnostics(uri, { version: 2, from })).diagnostics).toEqual([]);
  });

  test('incremental changes are applied: a line inserted above moves the diagnostic down', async () => {
    const { c, uri } = await racyWorkspace();
    await c.open(uri, RACY);
    await c.waitDiagnostics(uri, { version: 1 });
    const from = c.diagnostics.length;
    await c.notify('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: at(0, 0), end: at(0, 0) }, text: '// counter\n' }],
    });
    const moved = await c.waitDiagnostics(uri, { version: 2, from });
    expect(moved.diagnostics.map((d) => d.range)).toEqual([{ start: at(5, 2), end: at(5, 11) }]);
    // Replace `v + 1` by `1` (no longer computed from the read): a plain write, no lost update.
    const from3 = c.diagnostics.length;
    await c.notify('textDocument/didChange', {
      textDocument: { uri, version: 3 },
      contentChanges: [{ range: { start: at(5, 6), end: at(5, 11) }, text: '1' }],
    });
    expect((await c.waitDiagnostics(uri, { version: 3, from: from3 })).diagnostics).toEqual([]);
  });

  test('positions count UTF-16 code units and CRLF line ends', async () => {
    const { c, uri } = await racyWorkspace();
    // An emoji (two UTF-16 units) before the write, on the same line, and Windows line ends.
    const text = RACY.replace('  n = v + 1;', '  /*🎉*/ n = v + 1;').replace(/\n/g, '\r\n');
    await c.open(uri, text);
    const d = (await c.waitDiagnostics(uri, { version: 1 })).diagnostics;
    expect(d.map((x) => x.range)).toEqual([{ start: at(4, 9), end: at(4, 18) }]);
    // The quick fix's edits land on the right text too: applying it leaves a file without findings.
    const fix = preferredQuickFix(await c.codeActions(uri, d[0]!.range, d));
    const fixed = documentEditsFor(fix.edit!, uri);
    expect(fixed).toHaveLength(1);
    const newText = applyWorkspaceEdit(fix.edit!, new Map([[uri, text]])).get(uri)!;
    expect(newText).toContain('/*🎉*/ n = v + 1;');
    const from = c.diagnostics.length;
    await c.change(uri, 2, newText);
    expect((await c.waitDiagnostics(uri, { version: 2, from })).diagnostics).toEqual([]);
  });

  test("code actions with only ['source.fixAll.awaitguard'] return exactly the fix-all action, and it fixes the file", async () => {
    const { c, uri } = await racyWorkspace();
    await c.open(uri, RACY);
    const d = (await c.waitDiagnostics(uri, { version: 1 })).diagnostics[0]!;
    const actions = await c.codeActions(uri, d.range, [], ['source.fixAll.awaitguard']);
    expect(actions).toHaveLength(1);
    const fixAll = actions![0]!;
    expect(fixAll.kind).toBe('source.fixAll.awaitguard');
    expect(fixAll.title).toMatch(/fix all/i);
    expect(documentEditsFor(fixAll.edit!, uri)).toHaveLength(1);
    expect(documentEditsFor(fixAll.edit!, uri)[0]!.textDocument.version).toBe(1);
    const text = applyWorkspaceEdit(fixAll.edit!, new Map([[uri, RACY]])).get(uri)!;
    const from = c.diagnostics.length;
    await c.change(uri, 2, text);
    expect((await c.waitDiagnostics(uri, { version: 2, from })).diagnostics).toEqual([]);
  });

  test('fix-all on a check around a read and a write takes the lock once (it once nested it ten times: a deadlock)', async () => {
    const { c, uri } = await racyWorkspace();
    const text = 'let total = 1;\nasync function load() { return 1; }\nexport async function b() {\n  if (total > 0) { const u = total; total = u + (await load()); }\n}\n';
    await c.open(uri, text);
    const d = (await c.waitDiagnostics(uri, { version: 1 })).diagnostics[0]!;
    const actions = await c.codeActions(uri, d.range, [], ['source.fixAll.awaitguard']);
    const fixed = applyWorkspaceEdit(actions![0]!.edit!, new Map([[uri, text]])).get(uri)!;
    expect(fixed.match(/\.acquire\(\)/g), fixed).toHaveLength(1);
    const from = c.diagnostics.length;
    await c.change(uri, 2, fixed);
    expect((await c.waitDiagnostics(uri, { version: 2, from })).diagnostics).toEqual([]);
  });

  // Regression: fix-all once made a single pass. Every Lock fix inserts its import at offset 0, and
  // editsOverlap() counts two insertions at one point as overlapping, so a file with two racy variables gets one
  // of them fixed per fix-all; it now loops like `awaitguard check --fix` (src/fixes/fixAll.ts).
  // once the server's fix-all iterates like fixText().
  test('fix-all fixes every race in the file, as `awaitguard check --fix` does', async () => {
    const { c, uri } = await racyWorkspace();
    const two = RACY.replace('let n = 0;\n', 'let n = 0;\nlet m = 0;\n') + RACY.slice(RACY.indexOf('export')).replace(/\bn\b/g, 'm').replace('inc(', 'incM(');
    await c.open(uri, two);
    const d = (await c.waitDiagnostics(uri, { version: 1 })).diagnostics;
    expect(d.map((x) => x.code)).toEqual(['lost-update', 'lost-update']);
    const [fixAll] = (await c.codeActions(uri, d[0]!.range, [], ['source.fixAll.awaitguard']))!;
    const text = applyWorkspaceEdit(fixAll!.edit!, new Map([[uri, two]])).get(uri)!;
    const from = c.diagnostics.length;
    await c.change(uri, 2, text);
    expect((await c.waitDiagnostics(uri, { version: 2, from })).diagnostics).toEqual([]);
  });

  test('the fix-all action answers the broader kinds editors ask for on save, and not a quickfix-only request', async () => {
    const { c, uri } = await racyWorkspace();
    await c.open(uri, RACY);
    const d = (await c.waitDiagnostics(uri, { version: 1 })).diagnostics[0]!;
    const kinds = async (only?: string[]): Promise<string[]> => (await c.codeActions(uri, d.range, [d], only))!.map((a) => a.kind!);
    // VS Code's `"editor.codeActionsOnSave": { "source.fixAll": "explicit" }` asks with only ['source.fixAll'].
    expect(await kinds(['source.fixAll'])).toEqual(['source.fixAll.awaitguard']);
    expect(await kinds(['source'])).toEqual(['source.fixAll.awaitguard']);
    // The lock fix, the promise-sharing fix, disable for this line, disable for this file, show documentation.
    expect(await kinds(['quickfix'])).toEqual(['quickfix', 'quickfix', 'quickfix', 'quickfix', 'quickfix']);
    expect(await kinds(['refactor'])).toEqual([]);
    // With no `only`, the light bulb gets the quick fixes.
    expect(new Set(await kinds())).toEqual(new Set(['quickfix']));
  });

  test('an edit of an open module that another open document imports re-checks that document', async () => {
    const { c, dir } = await racyWorkspace();
    const loaderUri = uriOf(path.join(dir, 'src', 'loader.ts'));
    const counterUri = uriOf(path.join(dir, 'src', 'counter.ts'));
    const shared =
      'const loading: Record<string, Promise<string>> = {};\nexport function encoderFor(name: string): Promise<string> {\n  if (!(name in loading)) loading[name] = fetch(name).then((r) => r.text());\n  return loading[name]!;\n}\n';
    const fresh = 'export async function encoderFor(name: string): Promise<string> {\n  const r = await fetch(name);\n  return r.text();\n}\n';
    const counter =
      "import { encoderFor } from './loader.js';\nexport class Counter {\n  private enc: string | undefined;\n  async count(text: string): Promise<number> {\n    if (!this.enc) this.enc = await encoderFor('base');\n    return this.enc.length + text.length;\n  }\n}\n";
    // The loader is open (not yet saved): its editor text is what the counter's analysis reads.
    await c.open(loaderUri, shared);
    await c.waitDiagnostics(loaderUri, { version: 1 });
    await c.open(counterUri, counter);
    expect((await c.waitDiagnostics(counterUri, { version: 1 })).diagnostics).toEqual([]);

    const from = c.diagnostics.length;
    await c.change(loaderUri, 2, fresh);
    const again = await c.waitDiagnostics(counterUri, { from, where: (p) => p.diagnostics.length > 0 });
    expect(again.diagnostics.map((d) => d.code)).toEqual(['check-then-act']);
  });

  test('a clean document gets an empty list and no fix-all action', async () => {
    const { c, uri } = await racyWorkspace();
    const clean = 'export async function load(url: string) {\n  const res = await fetch(url);\n  return res.json();\n}\n';
    await c.open(uri, clean);
    expect((await c.waitDiagnostics(uri, { version: 1 })).diagnostics).toEqual([]);
    expect(await c.codeActions(uri, { start: at(0, 0), end: at(3, 1) }, [], ['source.fixAll.awaitguard'])).toEqual([]);
  });

  test('workspace/executeCommand awaitguard.server.fixAll sends the fix to the client with workspace/applyEdit', async () => {
    const { c, uri } = await racyWorkspace();
    await c.open(uri, RACY);
    await c.waitDiagnostics(uri, { version: 1 });
    const result = await c.request<{ applied: number }>('workspace/executeCommand', { command: 'awaitguard.server.fixAll', arguments: [{ uri }] });
    expect(result.applied).toBeGreaterThan(0);
    expect(c.applyEdits).toHaveLength(1);
    const request = c.applyEdits[0]!;
    expect(request.label).toMatch(/fix all/i);
    const docEdits = documentEditsFor(request.edit, uri);
    expect(docEdits).toHaveLength(1);
    expect(docEdits[0]!.textDocument.version).toBe(1);
    const text = applyWorkspaceEdit(request.edit, new Map([[uri, RACY]])).get(uri)!;
    const from = c.diagnostics.length;
    await c.change(uri, 2, text);
    expect((await c.waitDiagnostics(uri, { version: 2, from })).diagnostics).toEqual([]);
    // A plain string argument is accepted too; a document that is not open changes nothing.
    expect(await c.request('workspace/executeCommand', { command: 'awaitguard.server.fixAll', arguments: [uri] })).toEqual({ applied: 0 });
    expect(await c.request('workspace/executeCommand', { command: 'awaitguard.server.fixAll', arguments: [{ uri: uri + '.missing.ts' }] })).toEqual({
      applied: 0,
    });
    expect(c.applyEdits).toHaveLength(1);
  });

  test('fixAll reports nothing applied when the client refuses the edit', async () => {
    const dir = makeFolder({ 'package.json': '{}' });
    client = await startClient({ folders: [dir], settings: { debounce: 0 }, applyEditResult: { applied: false } });
    const uri = uriOf(path.join(dir, 'a.ts'));
    await client.open(uri, RACY);
    await client.waitDiagnostics(uri, { version: 1 });
    expect(await client.request('workspace/executeCommand', { command: 'awaitguard.server.fixAll', arguments: [{ uri }] })).toEqual({ applied: 0 });
    expect(client.applyEdits).toHaveLength(1);
  });

  test('an untitled: document is analysed by its language id and gets quick fixes', async () => {
    const { c } = await racyWorkspace();
    const uri = 'untitled:Untitled-1';
    await c.open(uri, RACY, 'typescript');
    const d = (await c.waitDiagnostics(uri, { version: 1 })).diagnostics;
    expect(d.map((x) => [x.code, x.range])).toEqual([['lost-update', { start: at(4, 2), end: at(4, 11) }]]);
    expect(d[0]!.relatedInformation!.every((r) => r.location.uri === uri)).toBe(true);
    const actions = await c.codeActions(uri, d[0]!.range, d);
    expect(actions!.map((a) => a.title)).toContain('Disable lost-update for this line');
    const js = 'untitled:Untitled-2';
    await c.open(js, RACY.replace('export ', ''), 'javascript');
    expect((await c.waitDiagnostics(js, { version: 1 })).diagnostics.map((x) => x.code)).toEqual(['lost-update']);
  });

  // Regression: fix-all once re-parsed the fixed text with `doc.uri` as the file name. For an
  // untitled buffer that name has no extension, so it is parsed as TSX and a TypeScript cast `<number>n` fails:
  // no fix-all was offered although the quick fix exists.
  test('fix-all is offered for an untitled TypeScript buffer that uses a <T> cast', async () => {
    const { c } = await racyWorkspace();
    const uri = 'untitled:Untitled-3';
    await c.open(uri, RACY.replace('const v = n;', 'const v = <number>n;'), 'typescript');
    const d = (await c.waitDiagnostics(uri, { version: 1 })).diagnostics;
    expect(d).toHaveLength(1);
    expect(await c.codeActions(uri, d[0]!.range, [], ['source.fixAll.awaitguard'])).toHaveLength(1);
  });

  // Regression: a document outside every workspace folder (an
  // untitled buffer) once got projectRoot '/', so the Lock fix creates file:///src/awaitguard-lock.ts at the root of
  // the file system; it now imports awaitguard/runtime instead.
  test('the Lock fix for an untitled buffer does not create the runtime at the file-system root', async () => {
    const { c } = await racyWorkspace();
    const uri = 'untitled:Untitled-4';
    await c.open(uri, RACY, 'typescript');
    const d = (await c.waitDiagnostics(uri, { version: 1 })).diagnostics;
    const fix = preferredQuickFix(await c.codeActions(uri, d[0]!.range, d));
    const created = fix.edit!.documentChanges!.filter((ch): ch is CreateFile => 'kind' in ch && ch.kind === 'create');
    expect(created.map((f) => f.uri)).not.toContain('file:///src/awaitguard-lock.ts');
  });

  test('.d.ts and JSON documents are ignored: an empty list, a "disabled" status, and the server carries on', async () => {
    const { c, dir, uri } = await racyWorkspace();
    const dts = uriOf(path.join(dir, 'types.d.ts'));
    const json = uriOf(path.join(dir, 'data.json'));
    const untitledJson = 'untitled:Untitled-9';
    await c.open(dts, 'export declare function inc(): Promise<void>;\n' + RACY, 'typescript');
    await c.open(json, '{ "n": 0, "broken": [ }', 'json');
    await c.open(untitledJson, '{ "a": 1 }', 'json');
    for (const u of [dts, json, untitledJson]) {
      expect((await c.waitDiagnostics(u, { version: undefined })).diagnostics).toEqual([]);
      await expect.poll(() => c.statuses.find((s) => s.uri === u)?.state).toBe('disabled');
    }
    expect(await c.codeActions(json, { start: at(0, 0), end: at(0, 1) }, [])).toEqual([]);
    await c.open(uri, RACY);
    expect((await c.waitDiagnostics(uri, { version: 1 })).diagnostics).toHaveLength(1);
  });

  test('a generated or vendored document gets no diagnostics and a "generated" status that says why', async () => {
    const { c, dir, uri } = await racyWorkspace();
    const vendored = uriOf(path.join(dir, 'src', 'vendor', 'counter.ts'));
    const marked = uriOf(path.join(dir, 'src', 'counter.gen.ts'));
    await c.open(vendored, RACY);
    await c.open(marked, `// Code generated by openapi-ts. DO NOT EDIT.\n${RACY}`);
    for (const [u, why] of [[vendored, /vendored code/], [marked, /generated code \(its header says so\)/]] as const) {
      expect((await c.waitDiagnostics(u, { version: undefined })).diagnostics).toEqual([]);
      await expect.poll(() => c.statuses.find((s) => s.uri === u)?.state).toBe('generated');
      expect(c.statuses.find((s) => s.uri === u)?.message).toMatch(why);
    }
    await c.open(uri, RACY);
    expect((await c.waitDiagnostics(uri, { version: 1 })).diagnostics).toHaveLength(1);
  });

  // Regression: code actions once checked only `enable`, not isSupportedFile() nor the
  // include/exclude selection that validate() applies (main.ts:155-157), so a .d.ts, an untitled JSON buffer or
  // an excluded file gets no diagnostics but still gets quick fixes and fix-all, and the fixAll command edits it.
  // Diagnostics, code actions and fix-all now share one shouldAnalyse() test.
  test('a .d.ts document gets no code actions either', async () => {
    const { c, dir } = await racyWorkspace();
    const dts = uriOf(path.join(dir, 'types.d.ts'));
    await c.open(dts, RACY, 'typescript');
    expect((await c.waitDiagnostics(dts)).diagnostics).toEqual([]);
    expect(await c.codeActions(dts, { start: at(4, 2), end: at(4, 2) }, [])).toEqual([]);
  });

  // Same bug as above, for a file that awaitguard.config.json excludes.
  test('a file excluded by awaitguard.config.json gets no code actions either', async () => {
    const dir = makeFolder({ 'awaitguard.config.json': JSON.stringify({ exclude: ['generated/**'] }) });
    client = await startClient({ folders: [dir], settings: { debounce: 0 } });
    const uri = uriOf(path.join(dir, 'generated', 'client.ts'));
    await client.open(uri, RACY);
    expect((await client.waitDiagnostics(uri)).diagnostics).toEqual([]);
    expect(await client.codeActions(uri, { start: at(4, 2), end: at(4, 2) }, [], ['quickfix', 'source.fixAll.awaitguard'])).toEqual([]);
  });

  test('didClose clears the diagnostics of the document', async () => {
    const { c, uri } = await racyWorkspace();
    await c.open(uri, RACY);
    await c.waitDiagnostics(uri, { version: 1 });
    const from = c.diagnostics.length;
    await c.close(uri);
    expect((await c.waitDiagnostics(uri, { from })).diagnostics).toEqual([]);
    // A closed document has no code actions.
    expect(await c.codeActions(uri, { start: at(4, 2), end: at(4, 2) }, [])).toEqual([]);
  });

  test('shutdown then exit ends the process with code 0', async () => {
    const { c, uri } = await racyWorkspace();
    await c.open(uri, RACY);
    await c.waitDiagnostics(uri, { version: 1 });
    expect(await c.shutdown()).toBe(0);
  });

  test('exit without shutdown ends the process with code 1 (LSP spec)', async () => {
    const { c } = await racyWorkspace();
    await c.notify('exit', null);
    const { code } = await c.exit;
    expect(code).toBe(1);
  });

  test('the process ends when the client goes away (stdin closes)', async () => {
    const { c } = await racyWorkspace();
    c.child.stdin.end();
    const result = await Promise.race([c.exit, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
    expect(result).not.toBe('still running');
  });
});
