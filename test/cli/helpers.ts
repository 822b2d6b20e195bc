// Shared by the CLI tests: build dist/cli.js once (fresh against src/), run it, make throwaway projects.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/run.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');

export function newestMtime(p: string): number {
  let stats;
  try {
    stats = statSync(p);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const name of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, name)));
  return newest;
}

function isFresh(): boolean {
  let built: number;
  try {
    built = statSync(CLI).mtimeMs;
  } catch {
    return false;
  }
  const sources = Math.max(newestMtime(path.join(ROOT, 'src')), newestMtime(path.join(ROOT, 'package.json')), newestMtime(path.join(ROOT, 'esbuild.js')));
  return built >= sources;
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Builds with `node esbuild.js` when dist/cli.js is missing or older than src/. Test files run in parallel workers,
 * so the build runs under a lock folder (mkdir is atomic) and the others wait and re-check.
 */
export function ensureBuilt(): void {
  if (isFresh()) return;
  underLock(path.join(os.tmpdir(), `awaitguard-build-${createHash('sha1').update(ROOT).digest('hex').slice(0, 12)}.lock`), 120_000, () => {
    if (isFresh()) return;
    const result = spawnSync(process.execPath, ['esbuild.js'], { cwd: ROOT, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`node esbuild.js failed:\n${result.stdout}\n${result.stderr}`);
  });
}

/**
 * Runs `work` holding the lock folder `lock` (mkdir is atomic), so that of the test files running in parallel one
 * does it and the others wait, then see it done when they get the lock. A lock older than `maxMs` is taken as left
 * by a killed run.
 */
export function underLock(lock: string, maxMs: number, work: () => void): void {
  const deadline = Date.now() + maxMs;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > maxMs) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${lock}`);
      sleep(100);
    }
  }
  try {
    work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/cli.js …args` in `cwd` with a clean environment (no color, no CI variables, no DEBUG). */
export function runCli(args: readonly string[], cwd: string, env: Record<string, string> = {}): CliResult {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^(FORCE_COLOR|NO_COLOR|DEBUG|GITHUB_.*|CI|NODE_OPTIONS)$/.test(k)) continue;
    base[k] = v;
  }
  const result = spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...base, ...env }, encoding: 'utf8' });
  if (result.error) throw result.error;
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const created: string[] = [];

/** A fresh folder under the OS temp folder holding `files` (paths use "/"; a value of null makes a folder). */
export function makeProject(files: Record<string, string | null>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'awaitguard-cli-'));
  created.push(dir);
  writeFiles(dir, files);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string | null>): void {
  for (const [rel, content] of Object.entries(files)) {
    const abs = path.join(dir, ...rel.split('/'));
    if (content === null) {
      mkdirSync(abs, { recursive: true });
    } else {
      mkdirSync(path.dirname(abs), { recursive: true });
      writeFileSync(abs, content);
    }
  }
}

export function removeProjects(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** The example from the brief: read, await, write back -> lost-update on line 5, column 3. */
export const RACY = `let n = 0;
export async function inc() {
  const v = n;
  await Promise.resolve();
  n = v + 1;
}
`;

/** A check-then-act (default severity differs from lost-update's), for severity tests. */
export const CHECK_THEN_ACT = `class Client {
  conn: unknown;
  async get() {
    if (!this.conn) {
      this.conn = await connect();
    }
    return this.conn;
  }
}
declare function connect(): Promise<unknown>;
export { Client };
`;

export const CLEAN = `export async function load(url: string) {
  const res = await fetch(url);
  return res.json();
}
`;

/** `Expression expected.` at line 2, column 18 (the `;`). */
export const SYNTAX_ERROR = `const ok = 1;
export const x = ;
`;

/** Parses JSON output, failing the test with the raw text when it is not JSON. */
export function parseJsonOutput<T = unknown>(text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`output is not JSON:\n${text}`);
  }
}

/** `awaitguard check …` run in this process (no build needed), its output captured. */
export async function checkInProcess(cwd: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(['check', ...argv], { cwd, env: {}, stdout: { write: (s: string) => (stdout += s), isTTY: false }, stderr: { write: (s: string) => (stderr += s) } });
  return { code, stdout, stderr };
}

/** Two lost updates in one class: a baseline tells them apart by function, --changed-since by changed lines. */
export const LEDGER = `export class Ledger {
  total = 0;
  count = 0;

  async add(amount: number): Promise<void> {
    const t = this.total;
    await Promise.resolve();
    this.total = t + amount;
  }

  async bump(): Promise<void> {
    const c = this.count;
    await Promise.resolve();
    this.count = c + 1;
  }
}
`;
