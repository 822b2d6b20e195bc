// ESLint plugin: the engine's rules for teams that already lint (flat config).
//
//   import awaitguard from 'awaitguard/eslint-plugin';
//   export default [awaitguard.configs.recommended];
//
// Each rule reports the engine's findings for its id; quick fixes come as suggestions (editor light bulb),
// never as `--fix` autofixes, and import the runtime from `awaitguard/runtime` so no file has to be created.
import type { Rule } from 'eslint';
import { ALL_RULES, docsUrl, type Finding, type RuleId } from '../engine/index.js';
import { analyzeWithFixes } from '../fixes/index.js';

const cache = new WeakMap<object, Finding[]>();

/** One analysis per file, shared by the five rules (keyed by ESLint's SourceCode object). */
function findingsFor(context: Rule.RuleContext): Finding[] {
  const source = context.sourceCode;
  let findings = cache.get(source);
  if (!findings) {
    // Every rule on, at its default severity: ESLint decides which ones are reported and how.
    findings = analyzeWithFixes(source.text, context.filename, { fix: { runtime: 'package' } }).findings;
    cache.set(source, findings);
  }
  return findings;
}

function makeRule(id: RuleId): Rule.RuleModule {
  const meta = ALL_RULES.find((r) => r.meta.id === id)!.meta;
  return {
    meta: {
      type: 'problem',
      docs: { description: meta.shortDescription, url: docsUrl(meta), recommended: true },
      hasSuggestions: true,
      schema: [],
      messages: {},
    },
    create(context) {
      return {
        'Program:exit'() {
          const source = context.sourceCode;
          for (const finding of findingsFor(context)) {
            if (finding.ruleId !== id) continue;
            const suggest = finding.fixes
              .filter((f) => !f.createFiles || f.createFiles.length === 0)
              .map((f) => ({
                desc: f.title,
                fix: (fixer: Rule.RuleFixer) => f.edits.map((e) => fixer.replaceTextRange(e.offset, e.text)),
              }));
            context.report({
              loc: {
                start: source.getLocFromIndex(finding.range.offset[0]),
                end: source.getLocFromIndex(finding.range.offset[1]),
              },
              message: finding.message,
              suggest,
            });
          }
        },
      };
    },
  };
}

const rules = Object.fromEntries(ALL_RULES.map((r) => [r.meta.id, makeRule(r.meta.id)])) as Record<RuleId, Rule.RuleModule>;

const plugin = {
  meta: { name: 'awaitguard' },
  rules,
  configs: {} as Record<string, unknown>,
};

plugin.configs.recommended = {
  name: 'awaitguard/recommended',
  plugins: { awaitguard: plugin },
  rules: Object.fromEntries(
    ALL_RULES.map((r) => [`awaitguard/${r.meta.id}`, r.meta.defaultSeverity === 'error' ? 'error' : 'warn']),
  ),
};

export default plugin;
