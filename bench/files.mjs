// The files a benchmark measures: the selection of isSupportedFile() in src/engine/parse.ts, found the way
// discovery does it (node_modules and .git skipped). Shared by parse-only.mjs and ci.mjs.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export const SUPPORTED = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

export function isSupportedFile(name) {
  const lower = name.toLowerCase();
  if (lower.endsWith('.d.ts') || lower.endsWith('.d.mts') || lower.endsWith('.d.cts')) return false;
  return SUPPORTED.some((ext) => lower.endsWith(ext));
}

export function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, out);
    else if (entry.isFile() && isSupportedFile(entry.name)) out.push(full);
  }
  return out;
}
