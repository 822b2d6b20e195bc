import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { calleeName, enclosingFunction, forEachNode, identifierWords, isFunction, memberName, propertyKey, unwrap, type Node } from './ast.js';
import { constInit, constSource } from './callees.js';
import { receiverText } from './locks.js';
import type { FunctionNode } from './scope.js';

/*
 * One page of rows: what a query or a request returns when it asks for at most so many (`limit(20)`, `{ take:
 * 50 }`, `?per_page=100`), however large the table or the remote list is. A fan-out over one page is as large as
 * the page, and a loop that fetches the next page only after the fan-out over this one settles keeps it so.
 */

/** Methods and query options that cap how many rows a query returns. */
const LIMIT_METHODS = new Set(['limit', 'take', 'top', 'first']);
const LIMIT_KEYS = /^(limit|take|top|first|per_?page|page_?size|max_?results|max_?keys|max_?items)$/i;

/**
 * Is this (awaited) call a query whose rows are capped: a `limit`/`take` call in its chain, a `limit`-like
 * option, or the options of a paginated request spread in (`...ctx.state.pagination`)?
 */
export function limitedQuery(node: Node): boolean {
  let n = unwrap(node);
  for (let depth = 0; depth < 12 && n.type === 'CallExpression'; depth++) {
    if (isCappingClause(n)) return true;
    for (const arg of n.arguments) {
      const a = unwrap(arg);
      // A cap handed in as a clause: `query(Q.where(…), Q.take(50))` (WatermelonDB), `getDocs(query(ref,
      // where(…), limit(20)))` (Firestore's modular API).
      if (isCappingClause(a) || (a.type === 'CallExpression' && a.arguments.some((b) => isCappingClause(unwrap(b))))) return true;
      // `fetch(`${base}/api/v1/request?take=25&sort=added`)`: the request's own URL asks for so many rows.
      if (cappedUrl(a)) return true;
      // `getModulesPaginated(start, MAX_PAGE_SIZE)`, `listKeys(prefix, this.pageLimit)`: told how many to return.
      if ((a.type === 'Identifier' || a.type === 'MemberExpression') && namesACap(a)) return true;
      if (a.type !== 'ObjectExpression') continue;
      for (const p of a.properties) {
        if (p.type === 'Property' && LIMIT_KEYS.test(propertyKey(p) ?? '')) return true;
        if (p.type === 'SpreadElement' && /paginat|paging/i.test(receiverText(unwrap(p.argument)) ?? '')) return true;
      }
    }
    const callee = unwrap(n.callee);
    if (callee.type !== 'MemberExpression') break;
    n = unwrap(callee.object);
  }
  return false;
}

const URL_CAP = /[?&](limit|take|top|first|per_?page|page_?size|max_?results|max_?keys|max_?items)=\d+(&|$)/i;

/**
 * A URL, written out, whose query string caps the rows at a number: `/users?per_page=100`, or
 * `` `/partners?${params}` `` where `params` is a `URLSearchParams` of the function given a page size
 * (`new URLSearchParams({ per_page: PAGE_LIMIT.toString() })`, `params.append('limit', String(100))`).
 */
function cappedUrl(a: Node): boolean {
  if (a.type === 'Literal') return typeof a.value === 'string' && URL_CAP.test(a.value);
  if (a.type !== 'TemplateLiteral') return false;
  if (a.quasis.some((q) => URL_CAP.test(q.value.cooked ?? q.value.raw))) return true;
  return a.expressions.some((e, i) => /\?$|&$/.test(a.quasis[i]!.value.cooked ?? a.quasis[i]!.value.raw) && cappingSearchParams(e));
}

/** `params`, `params.toString()`: a local `URLSearchParams` whose entries include a page size. */
function cappingSearchParams(expr: Node): boolean {
  let e = unwrap(expr);
  if (e.type === 'CallExpression' && e.arguments.length === 0 && calleeName(e) === 'toString' && e.callee.type === 'MemberExpression') e = unwrap(e.callee.object);
  if (e.type !== 'Identifier') return false;
  const init = constInit(e);
  const made = init ? unwrap(init) : null;
  if (made?.type !== 'NewExpression') return false;
  const maker = unwrap(made.callee);
  if (maker.type !== 'Identifier' || maker.name !== 'URLSearchParams') return false;
  const entries = made.arguments[0] ? unwrap(made.arguments[0]) : null;
  if (entries?.type === 'ObjectExpression' && entries.properties.some((p) => p.type === 'Property' && LIMIT_KEYS.test(propertyKey(p) ?? ''))) return true;
  // `params.append('limit', …)` / `params.set('per_page', …)` in the function that makes it.
  const home = enclosingFunction(made);
  const name = e.name;
  let sets = false;
  forEachNode(home ? home.body : made, (n) => {
    if (sets) return false;
    if (n.type !== 'CallExpression' || n.callee.type !== 'MemberExpression') return true;
    const target = unwrap(n.callee.object);
    const method = memberName(n.callee);
    const key = n.arguments[0] ? unwrap(n.arguments[0]) : null;
    sets = target.type === 'Identifier' && target.name === name && (method === 'append' || method === 'set') && key?.type === 'Literal' && typeof key.value === 'string' && LIMIT_KEYS.test(key.value);
    return !sets;
  });
  return sets;
}

