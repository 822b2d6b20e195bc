import { engineRule } from '../engineRule.js';

/** Shared state read before an await and written back after it from the old value. */
export default engineRule('lost-update', 'lostUpdate', ['guardWithLock']);
