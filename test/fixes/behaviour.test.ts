// Runs code before and after its preferred fix: the original loses an update (or initializes twice, or
// fans out without bound) under two concurrent calls, and the fixed code does not.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBundled } from './loadBundled.js';
import { DEFAULT_CONFIG } from '../../src/engine/index.js';
import { analyzeWithFixes, applyEdits } from '../../src/fixes/index.js';

const dir = mkdtempSync(join(tmpdir(), 'awaitguard-behaviour-'));

/** Applies the preferred fix of every finding of `rule` (one pass), as `--fix` would. */
function fix(source: string, rule: string, kind?: string): string {
  // Every finding, also those shown only on request: their fixes must work as well.
  const result = analyzeWithFixes(source, join(dir, 'subject.ts'), { fix: { runtime: 'package' }, config: { ...DEFAULT_CONFIG, minConfidence: 'low' } });
  const fixes = result.findings.filter((f) => f.ruleId === rule).map((f) => f.fixes.find((x) => (kind === undefined ? x.preferred : x.kind === kind))!);
  expect(fixes.length).toBeGreaterThan(0);
  return applyEdits(source, fixes.flatMap((f) => f.edits));
}

const load = <T,>(source: string): Promise<T> => loadBundled<T>(source, dir);

/**
 * Just enough of React's hooks to run one component: state by hook index, and an effect that, when its
 * dependencies change, runs the previous run's cleanup before running again. Aliased as `react` by the tests that bundle a component.
 */
function miniReact(): string {
  const hooks = join(dir, 'mini-react.ts');
  writeFileSync(
    hooks,
    `
      let states: unknown[] = [];
      let effects: { deps?: unknown[]; cleanup?: void | (() => void) }[] = [];
      let index = 0;
      export function useState<S>(initial: S): [S, (v: S) => void] {
        const i = index++;
        if (!(i in states)) states[i] = initial;
        return [states[i] as S, (v: S) => { states[i] = v; }];
      }
      export function useEffect(effect: () => void | (() => void), deps?: unknown[]): void {
        const i = index++;
        const before = effects[i];
        if (before && deps && before.deps && deps.every((d, k) => Object.is(d, before.deps![k]))) return;
        if (typeof before?.cleanup === 'function') before.cleanup();
        effects[i] = { deps, cleanup: effect() };
      }
      export function render<P>(component: (props: P) => unknown, props: P): unknown {
        index = 0;
        return component(props);
      }
      export function reset(): void { states = []; effects = []; }
    `,
  );
  return hooks;
}

