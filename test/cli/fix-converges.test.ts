// --fix once nested the same Lock in itself ten times (a check, then a read and a write inside the `if`), so the
// fixed function never returned. Every lock style, a module variable, a class field and names with `$`: the
// fix must converge in the CLI, leave nothing to report, and the fixed code must run to the end concurrently
// without losing an update.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, makeProject, parseJsonOutput, removeProjects, runCli } from './helpers.js';

beforeAll(ensureBuilt);
afterAll(removeProjects);

interface Case {
  file: string;
  source: string;
  /** Runs the module's racy entry three times at once; resolves to the state's final value. */
  drive: (m: Record<string, unknown>) => Promise<number>;
}

const CASES: Record<string, Case> = {
  'a module variable (JavaScript)': {
    file: 'total.js',
    source: `let total = 1;
async function load() { await new Promise((r) => setTimeout(r, 1)); return 1; }
export async function b() {
  if (total > 0) { const u = total; total = u + (await load()); }
}
export function value() { return total; }
`,
    drive: async (m) => {
      await Promise.all([0, 1, 2].map(() => (m.b as () => Promise<void>)()));
      return (m.value as () => number)();
    },
  },
  'a class field (TypeScript)': {
    file: 'counter.ts',
    source: `async function load(): Promise<number> { await new Promise((r) => setTimeout(r, 1)); return 1; }
export class Counter {
  total = 1;
  async b(): Promise<void> {
    if (this.total > 0) { const u = this.total; this.total = u + (await load()); }
  }
}
`,
    drive: async (m) => {
      const c = new (m.Counter as new () => { total: number; b(): Promise<void> })();
      await Promise.all([0, 1, 2].map(() => c.b()));
      return c.total;
    },
  },
  'names with $ and a local that a new lock name could shadow': {
    file: 'dollar.js',
    source: `let $total = 1;
async function load() { await new Promise((r) => setTimeout(r, 1)); return 1; }
export async function b() {
  if ($total > 0) { const u = $total; $total = u + (await load()); }
}
export async function c() {
  const $totalLock = 'a local of the name a lock would take';
  if ($total > 0) { const u = $total; $total = u + (await load()); }
  return $totalLock;
}
export function value() { return $total; }
`,
    drive: async (m) => {
      const [b, c] = [m.b, m.c] as (() => Promise<unknown>)[];
      await Promise.all([b!(), c!(), b!()]);
      return (m.value as () => number)();
    },
  },
};

/** Resolves with the value, or rejects when the calls have not settled in time (a deadlock). */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  return Promise.race([work, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms: deadlock`)), ms))]);
}

describe.each(['try-finally', 'runExclusive', 'await-using'])('--fix with lockStyle %s', (lockStyle) => {
  it.each(Object.entries(CASES))('%s: one lock section per function, nothing left to report, runs to the end', async (_, c) => {
    const dir = makeProject({ 'package.json': '{ "name": "demo", "type": "module" }\n', 'awaitguard.config.json': JSON.stringify({ fix: { lockStyle } }), [`src/${c.file}`]: c.source });
    const fixed = runCli(['check', '--fix', '--format', 'json', 'src'], dir);
    expect(fixed.code, fixed.stderr).toBe(0);
    expect(parseJsonOutput<{ results: { findings: unknown[] }[] }>(fixed.stdout).results.flatMap((r) => r.findings)).toEqual([]);
    const text = readFileSync(path.join(dir, 'src', c.file), 'utf8');
    // Each function takes its lock once: `await X.acquire()` or `X.runExclusive(` appears once per racy function.
    const sections = text.match(/\.acquire\(\)|\.runExclusive\(/g) ?? [];
    expect(sections.length, text).toBe(c.file === 'dollar.js' ? 2 : 1);
    expect(runCli(['check', 'src'], dir).code).toBe(0);

    const out = path.join(dir, 'bundle.mjs');
    await esbuild.build({ entryPoints: [path.join(dir, 'src', c.file)], bundle: true, format: 'esm', platform: 'node', outfile: out, logLevel: 'silent' });
    const m = (await import(pathToFileURL(out).href)) as Record<string, unknown>;
    expect(await within(2000, c.drive(m))).toBe(4);
  });
});

describe('--fix on many races at once', () => {
  it('fixes a race on each of 30 variables in one run: the lock declarations share their insertion point', () => {
    const source = ['async function g(): Promise<void> {}']
      .concat(Array.from({ length: 30 }, (_, i) => `let x${i} = 0;\nexport async function f${i}(): Promise<void> { const v = x${i}; await g(); x${i} = v + 1; }`))
      .join('\n');
    const dir = makeProject({ 'package.json': '{ "name": "demo" }\n', 'src/many.ts': `${source}\n` });
    const fixed = runCli(['check', '--fix', 'src'], dir);
    expect(fixed.code, fixed.stdout).toBe(0);
    expect(fixed.stderr).toContain('applied 30 fixes in 1 file');
    const text = readFileSync(path.join(dir, 'src', 'many.ts'), 'utf8');
    expect(text.match(/^import \{ Lock \}/gm)).toHaveLength(1);
    expect(text.match(/^const x\d+Lock = new Lock\(\);$/gm)).toHaveLength(30);
  });
});
