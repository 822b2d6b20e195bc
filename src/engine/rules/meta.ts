import { atLeast, type Confidence, type FixKind, type ReportedSeverity } from '../findings.js';
import type { FileKind } from '../fileKinds.js';
import type { Severity } from '../settingsSchema.js';
import type { RuleId } from './index.js';

// The ids are the registry's (rules/index.ts); they are re-exported here for the modules that know a rule by id.
export { RULE_IDS, isRuleId, type RuleId } from './index.js';

/** What a rule is, apart from its decision: every front end, doc link and config entry is derived from it. */
export interface RuleMeta<Id extends string = RuleId> {
  id: Id;
  /** One line, for SARIF `shortDescription` and rule lists. */
  shortDescription: string;
  /** A paragraph, for SARIF `fullDescription`. */
  fullDescription: string;
  defaultSeverity: ReportedSeverity;
  /** Path of the doc page relative to the package root. */
  docsPath: string;
  /** The ESLint messageId its findings are reported under. */
  messageId: string;
  /** The kinds of fix its findings can carry, besides the suppression every finding gets. */
  fixKinds: readonly Exclude<FixKind, 'suppress'>[];
  /**
   * Its severity in code that is not the product's (tests, benchmarks, scripts), where it differs: deliberate
   * fan-out in a benchmark is not a production race. The project's `rulesByKind` setting overrides it.
   */
  kinds?: Partial<Record<Exclude<FileKind, 'source'>, Severity>>;
  /**
   * The most confidence its findings can have in code that is not the product's, where the evidence says less:
   * a test file's cases and hooks run one after another, so a race among its calls needs a test that makes them
   * concurrent on purpose.
   */
  confidenceIn?: Partial<Record<Exclude<FileKind, 'source'>, Confidence>>;
  /**
   * The most confidence any of its findings has, wherever it is: a rule not yet right often enough on real code
   * reports at `low`, shown on request (`--min-confidence low`), and is not run at all when nothing that low is shown.
   */
  maxConfidence?: Confidence;
}

/** The most confidence a finding of the rule can have in a file of `kind`; undefined when nothing caps it. */
export function confidenceCeiling(meta: Pick<RuleMeta<string>, 'confidenceIn' | 'maxConfidence'>, kind: FileKind): Confidence | undefined {
  const byKind = kind === 'source' ? undefined : meta.confidenceIn?.[kind];
  if (byKind === undefined || meta.maxConfidence === undefined) return byKind ?? meta.maxConfidence;
  return atLeast(byKind, meta.maxConfidence) ? meta.maxConfidence : byKind;
}

export const DOCS_BASE_URL = 'https://github.com/awaitguard/awaitguard/blob/main/';

export function docsUrl(meta: Pick<RuleMeta<string>, 'docsPath'>): string {
  return DOCS_BASE_URL + meta.docsPath;
}
