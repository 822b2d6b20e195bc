#!/usr/bin/env node
// The README's Neovim snippet (the one marked <!-- neovim-0.7 -->) in a real, headless Neovim: it must start
// awaitguard-lsp, get the lost-update diagnostic, list the quick fixes, and apply the preferred one to the file.
// Run by scripts/e2e/run.mjs (which installs Debian's neovim) or by hand: `node test/neovim/run.mjs`.
// Prints one JSON line with what Neovim saw; exits 1 on failure.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '..', '..');
const SERVER = path.join(ROOT, 'dist', 'server.js');
const RACY = `let n = 0;\nexport async function inc(): Promise<void> {\n  const v = n;\n  await Promise.resolve();\n  n = v + 1;\n}\n`;

export function readmeSnippet() {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const m = /<!-- neovim-0\.7 -->\n```lua\n([^]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no <!-- neovim-0.7 --> lua snippet');
  return m[1];
}

export function runNeovim(nvim = process.env.AWAITGUARD_NVIM ?? 'nvim') {
  if (!existsSync(SERVER)) throw new Error('dist/server.js is missing: npm run build');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'awaitguard-nvim-'));
  try {
    // `awaitguard-lsp` on PATH, as `npm i -g awaitguard` would put it.
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(path.join(bin, 'awaitguard-lsp'), `#!/bin/sh\nexec "${process.execPath}" "${SERVER}" "$@"\n`);
    chmodSync(path.join(bin, 'awaitguard-lsp'), 0o755);
    const project = path.join(dir, 'project');
    mkdirSync(path.join(project, 'src'), { recursive: true });
    writeFileSync(path.join(project, 'package.json'), '{ "name": "demo", "type": "module" }\n');
    const file = path.join(project, 'src', 'counter.ts');
    writeFileSync(file, RACY);
    const init = path.join(dir, 'init.lua');
    writeFileSync(init, `${readmeSnippet()}\n${readFileSync(path.join(HERE, 'harness.lua'), 'utf8')}`);
    const outFile = path.join(dir, 'out.json');
    const r = spawnSync(nvim, ['--headless', '-n', '-i', 'NONE', '-u', init, file], {
      cwd: project,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, AG_OUT: outFile, XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir, XDG_STATE_HOME: dir },
    });
    if (r.error) throw r.error;
    const seen = existsSync(outFile) ? JSON.parse(readFileSync(outFile, 'utf8')) : { ok: false, why: `no result (nvim exit ${r.status}): ${r.stderr}` };
    seen.fixed = readFileSync(file, 'utf8');
    return seen;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What must hold: the diagnostic, the quick-fix list, and the fixed file. */
export function problems(seen) {
  const out = [];
  if (!seen.ok) out.push(`Neovim run failed: ${seen.why}`);
  const d = seen.diagnostics?.[0];
  if (!d || d.code !== 'lost-update' || d.line !== 5 || d.source !== 'awaitguard') out.push(`expected a lost-update diagnostic from awaitguard on line 5, got ${JSON.stringify(seen.diagnostics)}`);
  if (!/\| line \| call A of `inc\(\)` \| call B of `inc\(\)` \|/.test(seen.hover ?? '') || !/A's update is lost/.test(seen.hover ?? '')) out.push(`expected the hover to hold the interleaving table, got ${JSON.stringify(seen.hover)}`);
  if (seen.titles?.some((t) => t.startsWith('Show interleaving'))) out.push('"Show interleaving" is offered to Neovim, which has no command to run it');
  if (!seen.titles?.includes('Disable lost-update for this line')) out.push(`expected the quick fixes to include "Disable lost-update for this line", got ${JSON.stringify(seen.titles)}`);
  if (!/await nLock\.acquire\(\);/.test(seen.fixed ?? '') || !/nLock\.release\(\);/.test(seen.fixed ?? '')) out.push(`expected the saved file to hold the lock fix, got:\n${seen.fixed}`);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const seen = runNeovim();
  console.log(JSON.stringify({ applied: seen.applied, diagnostics: seen.diagnostics?.length ?? 0, titles: seen.titles?.length ?? 0 }));
  const found = problems(seen);
  for (const p of found) console.error(`neovim: ${p}`);
  process.exit(found.length > 0 ? 1 : 0);
}
