// The lists of rules outside the engine that users see: the `awaitguard.rules` setting in package.json, the
// RuleId of types/eslint-plugin.d.ts and the README's rule table. They are generated from the registry:
// `node scripts/sync-rule-lists.mjs` rewrites them, and test/engine/registry.test.ts fails when they are stale.
// A rule's wording in a list is kept once written; a new rule starts with its shortDescription.
import { configJsonSchema, docsUrl, type RuleMeta } from '../src/engine/index.js';

const SEVERITIES = ['off', 'info', 'warning', 'error'];
const SEVERITY_DESCRIPTIONS = [
  'Not reported.',
  'Reported as information (blue squiggle, not counted as a problem by CI).',
  'Reported as a warning.',
  'Reported as an error.',
];

interface SettingEntry {
  markdownDescription?: string;
}

/** package.json with one `awaitguard.rules` entry per rule, in registry order. */
export function syncPackageJson(text: string, rules: readonly RuleMeta<string>[]): string {
  const pkg = JSON.parse(text) as { contributes: { configuration: { properties: Record<string, { properties: Record<string, SettingEntry> }> } } };
  const setting = pkg.contributes.configuration.properties['awaitguard.rules']!;
  const old = setting.properties;
  setting.properties = Object.fromEntries(
    rules.map((meta) => {
      const said = old[meta.id]?.markdownDescription?.split(' Default: `')[0] ?? meta.shortDescription;
      const entry = {
        type: 'string',
        enum: SEVERITIES,
        enumDescriptions: SEVERITY_DESCRIPTIONS,
        markdownDescription: `${said} Default: \`${meta.defaultSeverity}\`. [Rule docs](${docsUrl(meta)})`,
      };
      return [meta.id, entry];
    }),
  );
  return JSON.stringify(pkg, null, 2) + '\n';
}

/** types/eslint-plugin.d.ts with RuleId naming the rules. */
export function syncDeclaration(text: string, rules: readonly RuleMeta<string>[]): string {
  const union = rules.map((meta) => `'${meta.id}'`).join(' | ');
  return replaceOnce(text, /^export type RuleId = [^;]*;$/m, `export type RuleId = ${union};`, 'types/eslint-plugin.d.ts: export type RuleId');
}

/** README.md with one row per rule in its rule table. */
export function syncReadme(text: string, rules: readonly RuleMeta<string>[]): string {
  const table = /^\| Rule \| Default \| Reports \|\n\| --- \| --- \| --- \|\n((?:\|.*\n)*)/m;
  const m = table.exec(text);
  if (!m) throw new Error('README.md: no "| Rule | Default | Reports |" table');
  const said = new Map<string, string>();
  for (const row of m[1]!.matchAll(/^\| \[([a-z-]+)\]\([^)]*\) \| \w+ \| (.*) \|$/gm)) said.set(row[1]!, row[2]!);
  const rows = rules.map((meta) => `| [${meta.id}](${meta.docsPath}) | ${meta.defaultSeverity} | ${said.get(meta.id) ?? meta.shortDescription} |\n`);
  return text.slice(0, m.index) + m[0].slice(0, m[0].length - m[1]!.length) + rows.join('') + text.slice(m.index + m[0].length);
}

function replaceOnce(text: string, pattern: RegExp, replacement: string, what: string): string {
  if (!pattern.test(text)) throw new Error(`${what} not found`);
  return text.replace(pattern, replacement);
}

/** Each generated file, relative to the package root, with the function that brings it up to date. */
export const RULE_LISTS: readonly (readonly [string, (text: string, rules: readonly RuleMeta<string>[]) => string])[] = [
  ['package.json', syncPackageJson],
  ['types/eslint-plugin.d.ts', syncDeclaration],
  ['README.md', syncReadme],
  ['schemas/awaitguard.config.schema.json', (_text, rules) => JSON.stringify(configJsonSchema(rules), null, 2) + '\n'],
];
