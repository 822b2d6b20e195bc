// The rule registry (src/engine/rules/index.ts) is the one list of rules: every place that names rules is
// derived from it or checked against it here. Each rule's doc page must show a racy example the rule reports
// and a safe one it does not: code blocks whose info string is `ts racy` / `ts safe` (or js) are run through
// the engine, so the docs cannot drift from what the rule does.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ALL_RULES, analyze, DEFAULT_CONFIG, docsUrl, RULE_IDS, type RuleMeta } from '../../src/engine/index.js';
import plugin from '../../src/eslint/index.js';
import { SUGGESTION_FOR_KIND } from '../../src/eslint/suggestions.js';
import { DOC_PAGES, RULE_LISTS, syncDocTimeline } from '../ruleLists.js';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (rel: string): string => readFileSync(join(ROOT, rel), 'utf8');

interface Example {
  kind: 'racy' | 'safe';
  lang: string;
  line: number;
  code: string;
}

/** The marked example blocks of a doc page: ```ts racy … ``` and ```ts safe … ```. */
function examples(markdown: string): Example[] {
  const found: Example[] = [];
  for (const m of markdown.matchAll(/^```(\w+) (racy|safe)[ \t]*\n([\s\S]*?)^```[ \t]*$/gm)) {
    found.push({ lang: m[1]!, kind: m[2] as Example['kind'], line: markdown.slice(0, m.index).split('\n').length, code: m[3]! });
  }
  return found;
}

const EXTENSION: Record<string, string> = { ts: 'ts', typescript: 'ts', js: 'js', javascript: 'js', tsx: 'tsx', jsx: 'jsx' };

describe.each(ALL_RULES.map((r) => [r.meta.id, r.meta] as const))('rule %s', (id, meta: RuleMeta) => {
  it('has its doc page at docs/rules/<id>.md', () => {
    expect(meta.docsPath).toBe(`docs/rules/${id}.md`);
    expect(existsSync(join(ROOT, meta.docsPath))).toBe(true);
    expect(read(meta.docsPath).split('\n')[0]).toBe(`# ${id}`);
  });

  const blocks = existsSync(join(ROOT, meta.docsPath)) ? examples(read(meta.docsPath)) : [];

  it('its page shows the interleaving the tool gives for its racy example (npm run sync-rules writes it)', () => {
    const text = read(meta.docsPath);
    expect(text).toContain('How it happens, step by step:');
    expect(syncDocTimeline(text, meta) === text, `${meta.docsPath}: the interleaving is stale: run npm run sync-rules`).toBe(true);
  });

  it('has a racy and a safe example on its doc page', () => {
    expect(blocks.filter((b) => b.kind === 'racy').length).toBeGreaterThan(0);
    expect(blocks.filter((b) => b.kind === 'safe').length).toBeGreaterThan(0);
  });

  it.each(blocks.map((b) => [`${b.kind} example on line ${b.line}`, b] as const))('%s', (_name, block) => {
    const ext = EXTENSION[block.lang];
    expect(ext, `unknown language "${block.lang}"`).toBeDefined();
    // A racy example is reported at some confidence (a rule whose findings are all low shows them on request);
    // a safe one is quiet at the confidence users see by default.
    const result = analyze(block.code, `example.${ext}`, block.kind === 'racy' ? { config: { ...DEFAULT_CONFIG, minConfidence: 'low' } } : {});
    expect(result.parseError).toBeUndefined();
    const reported = result.findings.filter((f) => f.ruleId === id);
    if (block.kind === 'racy') expect(reported.length, 'the racy example is reported').toBeGreaterThan(0);
    else expect(reported.map((f) => `${f.range.start.line}: ${f.message}`)).toEqual([]);
  });
});

describe('generated pages', () => {
  it.each(DOC_PAGES.map(([rel, sync]) => [rel, sync] as const))('%s is what node scripts/sync-rule-lists.mjs writes', (rel, sync) => {
    const text = read(rel);
    expect(sync(text) === text, `${rel} is stale: run npm run sync-rules`).toBe(true);
  });
});

