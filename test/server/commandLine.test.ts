// `awaitguard-lsp` started by hand: the built dist/server.js answers --help and --version and names what it needs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, SERVER, ensureServerBuilt } from './lsp.js';

beforeAll(() => ensureServerBuilt(), 180_000);

function server(...args: string[]) {
  const r = spawnSync(process.execPath, [SERVER, ...args], { encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('awaitguard-lsp command line', () => {
  it('--version prints the package version and exits 0', () => {
    const { version } = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(server('--version')).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(server('-v').stdout).toBe(`${version}\n`);
  });

  it('--help prints the usage and the transports, and exits 0', () => {
    const r = server('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: awaitguard-lsp --stdio\n/);
    expect(r.stdout).toContain('--node-ipc');
    expect(r.stderr).toBe('');
  });

  it.each([[[]], [['--clientProcessId=1']], [['--verbose']]])('%j: no transport is a usage error (exit 2), not a stack trace', (args) => {
    const r = server(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^awaitguard-lsp: no transport given; pass --stdio/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
