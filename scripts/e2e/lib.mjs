// Shared pieces of the e2e run: code-server processes, the browser, bounded waits, cleanup.
// Everything started here is registered for cleanup and ended by its own pid (process group).
import { spawn } from 'node:child_process';
import { cpSync, createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { node24Env, paths } from './provision.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const seconds = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
export const log = (msg) => console.log(`[e2e] ${msg}`);

/** Polls `probe` until it returns a truthy value or `timeoutMs` passes; the error names what was awaited. */
export async function waitFor(what, probe, { timeoutMs = 30_000, intervalMs = 250 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (last error: ${last.message})` : ''}`);
    }
    await sleep(intervalMs);
  }
}

/** Rejects with a clear message if `promise` takes longer than `ms`. */
export function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000}s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ---- cleanup registry -------------------------------------------------------------------------

const cleanups = [];
/** Registers a synchronous cleanup; it runs once, on normal end, on failure and on signals. */
export function onCleanup(fn) {
  cleanups.push(fn);
}
export function runCleanups() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      fn();
    } catch {
      // best effort: the process is ending
    }
  }
}
process.on('exit', runCleanups);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    console.error(`[e2e] ${signal}: stopping`);
    runCleanups();
    process.exit(130);
  });
}

/** Ends a process we started, and its children: it leads its own process group (spawned detached). */
function killGroup(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      process.kill(child.pid, signal);
    } catch {
      // already gone
    }
  }
}

// ---- processes --------------------------------------------------------------------------------

/** Runs a command to completion with a timeout; output goes to the console (prefixed by the caller's choice). */
export function run(cmd, args, { timeoutMs = 120_000, cwd, env, quiet = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', quiet ? 'pipe' : 'inherit', quiet ? 'pipe' : 'inherit'], detached: true });
    let output = '';
    child.stdout?.on('data', (d) => (output += d));
    child.stderr?.on('data', (d) => (output += d));
    const kill = () => killGroup(child, 'SIGKILL');
    onCleanup(kill);
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`${cmd} ${args.join(' ')} timed out after ${timeoutMs / 1000}s\n${output}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})\n${output.slice(-4000)}`));
    });
  });
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function httpOk(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode !== undefined && res.statusCode < 500);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** User settings that keep the workbench quiet and predictable for a test. */
const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.colorTheme': 'Default Dark Modern',
  'window.commandCenter': false,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'typescript.disableAutomaticTypeAcquisition': true,
  'typescript.tsserver.experimental.enableProjectDiagnostics': false,
  'files.autoSave': 'off',
  'editor.minimap.enabled': false,
  'editor.fontSize': 14,
  'editor.lightbulb.enabled': 'on',
  'git.enabled': false,
  'workbench.editor.enablePreview': false,
};

/** A fresh state folder for one code-server: user data, extensions, config. */
export function makeState(dir) {
  const state = {
    dir,
    userData: path.join(dir, 'user-data'),
    extensions: path.join(dir, 'extensions'),
    config: path.join(dir, 'config.yaml'),
  };
  mkdirSync(path.join(state.userData, 'User'), { recursive: true });
  mkdirSync(state.extensions, { recursive: true });
  writeFileSync(path.join(state.userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
  writeFileSync(state.config, 'auth: none\ncert: false\n');
  return state;
}

function codeServerArgs(state) {
  return ['--user-data-dir', state.userData, '--extensions-dir', state.extensions, '--config', state.config];
}

export async function installExtension(state, vsix) {
  const p = paths();
  const out = await run(p.node, [p.codeServer, ...codeServerArgs(state), '--install-extension', vsix], {
    env: node24Env(),
    timeoutMs: 120_000,
    quiet: true,
  });
  if (!/successfully installed|was successfully/i.test(out)) throw new Error(`installing ${vsix} into code-server gave no success message:\n${out}`);
  return out.trim();
}

/**
 * Starts code-server on a free loopback port with its own state; resolves once it answers HTTP.
 * Its output goes to `logFile`. `stop()` ends it (and its extension hosts) by pid.
 */
export async function startCodeServer(state, { workspace, logFile, env = {}, extraArgs = [] }) {
  const p = paths();
  const port = await freePort();
  const args = [
    p.codeServer,
    ...codeServerArgs(state),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...extraArgs,
    workspace,
  ];
  const out = createWriteStream(logFile);
  const child = spawn(p.node, args, { env: node24Env(env), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  let exited = null;
  child.on('exit', (code, signal) => (exited = signal ?? `exit ${code}`));
  const stopSync = () => killGroup(child, 'SIGKILL');
  onCleanup(stopSync);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`code-server to answer on ${url}`, async () => {
    if (exited) throw new Error(`code-server ended (${exited}) before answering; see ${logFile}`);
    return httpOk(`${url}/healthz`);
  }, { timeoutMs: 60_000, intervalMs: 300 });
  return {
    port,
    url,
    pid: child.pid,
    async stop() {
      if (exited) return;
      killGroup(child, 'SIGTERM');
      const done = await waitFor('code-server to stop', () => exited, { timeoutMs: 5_000, intervalMs: 100 }).catch(() => false);
      if (!done) killGroup(child, 'SIGKILL');
    },
  };
}

/** Copies the fixture workspace to a fresh folder. */
export function copyWorkspace(from, to) {
  cpSync(from, to, { recursive: true });
  return to;
}

/** Launches Debian's chromium through playwright-core; closed on cleanup. */
export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: paths().chromium, args: CHROMIUM_ARGS, timeout: 60_000 });
  const pid = browser.process?.()?.pid;
  onCleanup(() => {
    if (pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
  return browser;
}
