// Fix convergence: every fix offered on every racy fixture must produce code that parses, type-checks
// (tsc over all fixed variants at once, in a copy of the fixture project), removes its finding without
// adding any, and leaves the text outside its edits alone.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze, DEFAULT_CONFIG, type Finding } from '../../src/engine/index.js';
import { analyzeWithFixes, applyEdits } from '../../src/fixes/index.js';
import { parseMarkers } from '../fixtureCorpus.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURES = join(ROOT, 'test', 'fixtures');
// Same depth as test/fixtures, so the fixture tsconfig's relative paths still resolve.
const OUT = join(ROOT, 'test', '.fixed');
const FIXABLE = ['lost-update', 'check-then-act', 'unbounded-concurrency', 'teardown-race', 'register-after-send'];
/** Findings for which no safe fix exists, and why (the closing note and README list these too). */
const NO_SAFE_FIX: Record<string, string> = {
  'lost-update/racy/outbound-promise-tail-seq.ts:16 lost-update':
    'the read is in send(), which is not async (it returns the queue promise): a lock there would need an await',
  'lost-update/racy/page-window-failure-ignores-generation.ts:29 lost-update':
    'request() is not async and writes in a promise callback: a lock would need an await; the fix is to compare the generation with the current one (the safe twin)',
  'lost-update/racy/wallet-transfer-calls-deposit.ts:23 lost-update':
    'transfer() awaits this.deposit() inside the section, and deposit() takes the same lock: the wrap would deadlock',
  'check-then-act/racy/has-cache-for-then-fill.ts:25 check-then-act':
    'getItem() is not async and acts in a promise callback: a lock would need an await, and the promise is not kept for sharing',
  'check-then-act/racy/listener-fills-provider-per-event.ts:20 check-then-act':
    'the listener is not async and acts in a promise callback: a lock would need an await, and the promise is not kept for sharing',
  'check-then-act/racy/collection-restarted-on-held-controller.ts:19 check-then-act':
    '_resumeCollection() is not async and acts in a promise callback: a lock would need an await, and the promise is not kept for sharing',
  'lost-update/racy/inventory-sell-refills-through-helper.mjs:21 lost-update':
    'sell() reaches restock() through refill() inside the section, and restock() takes the same lock: the wrap would deadlock',
  'lost-update/racy/saga-cart-count-select-put.ts:16 lost-update':
    'a generator cannot await a Lock; the fix is to select after the call (the safe twin) or to run the worker with takeLatest',
  'lost-update/racy/co-style-job-counter.js:11 lost-update':
    'a generator cannot await a Lock; the fix is to read the counter after the yield (the safe twin)',
  'lost-update/racy/scoped-store-restored-in-promise-finally.ts:10 lost-update':
    'run() is not async (it hands back the callback\'s promise): a lock there would need an await; AsyncLocalStorage is the fix',
  'register-after-send/racy/ipc-reply-subscribe-not-awaited.ts:16 register-after-send':
    'the subscription is made in a Promise executor, which cannot await; chaining the send on it decides what a failed subscribe does to the caller (reject, retry), which the author must choose',
  'check-then-act/racy/status-set-only-after-reset.ts:24 check-then-act':
    'handleAckTimeout() is not async and acts in a promise callback: a lock would need an await; the fix is to mark the status before the reset starts (the safe twin)',
  'check-then-act/racy/batched-invalidation-fixed-count.ts:11 check-then-act':
    'the returned closure is not async and acts in a promise callback: a lock would need an await; the fix is to drain with shift() in the loop test (the safe twin)',
  'check-then-act/racy/chart-module-kept-in-then-callback.ts:16 check-then-act':
    'show() is not async and acts in a promise callback: a lock would need an await; the fix is to keep the promise of what is made before it settles',
  'check-then-act/racy/saga-session-open-take-every-expression.ts:17 check-then-act':
    'a generator cannot await a Lock; the fix is to register the worker with takeLatest or takeLeading (the safe twin)',
  'lost-update/racy/saga-upload-total-yield.ts:9 lost-update':
    'a generator cannot await a Lock; the fix is to read the total after the yield (the safe twin), which the saga runner serializes',
};
const EXT = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

interface Variant {
  fixture: string;
  finding: Finding;
  title: string;
  path: string;
  original: string;
  fixed: string;
  editSpan: [number, number];
}

function racyFixtures(): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      if (statSync(abs).isDirectory()) walk(abs);
      else if (EXT.test(name) && !/\.d\.[mc]?ts$/.test(name) && abs.split(sep).includes('racy')) out.push(abs);
    }
  };
  walk(FIXTURES);
  return out;
}

const fixOptions = { projectRoot: OUT, vendorPath: 'awaitguard-lock.ts' };
/** Every finding, also those shown only on request. */
const LOW = { ...DEFAULT_CONFIG, minConfidence: 'low' as const };
const variants: Variant[] = [];
const unfixable: string[] = [];

