import { readFileSync } from 'node:fs';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { ALL_RULES, docsUrl, RULE_IDS } from '../../src/engine/index.js';
import plugin, { rules as tsRules } from '../../src/eslint/index.js';
import { applySuggestion, lint as lintWith, type LintOptions } from './lint.js';

const RACY = `let n = 0;
export async function inc(): Promise<void> {
  const v = n;
  await Promise.resolve();
  n = v + 1;
}
`;

function lint(code: string, filename = 'x.ts'): Linter.LintMessage[] {
  const linter = new Linter({ configType: 'flat' });
  return linter.verify(
    code,
    [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser as Linter.Parser } }, plugin.configs.recommended as Linter.Config],
    filename,
  );
}

describe('eslint plugin', () => {
  it('reports the engine finding under the rule id, at the write', () => {
    const messages = lint(RACY);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ ruleId: 'awaitguard/lost-update', messageId: 'lostUpdate', severity: 2, line: 5, column: 3 });
    expect(messages[0]!.message).toContain('`n` is read on line 3');
  });

  it('offers the lock fix as a suggestion that imports awaitguard/runtime', () => {
    const [message] = lint(RACY);
    const guard = message!.suggestions!.find((s) => s.desc.startsWith('Guard `n` with a Lock (try/finally)'))!;
    expect(guard).toBeDefined();
    expect(guard.messageId).toBe('guardWithLock');
    const fixed = RACY.slice(0, guard.fix.range[0]) + guard.fix.text + RACY.slice(guard.fix.range[1]);
    expect(fixed).toContain("import { Lock } from 'awaitguard/runtime';");
    expect(fixed).toContain('await nLock.acquire();');
    // ESLint merges a suggestion's edits into one; the result is clean for the plugin too.
    expect(lint(fixed)).toEqual([]);
  });

  it('leaves the awaitguard-disable fix to eslint-disable comments', () => {
    const [message] = lint(RACY);
    expect(message!.suggestions!.length).toBeGreaterThan(0);
    expect(message!.suggestions!.map((s) => s.desc).filter((d) => /disable/i.test(d))).toEqual([]);
  });

  it('honours eslint-disable comments and awaitguard-disable directives alike', () => {
    expect(lint(RACY.replace('  n = v + 1;', '  // eslint-disable-next-line awaitguard/lost-update\n  n = v + 1;'))).toEqual([]);
    expect(lint(RACY.replace('  n = v + 1;', '  // awaitguard-disable-next-line lost-update\n  n = v + 1;'))).toEqual([]);
  });

  it("leaves eslint-disable comments to ESLint, so its unused-directive report counts them as used", () => {
    const code = RACY.replace('  n = v + 1;', '  // eslint-disable-next-line awaitguard/lost-update\n  n = v + 1;');
    const config = [
      { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser as Linter.Parser }, linterOptions: { reportUnusedDisableDirectives: 'error' as const } },
      plugin.configs.recommended as Linter.Config,
    ];
    expect(new Linter({ configType: 'flat' }).verify(code, config, 'x.ts')).toEqual([]);
    // And one that suppresses nothing is reported by ESLint.
    const idle = RACY.replace('  const v = n;', '  // eslint-disable-next-line awaitguard/lost-update\n  const v = n;');
    const messages = new Linter({ configType: 'flat' }).verify(idle, config, 'x.ts');
    expect(messages.map((m) => m.ruleId ?? m.message)).toEqual([expect.stringMatching(/Unused eslint-disable directive/), 'awaitguard/lost-update']);
  });

  it('stays quiet on safe code and honours ESLint severities', () => {
    expect(lint('let n = 0;\nexport async function inc(): Promise<void> {\n  await Promise.resolve();\n  n = n + 1;\n}\n')).toEqual([]);
    const linter = new Linter({ configType: 'flat' });
    const off = linter.verify(
      RACY,
      [
        { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser as Linter.Parser } },
        plugin.configs.recommended as Linter.Config,
        { rules: { 'awaitguard/lost-update': 'off' } },
      ],
      'x.ts',
    );
    expect(off).toEqual([]);
  });

  it('exposes every rule with docs', () => {
    expect(Object.keys(plugin.rules)).toEqual(RULE_IDS);
    for (const rule of Object.values(plugin.rules)) expect(rule.meta?.docs?.url).toMatch(/docs\/rules\/[a-z-]+\.md$/);
  });
});