/** How deep `returnsOnePage` follows a returned value through locals and helpers. */
const MAX_PAGE_DEPTH = 6;

/**
 * Does every value `fn` returns hold one page: the body of a request or query with a cap, or what is derived from
 * it (`schema.array().parse(items)`, `items.filter(…)`, a field of it)? `await api.listPartners({ cursor })` of
 * a client whose `listPartners` asks for `limit=100` is one page, however often a loop asks for the next.
 */
export function returnsOnePage(fn: FunctionNode): boolean {
  let answer = pageMemo.get(fn);
  if (answer === undefined) pageMemo.set(fn, (answer = returnsOnlyPages(fn)));
  return answer;
}

// Per function: a client's list method is asked about by every fan-out over what it returns.
const pageMemo = new WeakMap<FunctionNode, boolean>();

function returnsOnlyPages(fn: FunctionNode): boolean {
  const values: Node[] = [];
  if (fn.body.type !== 'BlockStatement') values.push(fn.body);
  else {
    forEachNode(fn.body, (n) => {
      if (n !== fn.body && isFunction(n)) return false;
      if (n.type === 'ReturnStatement') values.push(n.argument ?? n);
      return true;
    });
  }
  return values.length > 0 && values.every((v) => holdsOnePage(v, 0));
}

/** Methods that hand back (part of) what they are called on, or what they are handed (`schema.parse(items)`). */
const KEEPS_PAGE = new Set(['filter', 'map', 'slice', 'flat', 'sort', 'reverse', 'toSorted', 'toReversed']);
const VALIDATES = new Set(['parse', 'parseAsync']);

function holdsOnePage(value: Node, depth: number): boolean {
  if (depth > MAX_PAGE_DEPTH) return false;
  const v = unwrap(value);
  switch (v.type) {
    case 'AwaitExpression':
      return limitedQuery(v.argument);
    case 'MemberExpression':
      return holdsOnePage(v.object, depth + 1);
    case 'CallExpression': {
      if (v.callee.type !== 'MemberExpression') return false;
      const method = memberName(v.callee);
      if (method !== null && KEEPS_PAGE.has(method)) return holdsOnePage(v.callee.object, depth + 1);
      const arg = v.arguments[0];
      return method !== null && VALIDATES.has(method) && v.arguments.length === 1 && arg?.type !== 'SpreadElement' && arg !== undefined && holdsOnePage(arg, depth + 1);
    }
    case 'Identifier': {
      // `const items = await get(url)`, or a part of it: `const { data: { items } } = await this.fetch(url)`.
      const source = constSource(v);
      return source !== null && holdsOnePage(source, depth + 1);
    }
    default:
      return false;
  }
}

/**
 * A count of rows by its name: `limit`, `pageSize`, `perPage`, `BATCH_SIZE`, `MAX_RESULTS`, `maxItemCount`. Not
 * a `rateLimit`, a `timeLimit` or a `sizeLimit`, which cap something else; not a `maxSizeInMB` (bytes), and not a
 * `pageCount` (how many pages, each a page long).
 */
function namesACap(arg: TSESTree.Identifier | TSESTree.MemberExpression): boolean {
  const name = arg.type === 'Identifier' ? arg.name : memberName(arg);
  if (name === null) return false;
  const words = identifierWords(name);
  if (words.some((w) => NOT_ROWS.has(w))) return false;
  if (words.includes('limit')) return !words.includes('size');
  if ((words.includes('page') || words.includes('batch')) && words.includes('size')) return true;
  if (words.includes('per') && words.includes('page')) return true;
  return words.includes('max') && words.some((w) => ROW_NOUNS.has(w));
}

const NOT_ROWS = new Set(['rate', 'time', 'memory', 'bytes', 'byte', 'mb', 'kb', 'ms', 'seconds', 'retries', 'age']);
const ROW_NOUNS = new Set(['count', 'results', 'items', 'rows', 'entries', 'records']);

/** `limit(20)`, `Q.take(PAGE)`, `.first(5)`: a call that caps rows at a count. */
function isCappingClause(call: Node): boolean {
  if (call.type !== 'CallExpression') return false;
  const name = calleeName(call);
  const cap = call.arguments[0] ? unwrap(call.arguments[0]) : null;
  // `limit(() => fetch(url))` is a gate (p-limit), not a count.
  return name !== null && LIMIT_METHODS.has(name) && cap !== null && !isFunction(cap) && cap.type !== 'SpreadElement';
}
