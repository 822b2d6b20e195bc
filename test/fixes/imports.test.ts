// Where a fix puts the runtime import in a file that has none yet.
import { describe, expect, it } from 'vitest';
import { parse } from '@typescript-eslint/typescript-estree';
import { analyzeWithFixes, applyEdits } from '../../src/fixes/index.js';

const RACE = `let n = 0;
export async function inc(): Promise<void> {
  const v = n;
  await Promise.resolve();
  n = v + 1;
}
`;

function guarded(text: string, withTree: boolean): string {
  const ast = withTree ? parse(text, { loc: true, range: true, comment: true }) : undefined;
  const [finding] = analyzeWithFixes(text, 'a.ts', { fix: { runtime: 'package' }, ...(ast ? { ast } : {}) }).findings;
  const fix = finding!.fixes.find((f) => f.kind === 'lock-wrap' && f.data.path === 'n' && f.data.style === 'try/finally')!;
  return applyEdits(text, fix.edits);
}

describe('runtime import placement', () => {
  it('goes above a comment that documents the first statement, below a file header', () => {
    const text = `// Copyright header.\n\n/** The counter. */\n${RACE}`;
    const fixed = guarded(text, false);
    expect(fixed.split('\n').slice(0, 7)).toEqual(['// Copyright header.', '', "import { Lock } from 'awaitguard/runtime';", '', 'const nLock = new Lock();', '', '/** The counter. */']);
  });

  it('is the same whether the engine parsed the file or a host (ESLint) gave a tree with comments', () => {
    for (const text of [`/** The counter. */\n${RACE}`, `#!/usr/bin/env node\n// header\n\n// about n\n/* more */\n${RACE}`, RACE]) {
      expect(guarded(text, false)).toBe(guarded(text, true));
    }
  });
});
