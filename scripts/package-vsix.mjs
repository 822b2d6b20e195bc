// Builds the .vsix packages from the current dist/ (run `npm run build` first; `npm run package` does both).
//
// One package per VS Code target, each carrying oxc-parser and its native binding for that platform, so the
// language server parses with oxc there; and a universal package with no binding, which parses with
// typescript-estree (any other platform, and VS Code for the web's desktop fallbacks). The binding of the
// platform this runs on is taken from node_modules; the others are fetched once from the npm registry
// (`npm pack`) into .cache/oxc-bindings/<version>/.
//
// vsce 3.x refuses to package a folder whose package.json has a "files" list (npm's, for the published
// package) next to a .vscodeignore (the extension's). So the files .vscodeignore selects are copied to a
// staging folder with a package.json that lacks "files", and vsce packages that folder.
//
//   node scripts/package-vsix.mjs                      this platform's target -> awaitguard-<target>.vsix
//   node scripts/package-vsix.mjs --target linux-arm64 [--out FILE]
//   node scripts/package-vsix.mjs --target universal   no native binding -> awaitguard.vsix
//   node scripts/package-vsix.mjs --all                every target below, and the universal package
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVSIX, listFiles } from '@vscode/vsce';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** VS Code's target -> the oxc-parser binding package that runs there. */
export const TARGETS = {
  'linux-x64': 'binding-linux-x64-gnu',
  'linux-arm64': 'binding-linux-arm64-gnu',
  'alpine-x64': 'binding-linux-x64-musl',
  'alpine-arm64': 'binding-linux-arm64-musl',
  'darwin-x64': 'binding-darwin-x64',
  'darwin-arm64': 'binding-darwin-arm64',
  'win32-x64': 'binding-win32-x64-msvc',
  'win32-arm64': 'binding-win32-arm64-msvc',
};

/** The target of the machine this runs on (musl Linux is `alpine-*`), or universal when oxc has no binding for it. */
export function hostTarget() {
  const libc = process.platform === 'linux' && process.report?.getReport().header.glibcVersionRuntime === undefined ? 'alpine' : process.platform;
  const target = `${libc}-${process.arch}`;
  return target in TARGETS ? target : 'universal';
}

function parseArgs(argv) {
  const o = { targets: [hostTarget()], out: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--all') o.targets = [...Object.keys(TARGETS), 'universal'];
    else if (a === '--target') o.targets = [argv[++i]];
    else if (a === '--out') o.out = path.resolve(root, argv[++i]);
    else throw new Error(`unknown option ${a}`);
  }
  for (const t of o.targets) {
    if (t !== 'universal' && !(t in TARGETS)) throw new Error(`unknown target ${t}: one of ${[...Object.keys(TARGETS), 'universal'].join(', ')}`);
  }
  if (o.out && o.targets.length > 1) throw new Error('--out names one package: give one --target');
  return o;
}

function defaultOut(target) {
  return path.join(root, target === 'universal' ? 'awaitguard.vsix' : `awaitguard-${target}.vsix`);
}

const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const extensionManifest = { ...manifest };
delete extensionManifest.files;
const oxcVersion = JSON.parse(readFileSync(path.join(root, 'node_modules', 'oxc-parser', 'package.json'), 'utf8')).version;

