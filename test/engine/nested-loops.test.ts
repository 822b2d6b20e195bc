// Found by the fuzzer: each nested loop doubled the walk (its body is walked twice), and the facts the paths
// carried doubled at every merge, so six nested loops around a race took a minute and deeper ones hung the run.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/engine/index.js';

const racyIn = (header: string, depth: number): string =>
  `let x = 0;\nasync function g() {}\nexport async function f() {\n${`${header}\n`.repeat(depth)}{ const v = x; await g(); x = v + 1; }\n}\n`;

describe('nested loops', () => {
  it.each([
    ['for (;;)', 200],
    ['while (x < 9)', 200],
    ['for (const k of [1, 2])', 60],
    ['do', 0],
  ])('%s nested %i deep: the race inside is still reported', (header, depth) => {
    const text = header === 'do' ? `let x = 0;\nasync function g() {}\nexport async function f() {\n${'do {\n'.repeat(40)}const v = x; await g(); x = v + 1;\n${'} while (x < 9);\n'.repeat(40)}}\n` : racyIn(header, depth);
    expect(analyze(text, 'loops.ts').findings.map((f) => f.ruleId)).toEqual(['lost-update']);
  });

  it('a loop-carried race in a loop nested three deep is still seen', () => {
    const text = `let x = 0;\nasync function g() {}\nexport async function f() {\n  let v = 0;\n  for (;;) for (;;) for (;;) { x = v + 1; v = x; await g(); }\n}\n`;
    expect(analyze(text, 'carried.ts').findings.map((f) => f.ruleId)).toEqual(['lost-update']);
  });
});

describe('a loop left only by its test re-checks it', () => {
  const taker = (body: string): string =>
    `export class Q {\n  private items: number[] = [];\n  private more(): Promise<void> { return new Promise((r) => setTimeout(r, 10)); }\n  async take(stop: boolean): Promise<number | undefined> {\n    if (this.items.length === 0 && stop) return undefined;\n    while (this.items.length === 0) {\n${body}\n    }\n    return this.items.shift();\n  }\n}\n`;

  it('is quiet when the loop can only end at its test', () => {
    expect(analyze(taker('      await this.more();'), 'q.ts').findings.map((f) => f.ruleId)).toEqual([]);
  });

  it('still reports when a break (or a labelled jump) can leave the loop with the test unchecked', () => {
    expect(analyze(taker('      if (stop) break;\n      await this.more();'), 'q.ts').findings.map((f) => f.ruleId)).toEqual(['check-then-act']);
    const labelled = taker('      for (;;) { if (stop) break outer; await this.more(); break; }').replace('    while (', '    outer: while (');
    expect(analyze(labelled, 'q.ts').findings.map((f) => f.ruleId)).toEqual(['check-then-act']);
  });

  it('a break inside a switch or a nested loop leaves only that one', () => {
    expect(analyze(taker('      switch (1) { default: break; }\n      for (;;) { break; }\n      await this.more();'), 'q.ts').findings.map((f) => f.ruleId)).toEqual([]);
  });

  it('400 nested whiles, each re-checked after the loop: the race inside is still reported', () => {
    const text = `let x = 0;\nasync function g() {}\nexport async function f() {\n${'while (x < 9)\n'.repeat(400)}{ const v = x; await g(); x = v + 1; }\n}\n`;
    expect(analyze(text, 'deep.ts').findings.map((f) => f.ruleId)).toEqual(['lost-update']);
  });
});
