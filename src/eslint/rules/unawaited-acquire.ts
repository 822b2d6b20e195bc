import { engineRule } from '../engineRule.js';

/** `lock.acquire()` without await: the critical section runs without the lock. */
export default engineRule('unawaited-acquire', 'unawaitedAcquire', []);
