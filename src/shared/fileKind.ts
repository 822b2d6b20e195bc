import path from 'node:path';
import { conventionalFileKind, FILE_KINDS, generatedByContent, generatedByPath, type AwaitguardConfig, type FileKind, type GeneratedReason } from '../engine/index.js';
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

/** A file's kind, and when it is `generated` by awaitguard's own judgement, why. */
export interface FileClass {
  kind: FileKind;
  generated?: GeneratedReason;
}

/**
 * `text`, when the caller has it, lets generated code and checked-in build output be told apart by content (see
 * `generatedByContent`). `includeGenerated` (the config key, `--include-generated`, a file named on the command
 * line) classifies such files by the other conventions instead; the project's own `fileKinds` globs always win.
 */
export function classifyFile(file: string, root: string, config: AwaitguardConfig, text?: string, includeGenerated = config.includeGenerated === true): FileClass {
  const rel = path.relative(root, file).split(path.sep).join('/');
  // Outside the root (another drive, a path that climbs out): conventions on the name alone.
  const inside = rel !== '' && !rel.startsWith('../') && !path.isAbsolute(rel) ? rel : path.basename(file);
  for (const [kind, matches] of matchers(config)) if (matches(inside)) return { kind };
  if (!includeGenerated) {
    const generated = generatedByPath(inside) ?? (text !== undefined ? generatedByContent(file, text) : null);
    if (generated) return { kind: 'generated', generated };
  }
  return { kind: conventionalFileKind(inside, { generated: false }) };
}

export function fileKindOf(file: string, root: string, config: AwaitguardConfig, text?: string, includeGenerated?: boolean): FileKind {
  return classifyFile(file, root, config, text, includeGenerated).kind;
}

/** Why a file is not analysed as generated code: awaitguard's judgement, or the project's `fileKinds` globs. */
export type SkipReason = GeneratedReason | 'fileKinds';

/** The reason a file of this class is skipped as generated, unless `rulesByKind.generated` turns rules on there. */
export function skippedAsGenerated(c: FileClass, config: AwaitguardConfig): SkipReason | undefined {
  if (c.kind !== 'generated' || config.rulesByKind?.generated) return undefined;
  return c.generated ?? 'fileKinds';
}

/** Why a file was taken for generated code, as a sentence's start for a user. */
export const GENERATED_WHY: Readonly<Record<SkipReason, string>> = {
  fileKinds: "generated code (the project's fileKinds say so)",
  'package manager': "a package manager's own bundle",
  vendored: 'vendored code (a vendor or third-party folder)',
  'versioned docs': "a documentation site's frozen copy of its docs for an older release (versioned_docs)",
  'build output folder': "a build's output folder",
  'minified name': 'a minified or bundled file, by its name',
  'source map': 'build output (it ends with a source map comment)',
  minified: 'minified code',
  compiled: 'build output (a compiler\'s CommonJS: it declares `__esModule` and its exports `void 0`)',
  bundled: "a bundle (it opens with a bundler's module helpers: esbuild's and Bun's `__defProp`, `__export`; webpack's bootstrap)",
  'generated marker': 'generated code (its header says so)',
};
