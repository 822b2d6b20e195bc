// Builds awaitguard.vsix from the current dist/ (run `npm run build` first; `npm run package` does both).
//
// vsce 3.x refuses to package a folder whose package.json has a "files" list (npm's, for the published
// package) next to a .vscodeignore (the extension's). So the files .vscodeignore selects are copied to a
// staging folder with a package.json that lacks "files", and vsce packages that folder.
//
//   node scripts/package-vsix.mjs [--out awaitguard.vsix]
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVSIX, listFiles } from '@vscode/vsce';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const out = path.resolve(root, outArg > 0 && process.argv[outArg + 1] ? process.argv[outArg + 1] : 'awaitguard.vsix');

const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const extensionManifest = { ...manifest };
delete extensionManifest.files;

for (const required of ['dist/extension.cjs', 'dist/server.js']) {
  try {
    statSync(path.join(root, required));
  } catch {
    console.error(`${required} is missing: run \`npm run build\` first (or \`npm run package\`, which does)`);
    process.exit(1);
  }
}

// The files .vscodeignore keeps, as vsce itself computes them.
const files = await listFiles({ cwd: root, manifest: extensionManifest, packageManager: 'none' });

// A fresh folder per run, so concurrent runs (an e2e run packaging while you do) do not clash.
const stage = mkdtempSync(path.join(os.tmpdir(), 'awaitguard-vsix-'));
for (const file of files) {
  if (file === 'package.json') continue;
  const to = path.join(stage, file);
  mkdirSync(path.dirname(to), { recursive: true });
  copyFileSync(path.join(root, file), to);
}
writeFileSync(path.join(stage, 'package.json'), JSON.stringify(extensionManifest, null, 2) + '\n');
// The same .vscodeignore applies to the staged tree (and keeps vsce from warning that there is none).
copyFileSync(path.join(root, '.vscodeignore'), path.join(stage, '.vscodeignore'));

try {
  await createVSIX({ cwd: stage, packagePath: out, dependencies: false });
} finally {
  rmSync(stage, { recursive: true, force: true });
}