function counts(findings: readonly Finding[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const f of findings) {
    const k = `${f.ruleId} ${f.location ?? ''}`;
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

beforeAll(() => {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  cpSync(join(FIXTURES, 'tsconfig.json'), join(OUT, 'tsconfig.json'));
  cpSync(join(FIXTURES, 'types'), join(OUT, 'types'), { recursive: true });
  cpSync(join(FIXTURES, 'modules'), join(OUT, 'modules'), { recursive: true });
  // What --fix and the editor create on first use: the vendored runtime.
  for (const ext of ['ts', 'js', 'cjs', 'd.ts', 'd.cts']) {
    cpSync(join(ROOT, 'src', 'runtime', 'vendor', `awaitguard-lock.${ext}`), join(OUT, `awaitguard-lock.${ext}`));
  }
  for (const abs of racyFixtures()) {
    const rel = relative(FIXTURES, abs);
    const ext = extname(abs);
    const original = readFileSync(abs, 'utf8');
    // Analyse as if the file lived in the copy, so relative imports of the runtime point at it.
    const asFile = join(OUT, rel);
    // Findings shown by default, and those a `(low)` marker expects (shown on request, fixed the same way).
    const lowMarked = new Set(parseMarkers(original).markers.filter((m) => m.low).map((m) => `${m.line}:${m.ruleId}`));
    const result = analyzeWithFixes(original, asFile, { fix: fixOptions, config: LOW });
    result.findings.forEach((finding, i) => {
      if (finding.confidence === 'low' && !lowMarked.has(`${finding.range.start.line}:${finding.ruleId}`)) return;
      const real = finding.fixes.filter((f) => f.kind !== 'suppress');
      if (FIXABLE.includes(finding.ruleId) && real.length === 0) unfixable.push(`${rel}:${finding.range.start.line} ${finding.ruleId}`);
      finding.fixes.forEach((fix, j) => {
        const path = join(OUT, dirname(rel), `${basename(rel, ext)}.f${i}x${j}${ext}`);
        const fixed = applyEdits(original, fix.edits);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, fixed);
        const starts = fix.edits.map((e) => e.offset[0]);
        const ends = fix.edits.map((e) => e.offset[1]);
        variants.push({
          fixture: rel.split(sep).join('/'),
          finding,
          title: fix.title,
          path,
          original,
          fixed,
          editSpan: [Math.min(...starts), Math.max(...ends)],
        });
      });
    });
  }
});

describe('fix convergence', () => {
  it('offers a fix (besides suppression) for every lost-update, check-then-act and unbounded-concurrency finding', () => {
    expect(variants.length).toBeGreaterThan(150);
    expect(unfixable.sort()).toEqual(Object.keys(NO_SAFE_FIX).sort());
  });

  it('every fixed file parses, and re-analysis drops the finding and adds none', () => {
    const problems: string[] = [];
    for (const v of variants) {
      const name = `${v.fixture} [${v.finding.ruleId}@${v.finding.range.start.line}] ${v.title}`;
      const after = analyze(v.fixed, v.path, { config: LOW });
      if (after.parseError) {
        problems.push(`${name}: does not parse: ${after.parseError.message}`);
        continue;
      }
      const before = counts(analyze(v.original, v.path, { config: LOW }).findings);
      const now = counts(after.findings);
      const fixedKey = `${v.finding.ruleId} ${v.finding.location ?? ''}`;
      if ((now.get(fixedKey) ?? 0) >= (before.get(fixedKey) ?? 0)) problems.push(`${name}: the finding is still reported`);
      for (const [k, n] of now) if (n > (before.get(k) ?? 0)) problems.push(`${name}: new finding ${k}`);
    }
    expect(problems).toEqual([]);
  });

  it('leaves the text outside the edited span unchanged', () => {
    for (const v of variants) {
      const [start, end] = v.editSpan;
      expect(v.fixed.startsWith(v.original.slice(0, start)), `${v.fixture}: ${v.title}`).toBe(true);
      expect(v.fixed.endsWith(v.original.slice(end)), `${v.fixture}: ${v.title}`).toBe(true);
    }
  });

  it('every fixed file type-checks (tsc over the whole fixed copy, checkJs for JavaScript)', () => {
    const tsc = join(ROOT, 'node_modules', 'typescript', 'lib', 'tsc.js');
    const run = spawnSync(process.execPath, [tsc, '-p', OUT, '--pretty', 'false'], { encoding: 'utf8', timeout: 240_000 });
    const errors = (run.stdout + run.stderr).split('\n').filter((l) => l.includes('error TS'));
    expect(errors).toEqual([]);
    expect(run.status).toBe(0);
  }, 300_000);
});

describe('fixed text, for review', () => {
  const SHOWCASE = [
    'lost-update/racy/account-withdraw-stale-balance.ts',
    'lost-update/racy/backup-promise-all-captured-total.ts',
    'lost-update/racy/static-request-metrics.ts',
    'lost-update/racy/import-progress-foreach-async.js',
    'check-then-act/racy/oauth-token-refresher.ts',
    'check-then-act/racy/schema-registry-coalesce-await.ts',
    'unbounded-concurrency/racy/orders-nested-fanout.ts',
  ];
  it.each(SHOWCASE)('%s', async (fixture) => {
    const shown = variants.filter((v) => v.fixture === fixture && !v.title.startsWith('Disable '));
    expect(shown.length).toBeGreaterThan(0);
    const text = shown.map((v) => `// ==== ${v.finding.ruleId} line ${v.finding.range.start.line}: ${v.title}\n${v.fixed}`).join('\n');
    await expect(text).toMatchFileSnapshot(join(ROOT, 'test', 'fixes', '__snapshots__', fixture.replace(/\//g, '__') + '.txt'));
  });
});
