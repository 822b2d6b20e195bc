// Configuration: where it is found, what a bad one says, and that its settings reach the engine.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RACY, ensureBuilt, makeProject, removeProjects, runCli, writeFiles } from './helpers.js';

beforeAll(() => ensureBuilt(), 120_000);
afterAll(() => removeProjects());

/** Locks by a class name the engine cannot guess: only `lockClasses` makes `guard` a lock. */
const GATE = `declare class Gate { acquire(): Promise<void>; release(): void }
const guard = new Gate();
let total = 0;
export async function add(x: number) {
  await guard.acquire();
  const t = total;
  await Promise.resolve();
  total = t + x;
  guard.release();
}
`;

const OFF = JSON.stringify({ rules: { 'lost-update': 'off' } });

describe('finding the configuration', () => {
  it('uses awaitguard.config.json in the working folder', () => {
    const dir = makeProject({ 'awaitguard.config.json': OFF, 'racy.ts': RACY });
    expect(runCli(['check'], dir)).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('walks up from the working folder to the first folder with a config', () => {
    const dir = makeProject({ 'awaitguard.config.json': OFF, 'packages/app/src/racy.ts': RACY });
    expect(runCli(['check'], path.join(dir, 'packages', 'app'))).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('reads the "awaitguard" key of package.json, and skips package.json files without one', () => {
    const dir = makeProject({
      'package.json': JSON.stringify({ name: 'root', awaitguard: { rules: { 'lost-update': 'off' } } }),
      'packages/app/package.json': JSON.stringify({ name: 'app' }),
      'packages/app/racy.ts': RACY,
    });
    expect(runCli(['check'], path.join(dir, 'packages', 'app'))).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('the nearest config wins over one further up', () => {
    const dir = makeProject({
      'awaitguard.config.json': OFF,
      'app/package.json': JSON.stringify({ awaitguard: { rules: { 'lost-update': 'warning' } } }),
      'app/racy.ts': RACY,
    });
    const { code, stdout } = runCli(['check'], path.join(dir, 'app'));
    expect(code).toBe(0);
    expect(stdout).toMatch(/racy\.ts\n {2}5:3 +warning /);
  });

  it('--config FILE replaces the search; a package.json there is read by its key', () => {
    const dir = makeProject({
      'awaitguard.config.json': OFF,
      'ci/strict.json': JSON.stringify({ rules: { 'lost-update': 'error' } }),
      'ci/package.json': JSON.stringify({ awaitguard: { rules: { 'lost-update': 'info' } } }),
      'racy.ts': RACY,
    });
    const strict = runCli(['check', '--config', 'ci/strict.json'], dir);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/5:3 +error /);
    const pkg = runCli(['check', '-c', 'ci/package.json'], dir);
    expect(pkg.code).toBe(0);
    expect(pkg.stdout).toMatch(/5:3 +info /);
  });

  it('passes lockClasses to the engine', () => {
    const dir = makeProject({ 'gate.ts': GATE });
    const without = runCli(['check', '--format', 'json'], dir);
    writeFiles(dir, { 'awaitguard.config.json': JSON.stringify({ lockClasses: ['Gate'] }) });
    const withConfig = runCli(['check', '--format', 'json'], dir);
    const rules = (text: string) => (JSON.parse(text) as { results: { findings: { ruleId: string }[] }[] }).results.flatMap((r) => r.findings.map((f) => f.ruleId));
    // Unknown class: the read-await-write is a lost update.
    expect(rules(without.stdout)).toEqual(['lost-update']);
    // As a lock: the critical section is protected, but the release is not in a finally.
    expect(rules(withConfig.stdout)).toEqual(['lock-leak']);
  });
});

describe('a bad configuration exits 2 with one line naming the file', () => {
  it('invalid JSON: file, line, column and cause', () => {
    const dir = makeProject({ 'awaitguard.config.json': '{\n  "rules": {\n    "lost-update": "off",\n  }\n}\n', 'racy.ts': RACY });
    expect(runCli(['check'], dir)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'awaitguard: awaitguard.config.json: invalid JSON at line 4, column 3: trailing comma before "}"\n',
    });
  });

  it('invalid JSON in a package.json met during the search', () => {
    const dir = makeProject({ 'package.json': '{ "name": "x", }', 'src/racy.ts': RACY });
    const { code, stderr } = runCli(['check'], path.join(dir, 'src'));
    expect(code).toBe(2);
    expect(stderr).toBe('awaitguard: ../package.json: invalid JSON at line 1, column 16: trailing comma before "}"\n');
  });

  it('an unknown rule id', () => {
    const dir = makeProject({ 'awaitguard.config.json': JSON.stringify({ rules: { 'lost-updates': 'off' } }), 'racy.ts': RACY });
    const { code, stdout, stderr } = runCli(['check'], dir);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe('awaitguard: awaitguard.config.json: unknown rule "lost-updates" (did you mean "lost-update"?)\n');
  });

  it('a bad severity, a bad type, an unknown key', () => {
    const cases: [unknown, RegExp][] = [
      [{ rules: { 'lost-update': 'fatal' } }, /rules\["lost-update"\] must be one of off, info, warning, error, got "fatal"/],
      [{ include: 'src' }, /"include" must be an array of strings, got "src"/],
      [{ lockClass: ['Gate'] }, /unknown key "lockClass"/],
      [[], /the configuration must be a JSON object, got an array/],
    ];
    for (const [value, message] of cases) {
      const dir = makeProject({ 'awaitguard.config.json': JSON.stringify(value), 'racy.ts': RACY });
      const { code, stderr } = runCli(['check'], dir);
      expect(code).toBe(2);
      expect(stderr.split('\n')).toHaveLength(2); // one line
      expect(stderr).toMatch(/^awaitguard: awaitguard\.config\.json: /);
      expect(stderr).toMatch(message);
    }
  });

  it('an invalid "awaitguard" key names package.json and the key', () => {
    const dir = makeProject({ 'package.json': JSON.stringify({ awaitguard: { rules: 'all' } }), 'racy.ts': RACY });
    const { code, stderr } = runCli(['check'], dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^awaitguard: package\.json "awaitguard" key: "rules" must be an object/);
  });

  it('--config pointing at a missing file, or a package.json without the key', () => {
    const dir = makeProject({ 'racy.ts': RACY, 'other/package.json': '{"name": "x"}' });
    expect(runCli(['check', '--config', 'nope.json'], dir)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'awaitguard: cannot read the configuration file nope.json: no such file\n',
    });
    expect(runCli(['check', '--config', 'other/package.json'], dir).stderr).toBe(
      'awaitguard: other/package.json: no "awaitguard" key to read the configuration from\n',
    );
  });
});
