import type { Finding, Fix } from '../engine/index.js';
import type { FixContext } from './lockWrap.js';
import { indentAt, lineStart } from './style.js';

/** "Disable <rule> for this line": a directive comment on its own line above the finding. */
export function suppressFix(finding: Finding, ctx: FixContext): Fix {
  const at = lineStart(ctx.text, finding.range.offset[0]);
  const indent = indentAt(ctx.text, finding.range.offset[0]);
  return {
    kind: 'suppress',
    data: { ruleId: finding.ruleId },
    title: `Disable ${finding.ruleId} for this line`,
    edits: [{ offset: [at, at], text: `${indent}// awaitguard-disable-next-line ${finding.ruleId}${ctx.style.eol}` }],
  };
}
