// ESLint plugin: the engine's rules for teams that already lint (flat config).
//
//   import awaitguard from 'awaitguard/eslint-plugin';
//   export default [awaitguard.configs.recommended];
//
// Each rule reports the engine's findings for its id, from one analysis per file on the tree ESLint parsed;
// quick fixes come as suggestions (editor light bulb), never as `--fix` autofixes. See docs/eslint.md.
import type { Linter, Rule } from 'eslint';
import { version } from '../../package.json';
import { ALL_RULES, type RuleId } from '../engine/index.js';
import { engineRule } from './engineRule.js';

/** The rules with typescript-eslint's types (the plugin object carries them typed for ESLint), one per engine rule. */
export const rules = Object.fromEntries(ALL_RULES.map((r) => [r.meta.id, engineRule(r.meta)])) as Record<RuleId, ReturnType<typeof engineRule>>;

const plugin = {
  meta: { name: 'awaitguard', version },
  // typescript-eslint's rule type and ESLint's differ only in the context's typing; ESLint's is what users'
  // typed eslint.config.ts files expect of a plugin (see types/eslint-plugin.d.ts).
  rules: rules as unknown as Record<RuleId, Rule.RuleModule>,
  configs: {} as { recommended: Linter.Config },
};

// ESLint has no info level: the engine's error stays an error, its warning and info become warnings.
plugin.configs.recommended = {
  name: 'awaitguard/recommended',
  plugins: { awaitguard: plugin },
  rules: Object.fromEntries(
    ALL_RULES.map((r) => [`awaitguard/${r.meta.id}`, r.meta.defaultSeverity === 'error' ? 'error' : 'warn']),
  ),
};

export default plugin;
