import { describe, expect, it } from 'vitest';
import { closest, validateConfig } from '../../src/engine/index.js';

describe('did you mean', () => {
  it('finds typos, swaps and case slips within a third of the length', () => {
    expect(closest('lost-updates', ['lost-update', 'check-then-act'])).toBe('lost-update');
    expect(closest('chekc-then-act', ['lost-update', 'check-then-act'])).toBe('check-then-act');
    expect(closest('--FORMAT', ['--format', '--fix'])).toBe('--format');
  });

  it('stays quiet when nothing is close, or the word is too short to guess', () => {
    expect(closest('no-console', ['lost-update', 'check-then-act'])).toBeUndefined();
    expect(closest('ab', ['xy'])).toBeUndefined();
  });

  it('names the config key meant', () => {
    expect(() => validateConfig({ minConfidance: 'low' }, 'a.json')).toThrow('a.json: unknown key "minConfidance" (did you mean "minConfidence"?)');
    expect(() => validateConfig({ colour: true }, 'a.json')).toThrow(/unknown key "colour" \(expected one of rules, include/);
  });
});
