// Grammar-aware mutation of real TypeScript/JavaScript: token deletion and duplication, bracket imbalance, and
// nesting amplification of every construct that nests, from a few levels to 50,000. A case is a pure function
// of (seed, index) and the seed corpus.
import ts from 'typescript';
import { caseRng, Random } from './random.js';
import { allowsJsx, isTypeScript, type Seed } from './seeds.js';

export type CaseKind = 'seed' | 'delete' | 'duplicate' | 'brackets' | 'call' | 'amplify';
export const CASE_KINDS: readonly CaseKind[] = ['seed', 'delete', 'duplicate', 'brackets', 'call', 'amplify'];

/** Where an amplified construct goes in the seed. */
export type SiteMode = 'wrap-expression' | 'wrap-statement' | 'statement' | 'append';

/** Everything an amplification depends on besides the seed text: the minimizer re-renders with smaller values. */
export interface AmplifyParams {
  construct: ConstructName;
  depth: number;
  /** Text repeated at every level (a regex, template, string or comment holding brackets or quotes). */
  noise: NoiseName | null;
  /** Text on the same line before the construct (a regex or template with a quote, JSX text with an apostrophe). */
  hider: HiderName | null;
  /** `lines`: a line break after every level. */
  layout: 'line' | 'lines';
  site: SiteMode;
  /** Which candidate site of the seed (modulo their number). */
  siteIndex: number;
}

export interface FuzzCase {
  seed: number;
  index: number;
  kind: CaseKind;
  /** One line saying what was done to which seed file. */
  description: string;
  seedRel: string;
  ext: string;
  text: string;
  /** The construct amplified, or the token run duplicated (`duplicate`), for grouping failures. */
  construct?: string;
  /** Nesting depth (amplify) or copies (duplicate, brackets runs); 0 otherwise. */
  depth: number;
  amplify?: AmplifyParams;
}

export interface GenerateOptions {
  /** Deepest amplification; the campaign goes to 50,000, the CI sample stays lower. */
  maxDepth?: number;
}

export const MAX_DEPTH = 50_000;

