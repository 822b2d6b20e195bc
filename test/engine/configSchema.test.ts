// schemas/awaitguard.config.schema.json (what VS Code checks awaitguard.config.json against) accepts exactly what
// validateConfig accepts, on every kind of mistake the validator names.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/engine/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas', 'awaitguard.config.schema.json'), 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { contributes: { jsonValidation: { fileMatch: string; url: string }[] }; files: string[] };

const accepted = (config: unknown): boolean => {
  try {
    validateConfig(config, 'a.json');
    return true;
  } catch {
    return false;
  }
};

const CASES: [string, unknown][] = [
  ['an empty config', {}],
  ['everything set', { $schema: './x.json', rules: { 'lost-update': 'error' }, include: ['src/**'], exclude: ['gen/**'], lockClasses: ['KeyedMutex'], fix: { lockStyle: 'runExclusive', runtime: 'package', vendorPath: 'lib/lock.ts', semaphorePermits: 4 }, fileKinds: { test: ['qa/**'] }, rulesByKind: { test: { 'unbounded-concurrency': 'warning' } }, minConfidence: 'low', includeGenerated: true, generatorsSuspend: false, reportUnusedDisableDirectives: 'warning' }],
  ['an unknown key', { colour: true }],
  ['an unknown rule', { rules: { 'lost-updates': 'off' } }],
  ['a bad severity', { rules: { 'lost-update': 'warn' } }],
  ['globs that are not strings', { include: [1] }],
  ['an unknown fix key', { fix: { style: 'x' } }],
  ['a bad lock style', { fix: { lockStyle: 'mutex' } }],
  ['a vendor path out of the project', { fix: { vendorPath: '../lock.ts' } }],
  ['an absolute vendor path', { fix: { vendorPath: '/tmp/lock.ts' } }],
  ['zero permits', { fix: { semaphorePermits: 0 } }],
  ['an unknown file kind', { fileKinds: { tests: ['x'] } }],
  ['a bad confidence', { minConfidence: 'certain' }],
  ['a non-boolean flag', { includeGenerated: 'yes' }],
  ['a bad directive severity', { reportUnusedDisableDirectives: 'warn' }],
  ['not an object', []],
];

describe('the config JSON schema', () => {
  it.each(CASES)('agrees with validateConfig on %s', (_, config) => {
    expect(validate(config)).toBe(accepted(config));
  });

  it('is contributed to VS Code for awaitguard.config.json and shipped in the package', () => {
    expect(pkg.contributes.jsonValidation).toEqual([{ fileMatch: 'awaitguard.config.json', url: './schemas/awaitguard.config.schema.json' }]);
    expect(pkg.files).toContain('schemas');
    expect(readFileSync(path.join(ROOT, '.vscodeignore'), 'utf8')).toContain('!schemas/*.json');
  });
});
