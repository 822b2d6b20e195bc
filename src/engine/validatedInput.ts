import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeName, forEachNode, isFunction, propertyKey, unwrap, type Node } from './ast.js';
import { constInit, moduleConstInit } from './callees.js';
import { fixedCount } from './sizeGuards.js';
import type { ScopeInfo } from './scope.js';

/*
 * `router.post('/series', validateRequest({ body: z.object({ series: z.array(s).max(5) }) }), async (req) => …)`,
 * `publicProcedure.input(z.object({ urls: z.array(z.string()).max(100) })).query(async ({ input }) => …)`: the
 * request reaches the handler only after a schema refused an array longer than its maximum, so a fan-out over
 * that field is as large as the schema allows, whatever the client sends. Judged on real code (a chart API's
 * five series, a widget's hundred feeds), such fan-outs were not overloads. The schema must sit where the
 * handler is registered (an argument before it, a call it is chained on), in this file: a schema somewhere
 * else with a field of the same name says nothing of this request.
 */

/** How deep a schema is followed through the constants it is built from (`const feeds = z.object({ … })`). */
const MAX_HOPS = 3;

/**
 * Is the field `key` of `holder` (`req.body`, `input`: a parameter of a request handler, or a part of one) an
 * array that a schema validating the handler's request caps at a fixed length?
 */
export function validatedMaximum(holder: Node, key: string, scope: ScopeInfo): boolean {
  let root = unwrap(holder);
  while (root.type === 'MemberExpression') root = unwrap(root.object);
  if (root.type !== 'Identifier') return false;
  const def = scope.variableOf(root)?.defs[0];
  if (def?.type !== 'Parameter' || !isFunction(def.node)) return false;
  return schemasAround(def.node as Node).some((schema) => capsField(schema, key, new Set(), 0));
}

/**
 * The expressions registered with a handler: the other arguments of the call it is passed to (and of a call
 * that wraps it, `asyncHandler(async (req) => …)`), and the arguments of the calls that call is chained on.
 */
function schemasAround(handler: Node): Node[] {
  const found: Node[] = [];
  let inner: Node = handler;
  for (let hops = 0; hops < 2; hops++) {
    const call = inner.parent;
    if (call?.type !== 'CallExpression' || !call.arguments.includes(inner as TSESTree.CallExpressionArgument)) break;
    for (const arg of call.arguments) if (arg !== inner) found.push(arg);
    for (let callee = unwrap(call.callee); callee.type === 'MemberExpression'; ) {
      const object = unwrap(callee.object);
      if (object.type !== 'CallExpression') break;
      found.push(...object.arguments);
      callee = unwrap(object.callee);
    }
    inner = call;
  }
  return found;
}

/** Does `schema` (or a constant it names, in this file) declare `key` as an array of at most a fixed length? */
function capsField(schema: Node, key: string, seen: Set<Node>, hops: number): boolean {
  let caps = false;
  forEachNode(schema, (n) => {
    if (caps) return false;
    if (isFunction(n)) return false;
    if (n.type === 'Property' && propertyKey(n) === key && cappedArray(n.value as Node)) caps = true;
    else if (n.type === 'Identifier' && hops < MAX_HOPS && !(n.parent?.type === 'Property' && n.parent.key === n) && !(n.parent?.type === 'MemberExpression' && n.parent.property === n)) {
      const init = constInit(n) ?? moduleConstInit(n);
      if (init && !seen.has(init)) {
        seen.add(init);
        caps = capsField(init, key, seen, hops + 1);
      }
    }
    return undefined;
  });
  return caps;
}

/**
 * An array schema with a maximum: `z.array(s).max(5)`, `s.array().length(3)` (zod), `Joi.array().items(s).max(5)`,
 * `yup.array().of(s).max(5)`, `v.pipe(v.array(s), v.maxLength(5))` (valibot), `Type.Array(s, { maxItems: 5 })`
 * (TypeBox), `{ type: 'array', maxItems: 5 }` (JSON Schema). `z.array(z.string().max(5))` caps each string, not
 * the array.
 */
function cappedArray(schema: Node): boolean {
  let n = unwrap(schema);
  if (n.type === 'ObjectExpression') return hasFixed(n, 'maxItems');
  let capped = false;
  while (n.type === 'CallExpression') {
    const name = calleeName(n) ?? '';
    if (name === 'pipe') return n.arguments.some((a) => isArrayCall(a)) && n.arguments.some((a) => a.type === 'CallExpression' && /^(maxLength|length)$/.test(calleeName(a) ?? '') && fixed(a.arguments[0]));
    if (name === 'Array') return n.arguments.some((a) => a.type === 'ObjectExpression' && hasFixed(a, 'maxItems'));
    if (name === 'array') return capped;
    if ((name === 'max' || name === 'length') && fixed(n.arguments[0])) capped = true;
    const callee = unwrap(n.callee);
    if (callee.type !== 'MemberExpression') return false;
    n = unwrap(callee.object);
  }
  return false;
}

function isArrayCall(node: Node): boolean {
  return node.type === 'CallExpression' && calleeName(node) === 'array';
}

function hasFixed(object: TSESTree.ObjectExpression, key: string): boolean {
  return object.properties.some((p) => p.type === 'Property' && propertyKey(p) === key && fixed(p.value as Node));
}

function fixed(node: Node | undefined): boolean {
  return node !== undefined && node.type !== 'SpreadElement' && fixedCount(node);
}