describe('plugin shape', () => {
  it('names itself with the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(plugin.meta).toEqual({ name: 'awaitguard', version: pkg.version });
  });

  it.each(ALL_RULES.map((r) => [r.meta.id, r.meta] as const))('%s carries the engine rule meta', (id, meta) => {
    const rule = tsRules[id];
    expect(rule.name).toBe(id);
    expect(rule.meta.type).toBe('problem');
    expect(rule.meta.schema).toEqual([]);
    expect(rule.meta.defaultOptions).toEqual([]);
    expect(rule.meta.docs).toEqual({ description: meta.shortDescription, recommended: true, url: docsUrl(meta) });
    const messages = Object.keys(rule.meta.messages);
    // One message for the finding; the rest are suggestions, and only a rule with some says it has them.
    expect(rule.meta.hasSuggestions === true).toBe(messages.length > 1);
  });

  it('has a recommended flat config: every rule, error where the engine defaults to error, warn otherwise', () => {
    const recommended = plugin.configs.recommended;
    expect(recommended.name).toBe('awaitguard/recommended');
    expect(recommended.plugins?.awaitguard).toBe(plugin);
    expect(recommended.rules).toEqual(
      Object.fromEntries(ALL_RULES.map((r) => [`awaitguard/${r.meta.id}`, r.meta.defaultSeverity === 'error' ? 'error' : 'warn'])),
    );
    expect(Object.values(recommended.rules ?? {})).toContain('warn');
  });
});

describe('espree, for plain JavaScript', () => {
  const JS = RACY.replace('(): Promise<void>', '()');

  it('reports and fixes a .js file with no parser configured', () => {
    const linter = new Linter({ configType: 'flat' });
    const messages = linter.verify(JS, [plugin.configs.recommended as Linter.Config], 'x.js');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ ruleId: 'awaitguard/lost-update', line: 5, column: 3 });
    const fixed = applySuggestion(JS, messages[0]!.suggestions![0]!);
    expect(fixed).toContain("import { Lock } from 'awaitguard/runtime';");
    expect(linter.verify(fixed, [plugin.configs.recommended as Linter.Config], 'x.js')).toEqual([]);
  });

  it('writes require() in a CommonJS file', () => {
    const cjs = JS.replace('export async function', 'async function') + 'module.exports = { inc };\n';
    const [message] = lintWith(cjs, 'x.cjs', { parser: 'espree' });
    const fixed = applySuggestion(cjs, message!.suggestions![0]!);
    expect(fixed).toContain("const { Lock } = require('awaitguard/runtime');");
    expect(lintWith(fixed, 'x.cjs', { parser: 'espree' })).toEqual([]);
  });
});

