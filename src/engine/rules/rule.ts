import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { FileModel } from '../model.js';
import type { RuleId } from './index.js';
import type { RuleMeta } from './meta.js';
import type { FunctionNode } from '../scope.js';
import type { FlowObserver } from '../flow/index.js';
import type { Confidence } from '../findings.js';
import type { InterleavingDraft } from '../interleaving.js';
import type { FileKind } from '../fileKinds.js';

/** A place a report points at. */
export type Anchor = TSESTree.Node | TSESTree.Token;

/** What a quick fix needs to know about a finding, beyond its text: the syntax it is about. */
export type FixSubject =
  /** A race window on `path` from the read or check `from` to the write or act `to`. */
  | {
      kind: 'race';
      path: string;
      from: TSESTree.Node;
      to: TSESTree.Node;
      check: boolean;
      /** The one entry of a keyed store the read and the write share (`key` in `get(key)` … `set(key, v)`), as source text. */
      key?: string;
    }
  /** `Promise.all(source.map(callback))` with unbounded fan-out. */
  | { kind: 'fan-out'; combinator: TSESTree.CallExpression; map: TSESTree.CallExpression; callback: FunctionNode }
  /** A React effect whose async work sets state late: `sets` are every late, unguarded setter call in it. */
  | { kind: 'effect'; effect: FunctionNode; sets: (TSESTree.CallExpression | TSESTree.Identifier)[] }
  /**
   * An operation (a method of a class) that writes `write` after an await, while the class's `teardown` may run.
   * `release`: what undoes the written value (`feed.stop()`), when the teardown disposes of the field that way.
   */
  /** A response handler registered (`registration`) after the awaited send (`send`) of the request carrying `key`. */
  | { kind: 'register'; registration: TSESTree.Node; send: TSESTree.Node; key: string }
  /**
   * An in-flight promise stored in `target` at `store` and cleared at `clear` only when it fulfils: in the `.then`
   * call `then` (form `then`), or after the await `awaited` (form `await`).
   */
  | { kind: 'latch'; target: string; store: TSESTree.AssignmentExpression; clear: TSESTree.Node; then?: TSESTree.CallExpression; awaited?: TSESTree.AwaitExpression }
  | { kind: 'teardown'; operation: FunctionNode; teardown: FunctionNode; teardownName: string; write: TSESTree.Node; release?: { value: string; method: string } };

export interface RuleReport {
  anchor: Anchor;
  message: string;
  location?: string;
  related: { anchor: Anchor; message: string }[];
  subject?: FixSubject;
  /** Default `medium`. */
  confidence?: Confidence;
  /** The steps that make it harmful (see findings.ts `Interleaving`). */
  interleaving?: InterleavingDraft;
}

/** A flow rule's observer for one file: it hears every write of shared state in the file's async functions. */
export interface RuleObserver extends FlowObserver {
  /** What it found, once the walk is over. */
  reports(): RuleReport[];
}

/** A rule decided from the file's model. */
export interface CheckRule<Id extends string = RuleId> {
  meta: RuleMeta<Id>;
  check(model: FileModel): RuleReport[];
  /**
   * A text every file it can report in contains (the name of a call it reports, say): a file without it is not
   * parsed for this rule's sake.
   */
  mentions?: RegExp;
}

/** What a flow rule is told about the file it observes. */
export interface ObservedFile {
  /** Where the file's code lives (see `FileKind`): some shapes mean one thing in a test and another in source. */
  kind: FileKind;
}

/** A rule decided from the walker's events (flow/events.ts): a fresh observer for each file. */
export interface FlowRule<Id extends string = RuleId> {
  meta: RuleMeta<Id>;
  observe(file: ObservedFile): RuleObserver;
  /** What it finds in the finished model besides the writes it hears (a shape with no shared write in it). */
  check?(model: FileModel): RuleReport[];
}

/** One rule: its descriptor and its decision. `Id` is its literal id, from which the registry's RuleId is built. */
export type Rule<Id extends string = RuleId> = CheckRule<Id> | FlowRule<Id>;
