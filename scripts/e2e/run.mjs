#!/usr/bin/env node
// npm run test:e2e: the extension in a real VS Code (code-server), stopped by itself with bounded waits.
//   1. provision (cached in .cache/e2e/): chromium, libkrb5-dev, Node 24, code-server
//   2. npm run package -> awaitguard-<this platform's target>.vsix (carrying oxc's native binding)
//   3. UI end to end (test/e2e/quickfix.spec.mjs): the .vsix installed into code-server, driven with Chromium
//   4. integration (test/integration/suite/index.cjs): VS Code's test payload runs the suite in the
//      extension host against the development build (this repository)
// Prints `e2e: N passed, M failed` and exits non-zero on any failure.
//
// Environment:
//   AWAITGUARD_E2E_VSIX=path      use this .vsix instead of running `npm run package`
//   AWAITGUARD_E2E_ONLY=ui|integration|neovim   run one part
//   AWAITGUARD_E2E_TIMEOUT_MS     overall limit (default 6 minutes, provisioning excluded)
//   AWAITGUARD_E2E_KEEP=1         keep the temp folder (workspaces, logs) for inspection
//   AWAITGUARD_E2E_SCREENSHOTS=dir   where the screenshots go (default .cache/e2e/screenshots, ignored by git);
//                                 `--screenshots DIR` says the same (`npm run screenshots` updates media/, the README's)
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL, URL } from 'node:url';
import {
  copyWorkspace,
  installExtension,
  launchBrowser,
  log,
  makeState,
  onCleanup,
  run,
  runCleanups,
  seconds,
  startCodeServer,
  waitFor,
  withTimeout,
} from './lib.mjs';
import { paths, provision, ROOT, CACHE } from './provision.mjs';
import { hostTarget } from '../package-vsix.mjs';
import { problems as neovimProblems, runNeovim } from '../../test/neovim/run.mjs';

const OVERALL_TIMEOUT_MS = Number(process.env.AWAITGUARD_E2E_TIMEOUT_MS ?? 6 * 60_000);
const ONLY = process.env.AWAITGUARD_E2E_ONLY;
const FIXTURE = path.join(ROOT, 'test', 'e2e-workspace');
// A test run must not rewrite tracked files: the README's images change only when asked (`npm run screenshots`).
const screenshotsArg = process.argv.indexOf('--screenshots');
const MEDIA = path.resolve(ROOT, (screenshotsArg >= 0 ? process.argv[screenshotsArg + 1] : undefined) ?? process.env.AWAITGUARD_E2E_SCREENSHOTS ?? path.join('.cache', 'e2e', 'screenshots'));
const FAILURES = path.join(CACHE, 'failures');
const VIEWPORT = { width: 1280, height: 800 };

/** @type {{ name: string, ok: boolean, error?: string, ms: number }[]} */
const results = [];

function record(name, ok, ms, error) {
  results.push({ name, ok, ms, error });
  const mark = ok ? '✓' : '✗';
  console.log(`[e2e] ${mark} ${name} (${(ms / 1000).toFixed(1)}s)${ok ? '' : `\n${indent(error)}`}`);
}
const indent = (s) => String(s).split('\n').map((l) => `      ${l}`).join('\n');

function summary() {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  return { passed, failed, line: `e2e: ${passed} passed, ${failed} failed` };
}

/** The first line matching `pattern` in the log files under `dir` (code-server writes each output channel to one). */
function logLine(dir, pattern) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true, recursive: true });
  } catch {
    return undefined;
  }
  for (const e of entries) {
    if (!e.isFile() || !e.name.endsWith('.log')) continue;
    const m = pattern.exec(readFileSync(path.join(e.parentPath ?? e.path, e.name), 'utf8'));
    if (m) return m[0];
  }
  return undefined;
}

/** Step 2: the .vsix. */
async function buildVsix() {
  if (process.env.AWAITGUARD_E2E_VSIX) {
    const vsix = path.resolve(process.env.AWAITGUARD_E2E_VSIX);
    if (!existsSync(vsix)) throw new Error(`AWAITGUARD_E2E_VSIX=${vsix} does not exist`);
    log(`using ${vsix} (AWAITGUARD_E2E_VSIX)`);
    return vsix;
  }
  const t0 = Date.now();
  const vsix = path.join(ROOT, `awaitguard-${hostTarget()}.vsix`);
  rmSync(vsix, { force: true });
  log('npm run package');
  await run('npm', ['run', 'package'], { cwd: ROOT, timeoutMs: 180_000, quiet: true, env: { ...process.env, npm_config_yes: 'true' } }).catch((err) => {
    throw new Error(`npm run package failed:\n${err.message}`);
  });
  if (!existsSync(vsix)) throw new Error(`npm run package finished but ${vsix} is missing`);
  log(`packaged ${path.relative(ROOT, vsix)} (${(statSync(vsix).size / 1024).toFixed(0)} KB) in ${seconds(t0)}`);
  return vsix;
}

