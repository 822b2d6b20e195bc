// A lock fix never wraps a call into code of this file that takes the same lock (as written, or as another
// fix of the file would write it): the Lock is not reentrant, and `transfer()` holding `balanceLock` while it
// awaits `this.deposit()`, which takes it too, never returns. The whole --fix loop is run, then the code.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBundled } from './loadBundled.js';
import { DEFAULT_CONFIG } from '../../src/engine/index.js';
import { analyzeWithFixes, fixText } from '../../src/fixes/index.js';

const dir = mkdtempSync(join(tmpdir(), 'awaitguard-lock-reach-'));

const lockFixTitles = (source: string): Map<number, string[]> => {
  const result = analyzeWithFixes(source, join(dir, 'subject.ts'), { fix: { runtime: 'package' } });
  return new Map(result.findings.map((f) => [f.range.start.line, f.fixes.filter((x) => x.kind === 'lock-wrap').map((x) => x.title)]));
};

const fixAll = (source: string): string => fixText(source, join(dir, 'subject.ts'), DEFAULT_CONFIG, { runtime: 'package' }).text;

const load = <T,>(source: string): Promise<T> => loadBundled<T>(source, dir);

/** Settles within `ms`, or says it did not. */
const within = <T,>(p: Promise<T>, ms = 1000): Promise<T | 'timeout'> => Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))]);

const tick = 'const tick = () => new Promise<void>((r) => setTimeout(r, 1));\n';

const wallet = `${tick}export class Wallet {
  balance = 100;
  async deposit(amount: number): Promise<number> {
    const before = this.balance;
    await tick();
    this.balance = before + amount;
    return this.balance;
  }
  async transfer(amount: number, fee: number): Promise<number> {
    const before = this.balance;
    await this.deposit(-fee);
    this.balance = before - amount - fee;
    return this.balance;
  }
}
`;

describe('lock fixes across calls', () => {
  it('a method that calls a sibling taking the same lock gets no lock fix; the sibling does', () => {
    const titles = lockFixTitles(wallet);
    expect(titles.get(7)).toEqual(expect.arrayContaining([expect.stringContaining('this.balance')]));
    expect(titles.get(13)).toEqual([]);
  });

  it('after --fix, concurrent transfers and deposits all finish', async () => {
    const fixed = fixAll(wallet);
    expect(fixed).toContain('balanceLock');
    const { Wallet } = await load<{ Wallet: new () => { balance: number; deposit(n: number): Promise<number>; transfer(a: number, f: number): Promise<number> } }>(fixed);
    const w = new Wallet();
    const done = await within(Promise.all([w.transfer(10, 1), w.deposit(5), w.transfer(20, 2), w.deposit(7)]));
    expect(done).not.toBe('timeout');
  });

  it('module functions: the caller of a function the fix locks is left alone, through a chain of calls', async () => {
    const source = `${tick}let stock = 10;
export async function restock(n: number): Promise<void> {
  const before = stock;
  await tick();
  stock = before + n;
}
const refill = () => restock(5);
export async function sell(n: number): Promise<number> {
  const before = stock;
  await refill();
  stock = before - n;
  return stock;
}
`;
    const titles = lockFixTitles(source);
    expect(titles.get(6)!.length).toBeGreaterThan(0);
    expect(titles.get(12)).toEqual([]);
    const fixed = fixAll(source);
    const m = await load<{ restock(n: number): Promise<void>; sell(n: number): Promise<number> }>(fixed);
    expect(await within(Promise.all([m.sell(1), m.restock(2), m.sell(3)]))).not.toBe('timeout');
  });

  it('a function whose guarded statements call itself gets no lock fix', () => {
    const source = `${tick}let depth = 0;
export async function walk(n: number): Promise<void> {
  const before = depth;
  if (n > 0) await walk(n - 1);
  await tick();
  depth = before + 1;
}
`;
    expect(lockFixTitles(source).get(7)).toEqual([]);
  });

  it('code that already takes the lock and calls the function: no fix with that lock', () => {
    const source = `import { Lock } from 'awaitguard/runtime';
${tick}export class Counter {
  private readonly countLock = new Lock();
  count = 0;
  async bump(): Promise<void> {
    const before = this.count;
    await tick();
    this.count = before + 1;
  }
  async bumpTwice(): Promise<void> {
    await this.countLock.runExclusive(async () => {
      await this.bump();
      await this.bump();
    });
  }
}
`;
    expect(lockFixTitles(source).get(9)).toEqual([]);
    // However it is spaced: a lock new to the file is told apart by its words, not by its text as written.
    expect(lockFixTitles(source.replace('this.countLock.runExclusive', 'this\n      .countLock .runExclusive')).get(9)).toEqual([]);
  });

  it('calling a parameter (a callback the caller passed) does not count as calling the function itself', () => {
    const source = `let total = 0;
export async function add(amount: number, rate: () => Promise<number>): Promise<number> {
  const current = total;
  const r = await rate();
  total = current + amount * r;
  return total;
}
`;
    expect(lockFixTitles(source).get(5)!.length).toBeGreaterThan(0);
  });

  it('calls that cannot reach the lock do not block the fix: another object, a function with its own `this`', () => {
    const source = `${tick}function helper(this: unknown): void {}
class Other { balance = 0; async deposit(): Promise<void> { await tick(); } }
export class Wallet {
  balance = 100;
  private other = new Other();
  async deposit(amount: number): Promise<void> {
    const before = this.balance;
    await this.other.deposit();
    helper();
    this.balance = before + amount;
  }
}
`;
    expect(lockFixTitles(source).get(11)!.length).toBeGreaterThan(0);
  });
});
