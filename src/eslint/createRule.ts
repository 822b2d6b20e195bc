import { RuleCreator } from '@typescript-eslint/utils/eslint-utils';
import { docsUrl, isRuleId, ruleMeta } from '../engine/index.js';

/** What awaitguard adds to a rule's `meta.docs`: whether `configs.recommended` turns it on. */
export interface AwaitguardRuleDocs {
  recommended: boolean;
}

/** Rules get the URL of their page under docs/rules/, the one the CLI, SARIF and the editor link to. */
export const createRule = RuleCreator<AwaitguardRuleDocs>((name) => {
  if (!isRuleId(name)) throw new Error(`awaitguard: no engine rule named "${name}"`);
  return docsUrl(ruleMeta(name));
});
