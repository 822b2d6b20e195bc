import { CONFIDENCES } from './findings.js';
import { FILE_KINDS } from './fileKinds.js';
import type { RuleMeta } from './rules/meta.js';
import { FIX_DEFAULTS, LOCK_STYLES, RUNTIMES, SEVERITIES } from './settingsSchema.js';

/**
 * The JSON Schema of awaitguard.config.json (and of package.json's "awaitguard" key), built from the same data
 * `validateConfig` checks against, so an editor's completion and squiggles say what the CLI will say. VS Code
 * reads it through the extension's `jsonValidation`; scripts/sync-rule-lists.mjs writes it to
 * schemas/awaitguard.config.schema.json and a test keeps that file current.
 */
export function configJsonSchema(rules: readonly Pick<RuleMeta<string>, 'id' | 'shortDescription' | 'defaultSeverity'>[]): object {
  const severity = { type: 'string', enum: [...SEVERITIES] };
  const ruleSeverities = {
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(rules.map((r) => [r.id, { ...severity, description: `${r.shortDescription} Default: ${r.defaultSeverity}.` }])),
  };
  const globs = { type: 'array', items: { type: 'string' } };
  const byKind = (value: object, description: string) => ({
    type: 'object',
    description,
    additionalProperties: false,
    properties: Object.fromEntries(FILE_KINDS.map((k) => [k, value])),
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'awaitguard configuration',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      rules: { ...ruleSeverities, description: 'Severity per rule: off, info, warning or error.' },
      include: { ...globs, description: 'Globs of files to check, relative to this file; empty: every supported file.' },
      exclude: { ...globs, description: 'Globs of files to skip, on top of .gitignore and node_modules.' },
      lockClasses: { ...globs, description: 'More class names whose instances are locks (new KeyedMutex() -> KeyedMutex).' },
      fix: {
        type: 'object',
        description: 'How quick fixes and --fix write code.',
        additionalProperties: false,
        properties: {
          lockStyle: { type: 'string', enum: [...LOCK_STYLES], default: FIX_DEFAULTS.lockStyle },
          runtime: { type: 'string', enum: [...RUNTIMES], default: FIX_DEFAULTS.runtime },
          vendorPath: { type: 'string', default: FIX_DEFAULTS.vendorPath, pattern: '^(?![\\\\/]|[A-Za-z]:)(?!.*(^|[\\\\/])\\.\\.([\\\\/]|$)).+$', description: 'A relative path inside the project.' },
          semaphorePermits: { type: 'integer', minimum: 1, default: FIX_DEFAULTS.semaphorePermits },
        },
      },
      fileKinds: byKind(globs, 'Globs (relative to the project root) of files of each kind, checked before the path conventions.'),
      rulesByKind: byKind(ruleSeverities, 'Severity per rule in one kind of file, over the rule’s default for that kind.'),
      minConfidence: { type: 'string', enum: [...CONFIDENCES], default: 'medium', description: 'Findings below this confidence are not reported.' },
      includeGenerated: { type: 'boolean', default: false, description: 'Check generated, vendored and minified files too.' },
      generatorsSuspend: { type: 'boolean', default: true, description: 'Do generators that yield work to a runner give up control at yield?' },
      reportUnusedDisableDirectives: { ...severity, default: 'off', description: 'Report disable directives that suppress nothing, at this severity.' },
    },
  };
}
