import type { ReportedSeverity } from '../findings.js';

export const RULE_IDS = [
  'lost-update',
  'check-then-act',
  'lock-leak',
  'unawaited-acquire',
  'unbounded-concurrency',
] as const;

export type RuleId = (typeof RULE_IDS)[number];

export interface RuleMeta {
  id: RuleId;
  /** One line, for SARIF `shortDescription` and rule lists. */
  shortDescription: string;
  /** A paragraph, for SARIF `fullDescription`. */
  fullDescription: string;
  defaultSeverity: ReportedSeverity;
  /** Path of the doc page relative to the package root. */
  docsPath: string;
}

export const DOCS_BASE_URL = 'https://github.com/awaitguard/awaitguard/blob/main/';

export function docsUrl(meta: RuleMeta): string {
  return DOCS_BASE_URL + meta.docsPath;
}

export function isRuleId(value: string): value is RuleId {
  return (RULE_IDS as readonly string[]).includes(value);
}
