// Where a call gives up control besides `await`: a generator's `yield` under a runner, and the order in which an
// expression's operands are read around the awaits inside it.
import { describe, expect, it } from 'vitest';
import { analyze, DEFAULT_CONFIG, validateConfig, type AwaitguardConfig } from '../../src/engine/index.js';

const PRELUDE = 'declare function call(fn: unknown, ...args: unknown[]): unknown;\ndeclare function load(): Promise<number>;\n';

function lines(code: string, config: AwaitguardConfig = DEFAULT_CONFIG): string[] {
  const r = analyze(PRELUDE + code, 'x.ts', { config: { ...config, minConfidence: 'low' } });
  expect(r.parseError).toBeUndefined();
  return r.findings.map((f) => `${f.ruleId}@${f.range.start.line - 2}`);
}

describe('yield', () => {
  it('suspends a generator that yields work to a runner, and an async generator', () => {
    expect(lines('let total = 0;\nexport function* add() {\n  total += (yield call(load)) as number;\n}\n')).toEqual(['lost-update@3']);
    expect(lines('let total = 0;\nexport async function* add() {\n  const t = total;\n  yield t;\n  total = t + 1;\n}\n')).toEqual(['lost-update@5']);
    expect(lines('let total = 0;\nexport function* add() {\n  total += (yield* other()) as number;\n}\nfunction* other() { yield 1; }\n')).toEqual(['lost-update@3']);
  });

  it('does not suspend an iterator that yields values, nor any generator with generatorsSuspend off', () => {
    expect(lines('let total = 0;\nexport function* ids() {\n  const t = total;\n  yield t;\n  total = t + 1;\n}\n')).toEqual([]);
    const off = validateConfig({ generatorsSuspend: false }, 'awaitguard.config.json');
    expect(lines('let total = 0;\nexport function* add() {\n  total += (yield call(load)) as number;\n}\n', off)).toEqual([]);
    expect(() => validateConfig({ generatorsSuspend: 'no' }, 'awaitguard.config.json')).toThrow('"generatorsSuspend" must be true or false');
  });

  it('an async function a generator hands out shares its locals with every other one it handed out', () => {
    expect(lines('export function* workers() {\n  let spent = 0;\n  yield async function one() {\n    spent += await load();\n  };\n}\n')).toEqual(['lost-update@4']);
  });
});

describe('evaluation order around awaits', () => {
  it('a plain read awaited as an operand is read before the suspension', () => {
    expect(lines('let n = 0;\nexport async function f(base: number) {\n  n = base + (await n);\n}\n')).toEqual(['lost-update@3']);
    // Unwrapping a stored promise in place writes what it settled to, not an update of an old value.
    expect(lines('let p: number | Promise<number> = load();\nexport async function f() {\n  p = await p;\n}\n')).toEqual([]);
  });

  it('a call that suspends in a later argument gets the earlier ones as they were before', () => {
    expect(lines('let s = 0;\ndeclare function merge(a: number, b: number): Promise<number>;\nexport async function f() {\n  s = await merge(s, await load());\n}\n')).toEqual(['lost-update@4']);
    expect(lines('let s = 0;\ndeclare function page(a: number): Promise<number>;\nexport async function f() {\n  s = await page(s);\n}\n')).toEqual([]);
  });

  it('a read and an await in branches that cannot both run are not paired', () => {
    expect(lines('let v = 0;\nexport async function f(ready: boolean) {\n  v = ready ? v : await load();\n}\n')).toEqual([]);
    expect(lines('let v = 0;\nexport async function f(ready: boolean) {\n  v = ready ? v + (await load()) : 0;\n}\n')).toEqual(['lost-update@3']);
  });
});
