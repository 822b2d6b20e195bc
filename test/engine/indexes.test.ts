// The structures that keep one file's analysis near-linear in its findings (bench/findings-scaling.mjs measures
// that): each must answer exactly what the plain scan it replaced answered.
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachNode, isFunction, type Node } from '../../src/engine/ast.js';
import { AwaitSet } from '../../src/engine/awaitSet.js';
import { EnclosingContexts } from '../../src/engine/context.js';
import { analyzeDetailed, RULE_IDS, type RuleId } from '../../src/engine/index.js';
import { LineIndex } from '../../src/engine/lines.js';
import type { FunctionNode } from '../../src/engine/scope.js';
import { Suppressions } from '../../src/engine/suppressions.js';
import { collectFixtures } from '../fixtureCorpus.js';

describe('AwaitSet', () => {
  // Programs over sets: add an id (ids only grow, as the walker hands them out), or join two earlier sets.
  const program = fc.array(fc.oneof(fc.record({ add: fc.nat(3) }), fc.record({ join: fc.tuple(fc.nat(), fc.nat()) })), { maxLength: 80 });

  it('behaves as the plain sets it replaced: with, union, has, firstNotIn', () => {
    fc.assert(
      fc.property(program, fc.integer({ min: 0, max: 40_000 }), (steps, base) => {
        const sets: AwaitSet[] = [AwaitSet.EMPTY];
        const models: Set<number>[] = [new Set()];
        let next = base;
        for (const step of steps) {
          const k = sets.length - 1;
          if ('add' in step) {
            next += 1 + step.add * 997; // sparse ids too: across leaves and levels of the trie
            sets.push(sets[k]!.with(next));
            models.push(new Set([...models[k]!, next]));
          } else {
            const [i, j] = [step.join[0] % sets.length, step.join[1] % sets.length];
            sets.push(sets[i]!.union(sets[j]!));
            models.push(new Set([...models[i]!, ...models[j]!]));
          }
        }
        for (let a = 0; a < sets.length; a++) {
          for (const id of models[a]!) expect(sets[a]!.has(id)).toBe(true);
          expect(sets[a]!.has(next + 1)).toBe(false);
          for (let b = 0; b < sets.length; b += 3) {
            const missing = [...models[a]!].filter((id) => !models[b]!.has(id));
            expect(sets[a]!.firstNotIn(sets[b]!)).toBe(missing.length === 0 ? null : Math.min(...missing));
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('shares structure: adding an id already there, or joining a set with a subset, returns the same set', () => {
    const a = AwaitSet.EMPTY.with(3).with(70).with(5000);
    expect(a.with(70)).toBe(a);
    expect(a.union(AwaitSet.EMPTY.with(3))).toBe(a); // a subset built apart from it
    expect(a.union(a)).toBe(a);
    expect(a.union(AwaitSet.EMPTY)).toBe(a);
    expect(AwaitSet.EMPTY.union(a)).toBe(a);
  });
});

/** The scan EnclosingContexts replaced: the function with the latest start among those containing the offset. */
function innermostByScan(functions: readonly FunctionNode[], offset: number): FunctionNode | undefined {
  let innermost: FunctionNode | undefined;
  for (const fn of functions) {
    if (fn.range[0] <= offset && offset < fn.range[1] && (!innermost || fn.range[0] >= innermost.range[0])) innermost = fn;
  }
  return innermost;
}

describe('EnclosingContexts', () => {
  it('names the same function as a scan of all functions, at every node of every fixture', () => {
    let checked = 0;
    for (const fixture of collectFixtures()) {
      const { model } = analyzeDetailed(fixture.text, fixture.abs);
      if (!model) continue;
      const contexts = new EnclosingContexts(model.index.functions, fixture.text);
      const byScan = new EnclosingContexts([], fixture.text);
      forEachNode(model.ast as Node, (n) => {
        for (const offset of [n.range[0], n.range[1] - 1, n.range[1]]) {
          const fn = innermostByScan(model.index.functions, offset);
          const expected = fn ? new EnclosingContexts([fn], fixture.text).at(offset) : byScan.at(offset);
          expect(contexts.at(offset), `${fixture.rel} at ${offset}`).toBe(expected);
          checked++;
        }
        return true;
      });
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it('a function nested in another and followed by more of the outer one', () => {
    const text = 'async function outer() { const inner = async () => { await a(); }; await b(); }';
    const { model } = analyzeDetailed(text, 'x.ts');
    const contexts = new EnclosingContexts(model!.index.functions, text);
    expect(contexts.at(text.indexOf('a()'))).toBe('outer.inner');
    expect(contexts.at(text.indexOf('b()'))).toBe('outer');
    expect(contexts.at(0)).toBe('outer');
    expect(contexts.at(text.length)).toBeUndefined();
    expect(model!.index.functions.every(isFunction)).toBe(true);
  });
});

/** The list Suppressions replaced: every span, scanned for each finding. */
function suppressedByScan(comments: readonly { value: string; line: number }[], rule: string, line: number): boolean {
  const spans: { from: number; to: number; rules: Set<string> | null }[] = [];
  const open: { line: number; rules: Set<string> | null }[] = [];
  for (const c of comments) {
    const m = /^\s*awaitguard-(disable-next-line|disable-line|disable|enable)\b([^]*)$/.exec(c.value);
    if (!m) continue;
    const ids = m[2]!.split(/\s--\s|^--\s/)[0]!.split(/[\s,]+/).filter(Boolean);
    const rules = ids.length === 0 ? null : new Set(ids);
    if (m[1] === 'disable-next-line') spans.push({ from: c.line + 1, to: c.line + 1, rules });
    else if (m[1] === 'disable-line') spans.push({ from: c.line, to: c.line, rules });
    else if (m[1] === 'disable') open.push({ line: c.line, rules });
    else {
      for (let i = open.length - 1; i >= 0; i--) {
        const o = open[i]!;
        if (rules === null || o.rules === null || [...rules].some((r) => o.rules!.has(r))) {
          spans.push({ from: o.line, to: c.line, rules: o.rules });
          open.splice(i, 1);
        }
      }
    }
  }
  for (const o of open) spans.push({ from: o.line, to: Number.MAX_SAFE_INTEGER, rules: o.rules });
  return spans.some((s) => line >= s.from && line <= s.to && (s.rules === null || s.rules.has(rule)));
}

describe('Suppressions', () => {
  const rules = [...RULE_IDS.slice(0, 3), 'no-such-rule'];
  const directive = fc.record({
    kind: fc.constantFrom('disable-next-line', 'disable-line', 'disable', 'enable', 'not-a-directive'),
    rules: fc.subarray(rules),
    reason: fc.boolean(),
  });

  it('answers as the scan over every directive did', () => {
    fc.assert(
      fc.property(fc.array(directive, { maxLength: 30 }), (directives) => {
        // One comment per line, each line 20 characters wide.
        const comments = directives.map((d, i) => ({
          value: ` awaitguard-${d.kind} ${d.rules.join(', ')}${d.reason ? ' -- because' : ''}`,
          line: i + 1,
        }));
        const lines = new LineIndex('x'.repeat(19).concat('\n').repeat(directives.length + 3));
        const tree = comments.map((c) => ({ type: 'Line', value: c.value, range: [(c.line - 1) * 20, (c.line - 1) * 20 + 19] }) as TSESTree.Comment);
        const suppressions = new Suppressions(tree, lines);
        for (let line = 1; line <= directives.length + 2; line++) {
          for (const rule of RULE_IDS) expect(suppressions.isSuppressed(rule as RuleId, line), `${rule} on line ${line}`).toBe(suppressedByScan(comments, rule, line));
        }
      }),
      { numRuns: 500 },
    );
  });
});
