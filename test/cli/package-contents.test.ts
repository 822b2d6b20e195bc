// What `npm publish` would ship: the CLI, the server, the ESLint plugin, the runtime and types; no source
// maps, no VS Code client, no self-contained server (those are the .vsix's).
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt } from './helpers.js';

beforeAll(() => ensureBuilt());

describe('the npm package', () => {
  it('ships what its bins and exports need, and none of the editor-only or debugging files', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const [pack] = JSON.parse(r.stdout) as { files: { path: string }[]; unpackedSize: number }[];
    const files = pack!.files.map((f) => f.path);
    for (const needed of ['dist/cli.js', 'dist/cli-run.js', 'dist/server.js', 'dist/engine.js', 'dist/eslint-plugin.js', 'dist/runtime/vendor/awaitguard-lock.ts', 'package.json', 'README.md']) {
      expect(files).toContain(needed);
    }
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('dist/vscode/') || f === 'dist/extension.cjs')).toEqual([]);
    // The bins and exports point at shipped files.
    const manifest = JSON.parse(spawnSync('node', ['-p', 'JSON.stringify(require("./package.json"))'], { cwd: ROOT, encoding: 'utf8' }).stdout) as { bin: Record<string, string>; exports: Record<string, unknown> };
    for (const bin of Object.values(manifest.bin)) expect(files).toContain(bin.replace(/^\.\//, ''));
    const targets: string[] = [];
    const collect = (v: unknown): void => {
      if (typeof v === 'string') targets.push(v.replace(/^\.\//, ''));
      else if (v && typeof v === 'object') Object.values(v).forEach(collect);
    };
    collect(manifest.exports);
    expect(targets.length).toBeGreaterThan(3);
    for (const t of targets) expect(files, t).toContain(t);
  });
});
