// The interleaving a finding carries, step by step, for the shapes each rule reports: who does what, where, in
// which order, and the values the code makes obvious. (Every racy fixture's timeline is checked for real lines
// and order in fixtures.test.ts; these pin the exact steps.)
import { describe, expect, it } from 'vitest';
import { analyze, DEFAULT_CONFIG, type Finding } from '../../src/engine/index.js';

async function only(code: string, file = 'case.ts'): Promise<Finding> {
  const result = await analyze(code, file, { config: { ...DEFAULT_CONFIG, minConfidence: 'low' } });
  expect(result.findings, JSON.stringify(result.findings.map((f) => f.message))).toHaveLength(1);
  return result.findings[0]!;
}

/** `line actor: text` per step, then the outcome. */
function told(f: Finding): string[] {
  const t = f.interleaving!;
  return [...t.steps.map((s) => `${s.range.start.line} ${t.actors[s.actor]!.id}: ${s.text}`), `→ ${t.outcome}`];
}

describe('interleaving', () => {
  it('lost update: both calls read the same v, and the second write is computed from it', async () => {
    const f = await only(
      [
        'class Account {',
        '  balance = 0;',
        '  async deposit(amount: number) {',
        '    const balance = this.balance;',
        '    await audit(amount);',
        '    this.balance = balance + amount;',
        '  }',
        '}',
        'declare function audit(n: number): Promise<void>;',
      ].join('\n'),
    );
    expect(f.interleaving!.actors.map((a) => a.label)).toEqual(['call A of `deposit()`', 'call B of `deposit()`']);
    expect(told(f)).toEqual([
      '4 A: reads `this.balance` (v)',
      '5 A: yields',
      '4 B: reads `this.balance`: still v',
      '5 B: yields',
      '6 A: writes `this.balance = v + amount`',
      '6 B: writes `this.balance = v + amount`',
      "→ B's write is computed from the same v as A's and overwrites it: A's update is lost",
    ]);
  });

  it('lost update in one statement: the target of `+=` stays as written', async () => {
    const f = await only(['let total = 0;', 'export async function add(key: string) {', '  total += await sizeOf(key);', '}', 'declare function sizeOf(k: string): Promise<number>;'].join('\n'));
    expect(told(f).filter((s) => s.includes(' writes '))).toEqual(['3 A: writes `total += await sizeOf(key)`', '3 B: writes `total += await sizeOf(key)`']);
  });

  it('check-then-act: B passes the check before A acts, and both set it', async () => {
    const f = await only(
      [
        'let client: object | undefined;',
        'export async function getClient() {',
        '  if (!client) {',
        '    const made = await connect();',
        '    client = made;',
        '  }',
        '  return client;',
        '}',
        'declare function connect(): Promise<object>;',
      ].join('\n'),
    );
    expect(told(f)).toEqual([
      '3 A: checks `client`: passes',
      '4 A: yields',
      '3 B: checks `client`: still passes',
      '4 B: yields',
      '5 A: sets it: `client = made`',
      '5 B: sets it: `client = made`',
      "→ both passed the check and both set `client`: it is initialized twice, and A's result is lost",
    ]);
  });

  it('teardown race: the teardown runs while the operation waits, and the operation stores again', async () => {
    const f = await only(
      [
        'export class Call {',
        '  private feeds: { stop(): void }[] = [];',
        '  async join() {',
        '    const feed = await openCamera();',
        '    this.feeds.push(feed);',
        '  }',
        '  leave() {',
        '    this.feeds.forEach((f) => f.stop());',
        '    this.feeds = [];',
        '  }',
        '}',
        'declare function openCamera(): Promise<{ stop(): void }>;',
      ].join('\n'),
    );
    expect(f.interleaving!.actors.map((a) => a.label)).toEqual(['`join()`', '`leave()`']);
    expect(told(f)).toEqual([
      '4 operation: yields',
      '8 teardown: runs and resets `this.feeds`',
      '5 operation: resumes and stores it again: `this.feeds.push(feed)`',
      '→ what is stored in `this.feeds` after `leave()` is never released: it outlives the object',
    ]);
  });

  it('fan-out: every element starts before the first is done, and says where n comes from', async () => {
    const f = await only(
      ['export async function notifyAll(userIds: string[]) {', '  await Promise.all(userIds.map(async (id) => {', '    await sendMail(id);', '  }));', '}', 'declare function sendMail(id: string): Promise<void>;'].join('\n'),
    );
    expect(told(f)).toEqual([
      '2 item 1: starts',
      '3 item 1: starts its I/O and waits',
      '2 items 2…n: start at once, before item 1 is done',
      '3 items 2…n: n I/O operations in flight together',
      '2 item 1: `Promise.all` waits for all n',
      '→ n is the size of `userIds`, which is whatever the caller passes: nothing bounds how many run at once',
    ]);
  });

  it('lock leak: A leaves with the lock held, and B waits forever', async () => {
    const f = await only(
      [
        "import { Lock } from 'awaitguard/runtime';",
        'const lock = new Lock();',
        'export async function save(data: string) {',
        '  const release = await lock.acquire();',
        '  await write(data);',
        '  release();',
        '}',
        'declare function write(d: string): Promise<void>;',
      ].join('\n'),
    );
    expect(told(f)).toEqual([
      '4 A: acquires `lock`',
      '5 A: throws here (it can): the release on line 6 never runs',
      '4 B: waits for `lock`: forever',
      '→ `lock` is never released: B and every later caller hang',
    ]);
  });

  it('an effect: the old run resumes last and overwrites the new state', async () => {
    const f = await only(
      [
        "import { useEffect, useState } from 'react';",
        'export function Profile({ id }: { id: string }) {',
        '  const [user, setUser] = useState<string | null>(null);',
        '  useEffect(() => {',
        '    (async () => {',
        '      const u = await fetchUser(id);',
        '      setUser(u);',
        '    })();',
        '  }, [id]);',
        '  return user;',
        '}',
        'declare function fetchUser(id: string): Promise<string>;',
      ].join('\n'),
      'profile.tsx',
    );
    expect(told(f)).toEqual([
      '6 run 1: starts its work and waits (slow)',
      '6 run 2: runs when a dependency (`id`) changes, while run 1 is pending, and waits (fast)',
      '7 run 2: calls `setUser` with the new result',
      '7 run 1: resumes and calls `setUser` with the old result',
      '→ the state shows the result for the old dependencies, not the current ones',
    ]);
  });
});
