import { ACQUIRE_FUNCTIONS, ACQUIRE_WORDS } from './locks/index.js';

/*
 * Most files of a project never give up control: no `async`, no `await`, no `yield`, no promise, no lock. No rule can report
 * there (a race needs a yield; a fan-out needs `Promise.all`; a leak or an unawaited acquire needs an acquire),
 * so such a file is parsed, for its syntax errors, and not analysed. A text test, over-inclusive on purpose:
 * `Promise` in a comment only costs the analysis that would have run anyway.
 */
const MAY_YIELD = new RegExp(
  `\\b(async|await|yield|Promise|${[...ACQUIRE_WORDS, ...ACQUIRE_FUNCTIONS].map(escape).join('|')})\\b|\\.\\s*(then|catch|finally)\\b`,
);

function escape(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Could any rule report in `text`? False only when none of the tokens a finding needs appears in it. */
export function mayHaveFindings(text: string): boolean {
  return MAY_YIELD.test(text);
}
