#!/usr/bin/env node
// What a user downloads and installs, measured, against ESLint + typescript-eslint (what a team that lints
// already installs to run require-atomic-updates): `node scripts/sizes.mjs [--json]`, after `npm run build`.
// Packs this package (npm pack), installs the tarball into an empty project with production dependencies only,
// installs eslint + typescript-eslint + typescript the same way, and prints packed, unpacked and installed sizes.
// Needs the npm registry; the README's sizes come from here.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, lstatSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const json = process.argv.includes('--json');

function npm(args, cwd) {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

/** Bytes of the files under `dir` (links not followed), as `du --apparent-size` counts them. */
function treeSize(dir) {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = lstatSync(p);
    total += st.isDirectory() ? treeSize(p) : st.size;
  }
  return total;
}

/** node_modules of an empty project after installing `specs` (`base` first, when given: what the project already has). */
function install(specs, base = []) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'awaitguard-sizes-'));
  try {
    writeFileSync(path.join(dir, 'package.json'), '{ "name": "sizes-probe", "private": true }\n');
    const flags = ['--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts'];
    if (base.length > 0) npm(['install', ...flags, ...base], dir);
    const before = base.length > 0 ? treeSize(path.join(dir, 'node_modules')) : 0;
    npm(['install', ...flags, ...specs], dir);
    return treeSize(path.join(dir, 'node_modules')) - before;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A TypeScript project has TypeScript already; what each tool adds to it is what it costs there. */
const TS_PROJECT = ['typescript@~6.0'];

const packDir = mkdtempSync(path.join(os.tmpdir(), 'awaitguard-pack-'));
try {
  const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', packDir], ROOT));
  const tarball = path.join(packDir, packed.filename);
  const ours = { packed: statSync(tarball).size, unpacked: packed.unpackedSize, installed: install([tarball]), addedToTypeScriptProject: install([tarball], TS_PROJECT) };
  const eslint = { installed: install(['eslint@10', 'typescript-eslint@8', 'typescript@~6.0']), addedToTypeScriptProject: install(['eslint@10', 'typescript-eslint@8'], TS_PROJECT) };
  const result = { awaitguard: ours, 'eslint + typescript-eslint + typescript': eslint };
  if (json) {
    console.log(JSON.stringify(result, null, 2));
  } else {
    const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
    console.log(`awaitguard ${packed.version}: packed ${mb(ours.packed)}, unpacked ${mb(ours.unpacked)}, installed ${mb(ours.installed)} (production dependencies), added to a TypeScript 6.0 project ${mb(ours.addedToTypeScriptProject)}`);
    console.log(`eslint 10 + typescript-eslint 8 + typescript 6.0: installed ${mb(eslint.installed)}, eslint + typescript-eslint added to a TypeScript 6.0 project ${mb(eslint.addedToTypeScriptProject)}`);
  }
} finally {
  rmSync(packDir, { recursive: true, force: true });
}
