import { engineRule } from '../engineRule.js';

/** A lock acquired but not released on every path. No suggestion: the fix needs a person's judgement. */
export default engineRule('lock-leak', 'lockLeak', []);
