import { ruleMeta } from '../../engine/index.js';
import { createRule } from '../createRule.js';
import { reportFindings } from '../report.js';

const meta = ruleMeta('lock-leak');

// No suggestions: the engine's only fix for this rule is an awaitguard-disable comment, and ESLint users
// write eslint-disable instead.
export default createRule({
  name: meta.id,
  meta: {
    type: 'problem',
    docs: { description: meta.shortDescription, recommended: true },
    schema: [],
    defaultOptions: [],
    messages: { lockLeak: '{{message}}' },
  },
  create: (context) => reportFindings(context, meta.id, 'lockLeak', []),
});
