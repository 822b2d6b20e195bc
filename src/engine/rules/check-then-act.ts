import { displayPath } from '../locations.js';
import type { Rule } from './rule.js';
import { line, yieldPhrase } from './text.js';

export const checkThenAct: Rule<'check-then-act'> = {
  meta: {
    id: 'check-then-act',
    shortDescription: 'A condition on shared state is checked, the call yields at an await, then acts as if the check still held.',
    fullDescription:
      'Reports code that tests shared state (is the connection open, is the key cached, has the token expired), then awaits, then acts on the result of that test, for example by initializing or filling the state. Concurrent calls all pass the check before any of them acts: double initialization, cache stampedes and token-refresh stampedes.',
    defaultSeverity: 'warning',
    docsPath: 'docs/rules/check-then-act.md',
    messageId: 'checkThenAct',
    fixKinds: ['lock-wrap', 'share-in-flight'],
  },
  check(model) {
    return model.flow.checkThenActs.map((f) => {
      const loc = '`' + displayPath(f.path) + '`';
      const consequence =
        f.actKind === 'collection'
          ? 'concurrent calls all pass the check and each repeats the work before any stores its result (a stampede)'
          : `concurrent calls all pass the check and each sets ${loc} (double initialization; all but the last result are lost)`;
      const c = line(f.read);
      const a = line(f.await);
      const w = line(f.act);
      const message =
        c === w && a === w
          ? `${loc} is checked and then assigned after ${yieldPhrase(f.await)}: ${consequence}`
          : a === w
            ? `${loc} is checked on line ${c}, and line ${w} acts on that check after yielding at an \`await\`: ${consequence}`
            : `${loc} is checked on line ${c}, the call yields at ${yieldPhrase(f.await)}, and line ${w} acts on that check: ${consequence}`;
      return {
        anchor: f.act,
        message,
        location: displayPath(f.path),
        subject: { kind: 'race', path: f.path, from: f.read.range[0] < f.check.range[0] ? f.read : f.check, to: f.act, check: true },
        related: [
          { anchor: f.read, message: `${loc} is checked here` },
          { anchor: f.await, message: 'the call yields here; other calls can pass the same check' },
        ],
      };
    });
  },
};
