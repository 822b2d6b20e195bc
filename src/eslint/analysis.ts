import type { RuleContext } from '@typescript-eslint/utils/ts-eslint';
import { conventionalFileKind, type Finding } from '../engine/index.js';
import { analyzeWithFixes } from '../fixes/index.js';
import path from 'node:path';
import { resolveSettings } from './settings.js';

type AnyContext = Readonly<RuleContext<string, readonly unknown[]>>;

/**
 * Findings per file, keyed by ESLint's SourceCode (one per file and lint run) and then by the settings:
 * the five rules of a file share one analysis instead of running the engine five times.
 */
const cache = new WeakMap<object, Map<string, readonly Finding[]>>();

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
    const kind = conventionalFileKind(rel.startsWith('..') || path.isAbsolute(rel) ? path.basename(context.filename) : rel);
    findings = analyzeWithFixes(source.text, context.filename, { ast: source.ast, config: settings.config, fix: settings.fix, kind }).findings;
    bySettings.set(settings.key, findings);
  }
  return findings;
}
