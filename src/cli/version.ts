import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { packageVersion } from '../shared/version.js';

export { packageVersion };

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