describe('settings.awaitguard', () => {
  const lintSettings = (code: string, awaitguard: unknown, options: LintOptions = {}): Linter.LintMessage[] =>
    lintWith(code, 'x.ts', { ...options, settings: { awaitguard } });

  it('lockClasses: instances of the named classes are locks', () => {
    const code = `declare class KeyedQueue { acquire(): Promise<void>; release(): void }
const q = new KeyedQueue();
let x = 0;
export async function g(): Promise<void> {
  await q.acquire();
  try {
    const v = x;
    await Promise.resolve();
    x = v + 1;
  } finally {
    q.release();
  }
}
`;
    expect(lintSettings(code, {}).map((m) => m.ruleId)).toEqual(['awaitguard/lost-update']);
    expect(lintSettings(code, { lockClasses: ['KeyedQueue'] })).toEqual([]);
  });

  it('fix.runtime async-mutex: the lock is a Mutex from async-mutex', () => {
    const [message] = lintSettings(RACY, { fix: { runtime: 'async-mutex' } });
    const fixed = applySuggestion(RACY, message!.suggestions![0]!);
    expect(fixed).toContain("import { Mutex } from 'async-mutex';");
    expect(fixed).not.toContain('awaitguard/runtime');
    expect(lintSettings(fixed, { fix: { runtime: 'async-mutex' } })).toEqual([]);
  });

  it('fix.lockStyle puts the chosen style first', () => {
    const [message] = lintSettings(RACY, { fix: { lockStyle: 'runExclusive' } });
    expect(message!.suggestions![0]!.desc).toBe('Guard `n` with a Lock (runExclusive)');
    const [usingFirst] = lintSettings(RACY, { fix: { lockStyle: 'await-using' } });
    expect(usingFirst!.suggestions![0]!.desc).toBe('Guard `n` with a Lock (await using)');
  });

  it('a fan-out in test code is not reported, by the path conventions', () => {
    const code = 'export async function all(ids: string[]): Promise<void> {\n  await Promise.all(ids.map(async (id) => fetch(id)));\n}\n';
    const ruleIds = (file: string, awaitguard: unknown = {}): string[] => lintWith(code, file, { settings: { awaitguard } }).map((m) => m.ruleId ?? '');
    expect(ruleIds('src/all.ts')).toEqual(['awaitguard/unbounded-concurrency']);
    expect(ruleIds('test/all.ts')).toEqual([]);
    expect(ruleIds('src/all.test.ts')).toEqual([]);
    expect(ruleIds('bench/all.ts')).toEqual([]);
  });

  it('minConfidence: medium by default, as in the CLI; "high" hides what a caller passes', () => {
    const code = 'export async function all(ids: string[]): Promise<void> {\n  await Promise.all(ids.map(async (id) => fetch(id)));\n}\n';
    expect(lintSettings(code, {}).map((m) => m.ruleId)).toEqual(['awaitguard/unbounded-concurrency']);
    expect(lintSettings(code, { minConfidence: 'high' })).toEqual([]);
  });

  it('fix.semaphorePermits sizes the Semaphore', () => {
    const code = 'export async function all(ids: string[]): Promise<void> {\n  await Promise.all(ids.map(async (id) => fetch(id)));\n}\n';
    const [message] = lintSettings(code, { fix: { semaphorePermits: 3 } });
    expect(message!.ruleId).toBe('awaitguard/unbounded-concurrency');
    expect(message!.suggestions!.map((s) => [s.messageId, s.desc])).toEqual([['limitWithSemaphore', 'Limit concurrency with a Semaphore(3)']]);
  });

  it.each([
    [{ fix: { runtime: 'vendor' } }, /settings\.awaitguard\.fix\.runtime must be one of "package", "async-mutex", got "vendor"/],
    [{ fix: { lockStyle: 'mutex' } }, /settings\.awaitguard\.fix\.lockStyle must be one of "try-finally", "runExclusive", "await-using", got "mutex"/],
    [{ fix: { semaphorePermits: 0 } }, /settings\.awaitguard\.fix\.semaphorePermits must be a positive integer, got number 0/],
    [{ lockClasses: 'KeyedQueue' }, /settings\.awaitguard\.lockClasses must be an array of class names, got "KeyedQueue"/],
    [{ minConfidence: 'sure' }, /settings\.awaitguard: "minConfidence" must be one of low, medium, high, got "sure"/],
    [{ fileKinds: { test: ['t/**'] } }, /unknown setting settings\.awaitguard\.fileKinds/],
    [{ rules: {} }, /unknown setting settings\.awaitguard\.rules/],
    [{ fix: { vendorPath: 'src/lock.ts' } }, /unknown setting settings\.awaitguard\.fix\.vendorPath/],
    ['on', /settings\.awaitguard must be an object, got "on"/],
  ])('rejects %j, naming the setting', (awaitguard, pattern) => {
    expect(() => lintSettings(RACY, awaitguard)).toThrow(pattern);
  });
});
