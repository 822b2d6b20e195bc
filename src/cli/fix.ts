import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { CreatedFile } from '../engine/index.js';
import { readTemplate } from '../shared/vendorTemplates.js';

/** Writes the vendored runtime copies a fix imports, unless the file exists already. Returns the paths written. */
export function createVendoredFiles(files: readonly CreatedFile[]): string[] {
  const written: string[] = [];
  for (const f of files) {
    if (existsSync(f.path)) continue;
    mkdirSync(path.dirname(f.path), { recursive: true });
    writeFileSync(f.path, readTemplate(f.template));
    written.push(f.path);
  }
  return written;
}

/** The folder `vendorPath` is relative to: the config's folder, else the nearest package.json's, else cwd. */
export function projectRoot(cwd: string, configFile: string | undefined, configDir: string): string {
  if (configFile) return configDir;
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return cwd;
  }
}

