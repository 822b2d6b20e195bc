#!/usr/bin/env node
// Runs the extension's integration suite (test/integration/suite/index.cjs) in a desktop VS Code that
// @vscode/test-electron downloads: the standard way, for machines that can download VS Code. Machines
// without that access run the same suite inside code-server with `npm run test:e2e`.
//
//   npm i -D @vscode/test-electron
//   npm run build
//   node test/vscode/runTest.mjs            # VSCODE_VERSION=1.91.0 to pin the version (default: stable)
//
// On Linux without a display, wrap it in `xvfb-run -a`. Exit code 0 when every test passed.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const suite = path.join(root, 'test', 'integration', 'suite', 'index.cjs');
const fixture = path.join(root, 'test', 'e2e-workspace');

let runTests;
try {
  ({ runTests } = await import('@vscode/test-electron'));
} catch {
  console.error('@vscode/test-electron is not installed. Run: npm i -D @vscode/test-electron && node test/vscode/runTest.mjs');
  process.exit(2);
}
for (const [file, hint] of [
  [path.join(root, 'dist', 'extension.cjs'), 'run `npm run build` first'],
  [path.join(root, 'dist', 'server.js'), 'run `npm run build` first'],
  [suite, 'the integration suite is missing'],
  [fixture, 'the fixture workspace is missing'],
]) {
  if (!existsSync(file)) {
    console.error(`${path.relative(root, file)} not found: ${hint}`);
    process.exit(2);
  }
}

// The suite edits and creates files, so it works on a copy of the fixture workspace.
const tmp = mkdtempSync(path.join(os.tmpdir(), 'awaitguard-vscode-test-'));
const workspace = path.join(tmp, 'workspace');
cpSync(fixture, workspace, { recursive: true });
const resultFile = path.join(tmp, 'result.json');
const cache = path.join(root, '.cache', 'vscode-test');
mkdirSync(cache, { recursive: true });

let code = 0;
try {
  await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    cachePath: cache,
    extensionDevelopmentPath: root,
    extensionTestsPath: suite,
    extensionTestsEnv: { AWAITGUARD_IT_RESULT: resultFile, AWAITGUARD_IT_EXTENSION_PATH: root },
    launchArgs: [
      workspace,
      '--user-data-dir',
      path.join(tmp, 'user-data'),
      '--disable-extensions', // other installed extensions; the one under test still loads
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
    ],
  });
} catch (err) {
  console.error(`integration tests failed: ${err instanceof Error ? err.message : String(err)}`);
  code = 1;
}
if (existsSync(resultFile)) {
  const report = JSON.parse(readFileSync(resultFile, 'utf8'));
  for (const t of report.tests) console.log(`${t.ok ? '✓' : '✗'} ${t.name}${t.ok ? '' : `\n  ${String(t.error).split('\n').join('\n  ')}`}`);
  console.log(`${report.passed} passed, ${report.failed} failed`);
  if (report.failed > 0) code = 1;
}
rmSync(tmp, { recursive: true, force: true });
process.exit(code);
