#!/usr/bin/env node
// Generates a deterministic corpus of realistic async TypeScript (plus some TSX and JS) into bench/corpus/.
//
//   node bench/generate-corpus.mjs [--out DIR] [--size-mb N] [--seed N]
//
// The same seed and size always produce byte-identical files. The mix follows what real service code
// looks like: most of it is types, interfaces, mappers, validators and other synchronous code; the async
// part is classes with injected repositories, caches, locks, try/finally, Promise.all fan-out, timers and
// event handlers. A minority of methods contain real races (lost updates, check-then-act, leaked locks,
// unawaited acquires, unbounded fan-out) so the analyser has something to report.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const GENERATOR_VERSION = 2;

function parseArgs(argv) {
  const opts = { out: join(HERE, 'corpus'), sizeMb: 6, seed: 20241125 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--out') opts.out = resolve(next());
    else if (a === '--size-mb') opts.sizeMb = Number(next());
    else if (a === '--seed') opts.seed = Number(next());
    else if (a === '--help' || a === '-h') {
      console.log('usage: node bench/generate-corpus.mjs [--out DIR] [--size-mb N] [--seed N]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!(opts.sizeMb > 0)) throw new Error('--size-mb must be a positive number');
  if (!Number.isInteger(opts.seed)) throw new Error('--seed must be an integer');
  return opts;
}

// ---------------------------------------------------------------------------------------------------------
// Seeded PRNG (mulberry32) and helpers

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let rng = mulberry32(1);
const int = (lo, hi) => lo + Math.floor(rng() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(rng() * xs.length)];
const chance = (p) => rng() < p;
function sample(xs, n) {
  const copy = xs.slice();
  const out = [];
  while (out.length < n && copy.length > 0) out.push(copy.splice(Math.floor(rng() * copy.length), 1)[0]);
  return out;
}
/** Picks a key of `weights` with probability proportional to its value. */
function weighted(weights) {
  const entries = Object.entries(weights);
  let total = 0;
  for (const [, w] of entries) total += w;
  let r = rng() * total;
  for (const [k, w] of entries) {
    r -= w;
    if (r < 0) return k;
  }
  return entries[entries.length - 1][0];
}

const cap = (s) => s[0].toUpperCase() + s.slice(1);
const lower = (s) => s[0].toLowerCase() + s.slice(1);
const plural = (s) => (s.endsWith('y') ? s.slice(0, -1) + 'ies' : s.endsWith('s') ? s + 'es' : s + 's');
const kebab = (s) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
const indent = (text, n) =>
  text
    .split('\n')
    .map((l) => (l.length ? ' '.repeat(n) + l : l))
    .join('\n');

// ---------------------------------------------------------------------------------------------------------
// Vocabulary

const ENTITIES = [
  'User', 'Order', 'Invoice', 'Product', 'Shipment', 'Account', 'Session', 'Tenant', 'Subscription', 'Payment',
  'Customer', 'Report', 'Notification', 'Webhook', 'Inventory', 'Coupon', 'Refund', 'Ticket', 'Message',
  'Channel', 'Project', 'Task', 'Comment', 'Team', 'Device', 'Job', 'Warehouse', 'Supplier', 'Quote', 'Contract',
  'Address', 'Review', 'Category', 'Campaign', 'Lead', 'Booking', 'Room', 'Vehicle', 'Route', 'Document',
  'Attachment', 'Policy', 'Claim', 'Transfer', 'Ledger', 'Budget', 'Forecast', 'Metric', 'Alert', 'Incident',
];
const PACKAGES = ['api', 'billing', 'catalog', 'core', 'notifications', 'worker', 'gateway', 'identity', 'analytics', 'fulfillment'];
const STATUSES = ['pending', 'active', 'suspended', 'archived', 'draft', 'failed', 'completed', 'cancelled', 'queued', 'expired'];
const FIELD_POOL = [
  ['name', 'string'], ['email', 'string'], ['description', 'string | null'], ['amount', 'number'],
  ['currency', 'CurrencyCode'], ['quantity', 'number'], ['priority', 'number'], ['tags', 'string[]'],
  ['metadata', 'Record<string, unknown>'], ['updatedAt', 'Date'], ['expiresAt', 'Date | undefined'],
  ['ownerId', 'string'], ['version', 'number'], ['isDeleted', 'boolean'], ['score', 'number'],
  ['externalRef', 'string | undefined'], ['region', 'Region'], ['notes', 'string[]'], ['retries', 'number'],
  ['weight', 'number'], ['locale', 'string'], ['flags', 'ReadonlySet<string>'], ['sequence', 'bigint'],
];
const VERBS = ['load', 'fetch', 'sync', 'refresh', 'import', 'export', 'reconcile', 'archive', 'publish', 'process', 'validate', 'enrich', 'settle', 'dispatch', 'index'];
const DEPS = [
  ['repo', 'Repository'], ['http', 'HttpClient'], ['queue', 'JobQueue'], ['events', 'EventBus'], ['clock', 'Clock'],
  ['metrics', 'MetricsSink'], ['logger', 'Logger'], ['mailer', 'Mailer'], ['storage', 'BlobStore'], ['db', 'Database'],
];
const COUNTERS = ['processed', 'failures', 'total', 'inFlight', 'hits', 'misses', 'balance', 'retries', 'sent', 'skipped'];
const LOG_LEVELS = ['debug', 'info', 'warn', 'error'];

// ---------------------------------------------------------------------------------------------------------
// Fragments. Each returns TypeScript source text for one top-level declaration (or a few related ones).

function docComment(lines, pad = '') {
  if (lines.length === 1 && chance(0.5)) return `${pad}/** ${lines[0]} */\n`;
  return `${pad}/**\n${lines.map((l) => `${pad} * ${l}`).join('\n')}\n${pad} */\n`;
}

function fieldsFor(entity) {
  const n = int(3, 9);
  const fields = [['id', 'string'], [`${lower(entity)}Number`, 'number'], ['status', `${entity}Status`], ['createdAt', 'Date']];
  for (const f of sample(FIELD_POOL, n)) fields.push(f);
  return fields;
}

function interfaceDecl(entity, fields) {
  let s = docComment([`A ${lower(entity)} as stored in the primary database.`, `Field names follow the public API; see docs/api/${kebab(entity)}.md.`]);
  s += `export interface ${entity} {\n`;
  for (const [name, type] of fields) {
    if (chance(0.2)) s += `  /** ${cap(name.replace(/([A-Z])/g, ' $1').toLowerCase())}. */\n`;
    s += `  ${chance(0.15) ? 'readonly ' : ''}${name}${chance(0.1) ? '?' : ''}: ${type};\n`;
  }
  s += '}\n';
  return s;
}

function statusType(entity) {
  const sts = sample(STATUSES, int(3, 6));
  if (chance(0.5)) return `export type ${entity}Status = ${sts.map((x) => `'${x}'`).join(' | ')};\n`;
  return `export enum ${entity}Status {\n${sts.map((x) => `  ${cap(x)} = '${x}',`).join('\n')}\n}\n`;
}

function dtoTypes(entity, fields) {
  const keys = fields.filter(([n]) => n !== 'id' && n !== 'createdAt').map(([n]) => `'${n}'`);
  let s = `export type Create${entity}Input = Pick<${entity}, ${keys.slice(0, Math.max(1, keys.length - 2)).join(' | ')}>;\n`;
  s += `export type Update${entity}Input = Partial<Omit<${entity}, 'id' | 'createdAt'>> & { readonly id: string };\n`;
  if (chance(0.6)) {
    s += `\nexport type ${entity}Event =\n`;
    s += `  | { type: '${lower(entity)}.created'; payload: ${entity} }\n`;
    s += `  | { type: '${lower(entity)}.updated'; payload: Update${entity}Input; previous: ${entity} }\n`;
    s += `  | { type: '${lower(entity)}.deleted'; id: string; at: Date };\n`;
  }
  if (chance(0.4)) {
    s += `\nexport interface ${entity}Query {\n  ids?: readonly string[];\n  status?: ${entity}Status | readonly ${entity}Status[];\n  createdAfter?: Date;\n  limit?: number;\n  cursor?: string;\n  orderBy?: keyof ${entity};\n}\n`;
  }
  return s;
}

function mapperFn(entity, fields) {
  const row = `${entity}Row`;
  let s = `export interface ${row} {\n${fields.map(([n, t]) => `  ${kebab(n).replace(/-/g, '_')}: ${t.includes('Date') ? 'string' : t};`).join('\n')}\n}\n\n`;
  s += docComment([`Converts a database row to a {@link ${entity}}. Dates arrive as ISO strings.`]);
  s += `export function to${entity}(row: ${row}): ${entity} {\n  return {\n`;
  for (const [n, t] of fields) {
    const col = kebab(n).replace(/-/g, '_');
    if (t === 'Date') s += `    ${n}: new Date(row.${col}),\n`;
    else if (t.startsWith('Date')) s += `    ${n}: row.${col} ? new Date(row.${col}) : undefined,\n`;
    else s += `    ${n}: row.${col},\n`;
  }
  s += `  };\n}\n`;
  if (chance(0.5)) {
    s += `\nexport function from${entity}(value: ${entity}): ${row} {\n  return {\n`;
    for (const [n, t] of fields) {
      const col = kebab(n).replace(/-/g, '_');
      if (t === 'Date') s += `    ${col}: value.${n}.toISOString(),\n`;
      else if (t.startsWith('Date')) s += `    ${col}: value.${n}?.toISOString(),\n`;
      else s += `    ${col}: value.${n},\n`;
    }
    s += `  };\n}\n`;
  }
  return s;
}

function validatorFn(entity, fields) {
  let s = docComment([`Checks a ${lower(entity)} before it is written. Returns every problem, not just the first.`]);
  s += `export function validate${entity}(input: Partial<${entity}>): ValidationIssue[] {\n  const issues: ValidationIssue[] = [];\n`;
  for (const [n, t] of fields.slice(0, int(3, fields.length))) {
    if (t === 'string') s += `  if (typeof input.${n} !== 'string' || input.${n}.trim() === '') {\n    issues.push({ path: '${n}', message: '${n} is required' });\n  } else if (input.${n}.length > ${pick([64, 128, 255, 1024])}) {\n    issues.push({ path: '${n}', message: '${n} is too long' });\n  }\n`;
    else if (t === 'number') s += `  if (input.${n} !== undefined && (!Number.isFinite(input.${n}) || input.${n} < 0)) {\n    issues.push({ path: '${n}', message: '${n} must be a non-negative number' });\n  }\n`;
    else if (t === 'string[]') s += `  if (input.${n}?.some((x) => x.length === 0)) {\n    issues.push({ path: '${n}', message: 'empty entries are not allowed' });\n  }\n`;
    else if (t === 'Date') s += `  if (input.${n} && Number.isNaN(input.${n}.getTime())) {\n    issues.push({ path: '${n}', message: 'invalid date' });\n  }\n`;
  }
  s += `  return issues;\n}\n`;
  return s;
}

function reducerFn(entity) {
  const st = `${entity}State`;
  let s = `export interface ${st} {\n  byId: Record<string, ${entity}>;\n  order: string[];\n  loading: boolean;\n  error?: string;\n}\n\n`;
  s += `export const initial${st}: ${st} = { byId: {}, order: [], loading: false };\n\n`;
  s += `export function ${lower(entity)}Reducer(state: ${st}, action: ${entity}Action): ${st} {\n  switch (action.type) {\n`;
  s += `    case 'loaded': {\n      const byId = { ...state.byId };\n      for (const item of action.items) byId[item.id] = item;\n      return { ...state, byId, order: action.items.map((i) => i.id), loading: false };\n    }\n`;
  s += `    case 'upserted':\n      return {\n        ...state,\n        byId: { ...state.byId, [action.item.id]: action.item },\n        order: state.order.includes(action.item.id) ? state.order : [...state.order, action.item.id],\n      };\n`;
  s += `    case 'removed': {\n      const { [action.id]: _removed, ...rest } = state.byId;\n      return { ...state, byId: rest, order: state.order.filter((id) => id !== action.id) };\n    }\n`;
  s += `    case 'failed':\n      return { ...state, loading: false, error: action.message };\n    default:\n      return state;\n  }\n}\n\n`;
  s = `export type ${entity}Action =\n  | { type: 'loaded'; items: ${entity}[] }\n  | { type: 'upserted'; item: ${entity} }\n  | { type: 'removed'; id: string }\n  | { type: 'failed'; message: string };\n\n` + s;
  return s;
}

function utilFns(used) {
  const variants = [
    () => `export function chunk<T>(items: readonly T[], size: number): T[][] {\n  if (size <= 0) throw new RangeError('size must be positive');\n  const out: T[][] = [];\n  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));\n  return out;\n}\n`,
    () => `export function groupBy<T, K extends PropertyKey>(items: Iterable<T>, keyOf: (item: T) => K): Map<K, T[]> {\n  const groups = new Map<K, T[]>();\n  for (const item of items) {\n    const key = keyOf(item);\n    const bucket = groups.get(key);\n    if (bucket) bucket.push(item);\n    else groups.set(key, [item]);\n  }\n  return groups;\n}\n`,
    () => `export function clamp(value: number, min: number, max: number): number {\n  return value < min ? min : value > max ? max : value;\n}\n`,
    () => `export function formatMoney(amount: number, currency: CurrencyCode, locale = 'en-US'): string {\n  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(amount / 100);\n}\n`,
    () => `export function parseBoolean(value: string | undefined, fallback = false): boolean {\n  if (value === undefined) return fallback;\n  switch (value.trim().toLowerCase()) {\n    case '1':\n    case 'true':\n    case 'yes':\n      return true;\n    case '0':\n    case 'false':\n    case 'no':\n      return false;\n    default:\n      return fallback;\n  }\n}\n`,
    () => `export function sleep(ms: number, signal?: AbortSignal): Promise<void> {\n  return new Promise((resolve, reject) => {\n    const timer = setTimeout(resolve, ms);\n    signal?.addEventListener('abort', () => {\n      clearTimeout(timer);\n      reject(signal.reason);\n    }, { once: true });\n  });\n}\n`,
    () => `export async function retry<T>(fn: (attempt: number) => Promise<T>, attempts = ${int(3, 6)}, baseDelayMs = ${pick([50, 100, 250])}): Promise<T> {\n  let lastError: unknown;\n  for (let attempt = 0; attempt < attempts; attempt++) {\n    try {\n      return await fn(attempt);\n    } catch (err) {\n      lastError = err;\n      const jitter = Math.random() * baseDelayMs;\n      await sleep(baseDelayMs * 2 ** attempt + jitter);\n    }\n  }\n  throw lastError;\n}\n`,
    () => `export function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number): (...args: A) => void {\n  let timer: ReturnType<typeof setTimeout> | undefined;\n  return (...args: A) => {\n    if (timer !== undefined) clearTimeout(timer);\n    timer = setTimeout(() => fn(...args), waitMs);\n  };\n}\n`,
    () => `export function deepEqual(a: unknown, b: unknown): boolean {\n  if (Object.is(a, b)) return true;\n  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;\n  if (Array.isArray(a) !== Array.isArray(b)) return false;\n  const ka = Object.keys(a);\n  const kb = Object.keys(b);\n  if (ka.length !== kb.length) return false;\n  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));\n}\n`,
    () => `export function slugify(input: string): string {\n  return input\n    .normalize('NFKD')\n    .replace(/[\\u0300-\\u036f]/g, '')\n    .toLowerCase()\n    .replace(/[^a-z0-9]+/g, '-')\n    .replace(/^-+|-+$/g, '');\n}\n`,
    () => `export function pick<T extends object, K extends keyof T>(obj: T, keys: readonly K[]): Pick<T, K> {\n  const out = {} as Pick<T, K>;\n  for (const key of keys) {\n    if (key in obj) out[key] = obj[key];\n  }\n  return out;\n}\n`,
    () => `export const percentile = (values: readonly number[], p: number): number => {\n  if (values.length === 0) return Number.NaN;\n  const sorted = [...values].sort((a, b) => a - b);\n  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));\n  return sorted[idx]!;\n};\n`,
    () => `export function assertNever(value: never, message = 'unexpected value'): never {\n  throw new Error(\`\${message}: \${JSON.stringify(value)}\`);\n}\n`,
    () => `export function toQueryString(params: Record<string, string | number | boolean | undefined>): string {\n  const parts: string[] = [];\n  for (const [key, value] of Object.entries(params)) {\n    if (value === undefined) continue;\n    parts.push(\`\${encodeURIComponent(key)}=\${encodeURIComponent(String(value))}\`);\n  }\n  return parts.length ? \`?\${parts.join('&')}\` : '';\n}\n`,
    () => `export class LruMap<K, V> {\n  private readonly map = new Map<K, V>();\n  constructor(private readonly capacity: number) {}\n\n  get(key: K): V | undefined {\n    const value = this.map.get(key);\n    if (value !== undefined) {\n      this.map.delete(key);\n      this.map.set(key, value);\n    }\n    return value;\n  }\n\n  set(key: K, value: V): this {\n    this.map.delete(key);\n    this.map.set(key, value);\n    if (this.map.size > this.capacity) {\n      const oldest = this.map.keys().next();\n      if (!oldest.done) this.map.delete(oldest.value);\n    }\n    return this;\n  }\n\n  get size(): number {\n    return this.map.size;\n  }\n}\n`,
  ];
  const free = variants.map((_, i) => i).filter((i) => !used.has(i));
  if (free.length === 0) return undefined;
  const i = pick(free);
  used.add(i);
  return variants[i]();
}

function constantsBlock(entity) {
  const n = int(4, 10);
  let s = `export const ${kebab(entity).toUpperCase().replace(/-/g, '_')}_DEFAULTS = {\n`;
  for (let i = 0; i < n; i++) {
    const [name] = pick(FIELD_POOL);
    s += `  ${name}${i}: ${pick(['0', 'true', 'false', `'${pick(STATUSES)}'`, String(int(1, 5000)), '[]', 'null'])},\n`;
  }
  s += `} as const;\n`;
  if (chance(0.5)) {
    s += `\nexport const ${lower(entity)}Routes = {\n  list: '/api/v${int(1, 3)}/${kebab(plural(entity))}',\n  detail: (id: string) => \`/api/v1/${kebab(plural(entity))}/\${encodeURIComponent(id)}\`,\n  search: '/api/v1/${kebab(plural(entity))}/search',\n} satisfies Record<string, string | ((id: string) => string)>;\n`;
  }
  return s;
}

// ---- class methods. ctx = { entity, E (lower entity), fields, counter, hasLock, hasSem, cacheField }

const METHOD_WEIGHTS = {
  safeFetch: 10, safeList: 6, syncGetter: 8, syncCompute: 8, toJSON: 3, tryCatchLog: 6, forAwait: 3,
  literalAll: 4, requestScoped: 5, memoized: 3, singleFlight: 3, reread: 2, generation: 2, lockedUpdate: 4,
  runExclusive: 3, boundedFanOut: 3, chunked: 2, tailQueue: 1, asyncLockCallback: 1,
  // races
  lostUpdate: 2.2, lostUpdateLocal: 1.3, checkThenAct: 1.8, tokenRefresh: 0.7, lockLeak: 0.9, unawaited: 0.5, unbounded: 1.6,
};

const METHODS = {
  safeFetch: (c) => `async get${c.entity}(id: string): Promise<${c.entity} | undefined> {\n  const row = await this.repo.findOne<${c.entity}Row>('${kebab(plural(c.entity))}', { id });\n  if (!row) {\n    this.logger.${pick(LOG_LEVELS)}('${lower(c.entity)} not found', { id });\n    return undefined;\n  }\n  return to${c.entity}(row);\n}`,
  safeList: (c) => `async list${plural(c.entity)}(query: ${c.entity}Query = {}): Promise<Page<${c.entity}>> {\n  const limit = clamp(query.limit ?? ${pick([20, 50, 100])}, 1, ${pick([200, 500])});\n  const rows = await this.repo.findMany<${c.entity}Row>('${kebab(plural(c.entity))}', { ...query, limit: limit + 1 });\n  const items = rows.slice(0, limit).map(to${c.entity});\n  const next = rows.length > limit ? items[items.length - 1]?.id : undefined;\n  return { items, next };\n}`,
  syncGetter: (c) =>
    pick([
      () => `get size(): number {\n  return this.cache.size;\n}`,
      () => `get isIdle(): boolean {\n  return this.queue.length === 0 && this.totals.size === 0;\n}`,
      () => `get label(): string {\n  return \`${c.entity}(\${this.cache.size} cached, \${this.queue.length} queued)\`;\n}`,
      () => `snapshot(): ReadonlyMap<string, ${c.entity}> {\n  return new Map(this.cache);\n}`,
    ])(),
  syncCompute: (c) => `private summarize(items: readonly ${c.entity}[]): { count: number; byStatus: Record<string, number>; newest?: Date } {\n  const byStatus: Record<string, number> = {};\n  let newest: Date | undefined;\n  for (const item of items) {\n    byStatus[item.status] = (byStatus[item.status] ?? 0) + 1;\n    if (!newest || item.createdAt > newest) newest = item.createdAt;\n  }\n  return { count: items.length, byStatus, newest };\n}`,
  toJSON: () => `toJSON(): Record<string, unknown> {\n  return {\n    cached: this.cache.size,\n    queued: this.queue.length,\n    options: { ...this.options },\n  };\n}`,
  tryCatchLog: (c) => `async ${pick(VERBS)}${c.entity}(id: string, signal?: AbortSignal): Promise<boolean> {\n  const started = this.clock.now();\n  try {\n    const payload = await this.http.get<${c.entity}>(\`/${kebab(plural(c.entity))}/\${id}\`, { signal });\n    const issues = validate${c.entity}(payload);\n    if (issues.length > 0) {\n      this.logger.warn('invalid ${lower(c.entity)} payload', { id, issues });\n      return false;\n    }\n    await this.repo.upsert('${kebab(plural(c.entity))}', from${c.entity}(payload));\n    return true;\n  } catch (err) {\n    this.logger.error('${lower(c.entity)} sync failed', { id, err });\n    throw new SyncError(\`could not sync ${lower(c.entity)} \${id}\`, { cause: err });\n  } finally {\n    this.metrics.timing('${lower(c.entity)}.sync', this.clock.now() - started);\n  }\n}`,
  forAwait: (c) => `async countByStatus(stream: AsyncIterable<${c.entity}>): Promise<Map<string, number>> {\n  const counts = new Map<string, number>();\n  for await (const item of stream) {\n    counts.set(item.status, (counts.get(item.status) ?? 0) + 1);\n  }\n  return counts;\n}`,
  literalAll: (c) => `async dashboard(id: string): Promise<${c.entity}Dashboard> {\n  const [item, history, stats] = await Promise.all([\n    this.repo.findOne<${c.entity}Row>('${kebab(plural(c.entity))}', { id }),\n    this.repo.findMany<AuditRow>('audit', { subject: id, limit: 20 }),\n    this.http.get<Stats>(\`/stats/${kebab(c.entity)}/\${id}\`),\n  ]);\n  return { item: item ? to${c.entity}(item) : undefined, history, stats };\n}`,
  requestScoped: (c) => `async handle${c.entity}Request(ctx: RequestContext): Promise<void> {\n  const id = ctx.params.id;\n  ctx.state.${lower(c.entity)} = await this.get${c.entity}(id);\n  ctx.status = ctx.state.${lower(c.entity)} ? 200 : 404;\n  ctx.body = ctx.state.${lower(c.entity)} ?? { error: 'not found' };\n  ctx.headers['x-elapsed'] = String(await this.clock.elapsed(ctx.startedAt));\n}`,
  memoized: () => `private connection?: Promise<Connection>;\n\nconnect(): Promise<Connection> {\n  this.connection ??= this.db.connect({ poolSize: ${int(2, 20)} });\n  return this.connection;\n}`,
  singleFlight: (c) => `private refreshing = false;\n\nasync refreshAll(): Promise<void> {\n  if (this.refreshing) return;\n  this.refreshing = true;\n  try {\n    const rows = await this.repo.findMany<${c.entity}Row>('${kebab(plural(c.entity))}', { status: 'active' });\n    for (const row of rows) this.cache.set(row.id, to${c.entity}(row));\n  } finally {\n    this.refreshing = false;\n  }\n}`,
  reread: (c) => `async ensureConfig(): Promise<RemoteConfig> {\n  if (this.config) return this.config;\n  const loaded = await this.http.get<RemoteConfig>('/config/${kebab(c.entity)}');\n  if (!this.config) this.config = loaded;\n  return this.config;\n}`,
  generation: (c) => `private generation = 0;\n\nasync search(term: string): Promise<void> {\n  const id = ++this.generation;\n  const results = await this.http.get<${c.entity}[]>(\`/search?q=\${encodeURIComponent(term)}\`);\n  if (id !== this.generation) return;\n  this.results = results;\n  this.resultCount = this.resultCount + results.length;\n}`,
  lockedUpdate: (c) => `async adjust${cap(c.counter)}(delta: number): Promise<number> {\n  await this.lock.acquire();\n  try {\n    const current = this.${c.counter};\n    await this.repo.append('${kebab(c.entity)}-journal', { delta, at: this.clock.now() });\n    this.${c.counter} = current + delta;\n    return this.${c.counter};\n  } finally {\n    this.lock.release();\n  }\n}`,
  runExclusive: (c) => `record(id: string, amount: number): Promise<void> {\n  return this.lock.runExclusive(async () => {\n    const entry = this.totals.get(id) ?? 0;\n    await this.repo.upsert('${kebab(c.entity)}-totals', { id, amount: entry + amount });\n    this.totals.set(id, entry + amount);\n  });\n}`,
  boundedFanOut: (c) => `async notifyAll(ids: readonly string[]): Promise<void> {\n  await Promise.all(\n    ids.map((id) =>\n      this.sem.runExclusive(async () => {\n        const item = await this.get${c.entity}(id);\n        if (item) await this.events.publish('${lower(c.entity)}.touched', { id: item.id });\n      }),\n    ),\n  );\n}`,
  chunked: (c) => `async reindex(ids: readonly string[]): Promise<number> {\n  let done = 0;\n  for (const batch of chunk(ids, ${pick([10, 25, 50])})) {\n    const results = await Promise.allSettled(batch.map((id) => this.http.post(\`/index/${kebab(c.entity)}/\${id}\`, {})));\n    done += results.filter((r) => r.status === 'fulfilled').length;\n  }\n  return done;\n}`,
  tailQueue: (c) => `private tail: Promise<void> = Promise.resolve();\n\nenqueue(item: ${c.entity}): Promise<void> {\n  this.tail = this.tail.then(async () => {\n    const seq = this.sequence;\n    await this.repo.upsert('${kebab(plural(c.entity))}', from${c.entity}(item));\n    this.sequence = seq + 1;\n  });\n  return this.tail;\n}`,
  asyncLockCallback: () => `async reserve(key: string, qty: number): Promise<void> {\n  await this.keyed.acquire(key, async () => {\n    const have = this.reserved.get(key) ?? 0;\n    await this.repo.upsert('reservations', { key, qty: have + qty });\n    this.reserved.set(key, have + qty);\n  });\n}`,
  // ----- races
  lostUpdate: (c) => `async record${cap(c.counter)}(id: string): Promise<void> {\n  const result = await this.http.post<{ accepted: number }>(\`/${kebab(plural(c.entity))}/\${id}/ack\`, {});\n  this.${c.counter} += await this.repo.count('${kebab(c.entity)}-events', { id, accepted: result.accepted });\n  this.metrics.gauge('${lower(c.entity)}.${c.counter}', this.${c.counter});\n}`,
  lostUpdateLocal: (c) => `async withdraw(amount: number): Promise<void> {\n  const before = this.${c.counter};\n  if (before < amount) throw new InsufficientFundsError(before, amount);\n  await this.repo.append('${kebab(c.entity)}-ledger', { amount: -amount, at: this.clock.now() });\n  this.${c.counter} = before - amount;\n}`,
  checkThenAct: (c) => `async cached${c.entity}(id: string): Promise<${c.entity} | undefined> {\n  if (!this.cache.has(id)) {\n    const row = await this.repo.findOne<${c.entity}Row>('${kebab(plural(c.entity))}', { id });\n    if (!row) return undefined;\n    this.cache.set(id, to${c.entity}(row));\n  }\n  return this.cache.get(id);\n}`,
  tokenRefresh: () => `async authHeader(): Promise<string> {\n  if (!this.token || this.clock.now() > this.tokenExpiresAt) {\n    const res = await this.http.post<{ access_token: string; expires_in: number }>('/oauth/token', { grant_type: 'client_credentials' });\n    this.token = res.access_token;\n    this.tokenExpiresAt = this.clock.now() + res.expires_in * 1000;\n  }\n  return \`Bearer \${this.token}\`;\n}`,
  lockLeak: (c) => `async flush(): Promise<void> {\n  await this.lock.acquire();\n  const batch = this.queue.splice(0, this.queue.length);\n  await this.repo.insertMany('${kebab(c.entity)}-outbox', batch);\n  this.lock.release();\n}`,
  unawaited: (c) => `async compact(): Promise<void> {\n  this.lock.acquire();\n  try {\n    const keep = [...this.cache.values()].filter((x) => x.status !== 'archived');\n    await this.repo.replaceAll('${kebab(plural(c.entity))}', keep.map(from${c.entity}));\n  } finally {\n    this.lock.release();\n  }\n}`,
  unbounded: (c) => `async broadcast(recipients: readonly string[], message: string): Promise<void> {\n  await Promise.all(\n    recipients.map(async (to) => {\n      const ok = await this.mailer.send({ to, subject: '${c.entity} update', body: message });\n      if (!ok) this.logger.warn('delivery failed', { to });\n    }),\n  );\n}`,
};

function serviceClass(entity, fields, opts) {
  const counter = pick(COUNTERS);
  const c = { entity, fields, counter };
  const deps = sample(DEPS, int(3, 6));
  for (const must of [['repo', 'Repository'], ['logger', 'Logger'], ['clock', 'Clock']]) {
    if (!deps.some(([n]) => n === must[0])) deps.push(must);
  }
  const n = int(opts.minMethods, opts.maxMethods);
  const chosen = [];
  const used = new Set();
  for (let i = 0; i < n * 3 && chosen.length < n; i++) {
    const k = weighted(METHOD_WEIGHTS);
    // Each method name appears once per class; races are rarer in "clean" files.
    if (used.has(k)) continue;
    if (opts.clean && ['lostUpdate', 'lostUpdateLocal', 'checkThenAct', 'tokenRefresh', 'lockLeak', 'unawaited', 'unbounded'].includes(k)) continue;
    used.add(k);
    chosen.push(k);
  }
  const className = `${entity}${pick(['Service', 'Manager', 'Store', 'Coordinator', 'Gateway', 'Synchronizer'])}`;
  let s = docComment([`Coordinates ${lower(plural(entity))}: reads through the repository, keeps a small in-memory cache,`, 'and publishes change events. One instance is shared by every request.']);
  const extendsBase = chance(0.3);
  s += `export class ${className}${extendsBase ? ` extends BaseService` : ''}${chance(0.3) ? ` implements Disposable` : ''} {\n`;
  s += `  private readonly cache = new Map<string, ${entity}>();\n`;
  s += `  private readonly queue: ${entity}Row[] = [];\n`;
  s += `  private readonly totals = new Map<string, number>();\n`;
  s += `  private readonly reserved = new Map<string, number>();\n`;
  s += `  private readonly lock = new Lock();\n`;
  s += `  private readonly sem = new Semaphore(${int(2, 16)});\n`;
  s += `  private readonly keyed = new AsyncLock();\n`;
  s += `  private ${counter} = 0;\n  private sequence = 0;\n  private resultCount = 0;\n`;
  s += `  private results: ${entity}[] = [];\n  private config?: RemoteConfig;\n  private token?: string;\n  private tokenExpiresAt = 0;\n`;
  if (chance(0.4)) s += `  static instances = 0;\n`;
  s += `\n  constructor(\n${deps.map(([n, t]) => `    private readonly ${n}: ${t},`).join('\n')}\n    private readonly options: ${entity}ServiceOptions = {},\n  ) {\n${extendsBase ? '    super();\n' : ''}  }\n`;
  for (const k of chosen) {
    s += '\n' + indent(METHODS[k](c), 2) + '\n';
  }
  if (s.includes('implements Disposable')) s += `\n  [Symbol.dispose](): void {\n    this.cache.clear();\n    this.queue.length = 0;\n  }\n`;
  s += '}\n';
  return { text: s, races: chosen.filter((k) => ['lostUpdate', 'lostUpdateLocal', 'checkThenAct', 'tokenRefresh', 'lockLeak', 'unawaited', 'unbounded'].includes(k)).length };
}

function moduleStore(entity, allowRace) {
  const E = lower(entity);
  const racy = allowRace && chance(0.3);
  let s = `const ${E}Sessions = new Map<string, { value: ${entity}; expires: number }>();\nlet ${E}Evictions = 0;\n\n`;
  s += docComment([`Returns the cached ${E}, loading it at most once per key while a load is in flight.`]);
  if (racy) {
    s += `export async function get${entity}Cached(id: string, load: (id: string) => Promise<${entity}>): Promise<${entity}> {\n  const hit = ${E}Sessions.get(id);\n  if (hit && hit.expires > Date.now()) return hit.value;\n  const value = await load(id);\n  ${E}Sessions.set(id, { value, expires: Date.now() + ${int(5, 60)}_000 });\n  return value;\n}\n`;
  } else {
    s += `const ${E}Loads = new Map<string, Promise<${entity}>>();\n\nexport function get${entity}Cached(id: string, load: (id: string) => Promise<${entity}>): Promise<${entity}> {\n  const hit = ${E}Sessions.get(id);\n  if (hit && hit.expires > Date.now()) return Promise.resolve(hit.value);\n  let pending = ${E}Loads.get(id);\n  if (!pending) {\n    pending = load(id)\n      .then((value) => {\n        ${E}Sessions.set(id, { value, expires: Date.now() + ${int(5, 60)}_000 });\n        return value;\n      })\n      .finally(() => ${E}Loads.delete(id));\n    ${E}Loads.set(id, pending);\n  }\n  return pending;\n}\n`;
  }
  s += `\nexport function evictExpired${plural(entity)}(now = Date.now()): number {\n  let removed = 0;\n  for (const [key, entry] of ${E}Sessions) {\n    if (entry.expires <= now) {\n      ${E}Sessions.delete(key);\n      removed++;\n    }\n  }\n  ${E}Evictions += removed;\n  return removed;\n}\n`;
  if (chance(0.5)) {
    s += `\nsetInterval(async () => {\n  const removed = evictExpired${plural(entity)}();\n  if (removed > 0) await reportEvictions('${E}', removed, ${E}Evictions);\n}, ${pick([10_000, 30_000, 60_000])});\n`;
  }
  return { text: s, races: racy ? 1 : 0 };
}

function eventHandlers(entity) {
  const E = lower(entity);
  return `export function register${entity}Handlers(bus: EventBus, store: ${entity}Store, logger: Logger): () => void {\n  let handled = 0;\n  const offCreated = bus.on('${E}.created', async (event: ${entity}Event) => {\n    if (event.type !== '${E}.created') return;\n    await store.put(event.payload);\n    handled++;\n  });\n  const offDeleted = bus.on('${E}.deleted', async (event: ${entity}Event) => {\n    if (event.type !== '${E}.deleted') return;\n    try {\n      await store.remove(event.id);\n    } catch (err) {\n      logger.error('failed to remove ${E}', { id: event.id, err });\n    }\n  });\n  return () => {\n    offCreated();\n    offDeleted();\n    logger.debug('${E} handlers removed', { handled });\n  };\n}\n`;
}

function tsxComponent(entity) {
  const E = lower(entity);
  return `export interface ${entity}ListProps {\n  tenantId: string;\n  onSelect?: (item: ${entity}) => void;\n  pageSize?: number;\n}\n\nexport function ${entity}List({ tenantId, onSelect, pageSize = ${pick([10, 20, 25])} }: ${entity}ListProps) {\n  const [items, setItems] = useState<${entity}[]>([]);\n  const [error, setError] = useState<string | undefined>();\n  const [page, setPage] = useState(0);\n\n  useEffect(() => {\n    let cancelled = false;\n    (async () => {\n      try {\n        const res = await api.list${plural(entity)}({ tenantId, limit: pageSize, offset: page * pageSize });\n        if (!cancelled) setItems(res.items);\n      } catch (err) {\n        if (!cancelled) setError(String(err));\n      }\n    })();\n    return () => {\n      cancelled = true;\n    };\n  }, [tenantId, page, pageSize]);\n\n  const visible = useMemo(() => items.filter((i) => i.status !== 'archived'), [items]);\n\n  if (error) return <ErrorBanner message={error} onRetry={() => setError(undefined)} />;\n  return (\n    <section className="${kebab(entity)}-list">\n      <header>\n        <h2>${plural(entity)}</h2>\n        <span className="count">{visible.length} of {items.length}</span>\n      </header>\n      <ul>\n        {visible.map((item) => (\n          <li key={item.id} onClick={() => onSelect?.(item)} className={item.status}>\n            <strong>{item.id}</strong> <StatusBadge status={item.status} />\n          </li>\n        ))}\n      </ul>\n      <Pager page={page} onChange={setPage} disabled={items.length < pageSize} />\n    </section>\n  );\n}\n\nexport function use${entity}(id: string | undefined): ${entity} | undefined {\n  const [${E}, set${entity}] = useState<${entity}>();\n  useEffect(() => {\n    if (!id) return;\n    const controller = new AbortController();\n    api.get${entity}(id, { signal: controller.signal }).then(set${entity}, () => undefined);\n    return () => controller.abort();\n  }, [id]);\n  return ${E};\n}\n`;
}

function jsModule(entity) {
  const racy = chance(0.35);
  let s = `/**\n * ${entity} import script helpers.\n * @param {string} file\n * @returns {Promise<Array<Record<string, string>>>}\n */\nexport async function read${plural(entity)}Csv(file) {\n  const text = await readFile(file, 'utf8');\n  const [header, ...lines] = text.split(/\\r?\\n/).filter(Boolean);\n  const columns = header.split(',');\n  return lines.map((line) => {\n    const cells = line.split(',');\n    /** @type {Record<string, string>} */\n    const row = {};\n    columns.forEach((col, i) => {\n      row[col] = cells[i] ?? '';\n    });\n    return row;\n  });\n}\n\n`;
  const total = `imported${plural(entity)}`;
  s += `let ${total} = 0;\n\n/** @param {{ upsert(row: object): Promise<number> }} db */\nexport async function import${plural(entity)}(db, rows) {\n`;
  if (racy) {
    s += `  await Promise.all(\n    rows.map(async (row) => {\n      ${total} += await db.upsert(row);\n    }),\n  );\n  return ${total};\n}\n`;
  } else {
    s += `  let count = 0;\n  for (const row of rows) {\n    count += await db.upsert(row);\n  }\n  ${total} = ${total} + count;\n  return count;\n}\n`;
  }
  s += `\nexport function summarize${plural(entity)}(rows) {\n  const byStatus = new Map();\n  for (const row of rows) {\n    byStatus.set(row.status, (byStatus.get(row.status) || 0) + 1);\n  }\n  return [...byStatus.entries()].sort((a, b) => b[1] - a[1]);\n}\n`;
  return { text: s, races: racy ? 2 : 0 };
}

// ---------------------------------------------------------------------------------------------------------
// Files

function header(kind, entity, pkg) {
  let s = `// ${pkg}/${kebab(entity)} — generated by bench/generate-corpus.mjs for benchmarking; not real code.\n`;
  if (kind === 'js') return s + `import { readFile } from 'node:fs/promises';\n`;
  s += `import type { ${sample(['Clock', 'Logger', 'Repository', 'HttpClient', 'JobQueue', 'EventBus', 'MetricsSink', 'Mailer', 'BlobStore', 'Database'], int(3, 7)).join(', ')} } from '../../core/ports';\n`;
  s += `import type { CurrencyCode, Region, Page, ValidationIssue, RequestContext } from '../../core/types';\n`;
  if (kind === 'service') {
    s += `import { Lock, Semaphore } from 'awaitguard/runtime';\n`;
    s += `import AsyncLock from 'async-lock';\n`;
    s += `import { clamp, chunk, sleep } from '../util';\n`;
    s += `import { SyncError, InsufficientFundsError } from '../errors';\n`;
  }
  if (kind === 'tsx') s += `import { useEffect, useMemo, useState } from 'react';\nimport { api } from '../api-client';\nimport { ErrorBanner, Pager, StatusBadge } from '../ui';\n`;
  return s;
}

function makeFile(kind, entity, pkg, targetBytes) {
  const fields = fieldsFor(entity);
  const parts = [header(kind, entity, pkg)];
  let races = 0;
  let size = parts[0].length;
  const add = (text) => {
    if (text === undefined) return false;
    parts.push(text);
    size += text.length + 1;
    return true;
  };
  // Top-level names stay unique within a file: every fragment is named after an entity not used yet here.
  const usedEntities = new Set([entity]);
  const usedUtils = new Set();
  let round = 1;
  const fresh = () => {
    const free = ENTITIES.filter((e) => !usedEntities.has(e));
    if (free.length === 0) {
      round++;
      usedEntities.clear();
      return fresh();
    }
    const e = pick(free);
    usedEntities.add(e);
    return round === 1 ? e : `${e}V${round}`;
  };
  if (kind === 'types') {
    add(statusType(entity));
    add(interfaceDecl(entity, fields));
    add(dtoTypes(entity, fields));
    while (size < targetBytes) {
      const other = fresh();
      const f = fieldsFor(other);
      add(pick([() => interfaceDecl(`${entity}${other}`, f), () => constantsBlock(other), () => dtoTypes(other, f)])());
    }
  } else if (kind === 'util') {
    while (size < targetBytes) {
      const e = fresh();
      const text = pick([
        () => utilFns(usedUtils),
        () => utilFns(usedUtils),
        () => validatorFn(e, fieldsFor(e)),
        () => mapperFn(e, fieldsFor(e)),
        () => constantsBlock(e),
        () => reducerFn(e),
      ])();
      if (!add(text)) add(mapperFn(e, fieldsFor(e)));
    }
  } else if (kind === 'service') {
    add(`export interface ${entity}ServiceOptions {\n  cacheTtlMs?: number;\n  maxConcurrency?: number;\n  dryRun?: boolean;\n}\n`);
    add(mapperFn(entity, fields));
    if (chance(0.6)) add(validatorFn(entity, fields));
    const clean = chance(0.45);
    let first = true;
    while (size < targetBytes) {
      const r = rng();
      const e = first ? entity : fresh();
      first = false;
      if (r < 0.6) {
        const cls = serviceClass(e, fields, { minMethods: 4, maxMethods: 12, clean });
        races += cls.races;
        add(cls.text);
      } else if (r < 0.75) {
        const m = moduleStore(e, !clean);
        races += m.races;
        add(m.text);
      } else if (r < 0.87) add(eventHandlers(e));
      else add(reducerFn(e));
    }
  } else if (kind === 'tsx') {
    add(tsxComponent(entity));
    while (size < targetBytes) add(tsxComponent(fresh()));
  } else if (kind === 'js') {
    let e = entity;
    while (size < targetBytes) {
      const m = jsModule(e);
      races += m.races;
      add(m.text);
      e = fresh();
    }
  }
  return { text: parts.join('\n'), races };
}

export function generateCorpus({ out, sizeMb, seed }) {
  rng = mulberry32(seed);
  rmSync(out, { recursive: true, force: true });
  const target = Math.round(sizeMb * 1024 * 1024);
  let bytes = 0;
  let files = 0;
  let races = 0;
  const seen = new Set();
  while (bytes < target) {
    const pkg = pick(PACKAGES);
    const entity = pick(ENTITIES);
    const kind = weighted({ service: 45, types: 20, util: 18, tsx: 9, js: 8 });
    const ext = kind === 'tsx' ? 'tsx' : kind === 'js' ? 'js' : 'ts';
    const area = kind === 'tsx' ? 'ui' : kind === 'types' ? 'model' : kind === 'util' ? 'lib' : kind === 'js' ? 'scripts' : 'services';
    const role = { service: pick(['service', 'store', 'sync', 'manager']), types: 'types', util: 'utils', tsx: 'view', js: 'import' }[kind];
    let rel = join('packages', pkg, 'src', area, `${kebab(entity)}.${role}.${ext}`);
    for (let n = 2; seen.has(rel); n++) rel = rel.replace(/(\.\d+)?\.(ts|tsx|js)$/, `.${n}.$2`);
    seen.add(rel);
    // File sizes in real projects are skewed: many small files, a few large ones.
    const targetBytes = Math.round(1200 + 38000 * rng() ** 2.2);
    const file = makeFile(kind, entity, pkg, targetBytes);
    const full = join(out, rel);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, file.text);
    bytes += Buffer.byteLength(file.text);
    files++;
    races += file.races;
  }
  // The corpus lies in bench/corpus/, which the repository's .gitignore ignores, and awaitguard (like git)
  // does not analyse ignored folders. An empty `.git` folder makes the corpus a project root of its own, as a
  // separately checked-out project would be, so the enclosing .gitignore no longer applies. (An empty `.git` is
  // not a repository; git itself looks past it.)
  mkdirSync(join(out, '.git'), { recursive: true });
  const manifest = { generatorVersion: GENERATOR_VERSION, seed, sizeMb, files, bytes, plantedRaceSites: races };
  writeFileSync(join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const opts = parseArgs(process.argv.slice(2));
  const m = generateCorpus(opts);
  console.log(`generated ${m.files} files, ${(m.bytes / 1048576).toFixed(2)} MB (seed ${m.seed}, ~${m.plantedRaceSites} planted race sites) in ${opts.out}`);
}