describe('fixed code behaves', () => {
  it('lost-update on a field: two concurrent deposits keep both amounts', async () => {
    const source = `
      const tick = () => new Promise<void>((r) => setTimeout(r, 1));
      export class Account {
        balance = 0;
        async deposit(amount: number): Promise<void> {
          const before = this.balance;
          await tick();
          this.balance = before + amount;
        }
      }
    `;
    type M = { Account: new () => { balance: number; deposit(n: number): Promise<void> } };
    const racy = new (await load<M>(source)).Account();
    await Promise.all([racy.deposit(10), racy.deposit(5)]);
    expect(racy.balance).not.toBe(15);

    const fixedSource = fix(source, 'lost-update');
    expect(fixedSource).toContain('.acquire()');
    const safe = new (await load<M>(fixedSource)).Account();
    await Promise.all([safe.deposit(10), safe.deposit(5), safe.deposit(1)]);
    expect(safe.balance).toBe(16);
  });

  it('check-then-act through a helper that refreshes after its await: concurrent callers request one token', async () => {
    const source = `
      const tick = () => new Promise<void>((r) => setTimeout(r, 1));
      export class Credentials {
        requests = 0;
        private token: string | undefined;
        async value(): Promise<string | undefined> {
          if (this.token) return this.token;
          return this.refresh();
        }
        private async refresh(): Promise<string> {
          this.requests++;
          await tick();
          this.token = 'token-' + this.requests;
          return this.token;
        }
      }
    `;
    type M = { Credentials: new () => { requests: number; value(): Promise<string | undefined> } };
    const racy = new (await load<M>(source)).Credentials();
    await Promise.all([racy.value(), racy.value(), racy.value()]);
    expect(racy.requests).toBe(3);

    const fixedSource = fix(source, 'check-then-act');
    // The lock is held until the returned refresh settles, not released when its promise is returned.
    expect(fixedSource).toContain('return await this.refresh()');
    const safe = new (await load<M>(fixedSource)).Credentials();
    const values = await Promise.all([safe.value(), safe.value(), safe.value()]);
    expect(safe.requests).toBe(1);
    expect(new Set(values)).toEqual(new Set(['token-1']));
  });

  it('lost-update on one entry of an async store: the KeyedLock fix keeps both increments of a key and lets other keys overlap', async () => {
    const source = `
      const tick = () => new Promise<void>((r) => setTimeout(r, 5));
      const entries = new Map<string, number>();
      export let inside = 0;
      export let mostInside = 0;
      export const store = {
        async get(key: string): Promise<number> { inside++; mostInside = Math.max(mostInside, inside); await tick(); return entries.get(key) ?? 0; },
        async set(key: string, value: number): Promise<void> { await tick(); entries.set(key, value); inside--; },
      };
      export async function bump(key: string): Promise<void> {
        const n = await store.get(key);
        await store.set(key, n + 1);
      }
      export const read = (key: string): number | undefined => entries.get(key);
    `;
    type M = { bump(k: string): Promise<void>; read(k: string): number | undefined; mostInside: number };
    const racy = await load<M>(source);
    await Promise.all([racy.bump('a'), racy.bump('a')]);
    expect(racy.read('a')).toBe(1);
    const fixedSource = fix(source, 'lost-update');
    expect(fixedSource).toContain('new KeyedLock()');
    expect(fixedSource).toContain('.acquire(key)');
    const fixed = await load<M>(fixedSource);
    await Promise.all([fixed.bump('a'), fixed.bump('a'), fixed.bump('b')]);
    expect(fixed.read('a')).toBe(2);
    expect(fixed.read('b')).toBe(1);
    // Key 'b' ran while 'a' was held: a per-key lock, not one lock for the whole store.
    expect(fixed.mostInside).toBe(2);
  });

  it('lost-update on a variable captured by Promise.all callbacks: the total counts every item', async () => {
    const source = `
      const tick = () => new Promise<void>((r) => setTimeout(r, 1));
      export async function total(sizes: number[]): Promise<number> {
        let sum = 0;
        await Promise.all(sizes.map(async (n) => {
          sum += await tick().then(() => n);
        }));
        return sum;
      }
    `;
    type M = { total(xs: number[]): Promise<number> };
    expect(await (await load<M>(source)).total([1, 2, 3])).not.toBe(6);
    const fixedSource = fix(source, 'lost-update');
    expect(await (await load<M>(fixedSource)).total([1, 2, 3])).toBe(6);
  });

  it('check-then-act double initialization: one connection for concurrent callers', async () => {
    const source = `
      const tick = () => new Promise<void>((r) => setTimeout(r, 1));
      export let opened = 0;
      export class Pool {
        private conn: { id: number } | undefined;
        async get(): Promise<{ id: number }> {
          if (!this.conn) {
            await tick();
            this.conn = { id: ++opened };
          }
          return this.conn;
        }
      }
    `;
    type M = { Pool: new () => { get(): Promise<{ id: number }> }; opened: number };
    const racy = await load<M>(source);
    const p = new racy.Pool();
    await Promise.all([p.get(), p.get(), p.get()]);
    expect(racy.opened).toBe(3);

    const fixed = await load<M>(fix(source, 'check-then-act'));
    const q = new fixed.Pool();
    const conns = await Promise.all([q.get(), q.get(), q.get()]);
    expect(fixed.opened).toBe(1);
    expect(new Set(conns.map((c) => c.id)).size).toBe(1);
  });

  it('unbounded-concurrency: at most 8 callbacks run at once after the Semaphore fix', async () => {
    // An imported call the analysis cannot see into stands for each request (a timer it can see is no I/O).
    const source = `
      import { setTimeout as tick } from 'node:timers/promises';
      export let running = 0;
      export let peak = 0;
      export async function sendAll(ids: number[]): Promise<void> {
        await Promise.all(ids.map(async (id) => {
          running++;
          peak = Math.max(peak, running);
          await tick(2);
          running--;
          return id;
        }));
      }
    `;
    type M = { sendAll(ids: number[]): Promise<void>; peak: number };
    const ids = Array.from({ length: 50 }, (_, i) => i);
    const racy = await load<M>(source);
    await racy.sendAll(ids);
    expect(racy.peak).toBe(50);
    const fixed = await load<M>(fix(source, 'unbounded-concurrency'));
    await fixed.sendAll(ids);
    expect(fixed.peak).toBe(8);
  });
  it('unbounded-concurrency: promises mapped into consts and spread into the combinator run under a Semaphore that exists when they start', async () => {
    // The callbacks run where the map stands, before the combinator: a Semaphore declared just before
    // `await Promise.all(…)` would still be in its temporal dead zone when they call it.
    const source = `
      import { setTimeout as tick } from 'node:timers/promises';
      export let running = 0;
      export let peak = 0;
      async function work(id: number): Promise<number> {
        running++;
        peak = Math.max(peak, running);
        await tick(2);
        running--;
        return id;
      }
      export async function syncAll(removed: number[], added: number[] | undefined): Promise<void> {
        const removals = removed.map(async (id) => work(id));
        const uploads = added?.map(async (id) => { await work(id); }) ?? [];
        await Promise.allSettled([...removals, ...uploads]);
      }
    `;
    type M = { syncAll(removed: number[], added: number[] | undefined): Promise<void>; peak: number };
    const ids = Array.from({ length: 30 }, (_, i) => i);
    const racy = await load<M>(source);
    await racy.syncAll(ids, ids);
    expect(racy.peak).toBe(60);
    const fixed = await load<M>(fix(source, 'unbounded-concurrency'));
    await fixed.syncAll(ids, ids);
    // One Semaphore(8) per mapped array: at most 8 of each run at once.
    expect(fixed.peak).toBe(16);
  });
  it('teardown-race: stop() during start() leaves no interval running after the generation-guard fix', async () => {
    const source = `
      const tick = () => new Promise<void>((r) => setTimeout(r, 2));
      export const timers = { live: 0 };
      export class Poller {
        private timer: { cancel(): void } | undefined;
        async start(): Promise<void> {
          const ms = await tick().then(() => 10);
          timers.live++;
          let cancelled = false;
          this.timer = { cancel: () => { if (!cancelled) { cancelled = true; timers.live--; } } };
          void ms;
        }
        stop(): void {
          this.timer?.cancel();
          this.timer = undefined;
        }
      }
    `;
    type M = { Poller: new () => { start(): Promise<void>; stop(): void }; timers: { live: number } };
    // Interleaved: stop() runs while start() is suspended at its await.
    const run = async (m: M): Promise<number> => {
      const p = new m.Poller();
      const starting = p.start();
      p.stop();
      await starting;
      return m.timers.live;
    };
    expect(await run(await load<M>(source))).toBe(1);
    const fixedSource = fix(source, 'teardown-race');
    expect(fixedSource).toContain('this.generation++');
    const fixed = await load<M>(fixedSource);
    expect(await run(fixed)).toBe(0);
    // A stopped poller starts again: the counter does not end the object for good.
    const again = new fixed.Poller();
    await again.start();
    expect(fixed.timers.live).toBe(1);
    again.stop();
    expect(fixed.timers.live).toBe(0);
  });

  it('teardown-race: leave() during join() releases the camera the join opened after the fix', async () => {
    const source = `
      const tick = () => new Promise<void>((r) => setTimeout(r, 2));
      export const cameras = { open: 0 };
      interface Feed { stop(): void }
      async function openCamera(): Promise<Feed> {
        await tick();
        cameras.open++;
        let stopped = false;
        return { stop: () => { if (!stopped) { stopped = true; cameras.open--; } } };
      }
      export class Call {
        private feeds: Feed[] = [];
        async join(): Promise<void> {
          const feed = await openCamera();
          this.feeds.push(feed);
        }
        leave(): void {
          this.feeds.forEach((feed) => feed.stop());
          this.feeds = [];
        }
      }
    `;
    type M = { Call: new () => { join(): Promise<void>; leave(): void }; cameras: { open: number } };
    const run = async (m: M): Promise<number> => {
      const call = new m.Call();
      const joining = call.join();
      call.leave();
      await joining;
      return m.cameras.open;
    };
    expect(await run(await load<M>(source))).toBe(1);
    const fixedSource = fix(source, 'teardown-race');
    expect(fixedSource).toContain('feed.stop()');
    expect(await run(await load<M>(fixedSource))).toBe(0);
  });
  it('register-after-send: a reply that arrives before the send settles reaches its caller after the fix, and a failed send leaves no handler', async () => {
    const source = `
      type Handler = { resolve(v: string): void; reject(e: Error): void };
      export class RpcClient {
        readonly pending = new Map<number, Handler>();
        private next = 0;
        // The server answers at once; the send's own promise settles a little later (a write callback, an ack).
        constructor(private readonly failSend = false) {}
        private async send(msg: { id: number; body: string }): Promise<void> {
          if (!this.failSend) queueMicrotask(() => this.onReply(msg.id, msg.body.toUpperCase()));
          await new Promise<void>((r) => setTimeout(r, 2));
          if (this.failSend) throw new Error('socket closed');
        }
        private onReply(id: number, value: string): void {
          const handler = this.pending.get(id);
          this.pending.delete(id);
          handler?.resolve(value);
        }
        async call(body: string): Promise<string> {
          const id = ++this.next;
          let handler!: Handler;
          const reply = new Promise<string>((resolve, reject) => {
            handler = { resolve, reject };
          });
          await this.send({ id, body });
          this.pending.set(id, handler);
          return reply;
        }
      }
    `;
    type Client = { call(body: string): Promise<string>; pending: Map<number, unknown> };
    type M = { RpcClient: new (failSend?: boolean) => Client };
    const within = <T,>(p: Promise<T>): Promise<T | 'never settled'> => Promise.race([p, new Promise<'never settled'>((r) => setTimeout(() => r('never settled'), 50))]);
    const racy = await load<M>(source);
    expect(await within(new racy.RpcClient().call('ping'))).toBe('never settled');

    const fixedSource = fix(source, 'register-after-send');
    const fixed = await load<M>(fixedSource);
    expect(await within(new fixed.RpcClient().call('ping'))).toBe('PING');
    const failing = new fixed.RpcClient(true);
    await expect(failing.call('ping')).rejects.toThrow('socket closed');
    expect(failing.pending.size).toBe(0);
  });
  it('register-after-send, one reply slot filled in the send\'s .then: a reply read before the write settles reaches its caller after the fix', async () => {
    const source = `
      export class RpcChannel {
        private queue: Promise<void> = Promise.resolve();
        private resolveReply: (value: string) => void = () => undefined;
        // The server answers at once; the write's own promise settles a little later.
        private write(frame: string): Promise<void> {
          queueMicrotask(() => this.resolveReply(frame.toUpperCase()));
          return new Promise<void>((r) => setTimeout(r, 2));
        }
        request(frame: string): Promise<string> {
          return new Promise<string>((resolve, reject) => {
            this.queue = this.queue.then(() => {
              this.write(frame)
                .then(() => {
                  this.resolveReply = resolve;
                })
                .catch(reject);
            });
          });
        }
      }
    `;
    type M = { RpcChannel: new () => { request(frame: string): Promise<string> } };
    const within = <T,>(p: Promise<T>): Promise<T | 'never settled'> => Promise.race([p, new Promise<'never settled'>((r) => setTimeout(() => r('never settled'), 50))]);
    const racy = await load<M>(source);
    expect(await within(new racy.RpcChannel().request('ping'))).toBe('never settled');
    const fixed = await load<M>(fix(source, 'register-after-send'));
    expect(await within(new fixed.RpcChannel().request('ping'))).toBe('PING');
  });
  it('lock-leak on an in-flight promise: after one failure the next call starts the work again, for each form of the fix', async () => {
    // A drain cleared in a `.then` that only clears (becomes `.finally`), one whose `.then` does more on success
    // (gets a `.catch` that clears and rethrows), and a refresh cleared after its await (the clear moves onto it).
    const source = `
      let failNext = true;
      async function work(): Promise<string> {
        await new Promise<void>((r) => setTimeout(r, 1));
        if (failNext) {
          failNext = false;
          throw new Error('network down');
        }
        return 'ok';
      }
      export function failOnce(): void { failNext = true; }
      export class Drainer {
        runs = 0;
        private draining: Promise<void> | null = null;
        run(): Promise<void> {
          this.draining ??= work().then(() => {
            this.draining = null;
          });
          this.runs++;
          return this.draining;
        }
      }
      export class Rollout {
        done = 0;
        private current: Promise<void> | null = null;
        run(): Promise<void> {
          if (this.current == null) {
            this.current = work().then(() => {
              this.current = null;
              this.done++;
            });
          }
          return this.current;
        }
      }
      let refreshing: Promise<string> | null = null;
      export async function refresh(): Promise<string> {
        if (!refreshing) {
          refreshing = work();
        }
        const token = await refreshing;
        refreshing = null;
        return token;
      }
    `;
    type M = { failOnce(): void; Drainer: new () => { run(): Promise<void> }; Rollout: new () => { done: number; run(): Promise<void> }; refresh(): Promise<string> };
    const exercise = async (m: M): Promise<string[]> => {
      const outcome = async (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: Error) => e.message);
      m.failOnce();
      const drainer = new m.Drainer();
      const d = [await outcome(drainer.run()), await outcome(drainer.run())];
      m.failOnce();
      const rollout = new m.Rollout();
      const r = [await outcome(rollout.run()), await outcome(rollout.run()), String(rollout.done)];
      m.failOnce();
      const t = [await outcome(m.refresh()), await outcome(m.refresh())];
      return [...d, ...r, ...t];
    };
    const racy = await load<M>(source);
    // Every call after the first failure gets that failure again: the work never runs again.
    expect(await exercise(racy)).toEqual(['network down', 'network down', 'network down', 'network down', '0', 'network down', 'network down']);

    const fixedSource = fix(source, 'lock-leak');
    expect(fixedSource).toContain('.finally(() => {\n            this.draining = null;');
    expect(fixedSource).toContain('.catch((error: unknown) => { this.current = null; throw error; })');
    expect(fixedSource).toContain('await refreshing.finally(() => { refreshing = null; })');
    const fixed = await load<M>(fixedSource);
    // The failure still reaches the caller that waited on it; the next call works.
    expect(await exercise(fixed)).toEqual(['network down', 'ok', 'network down', 'ok', '1', 'network down', 'ok']);
  });
  it('effect-stale-update: a slow response for the old prop no longer overwrites the new one after the ignore-flag fix', async () => {
    const hooks = miniReact();
    const source = `
      import { useEffect, useState, render, reset } from 'react';
      const delays: Record<number, number> = { 1: 30, 2: 2 };
      async function fetchUser(id: number): Promise<string> {
        await new Promise((r) => setTimeout(r, delays[id]));
        return 'user ' + id;
      }
      export function Profile({ id }: { id: number }): string | null {
        const [user, setUser] = useState<string | null>(null);
        useEffect(() => {
          (async () => {
            const u = await fetchUser(id);
            setUser(u);
          })();
        }, [id]);
        return user;
      }
      export { render, reset };
    `;
    type M = { Profile: (p: { id: number }) => string | null; render(c: M['Profile'], p: { id: number }): string | null; reset(): void };
    // Interleaved: the prop changes from 1 to 2 while user 1 is still loading; user 1 arrives last.
    const run = async (m: M): Promise<string | null> => {
      m.reset();
      m.render(m.Profile, { id: 1 });
      m.render(m.Profile, { id: 2 });
      await new Promise((r) => setTimeout(r, 60));
      return m.render(m.Profile, { id: 2 });
    };
    const aliases = { react: hooks };
    expect(await run(await loadBundled<M>(source, dir, aliases))).toBe('user 1');
    const fixedSource = fix(source, 'effect-stale-update');
    expect(fixedSource).toContain('ignore = true');
    expect(await run(await loadBundled<M>(fixedSource, dir, aliases))).toBe('user 2');
  });
  it('effect-stale-update: the AbortController fix cancels the old request, and its abort is not shown as an error', async () => {
    const hooks = miniReact();
    const source = `
      import { useEffect, useState, render, reset } from 'react';
      export function Profile({ id }: { id: number }): string {
        const [user, setUser] = useState<string | null>(null);
        const [error, setError] = useState<string | null>(null);
        useEffect(() => {
          (async () => {
            try {
              const res = await fetch('/users/' + id);
              setUser(await res.text());
            } catch (e) {
              setError(String(e));
            }
          })();
        }, [id]);
        return error ?? user ?? 'loading';
      }
      export { render, reset };
    `;
    type M = { Profile: (p: { id: number }) => string; render(c: M['Profile'], p: { id: number }): string; reset(): void };
    // A network where user 1 answers after user 2, and an aborted request rejects at once.
    const real = globalThis.fetch;
    let aborted = 0;
    globalThis.fetch = ((url: string, init?: { signal?: AbortSignal }) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve({ text: async () => 'user ' + url.split('/').pop() }), url.endsWith('/1') ? 30 : 2);
        init?.signal?.addEventListener('abort', () => {
          aborted++;
          clearTimeout(timer);
          reject(new Error('AbortError'));
        });
      })) as unknown as typeof fetch;
    try {
      const run = async (m: M): Promise<string> => {
        m.reset();
        m.render(m.Profile, { id: 1 });
        m.render(m.Profile, { id: 2 });
        await new Promise((r) => setTimeout(r, 60));
        return m.render(m.Profile, { id: 2 });
      };
      const aliases = { react: hooks };
      expect(await run(await loadBundled<M>(source, dir, aliases))).toBe('user 1');
      const fixedSource = fix(source, 'effect-stale-update', 'abort-stale-run');
      expect(fixedSource).toContain('controller.abort()');
      expect(await run(await loadBundled<M>(fixedSource, dir, aliases))).toBe('user 2');
      expect(aborted).toBe(1);
    } finally {
      globalThis.fetch = real;
    }
  });
});
