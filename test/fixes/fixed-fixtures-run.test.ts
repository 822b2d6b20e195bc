// No fix ever deadlocks: every racy fixture is fixed by the full `--fix` loop (fixText), and the fixed
// module is RUN, each entry point three times at once under a timeout, with every import but the lock
// libraries (the runtime, async-mutex) answered by a stub that survives any use (runFixedModule.ts). A call
// that settled in the original and never settles in the fixed code is a deadlock the fix wrote. A static
// check looks for the shape once seen: the same lock acquired again while it is held.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { analyze as analyzeScope } from '@typescript-eslint/scope-manager';
import { parse, type TSESTree } from '@typescript-eslint/typescript-estree';
import { visitorKeys } from '@typescript-eslint/visitor-keys';
import * as esbuild from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/engine/index.js';
import { fixText } from '../../src/fixes/index.js';
import type { EntryResult, EntryStatus, RunRequest, WorkerMessage } from './runFixedModule.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'test', 'fixtures');
const RUNTIME = join(ROOT, 'src', 'runtime', 'index.ts');
const EXT = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;
/** How long three concurrent calls (and the callbacks they hand to stubs) get to settle. */
const TIMEOUT_MS = 2000;
/** Fixed entry points that miss TIMEOUT_MS are run again with this much time before they count as deadlocks. */
const CONFIRM_TIMEOUT_MS = 6000;
const dir = mkdtempSync(join(tmpdir(), 'awaitguard-fixed-run-'));
const HARNESS = join(dir, 'harness.mjs');

/** Globals that stay real; any other free identifier of a fixture (fetch, timers, console, process…) is a stub. */
const REAL_GLOBALS = new Set(
  (
    'Object Function Array Number Boolean String Symbol BigInt Date Promise RegExp Map Set WeakMap WeakSet WeakRef ' +
    'FinalizationRegistry Proxy Reflect JSON Math Intl Atomics ArrayBuffer SharedArrayBuffer DataView Int8Array ' +
    'Uint8Array Uint8ClampedArray Int16Array Uint16Array Int32Array Uint32Array Float32Array Float64Array ' +
    'BigInt64Array BigUint64Array Error AggregateError EvalError RangeError ReferenceError SyntaxError TypeError ' +
    'URIError Iterator globalThis undefined NaN Infinity parseInt parseFloat isNaN isFinite encodeURI ' +
    'encodeURIComponent decodeURI decodeURIComponent escape unescape structuredClone queueMicrotask AbortController ' +
    'AbortSignal TextEncoder TextDecoder URL URLSearchParams DOMException require module exports __dirname __filename'
  ).split(' '),
);

type Status = EntryStatus | 'frozen';
interface Outcome {
  /** Entry points found in the module; undefined when loading it never finished. */
  entries?: string[];
  loadError?: string;
  results: Map<string, Omit<EntryResult, 'id' | 'status'> & { status: Status }>;
  /** The harness itself failed (not the fixture code). */
  crash?: string;
}

// ---------------------------------------------------------------------------------------------
// Source facts
// ---------------------------------------------------------------------------------------------

function racyFixtures(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const abs = join(d, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else if (EXT.test(name) && !/\.d\.[mc]?ts$/.test(name) && abs.split(sep).includes('racy')) out.push(abs);
    }
  };
  walk(FIXTURES);
  return out;
}

function parseFile(text: string, file: string): TSESTree.Program {
  return parse(text, { filePath: file, jsx: /x$/.test(extname(file)), loc: true, range: true });
}

interface SourceFacts {
  /** Free value identifiers that must become stubs. */
  globals: string[];
  /** Top-level functions, classes and objects that are not exported, to drive as well. */
  internals: string[];
  commonjs: boolean;
}