export function generateCase(seeds: readonly Seed[], seed: number, index: number, options: GenerateOptions = {}): FuzzCase {
  const r = new Random(caseRng(seed, index));
  const maxDepth = options.maxDepth ?? MAX_DEPTH;
  const kind = r.weighted<CaseKind>([
    ['seed', 4],
    ['delete', 12],
    ['duplicate', 12],
    ['brackets', 10],
    ['call', 8],
    ['amplify', 54],
  ]);
  const base = { seed, index, kind };
  if (kind === 'amplify') {
    const construct = r.pick(CONSTRUCT_NAMES);
    // JSX constructs mostly go where JSX parses; sometimes into a .ts file, where both parsers must reject them.
    const wantsJsx = (CONSTRUCTS[construct] as Construct).jsx === true;
    const pool = wantsJsx && r.chance(0.85) ? seeds.filter((s) => allowsJsx(s.ext)) : construct === 'type-generic' ? seeds.filter((s) => isTypeScript(s.ext)) : seeds;
    const s = pickSeed(r, pool.length > 0 ? pool : seeds);
    const params = chooseAmplify(r, construct, s.ext, maxDepth);
    const { text, where } = amplify(s.text, s.ext, params);
    return {
      ...base,
      seedRel: s.rel,
      ext: s.ext,
      text,
      construct,
      depth: params.depth,
      amplify: params,
      description: `amplify ${describeAmplify(params)} ${where} of ${s.rel}`,
    };
  }
  if (kind === 'call') {
    // An async function calls another one of its file (a sibling method, a module function): where both
    // get a lock from --fix, the call may run while the caller holds it.
    const withCalls = seeds.filter((x) => callSites(x).length > 0);
    const s = pickSeed(r, withCalls.length > 0 ? withCalls : seeds);
    const sites = callSites(s);
    if (sites.length > 0) {
      const site = r.pick(sites);
      const at = r.pick(site.boundaries);
      const text = s.text.slice(0, at) + site.call + '\n' + s.text.slice(at);
      return { ...base, seedRel: s.rel, ext: s.ext, text, depth: 0, construct: 'call', description: `insert \`${site.call}\` into ${site.caller} at ${lineOf(s.text, at)} of ${s.rel}` };
    }
  }
  const s = pickSeed(r, seeds);
  const common = { ...base, seedRel: s.rel, ext: s.ext };
  if (kind === 'seed') return { ...common, text: s.text, depth: 0, description: `unchanged ${s.rel}` };
  const toks = tokens(s.text, s.ext);
  if (kind === 'delete') {
    const n = r.int(1, 3);
    const picked = new Set<number>();
    while (picked.size < Math.min(n, toks.length)) picked.add(r.int(0, toks.length - 1));
    const chosen = [...picked].sort((a, b) => b - a).map((i) => toks[i]!);
    let text = s.text;
    for (const t of chosen) text = text.slice(0, t.start) + text.slice(t.end);
    const what = chosen.reverse().map((t) => `${JSON.stringify(s.text.slice(t.start, t.end))} at ${lineOf(s.text, t.start)}`);
    return { ...common, text, depth: 0, description: `delete token ${what.join(', ')} of ${s.rel}` };
  }
  if (kind === 'duplicate') {
    const at = r.int(0, toks.length - 1);
    const len = Math.min(r.int(1, 4), toks.length - at);
    const first = toks[at]!;
    const last = toks[at + len - 1]!;
    const run = s.text.slice(first.start, last.end);
    const copies = r.weighted<() => number>([
      [() => 1, 60],
      [() => r.int(2, 10), 25],
      [() => r.logInt(10, maxDepth), 15],
    ])();
    const sep = r.chance(0.5) ? ' ' : '';
    const text = s.text.slice(0, last.end) + (sep + run).repeat(copies) + s.text.slice(last.end);
    return {
      ...common,
      text,
      depth: copies,
      construct: run.length <= 12 ? run : run.slice(0, 12) + '…',
      description: `duplicate ${JSON.stringify(run)} ×${copies} at ${lineOf(s.text, first.start)} of ${s.rel}`,
    };
  }
  // brackets
  const edits: { at: number; remove: number; insert: string; what: string }[] = [];
  const brackets = toks.filter((t) => t.end - t.start === 1 && '()[]{}'.includes(s.text[t.start]!));
  let depth = 0;
  for (let n = r.int(1, 3); n > 0; n--) {
    const mode = r.weighted<'delete' | 'insert' | 'run'>([
      ['delete', 4],
      ['insert', 4],
      ['run', 2],
    ]);
    if (mode === 'delete' && brackets.length > 0) {
      const t = r.pick(brackets);
      edits.push({ at: t.start, remove: 1, insert: '', what: `delete ${JSON.stringify(s.text[t.start])} at ${lineOf(s.text, t.start)}` });
    } else {
      const t = r.pick(toks);
      const at = r.chance(0.5) ? t.start : t.end;
      const ch = mode === 'run' ? r.pick(['(', '[', '{']) : r.pick(['(', ')', '[', ']', '{', '}']);
      const count = mode === 'run' ? r.logInt(2, maxDepth) : 1;
      depth = Math.max(depth, count);
      edits.push({ at, remove: 0, insert: ch.repeat(count), what: `insert ${JSON.stringify(ch)}${count > 1 ? ` ×${count}` : ''} at ${lineOf(s.text, at)}` });
    }
  }
  let text = s.text;
  const seen = new Set<number>();
  for (const e of [...edits].sort((a, b) => b.at - a.at)) {
    if (seen.has(e.at) && e.remove > 0) continue;
    seen.add(e.at);
    text = text.slice(0, e.at) + e.insert + text.slice(e.at + e.remove);
  }
  return { ...common, text, depth, description: `brackets: ${edits.map((e) => e.what).join(', ')} of ${s.rel}` };
}

