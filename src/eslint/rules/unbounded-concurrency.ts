import { engineRule } from '../engineRule.js';

/** `Promise.all(items.map(async …))` over a collection of unbounded size. */
export default engineRule('unbounded-concurrency', 'unboundedConcurrency', ['limitWithSemaphore']);
