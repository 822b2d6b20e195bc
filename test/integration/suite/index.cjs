// Integration tests inside a real VS Code extension host (code-server), against the development build
// (the repository folder as extensionDevelopmentPath). VS Code loads this file through the test payload
// (extensionTestsPath) and calls run(). A small self-contained runner, so no test framework is needed
// inside the extension host. Results go to the JSON file named by AWAITGUARD_IT_RESULT, because the
// extension host's stdout does not reach the process that started code-server.
//
// Started by scripts/e2e/run.mjs (npm run test:e2e); not a vitest file.
/* global require, module */
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS: the extension host require()s this file */
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vscode = require('vscode');

const EXTENSION_ID = 'awaitguard.awaitguard';
const FIX_ALL_KIND = 'source.fixAll.awaitguard';
const FIX_PREFIX = 'Guard `this.balance` with a Lock';

const tests = [];
const test = (name, fn, timeoutMs = 60_000) => tests.push({ name, fn, timeoutMs });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor(what, probe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await sleep(200);
  }
}

// VS Code cancels a code-action request when the set of providers for the document changes while it
// runs (another extension, such as the built-in TypeScript one, registering its own), or when the text
// changes. The editor simply asks again; so does the test, rather than failing on that timing.
async function codeActions(uri, range, kind) {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await vscode.commands.executeCommand('vscode.executeCodeActionProvider', uri, range, kind)) ?? [];
    } catch (err) {
      const cancelled = err && (err.name === 'Canceled' || err.message === 'Canceled');
      if (!cancelled || attempt === 5) throw err;
      console.log(`  (code actions request cancelled by VS Code, asking again: attempt ${attempt + 1})`);
      await sleep(500);
    }
  }
}

const codeOf = (d) => (d.code && typeof d.code === 'object' ? d.code.value : d.code);
const awaitguardDiagnostics = (uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'awaitguard');

/** Shared between the steps, which build on each other like a user session. */
const state = {};

