import { realpathSync } from 'node:fs';
import path from 'node:path';

/** `a\b` -> `a/b` on Windows; unchanged elsewhere. */
export function toPosix(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

/** A path as shown to the user: relative to `cwd` with forward slashes, or absolute when on another drive. */
export function displayPath(abs: string, cwd: string): string {
  const rel = path.relative(cwd, abs);
  if (rel === '') return '.';
  return toPosix(rel);
}

/** True when `child` is `parent` or lies inside it. */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** `parent` and every folder above it, nearest first, up to the filesystem root. */
export function* ancestors(dir: string): Generator<string> {
  let current = path.resolve(dir);
  for (;;) {
    yield current;
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

/** The real path of `p`: its nearest existing ancestor resolved through links, then the rest as written. */
export function realPathOf(p: string): string {
  const rest: string[] = [];
  for (let dir = path.resolve(p); ; dir = path.dirname(dir)) {
    try {
      return path.join(realpathSync(dir), ...rest.reverse());
    } catch {
      // Not there (yet): resolve its folder instead.
    }
    if (path.dirname(dir) === dir) return path.join(dir, ...rest.reverse());
    rest.push(path.basename(dir));
  }
}

/** Does a file created at `target` stay inside `root` once every link on the way is followed? */
export function landsInside(target: string, root: string): boolean {
  return isInside(realPathOf(path.dirname(target)), realPathOf(root));
}