function sourceFacts(text: string, file: string): SourceFacts {
  const ast = parseFile(text, file);
  const scope = analyzeScope(ast, { sourceType: 'module', lib: [], jsxPragma: null });
  const globals = new Set<string>();
  for (const ref of scope.globalScope!.through) {
    if (ref.isValueReference && !REAL_GLOBALS.has(ref.identifier.name)) globals.add(ref.identifier.name);
  }
  const esm = ast.body.some((s) => s.type.startsWith('Export') || s.type === 'ImportDeclaration');
  const exported = new Set<string>();
  const internals: string[] = [];
  const candidate = (init: TSESTree.Node | null | undefined): boolean =>
    !!init && ['ArrowFunctionExpression', 'FunctionExpression', 'ClassExpression', 'ObjectExpression', 'NewExpression'].includes(init.type);
  for (const s of ast.body) {
    if (s.type === 'ExportNamedDeclaration') for (const spec of s.specifiers) if (spec.local.type === 'Identifier') exported.add(spec.local.name);
    if (s.type === 'ExportDefaultDeclaration' && s.declaration.type === 'Identifier') exported.add(s.declaration.name);
    if ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && s.id) internals.push(s.id.name);
    if (s.type === 'VariableDeclaration') {
      for (const d of s.declarations) if (d.id.type === 'Identifier' && candidate(d.init)) internals.push(d.id.name);
    }
  }
  // CommonJS: whatever module.exports already names is driven through it.
  const cjsExported = /(?:module\.)?exports(?:\.\w+)?\s*=\s*(\{[^}]*\}|\w+)/g;
  for (const m of text.matchAll(cjsExported)) for (const id of m[1]!.match(/\w+/g) ?? []) exported.add(id);
  return { globals: [...globals].sort(), internals: internals.filter((n) => !exported.has(n)), commonjs: !esm };
}

// ---------------------------------------------------------------------------------------------
// Static check: the same lock acquired again while it is held, on one path
// ---------------------------------------------------------------------------------------------

interface Held {
  /** The lock expression and its arguments, whitespace removed: `this.lock()`, `locks(key)`. */
  id: string;
  object: string;
  /** A guard variable or destructured releaser whose `.release()` / call releases it. */
  guard?: string;
  /** line:column where it was taken. */
  line: string;
}

type AnyNode = TSESTree.Node;