/** Racy files three times as often as safe ones: their findings are what --fix and its oracles work on. */
function pickSeed(r: Random, seeds: readonly Seed[]): Seed {
  return r.weighted(seeds.map((s) => [s, /\/racy\/|^examples\//.test(s.rel) ? 3 : 1] as const));
}

// ---------------------------------------------------------------------------------------------------------
// Tokens and sites, from the TypeScript parser (it recovers from errors, so mutated text tokenizes too)

export interface Span {
  start: number;
  end: number;
}

export function scriptKind(ext: string): ts.ScriptKind {
  switch (ext) {
    case '.tsx':
      return ts.ScriptKind.TSX;
    case '.ts':
    case '.mts':
    case '.cts':
      return ts.ScriptKind.TS;
    case '.jsx':
      return ts.ScriptKind.JSX;
    default:
      return ts.ScriptKind.JS;
  }
}

function sourceFile(text: string, ext: string): ts.SourceFile {
  return ts.createSourceFile(`case${ext}`, text, ts.ScriptTarget.Latest, true, scriptKind(ext));
}

/** The tokens of `text` (leaves of the syntax tree, without trivia), in order. */
export function tokens(text: string, ext: string): Span[] {
  const sf = sourceFile(text, ext);
  const out: Span[] = [];
  const visit = (node: ts.Node): void => {
    const kids = node.getChildren(sf);
    if (kids.length === 0) {
      if (node.kind !== ts.SyntaxKind.EndOfFileToken) {
        const start = node.getStart(sf);
        if (node.end > start) out.push({ start, end: node.end });
      }
      return;
    }
    for (const k of kids) visit(k);
  };
  visit(sf);
  return out.sort((a, b) => a.start - b.start);
}

interface ExpressionSite extends Span {
  inAsync: boolean;
}

interface Sites {
  expressions: ExpressionSite[];
  /** Statements that can be wrapped (not declarations), inside function bodies. */
  statements: Span[];
  /** Offsets where a new statement can start. */
  boundaries: number[];
}

function findSites(text: string, ext: string): Sites {
  const sf = sourceFile(text, ext);
  const sites: Sites = { expressions: [], statements: [], boundaries: [] };
  const inAsync = (node: ts.Node): boolean => {
    for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
      if (ts.isFunctionLike(n)) return (ts.getCombinedModifierFlags(n as ts.Declaration) & ts.ModifierFlags.Async) !== 0;
    }
    return false;
  };
  const inFunction = (node: ts.Node): boolean => {
    for (let n: ts.Node | undefined = node.parent; n; n = n.parent) if (ts.isFunctionLike(n)) return true;
    return false;
  };
  const addExpression = (e: ts.Expression | undefined): void => {
    if (e) sites.expressions.push({ start: e.getStart(sf), end: e.end, inAsync: inAsync(e) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node)) addExpression(node.initializer);
    else if (ts.isReturnStatement(node)) addExpression(node.expression);
    else if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) addExpression(node.right);
    else if (ts.isCallExpression(node)) node.arguments.forEach((a) => addExpression(a));
    else if (ts.isAwaitExpression(node)) addExpression(node.expression);
    else if (ts.isPropertyAssignment(node)) addExpression(node.initializer);
    if (ts.isBlock(node) || ts.isSourceFile(node)) {
      for (const st of node.statements) {
        if (ts.isSourceFile(node) && ts.isImportDeclaration(st)) continue;
        sites.boundaries.push(st.getStart(sf));
        if (inFunction(st) && wrappable(st)) sites.statements.push({ start: st.getStart(sf), end: st.end });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return sites;
}

interface CallSite {
  caller: string;
  /** The statement to insert: `await <callee>(<the caller's parameters>);`. */
  call: string;
  /** Statement starts in the caller's body, outside nested functions. */
  boundaries: number[];
}

const callSiteCache = new WeakMap<Seed, CallSite[]>();

/** Async functions of `seed` and, for each, a call to another async function or sibling method it could make. */
function callSites(seed: Seed): CallSite[] {
  const cached = callSiteCache.get(seed);
  if (cached) return cached;
  const sf = sourceFile(seed.text, seed.ext);
  const isAsync = (n: ts.Node): boolean => (ts.getCombinedModifierFlags(n as ts.Declaration) & ts.ModifierFlags.Async) !== 0;
  const isStatic = (n: ts.Node): boolean => (ts.getCombinedModifierFlags(n as ts.Declaration) & ts.ModifierFlags.Static) !== 0;
  const typed = isTypeScript(seed.ext);
  const out: CallSite[] = [];
  const functions = sf.statements.filter((st): st is ts.FunctionDeclaration => ts.isFunctionDeclaration(st) && !!st.name && !!st.body && isAsync(st));
  const boundariesOf = (body: ts.Block): number[] => {
    const starts: number[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isFunctionLike(n)) return;
      if (ts.isBlock(n)) for (const st of n.statements) starts.push(st.getStart(sf));
      ts.forEachChild(n, visit);
    };
    for (const st of body.statements) starts.push(st.getStart(sf));
    for (const st of body.statements) ts.forEachChild(st, visit);
    return starts;
  };
  const argsOf = (f: ts.SignatureDeclaration): string =>
    f.parameters
      .map((p) => (ts.isIdentifier(p.name) ? (p.dotDotDotToken ? `...${p.name.text}` : p.name.text) : 'undefined'))
      .join(', ');
  const callee = (expr: string): string => (typed ? `(${expr} as any)` : expr);
  // No recursion: a callee that already reaches the caller would make the original loop, not race.
  const reaches = (from: ts.FunctionLikeDeclaration, to: string, pool: readonly ts.FunctionLikeDeclaration[], name: (f: ts.FunctionLikeDeclaration) => string): boolean => {
    const seen = new Set<ts.FunctionLikeDeclaration>();
    const stack = [from];
    while (stack.length > 0) {
      const f = stack.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      const body = f.body ? f.body.getText(sf) : '';
      if (new RegExp(`\\b${to}\\s*\\(`).test(body)) return true;
      for (const g of pool) if (new RegExp(`\\b${name(g)}\\s*\\(`).test(body)) stack.push(g);
    }
    return false;
  };
  const fnName = (f: ts.FunctionLikeDeclaration): string => (f.name as ts.Identifier).text;
  for (const f of functions) {
    const targets = functions.filter((g) => g !== f && !reaches(g, fnName(f), functions, fnName));
    if (targets.length > 0) out.push(...targets.map((g) => ({ caller: f.name!.text, call: `await ${callee(g.name!.text)}(${argsOf(f)});`, boundaries: boundariesOf(f.body!) })));
  }
  const visitClasses = (n: ts.Node): void => {
    if (ts.isClassLike(n)) {
      const methods = n.members.filter((m): m is ts.MethodDeclaration => ts.isMethodDeclaration(m) && !!m.body && ts.isIdentifier(m.name) && isAsync(m));
      for (const m of methods) {
        const self = isStatic(m) ? (n.name ? n.name.text : undefined) : 'this';
        if (!self) continue;
        for (const other of methods) {
          if (other === m || isStatic(other) !== isStatic(m) || reaches(other, fnName(m), methods, fnName)) continue;
          const name = (other.name as ts.Identifier).text;
          out.push({ caller: `${n.name?.text ?? '(class)'}.${(m.name as ts.Identifier).text}`, call: `await ${callee(`${self}.${name}`)}(${argsOf(m)});`, boundaries: boundariesOf(m.body!) });
        }
      }
    }
    ts.forEachChild(n, visitClasses);
  };
  visitClasses(sf);
  callSiteCache.set(seed, out);
  return out;
}

function wrappable(st: ts.Statement): boolean {
  return ts.isExpressionStatement(st) || ts.isReturnStatement(st) || ts.isIfStatement(st) || ts.isThrowStatement(st) || ts.isForOfStatement(st) || ts.isForStatement(st) || ts.isTryStatement(st);
}

function lineOf(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return `${line}:${offset - lineStart + 1}`;
}

// ---------------------------------------------------------------------------------------------------------
// Noise, hiders and constructs

/** Text repeated at every level; what matters is which brackets and quotes it holds. */
interface Noise {
  /** As an expression (an extra argument, element, property). */
  expr?: string;
  /** As trivia between tokens. */
  trivia?: string;
  /** As JSX or template text. */
  text?: string;
}

export const NOISE = {
  'regex-apostrophe': { expr: "/'/", text: "it's" },
  'regex-quote': { expr: '/"/', text: '"' },
  'regex-comment-open': { expr: '/[/*]/', text: '/*' },
  'regex-close-paren': { expr: '/[)]/', text: ')' },
  'regex-close-bracket': { expr: '/[\\]]/', text: ']' },
  'regex-close-brace': { expr: '/[}]/', text: ')]' },
  'regex-backtick': { expr: '/`/', text: "'" },
  'string-brackets': { expr: "')]}'", text: ')]' },
  'string-apostrophe': { expr: '"it\'s"', text: "it's" },
  'string-comment': { expr: "'/*'", text: '/*' },
  'template-brackets': { expr: '`)]}`', text: ')]' },
  'template-apostrophe': { expr: "`it's`", text: "it's" },
  'template-comment': { expr: '`/*`', text: '/*' },
  'comment-brackets': { trivia: '/* )]} */ ', text: ')' },
  'comment-apostrophe': { trivia: "/* it's */ ", text: "it's" },
  'line-comment': { trivia: "// )]} it's\n", text: "it's" },
} satisfies Record<string, Noise>;
export type NoiseName = keyof typeof NOISE;
const NOISE_NAMES = Object.keys(NOISE) as NoiseName[];

/** Statements that put a quote or a comment opener on the line before the construct. */
export const HIDERS = {
  'regex-apostrophe': "/'/",
  'regex-comment-open': '/[/*]/',
  'regex-slash-quote': "/\\/'/",
  'template-apostrophe': "`it's`",
  'string-escaped-quote': "'\\''",
  'jsx-apostrophe': "<b>don't</b>",
} as const;
export type HiderName = keyof typeof HIDERS;
const HIDER_NAMES = Object.keys(HIDERS) as HiderName[];

interface RenderContext {
  depth: number;
  noise: Noise;
  /** Between levels: '' or a line break. */
  nl: string;
  ts: boolean;
}

interface Construct {
  /** Wraps an expression without changing its type or value. */
  wrapsExpression?: (inner: string, c: RenderContext) => string;
  /** Only inside async functions. */
  needsAsync?: boolean;
  /** Wraps a statement and still runs it once. */
  wrapsStatement?: (stmt: string, c: RenderContext) => string;
  /** A statement of its own. */
  statement: (c: RenderContext) => string;
  jsx?: boolean;
}

const rep = (s: string, n: number): string => s.repeat(n);
const arg = (c: RenderContext): string => (c.noise.expr ? c.noise.expr + ', ' : (c.noise.trivia ?? ''));
const lvl = (open: string, c: RenderContext): string => open + c.nl;

function wrapChain(open: string, close: string): Pick<Construct, 'wrapsExpression' | 'statement'> {
  return {
    wrapsExpression: (inner, c) => rep(lvl(open, c), c.depth) + `(${inner})` + rep(close, c.depth),
    statement: (c) => `__x = ${rep(lvl(open, c), c.depth)}__v()${rep(close, c.depth)};`,
  };
}

function binaryChain(op: string): Construct {
  return {
    statement: (c) => `__x = __v(${c.noise.expr ?? ''})${rep(`${c.nl} ${op} ${c.noise.trivia ?? ''}__v()`, c.depth)};`,
  };
}

function statementPrefix(prefix: (c: RenderContext) => string, wraps: boolean, tail = '__v();'): Construct {
  return {
    ...(wraps ? { wrapsStatement: (stmt: string, c: RenderContext) => rep(lvl(prefix(c), c), c.depth) + stmt } : {}),
    statement: (c) => rep(lvl(prefix(c), c), c.depth) + tail,
  };
}

const CONSTRUCTS = {
  call: {
    wrapsExpression: (inner, c) => rep(lvl(`__f(${arg(c)}`, c), c.depth) + inner + rep(')', c.depth),
    statement: (c) => `__x = ${rep(lvl(`__f(${arg(c)}`, c), c.depth)}__v()${rep(')', c.depth)};`,
  },
  array: {
    wrapsExpression: (inner, c) => rep(lvl(`[${arg(c)}`, c), c.depth) + inner + rep(`][${c.noise.expr ? 1 : 0}]`, c.depth),
    statement: (c) => `__x = ${rep(lvl(`[${arg(c)}`, c), c.depth)}__v()${rep(']', c.depth)};`,
  },
  object: {
    wrapsExpression: (inner, c) => rep(lvl(`({${c.noise.expr ? `n: ${c.noise.expr}, ` : (c.noise.trivia ?? '')}a: `, c), c.depth) + inner + rep('}).a', c.depth),
    statement: (c) => `__x = ${rep(lvl(`{${c.noise.expr ? `n: ${c.noise.expr}, ` : (c.noise.trivia ?? '')}a: `, c), c.depth)}__v()${rep('}', c.depth)};`,
  },
  paren: {
    wrapsExpression: (inner, c) => rep(lvl(`(${c.noise.trivia ?? ''}`, c), c.depth) + inner + rep(')', c.depth),
    statement: (c) => `__x = ${rep(lvl(`(${c.noise.trivia ?? ''}`, c), c.depth)}__v()${rep(')', c.depth)};`,
  },
  conditional: {
    wrapsExpression: (inner, c) => rep(lvl(`__c(${c.noise.expr ?? ''}) ? ${c.noise.trivia ?? ''}`, c), c.depth) + `(${inner})` + rep(' : __n()', c.depth),
    statement: (c) => `__x = ${rep(lvl(`__c(${c.noise.expr ?? ''}) ? ${c.noise.trivia ?? ''}`, c), c.depth)}__v()${rep(' : __n()', c.depth)};`,
  },
  'conditional-else': {
    // a ? b : a ? b : …: nests in the alternate, the shape of a long else-if expression.
    statement: (c) => `__x = ${rep(lvl(`__z(${c.noise.expr ?? ''}) ? __v() : ${c.noise.trivia ?? ''}`, c), c.depth)}__v();`,
  },
  'logical-and': wrapChain('__c() && ', ''),
  'logical-or': wrapChain('__z() || ', ''),
  nullish: wrapChain('__z() ?? ', ''),
  comma: {
    wrapsExpression: (inner, c) => `(${rep(lvl(`__v(${c.noise.expr ?? ''}), ${c.noise.trivia ?? ''}`, c), c.depth)}${inner})`,
    statement: (c) => `__x = (${rep(lvl(`__v(${c.noise.expr ?? ''}), `, c), c.depth)}__v());`,
  },
  await: {
    wrapsExpression: (inner, c) => rep(lvl(`await ${c.noise.trivia ?? ''}`, c), c.depth) + `(${inner})`,
    needsAsync: true,
    statement: (c) => `__x = ${rep(lvl(`await ${c.noise.trivia ?? ''}`, c), c.depth)}__v();`,
  },
  'member-call': {
    statement: (c) => `__x = __w()${rep(`${c.nl}.b(${c.noise.expr ?? ''})`, c.depth)}.v;`,
  },
  'binary-plus': binaryChain('+'),
  'binary-times': binaryChain('*'),
  'binary-minus': binaryChain('-'),
  'binary-bitor': binaryChain('|'),
  'binary-shift': binaryChain('>>'),
  'binary-power': binaryChain('**'),
  'binary-less': binaryChain('<'),
  'binary-equal': binaryChain('==='),
  'binary-and': binaryChain('&&'),
  'binary-or': binaryChain('||'),
  assignment: {
    statement: (c) => `${rep(lvl(`__x = ${c.noise.trivia ?? ''}`, c), c.depth)}__v();`,
  },
  'unary-not': { statement: (c) => `__x = ${rep(lvl('!', c), c.depth)}__v();` },
  'unary-minus': { statement: (c) => `__x = ${rep(lvl('- ', c), c.depth)}__v();` },
  'unary-typeof': { statement: (c) => `__x = ${rep(lvl('typeof ', c), c.depth)}__v();` },
  arrow: { statement: (c) => `__x = ${rep(lvl(`() => ${c.noise.trivia ?? ''}`, c), c.depth)}__v();` },
  function: {
    statement: (c) => `${rep(lvl(`function __g() {${c.noise.trivia ?? ''}`, c), c.depth)}${rep('}', c.depth)}`,
  },
  'extends-class': {
    statement: (c) => `class __K extends ${rep(lvl(`class extends ${c.noise.trivia ?? ''}`, c), c.depth - 1)}class {}${rep(' {}', c.depth)}`,
  },
  template: {
    statement: (c) => `__x = ${rep(lvl('`' + (c.noise.text ?? '') + '${', c), c.depth)}__v()${rep('}`', c.depth)};`,
  },
  jsx: {
    jsx: true,
    statement: (c) => `__x = ${rep(lvl('<div>' + (c.noise.text ?? ''), c), c.depth)}{__v()}${rep('</div>', c.depth)};`,
  },
  'jsx-attribute': {
    jsx: true,
    statement: (c) => `__x = ${rep(lvl('<div title={', c), c.depth)}'x'${rep('} />', c.depth)};`,
  },
  if: statementPrefix((c) => `if (__c(${c.noise.expr ?? ''})) ${c.noise.trivia ?? ''}`, true),
  'else-if': statementPrefix((c) => `if (__z(${c.noise.expr ?? ''})) {} else ${c.noise.trivia ?? ''}`, true),
  while: statementPrefix((c) => `while (__z(${c.noise.expr ?? ''})) ${c.noise.trivia ?? ''}`, false),
  for: {
    statement: (c) => `if (__z()) ${rep(lvl(`for (;;) ${c.noise.trivia ?? ''}`, c), c.depth)}break;`,
  },
  'do-while': {
    wrapsStatement: (stmt, c) => `${rep(lvl(`do ${c.noise.trivia ?? ''}`, c), c.depth)}${stmt}${rep(' while (__z());', c.depth)}`,
    statement: (c) => `${rep(lvl(`do ${c.noise.trivia ?? ''}`, c), c.depth)}__v();${rep(' while (__z());', c.depth)}`,
  },
  block: {
    wrapsStatement: (stmt, c) => `${rep(lvl(`{${c.noise.trivia ?? ''}`, c), c.depth)}${stmt}${rep('}', c.depth)}`,
    statement: (c) => `${rep(lvl(`{${c.noise.trivia ?? ''}`, c), c.depth)}__v();${rep('}', c.depth)}`,
  },
  try: {
    wrapsStatement: (stmt, c) => `${rep(lvl(`try {${c.noise.trivia ?? ''}`, c), c.depth)}${stmt}${rep(' } finally { }', c.depth)}`,
    statement: (c) => `${rep(lvl(`try {${c.noise.trivia ?? ''}`, c), c.depth)}__v();${rep(' } finally { }', c.depth)}`,
  },
  'type-generic': {
    statement: (c) => (c.ts ? `type __T = ${rep(lvl('Array<', c), c.depth)}number${rep('>', c.depth)};` : `/** @type {${rep('Array<', c.depth)}number${rep('>', c.depth)}} */ let __t;`),
  },
} satisfies Record<string, Construct>;
export type ConstructName = keyof typeof CONSTRUCTS;
export const CONSTRUCT_NAMES = Object.keys(CONSTRUCTS) as ConstructName[];

// Declared at the end of the file: function declarations are hoisted, so a construct anywhere can call them.
const HELPERS_TS = `
var __x: unknown;
function __f(...a: any[]): any { return a[a.length - 1]; }
function __c(..._: unknown[]): true { return true; }
function __z(..._: unknown[]): undefined { return undefined; }
function __n(): never { throw new Error('unreachable'); }
function __v(..._: unknown[]): any { return 1; }
function __w(): any { const o: any = { b: () => o, v: 1 }; return o; }
`;
const HELPERS_JS = `
/** @type {unknown} */
var __x;
/** @param {...any} a @returns {any} */
function __f(...a) { return a[a.length - 1]; }
/** @param {...unknown} _ @returns {true} */
function __c(..._) { return true; }
/** @param {...unknown} _ @returns {undefined} */
function __z(..._) { return undefined; }
/** @returns {never} */
function __n() { throw new Error('unreachable'); }
/** @param {...unknown} _ @returns {any} */
function __v(..._) { return 1; }
/** @returns {any} */
function __w() { /** @type {any} */ const o = { b: () => o, v: 1 }; return o; }
`;

function chooseAmplify(r: Random, construct: ConstructName, ext: string, maxDepth: number): AmplifyParams {
  const c: Construct = CONSTRUCTS[construct];
  const depth = chooseDepth(r, maxDepth);
  const sites: SiteMode[] = ['statement', 'append'];
  if (c.wrapsExpression) sites.push('wrap-expression', 'wrap-expression');
  if (c.wrapsStatement) sites.push('wrap-statement', 'wrap-statement');
  let noise: NoiseName | null = r.chance(0.45) ? r.pick(NOISE_NAMES) : null;
  // JSX text cannot hold `}` or `>`; the noise text never does, but keep JSX noise to JSX-capable files.
  if (noise && !allowsJsx(ext) && construct.startsWith('jsx')) noise = null;
  const hiders = HIDER_NAMES.filter((h) => h !== 'jsx-apostrophe' || allowsJsx(ext));
  return {
    construct,
    depth,
    noise,
    hider: r.chance(0.35) ? r.pick(hiders) : null,
    layout: r.chance(0.3) ? 'lines' : 'line',
    site: r.pick(sites),
    siteIndex: r.int(0, 1_000_000),
  };
}

function chooseDepth(r: Random, maxDepth: number): number {
  const buckets: (readonly [readonly [number, number], number])[] = [
    [[1, 10], 3],
    [[10, 600], 2],
    [[600, 3000], 2],
    [[3000, 12_000], 3],
    [[12_000, MAX_DEPTH], 1],
  ];
  const usable = buckets.filter(([[lo]]) => lo < maxDepth);
  const [lo, hi] = r.weighted(usable);
  return r.logInt(lo, Math.min(hi, maxDepth));
}

export function describeAmplify(p: AmplifyParams): string {
  const extras = [p.noise && `noise ${p.noise}`, p.hider && `hider ${p.hider}`, p.layout === 'lines' && 'one level per line'].filter(Boolean);
  return `${p.construct} ×${p.depth}${extras.length ? ` (${extras.join(', ')})` : ''}`;
}

/** Renders an amplification into `seedText`; `where` says where it went. */
export function amplify(seedText: string, ext: string, p: AmplifyParams): { text: string; where: string } {
  const construct: Construct = CONSTRUCTS[p.construct];
  const noise: Noise = p.noise ? NOISE[p.noise] : {};
  const c: RenderContext = { depth: Math.max(1, p.depth), noise, nl: p.layout === 'lines' ? '\n' : '', ts: isTypeScript(ext) };
  const hider = p.hider ? HIDERS[p.hider] : undefined;
  const helpers = isTypeScript(ext) ? HELPERS_TS : HELPERS_JS;
  const withHelpers = (text: string): string => (text.endsWith('\n') ? text : text + '\n') + helpers;
  const asStatement = (): string => (hider ? `;${hider}; ` : '') + construct.statement(c);
  const sites = p.site === 'append' ? undefined : findSites(seedText, ext);

  if (p.site === 'wrap-expression' && construct.wrapsExpression && sites) {
    const usable = sites.expressions.filter((e) => !construct.needsAsync || e.inAsync);
    if (usable.length > 0) {
      const e = usable[p.siteIndex % usable.length]!;
      let wrapped = construct.wrapsExpression(seedText.slice(e.start, e.end), c);
      if (hider) wrapped = `__f(${hider}, ${wrapped})`;
      return { text: withHelpers(seedText.slice(0, e.start) + wrapped + seedText.slice(e.end)), where: `wrapping the expression at ${lineOf(seedText, e.start)}` };
    }
  }
  if (p.site === 'wrap-statement' && construct.wrapsStatement && sites && sites.statements.length > 0) {
    const s = sites.statements[p.siteIndex % sites.statements.length]!;
    const wrapped = (hider ? `;${hider}; ` : '') + construct.wrapsStatement(seedText.slice(s.start, s.end), c);
    return { text: withHelpers(seedText.slice(0, s.start) + wrapped + seedText.slice(s.end)), where: `wrapping the statement at ${lineOf(seedText, s.start)}` };
  }
  if ((p.site === 'statement' || p.site === 'wrap-expression' || p.site === 'wrap-statement') && sites && sites.boundaries.length > 0) {
    const at = sites.boundaries[p.siteIndex % sites.boundaries.length]!;
    return { text: withHelpers(seedText.slice(0, at) + asStatement() + '\n' + seedText.slice(at)), where: `as a statement at ${lineOf(seedText, at)}` };
  }
  return { text: withHelpers(seedText + (seedText === '' || seedText.endsWith('\n') ? '' : '\n') + asStatement() + '\n'), where: 'appended' };
}
