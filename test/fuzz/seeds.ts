// The fuzzer's seed corpus: the repository's own fixtures and examples. They hold real races, so mutated
// cases still have findings and fixes apply to them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Seed {
  /** Path relative to the repository root, with forward slashes. */
  rel: string;
  ext: string;
  text: string;
}

const EXTENSIONS = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']);

export const SEED_FOLDERS = ['test/fixtures', 'examples'];

/** Every analysable source file under the seed folders, sorted by path (so an index means the same file). */
export function loadSeeds(root: string, folders: readonly string[] = SEED_FOLDERS): Seed[] {
  const seeds: Seed[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      if (statSync(abs).isDirectory()) {
        if (name !== 'node_modules') walk(abs);
        continue;
      }
      const ext = extensionOf(name);
      if (!EXTENSIONS.has(ext) || /\.d\.[mc]?ts$/.test(name)) continue;
      seeds.push({ rel: path.relative(root, abs).split(path.sep).join('/'), ext, text: readFileSync(abs, 'utf8') });
    }
  };
  for (const folder of folders) walk(path.join(root, folder));
  return seeds;
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot).toLowerCase();
}

export const isTypeScript = (ext: string): boolean => /^\.[mc]?tsx?$/.test(ext);
/** Both parsers accept JSX in .tsx and in every JavaScript flavour. */
export const allowsJsx = (ext: string): boolean => ext === '.tsx' || !isTypeScript(ext);