/** Every nested acquire of a held lock in `text`, as `line N: X acquired again while held since line M`. */
function nestedAcquires(text: string, file: string): string[] {
  const ast = parseFile(text, file);
  const src = (n: AnyNode): string => text.slice(n.range[0], n.range[1]).replace(/\s+/g, '');
  const found: string[] = [];

  const lockCall = (n: AnyNode | null | undefined, method: string): { id: string; object: string } | undefined => {
    if (n?.type !== 'CallExpression' || n.callee.type !== 'MemberExpression' || n.callee.computed) return undefined;
    if (n.callee.property.type !== 'Identifier' || n.callee.property.name !== method) return undefined;
    const object = src(n.callee.object);
    const keys = n.arguments.filter((a) => !/Function|Arrow/.test(a.type) && a.type !== 'ObjectExpression').map(src);
    return { id: `${object}(${keys.join(',')})`, object };
  };
  const where = (n: AnyNode): string => `${n.loc.start.line}:${n.loc.start.column + 1}`;
  const check = (lock: { id: string }, n: AnyNode, held: readonly Held[]): void => {
    const outer = held.find((h) => h.id === lock.id);
    if (outer) found.push(`line ${where(n)}: ${lock.id} acquired again while held since line ${outer.line}`);
  };
  /** `await X.acquire()` as a statement or a declaration's initializer: held for the rest of the block. */
  const acquireStatement = (s: AnyNode): Held | undefined => {
    let init: AnyNode | null | undefined;
    let guard: string | undefined;
    if (s.type === 'ExpressionStatement') init = s.expression;
    else if (s.type === 'VariableDeclaration' && s.declarations.length === 1) {
      const d = s.declarations[0]!;
      init = d.init;
      if (d.id.type === 'Identifier') guard = d.id.name;
      else if (d.id.type === 'ArrayPattern') {
        const last = d.id.elements.at(-1);
        if (last?.type === 'Identifier') guard = last.name;
      }
    }
    if (init?.type !== 'AwaitExpression') return undefined;
    const lock = lockCall(init.argument, 'acquire');
    return lock && { ...lock, ...(guard ? { guard } : {}), line: where(s) };
  };
  /** Locks released by `X.release()`, `guard.release()` or `release()` somewhere in `n` (not in nested functions). */
  const releasedIn = (n: AnyNode, held: readonly Held[]): Set<Held> => {
    const out = new Set<Held>();
    const visit = (m: AnyNode): void => {
      if (/Function/.test(m.type)) return;
      if (m.type === 'CallExpression') {
        const callee = m.callee;
        for (const h of held) {
          if (callee.type === 'Identifier' && callee.name === h.guard) out.add(h);
          if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier' && callee.property.name === 'release') {
            const o = src(callee.object);
            if (o === h.object || o === h.guard) out.add(h);
          }
        }
      }
      for (const c of children(m)) visit(c);
    };
    visit(n);
    return out;
  };
  const statements = (list: readonly AnyNode[], held: readonly Held[]): void => {
    let cur = [...held];
    for (const s of list) {
      const acquired = acquireStatement(s);
      if (acquired) {
        check(acquired, s, cur);
        cur.push(acquired);
        continue;
      }
      walk(s, cur);
      if (s.type === 'TryStatement' && s.finalizer) {
        const released = releasedIn(s.finalizer, cur);
        cur = cur.filter((h) => !released.has(h));
      } else if (s.type === 'ExpressionStatement') {
        const released = releasedIn(s, cur);
        cur = cur.filter((h) => !released.has(h));
      }
    }
  };
  const walk = (n: AnyNode, held: readonly Held[]): void => {
    if (n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression') {
      // Another function runs on its own path (a callback given to runExclusive is handled below).
      walk(n.body ?? n, []);
      return;
    }
    if (n.type === 'BlockStatement' || n.type === 'Program' || n.type === 'StaticBlock') {
      statements(n.body, held);
      return;
    }
    if (n.type === 'SwitchCase') {
      if (n.test) walk(n.test, held);
      statements(n.consequent, held);
      return;
    }
    if (n.type === 'CallExpression') {
      const exclusive = lockCall(n, 'runExclusive');
      const acquire = lockCall(n, 'acquire');
      if (acquire) check(acquire, n, held);
      if (exclusive) {
        check(exclusive, n, held);
        const inner = [...held, { ...exclusive, line: where(n) }];
        walk(n.callee, held);
        for (const a of n.arguments) {
          if (a.type === 'ArrowFunctionExpression' || a.type === 'FunctionExpression') {
            if (a.body.type === 'BlockStatement') statements(a.body.body, inner);
            else walk(a.body, inner);
          } else walk(a, held);
        }
        return;
      }
    }
    for (const c of children(n)) walk(c, held);
  };
  walk(ast, []);
  return found;
}

function children(n: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  for (const key of visitorKeys[n.type] ?? []) {
    const v = (n as unknown as Record<string, unknown>)[key];
    if (Array.isArray(v)) for (const c of v) if (c && typeof (c as AnyNode).type === 'string') out.push(c as AnyNode);
    if (v && typeof (v as AnyNode).type === 'string') out.push(v as AnyNode);
  }
  return out;
}