/** Copies `from` into `to`, skipping what `skip` says (relative paths with "/"). */
function copyTree(from, to, skip = () => false, rel = '') {
  mkdirSync(to, { recursive: true });
  for (const e of readdirSync(from, { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (skip(r)) continue;
    if (e.isDirectory()) copyTree(path.join(from, e.name), path.join(to, e.name), skip, r);
    else if (e.isFile()) copyFileSync(path.join(from, e.name), path.join(to, e.name));
  }
}

/** The folder of `@oxc-parser/<binding>` at oxc-parser's version: node_modules when it is there, else fetched. */
function bindingFolder(binding) {
  const installed = path.join(root, 'node_modules', '@oxc-parser', binding);
  if (existsSync(path.join(installed, 'package.json')) && JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')).version === oxcVersion) return installed;
  const cache = path.join(root, '.cache', 'oxc-bindings', oxcVersion);
  const unpacked = path.join(cache, binding);
  if (existsSync(path.join(unpacked, 'package.json'))) return unpacked;
  mkdirSync(cache, { recursive: true });
  const spec = `@oxc-parser/${binding}@${oxcVersion}`;
  const packed = spawnSync('npm', ['pack', spec, '--silent', '--pack-destination', cache], { encoding: 'utf8', shell: process.platform === 'win32' });
  const tarball = packed.stdout.trim().split('\n').pop();
  if (packed.status !== 0 || !tarball) throw new Error(`npm pack ${spec} failed (the npm registry must be reachable to package this target):\n${packed.stderr}`);
  mkdirSync(unpacked, { recursive: true });
  const untar = spawnSync('tar', ['-xzf', path.join(cache, tarball), '-C', unpacked, '--strip-components=1'], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`could not unpack ${tarball}: ${untar.stderr}`);
  rmSync(path.join(cache, tarball), { force: true });
  return unpacked;
}

async function packageTarget(target, files, out) {
  const t0 = Date.now();
  // A fresh folder per run, so concurrent runs (an e2e run packaging while you do) do not clash.
  const stage = mkdtempSync(path.join(os.tmpdir(), 'awaitguard-vsix-'));
  try {
    for (const file of files) {
      if (file === 'package.json') continue;
      const to = path.join(stage, file);
      mkdirSync(path.dirname(to), { recursive: true });
      copyFileSync(path.join(root, file), to);
    }
    // vsce takes node_modules only as the dependencies the manifest lists: here, the parser and nothing else
    // (the server bundle holds all the rest).
    const dependencies = target === 'universal' ? {} : { 'oxc-parser': oxcVersion, [`@oxc-parser/${TARGETS[target]}`]: oxcVersion };
    writeFileSync(path.join(stage, 'package.json'), JSON.stringify({ ...extensionManifest, dependencies }, null, 2) + '\n');
    // The same .vscodeignore applies to the staged tree (and keeps vsce from warning that there is none).
    let ignore = readFileSync(path.join(root, '.vscodeignore'), 'utf8');
    if (target !== 'universal') {
      // oxc-parser's JavaScript (the server requires it at run time) without its WebAssembly build, and the
      // binding for this target, where oxc-parser's loader looks for it.
      copyTree(path.join(root, 'node_modules', 'oxc-parser'), path.join(stage, 'node_modules', 'oxc-parser'), (r) => /\.wasm|workerd|\.d\.m?ts$/.test(r));
      copyTree(bindingFolder(TARGETS[target]), path.join(stage, 'node_modules', '@oxc-parser', TARGETS[target]));
      ignore += '\n# The parser of this platform\n!node_modules/oxc-parser/**\n!node_modules/@oxc-parser/**\n';
    }
    writeFileSync(path.join(stage, '.vscodeignore'), ignore);
    await createVSIX({ cwd: stage, packagePath: out, dependencies: target !== 'universal', ...(target === 'universal' ? {} : { target }) });
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
  console.log(`${path.relative(process.cwd(), out)} (${target}, ${(statSync(out).size / 1024).toFixed(0)} KB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  for (const required of ['dist/extension.cjs', 'dist/vscode/server.js']) {
    if (!existsSync(path.join(root, required))) {
      console.error(`${required} is missing: run \`npm run build\` first (or \`npm run package\`, which does)`);
      process.exit(1);
    }
  }
  // The files .vscodeignore keeps, as vsce itself computes them.
  const files = await listFiles({ cwd: root, manifest: extensionManifest, packageManager: 'none' });
  for (const target of options.targets) await packageTarget(target, files, options.out ?? defaultOut(target));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  });
}
