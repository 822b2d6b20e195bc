// Found on a real 11,000-line file (an AI chat agent): a read that each side of an `if` re-stated differently
// (an inner branch dropped it on one arm and awaited, so the other arm counted that await as passed) reached the
// join as two copies, and n such `if`s made 2^n copies of one read: the file took minutes. One read is now
// carried on once per join, counting as passed only the awaits both copies did.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/engine/index.js';

const branches = (n: number, body: (i: number) => string): string =>
  Array.from({ length: n }, (_, i) => `    if (flags[${i}]) ${body(i)}\n`).join('');

const method = (inner: string): string =>
  `async function step(i: number): Promise<void> { void i; }\nexport class Counter {\n  count = 0;\n  async bump(flags: boolean[]): Promise<void> {\n${inner}  }\n}\n`;

/**
 * Each side of the outer `if` drops the read on one inner arm and awaits on both, so each re-states it with its
 * own arm's await counted as passed, and the join gets two different copies of it.
 */
const nested = (i: number): string => {
  const inner = (k: number, j: number): string => `if (flags[${k}]) { seen = 0; await step(${j}); } else { await step(${j + 1}); }`;
  return `    if (flags[${i}]) { ${inner(i + 1, 4 * i)} } else { ${inner(i + 2, 4 * i + 2)} }\n`;
};

describe('a read carried past many branches that may await', () => {
  it('reports the lost update once, after thirty branches that each re-state it their own way', () => {
    const text = method(`    let seen = this.count;\n${Array.from({ length: 30 }, (_, i) => nested(i)).join('')}    this.count = seen + 1;\n`);
    expect(analyze(text, 'counter.ts').findings.map((f) => f.ruleId)).toEqual(['lost-update']);
  });

  it('reports the lost update once, after forty branches', () => {
    const text = method(`    const seen = this.count;\n${branches(40, (i) => `await step(${i});`)}    this.count = seen + 1;\n`);
    expect(analyze(text, 'counter.ts').findings.map((f) => f.ruleId)).toEqual(['lost-update']);
  });

  it('stays quiet when no branch awaits, after forty of them', () => {
    const text = method(`    const seen = this.count;\n${branches(40, (i) => `void step(${i});`)}    this.count = seen + 1;\n`);
    expect(analyze(text, 'counter.ts').findings).toEqual([]);
  });

  it('still tells a read in one branch from an await in the other', () => {
    const text = method(`    let seen = 0;\n${branches(30, (i) => `await step(${i}); else seen = this.count;`)}    this.count = seen + 1;\n`);
    // Each read is followed by the awaits of later branches, so the write can still lose an update.
    expect(analyze(text, 'counter.ts').findings.map((f) => f.ruleId)).toEqual(['lost-update']);
    const one = method(`    let seen = 0;\n    if (flags[0]) await step(0); else seen = this.count;\n    this.count = seen + 1;\n`);
    expect(analyze(one, 'counter.ts').findings).toEqual([]);
  });
});
