import { engineRule } from '../engineRule.js';

/** A check on shared state, an await, then an act the check guarded (double initialization, stampedes). */
export default engineRule('check-then-act', 'checkThenAct', ['guardWithLock', 'shareInFlight']);