/** Step 3: the UI test through the browser, with the installed .vsix. */
async function uiTests(tmp, browser, vsix) {
  const prefix = 'ui: ';
  const state = makeState(path.join(tmp, 'ui-state'));
  const workspace = copyWorkspace(FIXTURE, path.join(tmp, 'ui-workspace'));
  let t0 = Date.now();
  try {
    const msg = await installExtension(state, vsix);
    record(`${prefix}the .vsix installs into code-server`, true, Date.now() - t0);
    log(`  ${msg.split('\n').at(-1)}`);
  } catch (err) {
    record(`${prefix}the .vsix installs into code-server`, false, Date.now() - t0, err.message);
    return;
  }
  t0 = Date.now();
  const server = await startCodeServer(state, { workspace, logFile: path.join(tmp, 'ui-code-server.log') });
  log(`code-server (pid ${server.pid}) on ${server.url} in ${seconds(t0)}`);
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const consoleLines = [];
  page.on('console', (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  let failedBefore = false;
  let shot = 0;
  const test = async (name, fn) => {
    if (failedBefore) {
      record(prefix + name, false, 0, 'skipped: an earlier step failed');
      return;
    }
    const start = Date.now();
    try {
      await withTimeout(fn(), 120_000, name);
      record(prefix + name, true, Date.now() - start);
    } catch (err) {
      failedBefore = true;
      mkdirSync(FAILURES, { recursive: true });
      const file = path.join(FAILURES, `ui-${String(++shot).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}.png`);
      await page.screenshot({ path: file, timeout: 10_000 }).catch(() => {});
      record(prefix + name, false, Date.now() - start, `${err.stack ?? err.message}\n(screenshot: ${path.relative(ROOT, file)})`);
    }
  };
  const screenshot = async (name) => {
    mkdirSync(MEDIA, { recursive: true });
    const file = path.join(MEDIA, `screenshot-${name}.png`);
    await page.screenshot({ path: file, timeout: 10_000 });
    log(`  screenshot ${path.relative(ROOT, file)}`);
  };
  try {
    const spec = await import(pathToFileURL(path.join(ROOT, 'test', 'e2e', 'quickfix.spec.mjs')).href);
    await spec.run({ page, url: server.url, workspace, test, screenshot, waitFor });
    // The platform's package carries oxc's native binding: the server it ships says it parses with oxc, on the
    // thread with the parse stack.
    await test('the installed server parses with oxc', async () => {
      const said = await waitFor('the server to log its parser', () => logLine(path.join(state.userData, 'logs'), /parsing with [\w-]+ \([^)]*\)/), { timeoutMs: 30_000, intervalMs: 500 });
      // On the thread with the parse stack it takes files of hundreds of K characters; on a main thread, 1K.
      if (!/parsing with oxc .*files up to (\d+M|[1-9]\d{2,}K) characters/.test(said)) throw new Error(`the server of ${path.basename(vsix)} says: ${said}`);
      log(`  ${said}`);
    });
  } finally {
    if (failedBefore) {
      const file = path.join(FAILURES, 'ui-browser-console.log');
      mkdirSync(FAILURES, { recursive: true });
      (await import('node:fs')).writeFileSync(file, consoleLines.join('\n'));
      log(`  browser console: ${path.relative(ROOT, file)}; code-server log: ${path.join(tmp, 'ui-code-server.log')}`);
    }
    await context.close().catch(() => {});
    await server.stop();
  }
}

/** Step 4: the integration suite in the extension host, via VS Code's test payload. */
async function integrationTests(tmp, browser) {
  const prefix = 'integration: ';
  const state = makeState(path.join(tmp, 'it-state'));
  const workspace = copyWorkspace(FIXTURE, path.join(tmp, 'it-workspace'));
  const resultFile = path.join(tmp, 'integration-result.json');
  const devPath = path.resolve(process.env.AWAITGUARD_IT_EXTENSION_PATH ?? ROOT);
  const suite = path.join(ROOT, 'test', 'integration', 'suite', 'index.cjs');
  const env = { AWAITGUARD_IT_RESULT: resultFile, AWAITGUARD_IT_EXTENSION_PATH: devPath };
  const t0 = Date.now();
  // A built VS Code honours the test payload (extensionDevelopmentPath, extensionTestsPath) only when its
  // smoke-test driver is enabled; code-server passes that VS Code server flag through --vscode-option.
  const server = await startCodeServer(state, {
    workspace,
    logFile: path.join(tmp, 'it-code-server.log'),
    env,
    extraArgs: ['--vscode-option', 'enable-smoke-test-driver'],
  });
  log(`code-server (pid ${server.pid}) on ${server.url} in ${seconds(t0)}`);
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  const logLines = [];
  let exitCode;
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    logLines.push(`[${type}] ${Array.isArray(args) ? args.map(String).join(' ') : String(args)}`);
  });
  await page.exposeFunction('codeAutomationExit', (code) => {
    exitCode = code;
  });
  const authority = new URL(server.url).host;
  const remote = (p) => `vscode-remote://${authority}${p}`;
  const payload = [
    ['extensionDevelopmentPath', remote(devPath)],
    ['extensionTestsPath', remote(suite)],
    ['extensionEnvironment', JSON.stringify(env)],
  ];
  const started = Date.now();
  try {
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`, { timeout: 60_000 });
    await waitFor('the integration suite to finish (codeAutomationExit)', () => exitCode !== undefined || existsSync(resultFile), {
      timeoutMs: 180_000,
      intervalMs: 250,
    });
    // The result file is written just before the suite returns; give the exit a moment to arrive.
    await waitFor('codeAutomationExit', () => exitCode !== undefined, { timeoutMs: 10_000 }).catch(() => {});
  } catch (err) {
    mkdirSync(FAILURES, { recursive: true });
    await page.screenshot({ path: path.join(FAILURES, 'integration.png'), timeout: 10_000 }).catch(() => {});
    record(`${prefix}suite ran`, false, Date.now() - started, `${err.message}\n${logLines.slice(-40).join('\n')}`);
    return;
  } finally {
    await context.close().catch(() => {});
    await server.stop();
  }
  if (!existsSync(resultFile)) {
    record(`${prefix}suite ran`, false, Date.now() - started,
      `the suite never wrote ${resultFile} (exit code ${exitCode}); extension host log:\n${logLines.slice(-40).join('\n')}`);
    return;
  }
  const report = JSON.parse(readFileSync(resultFile, 'utf8'));
  for (const t of report.tests) record(prefix + t.name, t.ok, t.ms, t.error);
  if (report.failed === 0 && exitCode !== 0) {
    record(`${prefix}extension host exit code`, false, 0, `the suite passed but the extension host exited with ${exitCode}:\n${logLines.slice(-40).join('\n')}`);
  }
}

async function main() {
  const tStart = Date.now();
  const tProvision = Date.now();
  await provision();
  log(`provisioned in ${seconds(tProvision)}`);

  const overall = setTimeout(() => {
    console.error(`[e2e] FAILED: overall timeout of ${OVERALL_TIMEOUT_MS / 1000}s reached`);
    results.push({ name: 'overall timeout', ok: false, ms: OVERALL_TIMEOUT_MS });
    console.log(summary().line);
    runCleanups();
    process.exit(1);
  }, OVERALL_TIMEOUT_MS);
  overall.unref();

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'awaitguard-e2e-'));
  if (!process.env.AWAITGUARD_E2E_KEEP) onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
  else log(`keeping ${tmp}`);
  rmSync(FAILURES, { recursive: true, force: true });

  // VS Code's extension host runs Node 22 or later, where the server takes oxc's tree by raw transfer: it must
  // find what the JSON transfer of Node 20 finds.
  if (!ONLY) {
    const t = Date.now();
    try {
      const out = await run(paths().node, [path.join(ROOT, 'bench', 'oxc-transfer.mjs'), path.join(ROOT, 'test', 'fixtures')], { cwd: ROOT, timeoutMs: 120_000, quiet: true });
      record('oxc raw transfer (Node 24) finds what JSON transfer finds, on every fixture', true, Date.now() - t);
      log(`  ${String(out ?? '').trim().split('\n')[0]}`);
    } catch (err) {
      record('oxc raw transfer (Node 24) finds what JSON transfer finds, on every fixture', false, Date.now() - t, err.message);
    }
  }

  // Another editor: the README's Neovim snippet in Debian's Neovim, headless, against the npm package's server.
  if (!ONLY || ONLY === 'neovim') {
    const t = Date.now();
    const name = "Neovim (the README's 0.7 snippet): diagnostics, quick fixes, the preferred fix applied";
    try {
      const seen = runNeovim();
      const found = neovimProblems(seen);
      record(name, found.length === 0, Date.now() - t, found.join('; '));
    } catch (err) {
      record(name, false, Date.now() - t, err.message);
    }
    if (ONLY === 'neovim') return;
  }

  const browser = await launchBrowser();
  try {
    if (!ONLY || ONLY === 'ui') {
      const t = Date.now();
      let vsix;
      try {
        vsix = await buildVsix();
        record('the .vsix builds (npm run package)', true, Date.now() - t);
      } catch (err) {
        record('the .vsix builds (npm run package)', false, Date.now() - t, err.message);
      }
      if (vsix) {
        const tUi = Date.now();
        await uiTests(tmp, browser, vsix);
        log(`UI tests took ${seconds(tUi)}`);
      }
    }
    if (!ONLY || ONLY === 'integration') {
      const tIt = Date.now();
      await integrationTests(tmp, browser);
      log(`integration tests took ${seconds(tIt)}`);
    }
  } finally {
    await browser.close().catch(() => {});
  }
  log(`total ${seconds(tStart)}`);
}

let exitCode = 0;
try {
  await main();
} catch (err) {
  record('e2e run', false, 0, err.stack ?? err.message);
}
const { failed, line } = summary();
if (failed > 0) {
  console.error('[e2e] FAILED:');
  for (const r of results.filter((x) => !x.ok)) console.error(`  - ${r.name}: ${String(r.error).split('\n')[0]}`);
  exitCode = 1;
}
if (results.length === 0) {
  console.error('[e2e] FAILED: no test ran');
  exitCode = 1;
}
console.log(line);
runCleanups();
process.exit(exitCode);
