import { displayPath } from '../locations.js';
import type { Rule } from './rule.js';
import { line, yieldPhrase } from './text.js';

export const lostUpdate: Rule<'lost-update'> = {
  meta: {
    id: 'lost-update',
    shortDescription: 'A shared value is read, the call yields at an await, and a value computed from the old read is written back.',
    fullDescription:
      'Reports writes to shared state (module variables, this.fields, static fields, variables captured by concurrently running callbacks) whose value was computed from a read taken before an await. Another call can update the same state while this one is suspended; the write then overwrites that update with a value based on stale data.',
    defaultSeverity: 'error',
    docsPath: 'docs/rules/lost-update.md',
    messageId: 'lostUpdate',
    fixKinds: ['lock-wrap'],
  },
  check(model) {
    return model.flow.lostUpdates.map((f) => {
      const loc = '`' + displayPath(f.path) + '`';
      const r = line(f.read);
      const a = line(f.await);
      const w = line(f.write);
      const message =
        r === w && a === w
          ? `${loc} is read before ${yieldPhrase(f.await)} and written back after it from the old value: a concurrent call's update is lost`
          : `${loc} is read on line ${r}, the call yields at ${yieldPhrase(f.await)}, and line ${w} writes back a value computed from the old read: a concurrent call's update is lost`;
      return {
        anchor: f.write,
        message,
        location: displayPath(f.path),
        subject: { kind: 'race', path: f.path, from: f.read, to: f.write, check: false },
        related: [
          { anchor: f.read, message: `${loc} is read here` },
          { anchor: f.await, message: 'the call yields here; other calls can run and change it' },
        ],
      };
    });
  },
};
