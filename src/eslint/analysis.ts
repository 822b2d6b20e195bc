import type { RuleContext } from '@typescript-eslint/utils/ts-eslint';
import { conventionalFileKind, isBuildOutput, type Finding } from '../engine/index.js';
import { analyzeWithFixes } from '../fixes/index.js';
import path from 'node:path';
import { DiskProject } from '../shared/projectHost.js';
import { resolveSettings } from './settings.js';

type AnyContext = Readonly<RuleContext<string, readonly unknown[]>>;

/**
 * Findings per file, keyed by ESLint's SourceCode (one per file and lint run) and then by the settings:
 * the rules of a file share one analysis instead of running the engine once per rule.
 */
const cache = new WeakMap<object, Map<string, readonly Finding[]>>();

/**
 * The modules linted files import, read from disk when a call needs what an imported function does, and read
 * again when they change (ESLint in an editor lives long). ESLint's own `--cache` does not know of this
 * dependency: a cached file is not linted again when only a module it imports changed.
 */
let project: DiskProject | undefined;

/**
 * The engine's findings for the file being linted, with fixes written as `settings.awaitguard.fix` asks.
 * The engine works on the tree ESLint has parsed (typescript-eslint's parser or espree), never parsing again.
 */
export function findingsFor(context: AnyContext): readonly Finding[] {
  const settings = resolveSettings(context.settings);
  const source = context.sourceCode;
  let bySettings = cache.get(source);
  if (!bySettings) {
    bySettings = new Map();
    cache.set(source, bySettings);
  }
  let findings = bySettings.get(settings.key);
  if (!findings) {
    // Where the code lives, by the CLI's path conventions under ESLint's cwd: a fan-out in a test is not
    // reported. Other folders are ESLint's to configure, with a `files` block.
    const rel = path.relative(context.cwd, context.filename);
    const kind = isBuildOutput(context.filename, source.text) ? 'generated' : conventionalFileKind(rel.startsWith('..') || path.isAbsolute(rel) ? path.basename(context.filename) : rel);
    // Parsed by typescript-estree, which ESLint with typescript-eslint has loaded already.
    project ??= new DiskProject(undefined, { revalidate: true });
    // Imports resolve from the file's real place.
    const file = path.resolve(context.cwd, context.filename);
    findings = analyzeWithFixes(source.text, file, { ast: source.ast, config: settings.config, fix: settings.fix, kind, project, eslintDirectives: false }).findings;
    bySettings.set(settings.key, findings);
  }
  return findings;
}
