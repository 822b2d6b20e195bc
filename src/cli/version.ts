import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ancestors } from '../shared/paths.js';

let cached: string | undefined;

/**
 * The version in awaitguard's own package.json, read at run time: the bundle sits in `dist/`, the source in
 * `src/cli/`, so walk up from this module to the first package.json named `awaitguard`.
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

let build: string | undefined;

/**
 * The version plus a hash of the running code, so a cache written by another build (a local change, a
 * prerelease with the same version number) is never trusted.
 */
export function buildId(): string {
  if (build !== undefined) return build;
  let code: string;
  try {
    code = createHash('sha1').update(readFileSync(fileURLToPath(import.meta.url))).digest('base64url');
  } catch {
    code = 'unknown';
  }
  build = `${packageVersion()}+${code}`;
  return build;
}
