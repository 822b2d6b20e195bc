import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ancestors } from './paths.js';

let cached: string | undefined;

/**
 * The version in awaitguard's own package.json, read at run time: the bundle sits in `dist/`, the source in
 * `src/shared/`, so walk up from this module to the first package.json named `awaitguard`.
 */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  cached = '0.0.0-unknown';
  for (const dir of ancestors(path.dirname(fileURLToPath(import.meta.url)))) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'awaitguard' && typeof pkg.version === 'string') {
        cached = pkg.version;
        break;
      }
    } catch {
      // no package.json here, or not ours: keep walking
    }
  }
  return cached;
}
