import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CreatedFile } from '../engine/index.js';

const TEMPLATE_FILES: Record<CreatedFile['template'], string> = {
  'runtime-ts': 'awaitguard-lock.ts',
  'runtime-js': 'awaitguard-lock.js',
  'runtime-cjs': 'awaitguard-lock.cjs',
  'runtime-dts': 'awaitguard-lock.d.ts',
  'runtime-dcts': 'awaitguard-lock.d.cts',
};

/**
 * The text of a runtime copy a fix vendors. The copies ship in dist/runtime/vendor next to the bundles;
 * in a checkout they also sit in src/runtime/vendor.
 */
export function readTemplate(template: CreatedFile['template']): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const name = TEMPLATE_FILES[template];
  const dirs = [
    path.join(here, 'runtime', 'vendor'),
    path.join(here, '..', 'dist', 'runtime', 'vendor'),
    path.join(here, '..', 'src', 'runtime', 'vendor'),
    path.join(here, '..', 'runtime', 'vendor'),
  ];
  for (const dir of dirs) {
    const p = path.join(dir, name);
    if (existsSync(p)) return readFileSync(p, 'utf8');
  }
  throw new Error(`the runtime copy ${name} is missing from the awaitguard package`);
}
