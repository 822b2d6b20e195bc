import path from 'node:path';
import { conventionalFileKind, FILE_KINDS, isBuildOutput, type AwaitguardConfig, type FileKind } from '../engine/index.js';
import { compileGlob } from './glob.js';

/*
 * The kind of a file (source, test, benchmark, script, generated) as every front end decides it: the project's `fileKinds`
 * globs first, then the path conventions, both on the path relative to the project root (a checkout that sits
 * under some `tests/` folder is not all test code).
 */
const compiled = new WeakMap<AwaitguardConfig, [FileKind, (p: string) => boolean][]>();

function matchers(config: AwaitguardConfig): [FileKind, (p: string) => boolean][] {
  let list = compiled.get(config);
  if (!list) {
    list = FILE_KINDS.flatMap((kind) => (config.fileKinds?.[kind] ?? []).map((g) => [kind, compileGlob(g, { dot: true })] as [FileKind, (p: string) => boolean]));
    compiled.set(config, list);
  }
  return list;
}

/** `text`, when the caller has it, lets checked-in build output (see `isBuildOutput`) be told apart. */
export function fileKindOf(file: string, root: string, config: AwaitguardConfig, text?: string): FileKind {
  const rel = path.relative(root, file).split(path.sep).join('/');
  // Outside the root (another drive, a path that climbs out): conventions on the name alone.
  const inside = rel !== '' && !rel.startsWith('../') && !path.isAbsolute(rel) ? rel : path.basename(file);
  for (const [kind, matches] of matchers(config)) if (matches(inside)) return kind;
  if (text !== undefined && isBuildOutput(file, text)) return 'generated';
  return conventionalFileKind(inside);
}
