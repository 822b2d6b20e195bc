// The flow walker: one async function at a time, in evaluation order, with an abstract state (state.ts);
// rules observe its events (events.ts) and decide for themselves.
export type { FlowObserver, Guard, GuardingCheck, LocalCall, MethodCall, SharedWrite } from './events.js';
export { shareHold, type AwaitPoint, type Holds, type ReadFact } from './state.js';
export { walkFunction } from './statements.js';
export { empties } from './walker.js';