/** Lock ids acquired nested more often in `fixed` than in `original`: what the fix added. */
function addedNesting(original: string, fixed: string, file: string): string[] {
  const before = nestedAcquires(original, file);
  const after = nestedAcquires(fixed, file);
  const key = (s: string): string => s.replace(/^line [\d:]+: /, '').replace(/ since line [\d:]+$/, '');
  const left = before.map(key);
  return after.filter((s) => {
    const i = left.indexOf(key(s));
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
}

// ---------------------------------------------------------------------------------------------
// Bundling and running
// ---------------------------------------------------------------------------------------------

/**
 * The runtime's own classes, counting acquisitions (so the report can tell a fix that ran from one the stubs
 * never reached) and otherwise unchanged.
 */
const COUNTING_RUNTIME = `
import * as rt from ${JSON.stringify(RUNTIME)};
export * from ${JSON.stringify(RUNTIME)};
export class Lock extends rt.Lock {
  acquire(options) { __agCtx.acquired++; return super.acquire(options); }
  runExclusive(fn, options) { __agCtx.acquired++; return super.runExclusive(fn, options); }
}
export class Semaphore extends rt.Semaphore {
  acquire(weight) { __agCtx.acquired++; return super.acquire(weight); }
}
`;

/**
 * async-mutex is real too (a devDependency): fixes reuse a fixture's own Mutex, and a stub that never blocks
 * would hide a deadlock in them.
 */
const COUNTING_ASYNC_MUTEX = `
import * as am from 'async-mutex';
export * from 'async-mutex';
export class Mutex extends am.Mutex {
  acquire(priority) { __agCtx.acquired++; return super.acquire(priority); }
  runExclusive(fn, priority) { __agCtx.acquired++; return super.runExclusive(fn, priority); }
}
export class Semaphore extends am.Semaphore {
  acquire(weight, priority) { __agCtx.acquired++; return super.acquire(weight, priority); }
}
`;

/** Every import but the runtime and async-mutex resolves to a stub module whose exports are all anythings. */
const stubs: esbuild.Plugin = {
  name: 'awaitguard-stubs',
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point' || args.namespace === 'awaitguard-lock-library') return undefined;
      if (args.importer.startsWith(dirname(RUNTIME)) || args.importer.includes(`${sep}node_modules${sep}`)) return undefined;
      if (args.path === RUNTIME) return { path: RUNTIME };
      if (args.path === 'awaitguard/runtime' || args.path === 'async-mutex') return { path: args.path, namespace: 'awaitguard-lock-library' };
      return { path: args.path, namespace: 'awaitguard-stub' };
    });
    build.onLoad({ filter: /.*/, namespace: 'awaitguard-lock-library' }, (args) => ({
      contents: args.path === 'async-mutex' ? COUNTING_ASYNC_MUTEX : COUNTING_RUNTIME,
      loader: 'js',
      resolveDir: ROOT,
    }));
    build.onLoad({ filter: /.*/, namespace: 'awaitguard-stub' }, (args) => ({
      contents: `module.exports = __agCtx.stubModule(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

function loaderFor(file: string): esbuild.Loader {
  const ext = extname(file);
  if (ext === '.tsx' || ext === '.jsx') return ext.slice(1) as esbuild.Loader;
  return /ts$/.test(ext) ? 'ts' : 'js';
}

/** Bundles `text` (as if it were `file`) into `out`; exposes non-exported top-level functions as `__agInternal`. */
async function bundle(text: string, file: string, out: string): Promise<void> {
  const facts = sourceFacts(text, file);
  let contents = text;
  if (facts.internals.length > 0) {
    const list = facts.internals.join(', ');
    contents += facts.commonjs
      ? `\n;try { module.exports.__agInternal = { ${list} }; } catch {}\n`
      : `\nexport const __agInternal = { ${list} };\n`;
  }
  const result = await esbuild.build({
    stdin: { contents, loader: loaderFor(file), resolveDir: dirname(file), sourcefile: basename(file) },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: out,
    jsx: 'automatic',
    tsconfigRaw: {},
    banner: { js: 'const __agCtx = globalThis.__agTakeContext();' },
    define: Object.fromEntries(facts.globals.map((g) => [g, `__agCtx.g.${g}`])),
    plugins: [stubs],
    logLevel: 'silent',
  });
  writeFileSync(out, result.outputFiles[0]!.text);
}

/** One worker thread over one bundle; terminated when it reports done, stops answering, or dies. */
function runWorker(bundlePath: string, only: string[] | undefined, timeoutMs = TIMEOUT_MS): Promise<Outcome & { finished: boolean }> {
  return new Promise((resolve) => {
    const request: RunRequest = { bundle: bundlePath, timeoutMs, ...(only ? { only } : {}) };
    const worker = new Worker(HARNESS, { workerData: request, stdout: true, stderr: true });
    worker.stdout.resume();
    worker.stderr.resume();
    const outcome: Outcome = { results: new Map() };
    let finished = false;
    let timer = setTimeout(() => stop(false), 20_000);
    const stop = (ok: boolean): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve({ ...outcome, finished: ok });
    };
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'entries') {
        outcome.entries = m.entries;
        if (m.loadError !== undefined) outcome.loadError = m.loadError;
        clearTimeout(timer);
        // Instances are imported one by one, then all run at once for at most timeoutMs.
        timer = setTimeout(() => stop(false), timeoutMs + 2000 + 50 * m.entries.length);
      } else if (m.type === 'result') {
        const { id, ...rest } = m.result;
        outcome.results.set(id, rest);
      } else stop(true);
    });
    worker.on('error', (e) => {
      outcome.crash = String(e);
      stop(false);
    });
    worker.on('exit', () => stop(false));
  });
}

/** Runs every entry point of a bundle; a thread that stops answering is retried one entry point at a time. */
async function runBundle(bundlePath: string): Promise<Outcome> {
  const first = await runWorker(bundlePath, undefined);
  if (first.finished || first.crash || !first.entries) return first;
  const left = first.entries.filter((id) => !first.results.has(id));
  let crash: string | undefined;
  // A few threads at a time: the machine is shared.
  const next = async (): Promise<void> => {
    for (let id = left.shift(); id !== undefined; id = left.shift()) {
      const alone = await runWorker(bundlePath, [id]);
      crash ??= alone.crash;
      first.results.set(
        id,
        alone.results.get(id) ?? { status: 'frozen', detail: 'the thread stopped answering (a loop that never yields)', exhausted: false, locked: false, elapsedMs: 0 },
      );
    }
  };
  await Promise.all([next(), next(), next()]);
  return crash === undefined ? first : { ...first, crash };
}

// ---------------------------------------------------------------------------------------------
// Comparing
// ---------------------------------------------------------------------------------------------

interface Tally {
  entryPoints: number;
  compared: number;
  entryIds: string[];
  /** Compared entry points whose fixed code took a Lock or Semaphore. */
  locked: number;
  budgetSpent: number;
  /** Longest time a compared fixed entry point took to settle: the margin left under TIMEOUT_MS. */
  slowestMs: number;
  /** Fixed entry points that missed TIMEOUT_MS but settled when given CONFIRM_TIMEOUT_MS. */
  slow: string[];
  skipped: { reason: string; what: string }[];
}

/**
 * Runs `original` and `fixed` and returns the problems: a nested acquire the fix added, an entry point that
 * settles in the original and not in the fixed code, or a run the driver could not make.
 */
async function checkFixed(name: string, file: string, original: string, fixed: string, tally: Tally): Promise<string[]> {
  const problems: string[] = [];
  const fail = (kind: string, message: string, withText: boolean): void => {
    problems.push(`${name}: ${kind}: ${message}${withText ? `\n--- fixed text ---\n${fixed}` : ''}`);
  };
  const skip = (reason: string, what: string): void => void tally.skipped.push({ reason, what: `${name} ${what}` });

  for (const n of addedNesting(original, fixed, file)) fail('static nested acquire', n, true);

  const tag = `${name.replace(/[^\w-]/g, '_')}`;
  const paths = { original: join(dir, `${tag}.original.mjs`), fixed: join(dir, `${tag}.fixed.mjs`) };
  try {
    await bundle(original, file, paths.original);
  } catch (e) {
    fail('driver crash', `the original does not bundle: ${String(e)}`, false);
    return problems;
  }
  try {
    await bundle(fixed, file, paths.fixed);
  } catch (e) {
    fail('driver crash', `the fixed code does not bundle: ${String(e)}`, true);
    return problems;
  }
  const [before, after] = await Promise.all([runBundle(paths.original), runBundle(paths.fixed)]);
  if (before.crash || after.crash) {
    fail('driver crash', `${before.crash ?? ''} ${after.crash ?? ''}`.trim(), false);
    return problems;
  }
  if (!before.entries || before.loadError !== undefined) {
    skip('the original module never loads', before.loadError ?? 'loading never finished');
    return problems;
  }
  if (!after.entries) fail('deadlock', 'loading the fixed module never finished', true);
  else if (after.loadError !== undefined) fail('driver crash', `the fixed module throws on load: ${after.loadError}`, true);

  // Slow is not stuck: what missed the deadline (where the original settled) gets a longer one, in one thread.
  const late = (after.entries ?? []).filter((id) => after.results.get(id)?.status === 'hung' && before.results.get(id)?.status === 'settled');
  const confirmed = late.length > 0 ? await runWorker(paths.fixed, late, CONFIRM_TIMEOUT_MS) : undefined;
  for (const id of after.entries ?? []) {
    tally.entryPoints++;
    tally.entryIds.push(`${name} ${id}`);
    const now = after.results.get(id);
    const was = before.results.get(id);
    if (!was) {
      fail('driver crash', `entry point ${id} exists only in the fixed module`, true);
      continue;
    }
    if (was.status !== 'settled') {
      skip(`the original does not settle (${was.status})`, `${id}: ${was.detail}`);
      continue;
    }
    tally.compared++;
    const again = confirmed?.results.get(id);
    if (now?.status === 'hung' && again?.status === 'settled') {
      tally.slow.push(`${name} ${id}: settled in ${again.elapsedMs} ms`);
      continue;
    }
    if (!now) fail('driver crash', `${id}: no result`, false);
    else if (now.status === 'hung') fail('deadlock', `${id}: ${now.detail}${now.exhausted ? ' (stub callbacks ran out)' : ''}`, true);
    else if (now.status === 'frozen') fail('deadlock', `${id}: ${now.detail}`, true);
    else if (now.status !== 'settled') fail('driver crash', `${id}: ${now.status}: ${now.detail}`, true);
    else {
      if (now.exhausted) tally.budgetSpent++;
      if (now.locked) tally.locked++;
      tally.slowestMs = Math.max(tally.slowestMs, now.elapsedMs);
    }
  }
  for (const id of before.entries) {
    if (after.entries && !after.entries.includes(id)) fail('driver crash', `entry point ${id} is gone from the fixed module`, true);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Aggregate
// ---------------------------------------------------------------------------------------------

const tally: Tally = { entryPoints: 0, entryIds: [], compared: 0, locked: 0, budgetSpent: 0, slowestMs: 0, slow: [], skipped: [] };
const summary = { fixtures: 0, unchanged: [] as string[], run: 0, notReached: [] as string[], failures: [] as string[] };

const ALL = racyFixtures().map((abs) => relative(FIXTURES, abs).split(sep).join('/'));

beforeAll(async () => {
  await esbuild.build({
    entryPoints: [join(ROOT, 'test', 'fixes', 'runFixedModule.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outfile: HARNESS,
    logLevel: 'silent',
  });
});

afterAll(() => {
  const base = new Set(tally.entryIds.map((id) => id.replace(/ \[\w+\]$/, '')));
  const lines = [
    `fixed-fixtures-run: ${summary.fixtures} racy fixtures fixed; ${summary.unchanged.length} unchanged by --fix (nothing to run); ` +
      `${summary.run} run before and after the fix`,
    `  ${base.size} entry points in the fixed modules, driven ${tally.entryPoints} ways (cold / warm / stubs reject), ` +
      `each 3 concurrent calls: ${tally.compared} compared with the original, ${tally.skipped.length} skipped`,
    `  ${tally.locked} of the compared took a Lock or Semaphore in the fixed code; the slowest settled in ${tally.slowestMs} ms ` +
      `(deadline ${TIMEOUT_MS} ms); ${tally.budgetSpent} settled after the stubs stopped invoking callbacks (polling loops)`,
  ];
  if (tally.slow.length > 0) lines.push(`  missed ${TIMEOUT_MS} ms but settled when run alone (slow, not deadlocked): ${tally.slow.length}`, ...tally.slow.map((w) => `    ${w}`));
  const reasons = new Map<string, string[]>();
  for (const { reason, what } of tally.skipped) reasons.set(reason, [...(reasons.get(reason) ?? []), what]);
  for (const [reason, list] of reasons) lines.push(`  skipped, ${reason}: ${list.length}`, ...list.map((w) => `    ${w}`));
  if (summary.notReached.length > 0) {
    lines.push(`  fixed, but no entry point reached a lock with the stubs: ${summary.notReached.length}`, ...summary.notReached.map((f) => `    ${f}`));
  }
  if (summary.failures.length > 0) lines.push(`  FAILED: ${summary.failures.length}`, ...summary.failures.map((f) => `    ${f}`));
  console.log(lines.join('\n'));
  rmSync(dir, { recursive: true, force: true });
});

describe('fixed code never deadlocks', () => {
  it('the fix for `total = u + (await load())` under a check does not nest its Lock: three calls settle, total 1 -> 4', async () => {
    const source =
      'let total = 1; export async function b() { if (total > 0) { const u = total; total = u + (await load()); } }\n';
    const file = join(dir, 'deadlock-case.js');
    writeFileSync(file, source);
    const fixed = fixText(source, file, DEFAULT_CONFIG, { runtime: 'package' }).text;
    expect(fixed).toContain('.acquire()');
    expect.soft(nestedAcquires(fixed, file), fixed).toEqual([]);

    const out = join(dir, 'deadlock-case.mjs');
    await esbuild.build({
      stdin: { contents: `${fixed}\nexport function readTotal() { return total; }\n`, loader: 'js', resolveDir: dir, sourcefile: 'deadlock-case.js' },
      bundle: true,
      format: 'esm',
      platform: 'node',
      outfile: out,
      alias: { 'awaitguard/runtime': RUNTIME },
      define: { load: 'globalThis.__agLoad' },
      logLevel: 'silent',
    });
    (globalThis as { __agLoad?: () => Promise<number> }).__agLoad = () => new Promise((r) => setTimeout(() => r(1), 1));
    const m = (await import(pathToFileURL(out).href)) as { b(): Promise<void>; readTotal(): number };
    const calls = Promise.allSettled([m.b(), m.b(), m.b()]);
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), TIMEOUT_MS));
    const settled = await Promise.race([calls, timeout]);
    expect(settled, `three concurrent b() never settle: deadlock in\n${fixed}`).not.toBe('timeout');
    expect((settled as PromiseSettledResult<void>[]).map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    expect(m.readTotal()).toBe(4);
  });

  it('the driver itself sees a nested acquire, statically and as a call that never settles', async () => {
    const source = [
      'const tick = () => new Promise<void>((r) => setTimeout(r, 1));',
      'export class Account {',
      '  balance = 0;',
      '  async deposit(amount: number): Promise<void> {',
      '    const before = this.balance;',
      '    await tick();',
      '    this.balance = before + amount;',
      '  }',
      '}',
      '',
    ].join('\n');
    const file = join(dir, 'self-check.ts');
    const fixed = fixText(source, file, DEFAULT_CONFIG, { runtime: 'package' }).text;
    const own: Tally = { entryPoints: 0, entryIds: [], compared: 0, locked: 0, budgetSpent: 0, slowestMs: 0, slow: [], skipped: [] };
    expect(await checkFixed('self-check', file, source, fixed, own)).toEqual([]);
    expect(own.locked).toBeGreaterThan(0);
    // The shape once written: the same lock taken again inside its own hold.
    const nested = fixed.replace(/await (\S+)\.acquire\(\);/, (m) => `${m} ${m}`);
    expect(nested).not.toBe(fixed);
    const problems = await checkFixed('self-check-nested', file, source, nested, { ...own, entryIds: [], slow: [], skipped: [] });
    expect(problems.map((p) => p.split('\n')[0]!.replace(/: \d+ of.*|line [\d:]+.*/, ''))).toEqual([
      'self-check-nested: static nested acquire: ',
      'self-check-nested: deadlock: export Account#deposit [cold]',
      'self-check-nested: deadlock: export Account#deposit [warm]',
      'self-check-nested: deadlock: export Account#deposit [reject]',
    ]);
  });

  it.concurrent.for(ALL)('%s', async (fixture, { expect }) => {
    const abs = join(FIXTURES, fixture);
    const original = readFileSync(abs, 'utf8');
    const fixed = fixText(original, abs, DEFAULT_CONFIG, { runtime: 'package' }).text;
    summary.fixtures++;
    if (fixed === original) {
      summary.unchanged.push(fixture);
      return;
    }
    const own: Tally = { entryPoints: 0, entryIds: [], compared: 0, locked: 0, budgetSpent: 0, slowestMs: 0, slow: [], skipped: [] };
    const problems = await checkFixed(fixture, abs, original, fixed, own);
    summary.run++;
    tally.entryPoints += own.entryPoints;
    tally.entryIds.push(...own.entryIds);
    tally.compared += own.compared;
    tally.locked += own.locked;
    tally.budgetSpent += own.budgetSpent;
    tally.slowestMs = Math.max(tally.slowestMs, own.slowestMs);
    tally.slow.push(...own.slow);
    tally.skipped.push(...own.skipped);
    if (own.locked === 0 && problems.length === 0) summary.notReached.push(fixture);
    summary.failures.push(...problems.map((p) => p.split('\n')[0]!));
    expect(problems).toEqual([]);
  });
});
