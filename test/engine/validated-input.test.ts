// A fan-out over a request field is bounded when the schema registered with the handler caps that field; the
// schema libraries spell the cap differently, and a cap on each element, or a schema registered elsewhere,
// bounds nothing.
import { describe, expect, it } from 'vitest';
import { analyze } from '../../src/engine/index.js';

const route = (field: string, schema: string): string =>
  `import { router, validate, z, Joi, yup, v, Type } from './deps';\n` +
  `router.post('/x', validate({ body: { ${field}: ${schema} } }), async (req, res) => {\n` +
  `  res.json(await Promise.all(req.body.ids.map((id) => fetch('https://api.example.com/' + id))));\n` +
  `});\n`;

const ruleIds = (text: string): string[] => analyze(text, 'route.ts').findings.map((f) => f.ruleId);

describe('a request field a schema caps', () => {
  it.each([
    ['zod', 'z.array(z.string()).max(20)'],
    ['zod, element schema chained', 'z.string().array().nonempty().length(3)'],
    ['Joi', 'Joi.array().items(Joi.string()).max(20).required()'],
    ['yup', 'yup.array().of(yup.string()).max(20)'],
    ['valibot', 'v.pipe(v.array(v.string()), v.maxLength(20))'],
    ['TypeBox', 'Type.Array(Type.String(), { maxItems: 20 })'],
    ['JSON Schema', "{ type: 'array', items: { type: 'string' }, maxItems: 20 }"],
  ])('%s: bounded', (_, schema) => {
    expect(ruleIds(route('ids', schema))).toEqual([]);
  });

  it.each([
    ['a cap on each element', 'z.array(z.string().max(20))'],
    ['a minimum only', 'z.array(z.string()).min(1)'],
    ['a cap read from a variable', 'z.array(z.string()).max(limit)'],
    ['JSON Schema without maxItems', "{ type: 'array', minItems: 1 }"],
  ])('%s: still reported', (_, schema) => {
    expect(ruleIds(route('ids', schema).replace("import {", 'let limit = 5;\nimport {'))).toEqual(['unbounded-concurrency']);
  });

  it('a capped field of another name bounds nothing', () => {
    expect(ruleIds(route('tags', 'z.array(z.string()).max(20)'))).toEqual(['unbounded-concurrency']);
  });

  it('a schema in the file that the handler is not registered with bounds nothing', () => {
    const text = route('ids', 'z.array(z.string())') + `export const other = z.object({ ids: z.array(z.string()).max(20) });\n`;
    expect(ruleIds(text)).toEqual(['unbounded-concurrency']);
  });

  it('the schema may be a constant of the file, and reach the handler through a wrapper', () => {
    const text =
      `import { router, validate, z, wrap } from './deps';\n` +
      `const MAX = 20;\nconst Body = z.object({ ids: z.array(z.string()).max(MAX) });\n` +
      `router.post('/x', validate({ body: Body }), wrap(async (req, res) => {\n` +
      `  const { ids } = req.body;\n` +
      `  res.json(await Promise.all(ids.map((id) => fetch('https://api.example.com/' + id))));\n` +
      `}));\n`;
    expect(ruleIds(text)).toEqual([]);
    expect(ruleIds(text.replace('.max(MAX)', ''))).toEqual(['unbounded-concurrency']);
  });
});
