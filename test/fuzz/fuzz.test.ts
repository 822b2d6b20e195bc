// A fixed-seed sample of the fuzzing campaign (scripts/fuzz.mjs runs the long one): mutated fixtures through
// the built CLI with both parsers, --jobs 2, --fix (then parsed, type-checked and run), and the language server.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../cli/helpers.js';
import { ensureServerBuilt } from '../server/lsp.js';
import { formatFailure, runCampaign } from './campaign.js';
import { Compiler } from './compile.js';
import { amplify, CASE_KINDS, CONSTRUCT_NAMES, generateCase, scriptKind } from './generate.js';
import { ddmin, longestRepeat, smallest } from './minimize.js';
import { runCase } from './runtime.js';
import { loadSeeds } from './seeds.js';

const seeds = loadSeeds(ROOT);
const work = mkdtempSync(path.join(os.tmpdir(), 'awaitguard-fuzz-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The CI sample: every kind of mutation and most constructs occur; about a minute on two cores. */
const SEED = 20_261_201;
const CASES = 64;

describe('fuzz case generator', () => {
  it('makes each case from (seed, index) alone', () => {
    const a = generateCase(seeds, SEED, 17);
    expect(generateCase(seeds, SEED, 17)).toEqual(a);
    expect(generateCase(seeds, SEED, 18).text).not.toBe(a.text);
  });

  it('mixes every kind of mutation', () => {
    const kinds = new Set(Array.from({ length: 200 }, (_, i) => generateCase(seeds, SEED, i, { maxDepth: 50 }).kind));
    expect([...kinds].sort()).toEqual([...CASE_KINDS].sort());
  });

  it('renders every construct as valid syntax, at the depth it says', () => {
    const seed = seeds.find((s) => s.rel.endsWith('lost-update/racy/account-withdraw-stale-balance.ts'))!;
    const tsx = seeds.find((s) => s.ext === '.tsx')!;
    for (const construct of CONSTRUCT_NAMES) {
      const s = construct.startsWith('jsx') ? tsx : seed;
      for (const site of ['wrap-expression', 'wrap-statement', 'statement', 'append'] as const) {
        const { text } = amplify(s.text, s.ext, { construct, depth: 3, noise: 'regex-apostrophe', hider: 'template-apostrophe', layout: 'line', site, siteIndex: 5 });
        const sf = ts.createSourceFile(`x${s.ext}`, text, ts.ScriptTarget.Latest, false, scriptKind(s.ext));
        const errors = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
        expect(errors.map((d) => `${construct} ${site}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`)).toEqual([]);
      }
    }
    const deep = amplify('', '.ts', { construct: 'call', depth: 50_000, noise: null, hider: null, layout: 'line', site: 'append', siteIndex: 0 }).text;
    expect(deep.match(/(?<!function )__f\(/g)?.length).toBe(50_000);
  });
});

describe('fuzz minimizer', () => {
  it('ddmin keeps only what the failure needs', async () => {
    const items = Array.from({ length: 40 }, (_, i) => i);
    const kept = await ddmin(items, async (xs) => xs.includes(7) && xs.includes(31), { runs: 1000, deadline: Date.now() + 10_000 });
    expect(kept).toEqual([7, 31]);
  });

  it('bisects the smallest failing depth and finds deep repetitions', async () => {
    expect(await smallest(50_000, async (d) => d >= 7913, { runs: 100, deadline: Date.now() + 10_000 })).toBe(7913);
    expect(longestRepeat(`x = ${'f('.repeat(500)}1${')'.repeat(500)};`)).toMatchObject({ unit: 'f(', count: 500 });
  });
});

describe('fuzz oracles', () => {
  const account = (nested: boolean): string => `
    import { Lock } from 'awaitguard/runtime';
    const tick = () => new Promise<void>((r) => setTimeout(r, 1));
    export class Account {
      private readonly lock = new Lock();
      balance = 0;
      async inner(n: number): Promise<void> {
        await this.lock.acquire();
        try {
          const b = this.balance;
          await tick();
          this.balance = b + n;
        } finally {
          this.lock.release();
        }
      }
      async outer(n: number): Promise<void> {
        ${nested ? 'await this.lock.acquire();' : ''}
        try {
          await this.inner(n);
        } finally {
          ${nested ? 'this.lock.release();' : ''}
        }
      }
    }
  `;

  it('running tells calls that finish from calls that wait forever on a lock', async () => {
    const dir = path.join(work, 'oracle-run');
    expect(await runCase(ROOT, dir, 'ok.ts', account(false), dir, 'ok')).toMatchObject({ state: 'settled', settled: 4, rejected: 0 });
    expect(await runCase(ROOT, dir, 'dl.ts', account(true), dir, 'dl')).toEqual({ state: 'deadlock', pending: ['Account.outer'] });
  });

  it('type-checking uses the fixtures settings and sees what a file breaks', () => {
    const compiler = new Compiler(ROOT);
    expect(compiler.errors({ 'a.ts': account(true) }, 'a.ts')).toEqual([]);
    expect(compiler.errors({ 'b.ts': 'export const n: number = "x";\n' }, 'b.ts')).toMatchObject([{ code: 2322, line: 1 }]);
  });
});

describe('fuzz sample against the built CLI and server', () => {
  it(`${CASES} mutated fixtures: no crash, hang, internal error, parser difference or broken fix`, async () => {
    ensureBuilt();
    ensureServerBuilt();
    const { stats, failures } = await runCampaign({
      tools: { root: ROOT, cli: path.join(ROOT, 'dist', 'cli.js'), server: path.join(ROOT, 'dist', 'server.js') },
      seeds,
      seed: SEED,
      cases: CASES,
      batch: 32,
      // Past the ~8,000 levels where oxc-parser used to overflow the native stack.
      maxDepth: 9000,
      jobsEvery: 2,
      fixEstreeEvery: 2,
      lspPerBatch: 4,
      minimize: false,
      work,
    });
    // The oracles really judged the cases: every case has a report from each parser or a failure saying why not.
    const unreported = (mode: string): number => failures.filter((f) => f.mode === mode && ['crash', 'hang', 'bad-output'].includes(f.kind)).length;
    expect((stats.checked.default ?? 0) + unreported('default')).toBe(CASES);
    expect((stats.checked.estree ?? 0) + unreported('estree')).toBe(CASES);
    for (const kind of CASE_KINDS) expect(stats.byKind[kind], kind).toBeGreaterThan(0);
    expect(stats.withFindings).toBeGreaterThan(CASES / 4);
    expect(stats.fixChanged).toBeGreaterThan(10);
    expect(stats.checked.jobs).toBeGreaterThan(CASES / 4);
    expect(stats.checked['fix-estree']).toBeGreaterThan(5);
    expect(stats.checked.compile).toBeGreaterThan(5);
    expect(stats.checked.run).toBeGreaterThan(5);
    expect(stats.checked.lsp).toBeGreaterThanOrEqual(6);
    const replay = 'replay one with `npm run fuzz -- --seed <seed> --only <index>` (add --print to see its text)';
    expect(failures.map(formatFailure), replay).toEqual([]);
  }, 600_000);
});