describe('every list of rules is the registry', () => {
  const metas = ALL_RULES.map((r) => r.meta);

  it.each(RULE_LISTS.map(([rel, sync]) => [rel, sync] as const))('%s is what node scripts/sync-rule-lists.mjs writes', (rel, sync) => {
    const text = read(rel);
    expect(sync(text, metas) === text, `${rel} is stale: run npm run sync-rules`).toBe(true);
  });

  it('a new rule gets its setting, its RuleId member and its README row from its descriptor alone', () => {
    const added: RuleMeta<string> = { ...metas[0]!, id: 'new-rule', docsPath: 'docs/rules/new-rule.md', shortDescription: 'Something new.' };
    for (const [rel, sync] of RULE_LISTS) {
      const text = sync(read(rel), [...metas, added]);
      expect(text, rel).toContain('new-rule');
      expect(sync(text, metas), `${rel}: removing the rule again restores the file`).toBe(read(rel));
    }
  });

  it('docs/rules has a page for each rule and no other', () => {
    const pages = readdirSync(join(ROOT, 'docs', 'rules')).filter((f) => f.endsWith('.md'));
    expect(pages.map((p) => p.replace(/\.md$/, '')).sort()).toEqual([...RULE_IDS].sort());
  });

  it('package.json: the awaitguard.rules setting has one entry per rule, with its default and doc link', () => {
    const pkg = JSON.parse(read('package.json')) as {
      contributes: { configuration: { properties: Record<string, { properties?: Record<string, { enum: string[]; markdownDescription: string }> }> } };
    };
    const entries = pkg.contributes.configuration.properties['awaitguard.rules']!.properties!;
    expect(Object.keys(entries)).toEqual(RULE_IDS);
    for (const { meta } of ALL_RULES) {
      const entry = entries[meta.id]!;
      expect(entry.enum).toEqual(['off', 'info', 'warning', 'error']);
      expect(entry.markdownDescription).toContain(`Default: \`${meta.defaultSeverity}\`.`);
      expect(entry.markdownDescription).toContain(`[Rule docs](${docsUrl(meta)})`);
    }
  });

  it('types/eslint-plugin.d.ts: RuleId names exactly the rules', () => {
    const declared = /^export type RuleId =([^;]*);/m.exec(read('types/eslint-plugin.d.ts'));
    expect(declared).not.toBeNull();
    const ids = [...declared![1]!.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect(ids).toEqual(RULE_IDS);
  });

  it('README: the rule table lists each rule, its default and its page, in registry order', () => {
    const rows = [...read('README.md').matchAll(/^\| \[([a-z-]+)\]\(([^)]+)\) \| (\w+) \|/gm)];
    expect(rows.map((r) => [r[1], r[2], r[3]])).toEqual(ALL_RULES.map((r) => [r.meta.id, r.meta.docsPath, r.meta.defaultSeverity]));
  });

  it('the ESLint plugin has one rule per engine rule, linked to its page, with its messages', () => {
    expect(Object.keys(plugin.rules)).toEqual(RULE_IDS);
    for (const { meta } of ALL_RULES) {
      const rule = plugin.rules[meta.id];
      expect(rule.meta?.docs?.url).toBe(docsUrl(meta));
      const messages = Object.keys(rule.meta?.messages ?? {});
      expect(messages).toEqual([meta.messageId, ...meta.fixKinds.map((k) => SUGGESTION_FOR_KIND[k])]);
      expect(rule.meta?.hasSuggestions === true).toBe(meta.fixKinds.length > 0);
    }
    expect(plugin.configs.recommended.rules).toEqual(
      Object.fromEntries(ALL_RULES.map((r) => [`awaitguard/${r.meta.id}`, r.meta.defaultSeverity === 'error' ? 'error' : 'warn'])),
    );
  });
});
