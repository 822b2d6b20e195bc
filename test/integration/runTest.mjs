#!/usr/bin/env node
// The standard way to run the integration suite, for machines that can download VS Code:
// @vscode/test-electron downloads a VS Code build into .vscode-test/ and runs test/integration/suite
// in its extension host against this repository as the development extension.
//
//   npm install --no-save @vscode/test-electron
//   npm run build
//   node test/integration/runTest.mjs            # VSCODE_VERSION=1.139.1 to pin a version
//
// Machines without internet access (like this project's CI) cannot download VS Code; there
// `npm run test:e2e` runs the same suite inside code-server (scripts/e2e/run.mjs). Not a vitest file.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let runTests;
try {
  ({ runTests } = await import('@vscode/test-electron'));
} catch {
  console.error('@vscode/test-electron is not installed; run `npm install --no-save @vscode/test-electron` first.');
  process.exit(2);
}
if (!existsSync(path.join(root, 'dist', 'extension.cjs'))) {
  console.error('dist/extension.cjs is missing; run `npm run build` first.');
  process.exit(2);
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'awaitguard-it-'));
const workspace = path.join(tmp, 'workspace');
cpSync(path.join(root, 'test', 'e2e-workspace'), workspace, { recursive: true });
const resultFile = path.join(tmp, 'result.json');
let code = 1;
try {
  await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'test', 'integration', 'suite', 'index.cjs'),
    extensionTestsEnv: { AWAITGUARD_IT_RESULT: resultFile, AWAITGUARD_IT_EXTENSION_PATH: root },
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(tmp, 'user-data')],
  });
  code = 0;
} catch (err) {
  console.error(`integration tests failed: ${err instanceof Error ? err.message : err}`);
} finally {
  if (existsSync(resultFile)) {
    const report = JSON.parse(readFileSync(resultFile, 'utf8'));
    for (const t of report.tests) console.log(`${t.ok ? '✓' : '✗'} ${t.name}${t.ok ? '' : `\n  ${t.error}`}`);
    console.log(`integration: ${report.passed} passed, ${report.failed} failed`);
  }
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
