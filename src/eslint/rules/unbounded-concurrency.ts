import { ruleMeta } from '../../engine/index.js';
import { createRule } from '../createRule.js';
import { reportFindings } from '../report.js';
import { suggestionMessages } from '../suggestions.js';

const meta = ruleMeta('unbounded-concurrency');
const SUGGESTIONS = ['limitWithSemaphore'] as const;

export default createRule({
  name: meta.id,
  meta: {
    type: 'problem',
    docs: { description: meta.shortDescription, recommended: true },
    hasSuggestions: true,
    schema: [],
    defaultOptions: [],
    messages: { unboundedConcurrency: '{{message}}', ...suggestionMessages(SUGGESTIONS) },
  },
  create: (context) => reportFindings(context, meta.id, 'unboundedConcurrency', SUGGESTIONS),
});
