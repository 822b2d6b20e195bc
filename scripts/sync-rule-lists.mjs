// Regenerates the lists of rules outside the engine (package.json's awaitguard.rules setting, the .d.ts RuleId,
// the README rule table) from the registry, src/engine/rules/index.ts, and each rule page's interleaving from its
// racy example. See test/ruleLists.ts.
//   node scripts/sync-rule-lists.mjs
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Inside the package, so the bundle's imports of dependencies resolve to node_modules.
mkdirSync(join(root, '.cache'), { recursive: true });
const dir = mkdtempSync(join(root, '.cache', 'rule-lists-'));
try {
  const outfile = join(dir, 'lists.mjs');
  await build({
    stdin: {
      contents: "export { RULE_LISTS, DOC_PAGES, syncDocTimeline } from './test/ruleLists.ts'; export { ALL_RULES } from './src/engine/index.ts';",
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    logLevel: 'error',
  });
  const { RULE_LISTS, DOC_PAGES, ALL_RULES, syncDocTimeline } = await import(pathToFileURL(outfile).href);
  const rules = ALL_RULES.map((r) => r.meta);
  // Each rule's page shows the interleaving of its racy example, as the tool tells it.
  const pages = rules.map((meta) => [meta.docsPath, (text) => syncDocTimeline(text, meta)]);
  for (const [rel, sync] of [...RULE_LISTS, ...pages, ...DOC_PAGES]) {
    const file = join(root, rel);
    const before = readFileSync(file, 'utf8');
    const after = sync(before, rules);
    if (after !== before) writeFileSync(file, after);
    console.log(`${after === before ? 'up to date' : 'updated   '}  ${rel}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
