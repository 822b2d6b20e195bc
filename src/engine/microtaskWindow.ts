import type { AwaitSet } from './awaitSet.js';
import { settlesAtOnce } from './callees.js';
import type { SharedWrite } from './flow/index.js';

/**
 * Did the function, between a read and this write, wait only on calls that settle at once (`await this.stop()`
 * where `stop` clears a timer, `await this.connect()` that returns `Promise.resolve(this.db)`)? Then no request,
 * timer or message can run in between; only another call started in the same tick can (`Promise.all(keys.map(
 * (k) => this.get(k)))`). For a check that repeats in-memory work that is rarely worth a look: judged on real
 * code, none was a race. A lost update is not eased by it: calls started together still lose each other's writes.
 */
export function waitedOnNothingSince(w: SharedWrite, since: AwaitSet): boolean {
  const yields = w.yieldsSince(since);
  return yields.length > 0 && yields.every((y) => y.node.type === 'AwaitExpression' && settlesAtOnce(y.node.argument));
}