function workspaceFile(...segments) {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'a workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

test('the development build of the extension is loaded', async () => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is known to the extension host`);
  const expected = process.env.AWAITGUARD_IT_EXTENSION_PATH;
  if (expected) assert.equal(path.resolve(ext.extensionPath), path.resolve(expected), 'the extension runs from the development folder');
  state.ext = ext;
});

test('opening the racy file activates the extension', async () => {
  state.uri = workspaceFile('src', 'account.ts');
  state.doc = await vscode.workspace.openTextDocument(state.uri);
  assert.equal(state.doc.languageId, 'typescript');
  await vscode.window.showTextDocument(state.doc);
  await waitFor('the extension to activate', () => state.ext.isActive, 30_000);
});

test('a lost-update diagnostic arrives through vscode.languages.getDiagnostics', async () => {
  const diag = await waitFor(
    'an awaitguard lost-update diagnostic',
    () => awaitguardDiagnostics(state.uri).find((d) => codeOf(d) === 'lost-update'),
    60_000,
  );
  const text = state.doc.getText();
  const writeLine = text.split('\n').findIndex((l) => l.includes('this.balance = before + amount'));
  assert.equal(diag.range.start.line, writeLine, 'the diagnostic sits on the write-back line');
  assert.equal(diag.severity, vscode.DiagnosticSeverity.Error);
  assert.match(diag.message, /concurrent call's update is lost/);
  assert.ok(diag.code && typeof diag.code === 'object' && diag.code.target, 'the code links to the rule docs (codeDescription)');
  assert.match(String(diag.code.target), /lost-update/);
  assert.equal(diag.relatedInformation?.length, 2, 'related information names the read and the await');
  state.diag = diag;
});

test('executeCodeActionProvider returns the "Guard … with a Lock" quick fixes', async () => {
  const actions = await codeActions(state.uri, state.diag.range);
  const titles = actions.map((a) => a.title);
  const guards = actions.filter((a) => a.title.startsWith(FIX_PREFIX));
  assert.ok(guards.length > 0, `a quick fix titled "${FIX_PREFIX} …" is offered; got: ${JSON.stringify(titles)}`);
  for (const g of guards) assert.ok(g.kind && vscode.CodeActionKind.QuickFix.contains(g.kind), `"${g.title}" is a quickfix`);
  assert.ok(guards.some((g) => g.isPreferred), 'one Guard fix is preferred');
  assert.ok(titles.includes('Disable lost-update for this line'), `"Disable lost-update for this line" is offered; got: ${JSON.stringify(titles)}`);
  state.fix = guards.find((g) => g.title.includes('(try/finally)')) ?? guards[0];
  assert.ok(state.fix.edit, 'the quick fix carries a workspace edit');
});

test('the source.fixAll.awaitguard kind is offered', async () => {
  const whole = new vscode.Range(0, 0, state.doc.lineCount, 0);
  const actions = await codeActions(state.uri, whole, FIX_ALL_KIND);
  const fixAll = actions.filter((a) => a.kind && a.kind.value === FIX_ALL_KIND);
  assert.ok(fixAll.length === 1, `one ${FIX_ALL_KIND} action; got: ${JSON.stringify(actions.map((a) => [a.title, a.kind?.value]))}`);
  assert.ok(fixAll[0].edit, 'the fix-all action carries an edit');
  // Also reachable through the parent kind editor.codeActionsOnSave asks for.
  const parent = await codeActions(state.uri, whole, 'source.fixAll');
  assert.ok(parent.some((a) => a.kind?.value === FIX_ALL_KIND), `${FIX_ALL_KIND} is offered for source.fixAll`);
});

test('applying the quick fix puts the critical section under a Lock', async () => {
  const ok = await vscode.workspace.applyEdit(state.fix.edit);
  assert.equal(ok, true, 'workspace.applyEdit accepted the edit');
  const text = state.doc.getText();
  assert.match(text, /import \{ Lock \} from '\.\/awaitguard-lock(\.js)?';/);
  assert.match(text, /await this\.\w+\.acquire\(\);/);
  assert.match(text, /\} finally \{\s*this\.\w+\.release\(\);/);
  const lockUri = workspaceFile('src', 'awaitguard-lock.ts');
  const lockDoc = await vscode.workspace.openTextDocument(lockUri);
  assert.match(lockDoc.getText(), /export class Lock\b/, 'the same edit created the runtime file with the Lock class');
});

test('the lost-update diagnostic goes away after the fix', async () => {
  await waitFor(
    'the lost-update diagnostic to clear',
    () => !awaitguardDiagnostics(state.uri).some((d) => codeOf(d) === 'lost-update'),
    30_000,
  );
});

const WALLET = `let total = 0;

export async function add(amount: number, rate: () => Promise<number>): Promise<number> {
  const current = total;
  const r = await rate();
  total = current + amount * r;
  return total;
}
`;

test('editor.codeActionsOnSave with source.fixAll.awaitguard fixes the file on save', async () => {
  // A second racy file, written into the (temporary) workspace copy.
  const uri = workspaceFile('src', 'wallet.ts');
  fs.writeFileSync(uri.fsPath, WALLET);
  const config = vscode.workspace.getConfiguration('editor', { languageId: 'typescript', uri });
  await config.update('codeActionsOnSave', { [FIX_ALL_KIND]: 'always' }, vscode.ConfigurationTarget.Workspace);
  const doc = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(doc);
  await waitFor(
    'the lost-update diagnostic on wallet.ts',
    () => awaitguardDiagnostics(uri).some((d) => codeOf(d) === 'lost-update'),
    30_000,
  );
  // Make the document dirty with a harmless edit, then save it as a user would.
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, new vscode.Position(doc.lineCount, 0), '\n');
  assert.equal(await vscode.workspace.applyEdit(edit), true);
  assert.equal(await doc.save(), true, 'the document saved');
  const onDisk = await waitFor('wallet.ts on disk to hold the lock code', () => {
    const text = fs.readFileSync(uri.fsPath, 'utf8');
    return /await totalLock\.acquire\(\);/.test(text) && /finally \{\s*totalLock\.release\(\);/.test(text) ? text : false;
  }, 15_000);
  assert.match(onDisk, /import \{ Lock \} from '\.\/awaitguard-lock(\.js)?';/);
  await waitFor(
    'the lost-update diagnostic on wallet.ts to clear',
    () => !awaitguardDiagnostics(uri).some((d) => codeOf(d) === 'lost-update'),
    30_000,
  );
});

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000}s`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

async function run() {
  const resultFile = process.env.AWAITGUARD_IT_RESULT;
  const results = [];
  let failedBefore = false;
  for (const t of tests) {
    const t0 = Date.now();
    if (failedBefore) {
      results.push({ name: t.name, ok: false, skipped: true, error: 'skipped: an earlier step failed', ms: 0 });
      continue;
    }
    try {
      await withTimeout(Promise.resolve().then(t.fn), t.timeoutMs, t.name);
      results.push({ name: t.name, ok: true, ms: Date.now() - t0 });
      console.log(`  ✓ ${t.name}`);
    } catch (err) {
      failedBefore = true;
      results.push({ name: t.name, ok: false, error: err && err.stack ? err.stack : String(err), ms: Date.now() - t0 });
      console.error(`  ✗ ${t.name}\n${err && err.stack ? err.stack : err}`);
    }
  }
  const failed = results.filter((r) => !r.ok).length;
  if (resultFile) {
    fs.mkdirSync(path.dirname(resultFile), { recursive: true });
    fs.writeFileSync(resultFile, JSON.stringify({ passed: results.length - failed, failed, tests: results }, null, 2));
  }
  if (failed > 0) throw new Error(`${failed} of ${results.length} integration tests failed`);
}

module.exports = { run };
