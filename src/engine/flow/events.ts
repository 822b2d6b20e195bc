import type { Node } from '../ast.js';
import type { AwaitSet } from '../awaitSet.js';
import type { AwaitPoint, Holds, ReadFact } from './state.js';
import type { TSESTree } from '@typescript-eslint/typescript-estree';

/*
 * What the walker tells the flow rules, as it happens, with no decision taken: a rule that looks at writes of
 * shared state (lost-update, check-then-act) is an observer of these events, decides in its own file, and
 * needs no change to the walker.
 */

/** A write of shared state, seen at the point it happens. */
export interface SharedWrite {
  path: string;
  node: Node;
  /** An assignment, or a collection method that changes the receiver (`set`, `push`, `delete`, …). */
  kind: 'assign' | 'collection';
  /** The shared reads the written value derives from. */
  deps: readonly ReadFact[];
  /**
   * The reads of conditions still guarding this code that this write is the first to act on (they are no
   * longer open afterwards), the newest condition first.
   */
  guards: readonly Guard[];
  /** Every condition still in force at the write, with all its reads (whether or not this write acts on it). */
  checksInForce(): readonly { check: GuardingCheck; reads: readonly ReadFact[] }[];
  /** Lock holds in force at the write. */
  holds: Holds;
  /** The value is what awaiting a shared promise produced (`this.conn = await this.connecting`): one operation's result. */
  sharedResult: boolean;
  /** The first await that may have run after `since` and before this write, or null. */
  yieldedSince(since: AwaitSet): AwaitPoint | null;
  /** Every await that may have run after `since` and before this write, in source order. */
  yieldsSince(since: AwaitSet): AwaitPoint[];
  /** For a write made by a method of the class that `node` calls: the write in that method. */
  via?: Node;
  /**
   * For a write through an accessor (`this.store.saveSession(s)` writes `this.store.session`): the object the
   * accessor is called on. Reading that object itself (`if (!this.store)`, `const g = this.graph`) reads no
   * part of what the accessor stores.
   */
  holder?: string;
}

/** A read of a condition that guards a write. */
export interface Guard {
  check: GuardingCheck;
  read: ReadFact;
}

export interface GuardingCheck {
  /** The condition: an `if` test, the left of `??`, a `switch` discriminant, … */
  readonly node: Node;
  /** It exits early (`if (closing) return;`): all the code after it in the block runs only past it. */
  readonly guardsRest: boolean;
  /** A loop's own test, in force for its body (see `Check.loopTest`). */
  readonly loopTest: boolean;
  /** No later write acts on this condition (one report explains it). */
  close(): void;
  /**
   * A branch of it, or of a later condition, wrote the checked state and left (`if (n <= room) { used += n;
   * return; }`): the write now acts on it past that branch.
   */
  readonly writtenByLeavingBranch: boolean;
}

/**
 * A call of a method of the enclosing class (`this.setTrack(t)`, `this.#connect()`), seen before the method runs:
 * what it does to the object is the rule's to look up.
 */
export interface MethodCall {
  node: Node;
  method: string;
  holds: Holds;
  checksInForce: SharedWrite['checksInForce'];
  yieldedSince: SharedWrite['yieldedSince'];
}

/** A call of a plain name (`unhook()`), seen once its arguments are evaluated. */
export interface LocalCall {
  node: TSESTree.CallExpression;
  /** The awaits that may have run before it: what a later event's `yieldedSince` takes. */
  passed: AwaitSet;
  holds: Holds;
  yieldedSince: SharedWrite['yieldedSince'];
}

/** Receives the walker's events for every async function of one file. */
export interface FlowObserver {
  write(w: SharedWrite): void;
  /** Only for the rules that follow a write into the methods it calls. */
  methodCall?(c: MethodCall): void;
  /** Only for the rules that follow what a call of a plain name does. */
  localCall?(c: LocalCall): void;
  /** Only for the rules that look at calls made on a field's object (`this.machine.count()`): `method` is the call's name. */
  memberCall?(c: MethodCall & { path: string }): void;
}
