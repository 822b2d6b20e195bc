import type { RuleId } from './rules/meta.js';
import type { UnusedDirective } from './unusedDirectives.js';

/** ESTree-style position: `line` is 1-based, `column` is 0-based (UTF-16 code units). */
export interface Position {
  line: number;
  column: number;
}

/** A span of source text, with both the line/column and the offset form so front ends need not recompute either. */
export interface SourceRange {
  start: Position;
  end: Position;
  /** [start, end) offsets into the source text. */
  offset: [number, number];
}

/**
 * How a finding's harm comes about, step by step: the concurrent calls (or a call and a teardown, a request and
 * its response, two runs of an effect) and what each does, in the order that loses the update or doubles the act.
 */
export interface Interleaving {
  /** Left to right: `id` is short (`A`, `item 1`), `label` says what runs (`call A of \`deposit()\``). */
  actors: { id: string; label: string }[];
  /** In the order they happen; each at a place in the analysed file. */
  steps: InterleavingStep[];
  /** What the interleaving ends in: "A's update is lost". */
  outcome: string;
}

export interface InterleavingStep {
  /** Index into `actors`. */
  actor: number;
  range: SourceRange;
  /** What happens there, without naming the actor: "reads `this.balance` (v)". */
  text: string;
}

export interface RelatedLocation {
  range: SourceRange;
  /** What this place is in the interleaving: "read of `this.balance`", "yields here". */
  message: string;
}

/** Replace the text in `offset` [start, end) with `text`. Offsets refer to the original text. */
export interface TextEdit {
  offset: [number, number];
  text: string;
}

/** A file a fix needs beside the edited one: the vendored runtime, created once if missing. */
export interface CreatedFile {
  /** Absolute path, with forward slashes. */
  path: string;
  /** Which copy of the runtime to write there. */
  template: 'runtime-ts' | 'runtime-js' | 'runtime-cjs' | 'runtime-dts' | 'runtime-dcts';
}

/**
 * What a fix does, as data: front ends act on its kind and fields, never on its title (which is for display).
 * `path` is the shared location's access path, `location` the same as the title shows it.
 */
/** How a lock-wrap fix holds the lock, as its title shows it. */
export type LockWrapStyle = 'try/finally' | 'runExclusive' | 'await using';

export type FixMeaning =
  | { kind: 'lock-wrap'; data: { path: string; location: string; style: LockWrapStyle; /** `KeyedLock` for one entry of a keyed store. */ lock: 'Lock' | 'KeyedLock' } }
  | { kind: 'share-in-flight'; data: { operation: string } }
  | { kind: 'semaphore-limit'; data: { permits: number } }
  | { kind: 'ignore-stale-run'; data: { flag: string } }
  | { kind: 'abort-stale-run'; data: { controller: string } }
  | { kind: 'generation-guard'; data: { field: string; teardown: string } }
  | { kind: 'register-first'; data: { key: string } }
  | { kind: 'clear-on-failure'; data: { target: string } }
  | { kind: 'suppress'; data: { ruleId: RuleId } };

export type FixKind = FixMeaning['kind'];

/** The edits of a fix and how it is shown; also what a front end builds when it merges fixes ("Fix all"). */
export interface FixEdits {
  title: string;
  /** Edits to the analysed file, non-overlapping. */
  edits: TextEdit[];
  /** Marks the fix applied by `--fix` and "fix all". */
  preferred?: boolean;
  /** Files to create if they do not exist yet. */
  createFiles?: CreatedFile[];
}

/** A fix of one finding: its edits and what it means. */
export type Fix = FixEdits & FixMeaning;

export type ReportedSeverity = 'info' | 'warning' | 'error';

export interface Finding {
  ruleId: RuleId;
  severity: ReportedSeverity;
  /** One sentence that tells the interleaving. */
  message: string;
  /** The write or the act (or the acquire, or the fan-out). */
  range: SourceRange;
  /** The shared location as an access path, e.g. `this.balance`, `cache`, `Account.total`. */
  location?: string;
  /** The enclosing function as a dotted path, e.g. `Account.deposit`; absent at module level. */
  context?: string;
  /**
   * The lines of the outermost function around the finding (a top-level function, a class's method), inclusive;
   * absent at module level. What "a finding in a changed function" means (`--changed-since`).
   */
  functionLines?: { start: number; end: number };
  related: RelatedLocation[];
  /** The interleaving that makes it harmful, step by step. */
  interleaving?: Interleaving;
  fixes: Fix[];
  /** How sure the rule is, from the evidence it found (see CONFIDENCES). */
  confidence: Confidence;
}

/**
 * How sure a finding is: `high` when the evidence is complete (state that surely outlives the call, a value
 * provably from the stale read, a collection provably from outside); `medium` when a link is assumed; `low` when
 * the shape is there but the code more often than not is safe. Front ends show medium and up by default.
 */
export const CONFIDENCES = ['low', 'medium', 'high'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

export function atLeast(confidence: Confidence, min: Confidence): boolean {
  return CONFIDENCES.indexOf(confidence) >= CONFIDENCES.indexOf(min);
}

export interface ParseError {
  message: string;
  line: number;
  column: number;
}

export interface AnalysisResult {
  findings: Finding[];
  /** Disable directives that suppressed nothing; present only when the configuration reports them. */
  unusedDirectives?: UnusedDirective[];
  /** Set when the file could not be parsed; `findings` is then empty. */
  parseError?: ParseError;
}
