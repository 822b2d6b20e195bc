import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { containsAwait, enclosingFunction, memberName, presenceTest, unwrap, type Node } from './ast.js';
import { localCallSites, shadowed } from './callees.js';
import { moduleTable, programOf } from './modules.js';
import { memberKeyName, privateMethodCalls } from './summaries.js';
import type { FunctionNode } from './scope.js';

/*
 * A check-then-act or a lost update inside one function needs two runs of that function to overlap. A function
 * only this file can call, called only from code that runs once (a script's top level, a `main()` called once)
 * and only ever waited on before the next call, never overlaps itself: `for (const r of releases) await
 * resolveUsername(r)` in a release script, `run()` called once at the end of a CLI. Judged on real code, such
 * findings were never races; they are shown on request.
 */

const LOOPS = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);
/** How many callers deep the question is followed; a chain longer than this is not assumed sequential. */
const MAX_DEPTH = 6;

const memo = new WeakMap<FunctionNode, boolean>();

/** Do the runs of `fn` never overlap one another, by how this file calls it? */
export function runsOneAtATime(fn: FunctionNode): boolean {
  let answer = memo.get(fn);
  if (answer === undefined) {
    answer = decide(fn, new Set(), 0) !== 'may overlap';
    memo.set(fn, answer);
  }
  return answer;
}

/** How often a function runs: at most once, one run after another, or maybe several at once. */
type Runs = 'once' | 'in turn' | 'may overlap';

function decide(fn: FunctionNode, deciding: Set<FunctionNode>, depth: number): Runs {
  if (depth > MAX_DEPTH || deciding.has(fn)) return 'may overlap';
  if (commandEntry(fn)) return 'once';
  const calls = callSites(fn);
  if (!calls || calls.length === 0) return 'may overlap';
  // `initPromise ??= (async () => { … })()`: each call starts a run only while the last one's promise is kept,
  // however often the code around it runs.
  if (calls.every(storedWhileMissing)) return 'in turn';
  // Every call made from one place that runs once at a time: two call sites in two different such functions
  // may still run together (`a(); b();`, each calling it).
  const home = enclosingFunction(calls[0]!);
  if (calls.some((c) => enclosingFunction(c) !== home)) return 'may overlap';
  let homeRuns: Runs = 'once';
  if (home !== null) {
    deciding.add(fn);
    homeRuns = decide(home, deciding, depth + 1);
    deciding.delete(fn);
  }
  if (homeRuns === 'may overlap') return 'may overlap';
  const awaited = calls.every(awaitedInPlace);
  // One call outside any loop, in code that runs once, runs once; left running, it could otherwise overlap the
  // next run of its caller's. Calls waited on before the code goes on run one after another.
  if (calls.length === 1 && !inLoop(calls[0]!, home) && (homeRuns === 'once' || awaited)) return homeRuns;
  return awaited ? 'in turn' : 'may overlap';
}

/** The calls of a function only this file can reach: a module function it does not export, a private method, an IIFE. */
function callSites(fn: FunctionNode): TSESTree.CallExpression[] | null {
  const owner = fn.parent;
  if (owner?.type === 'MethodDefinition') return privateMethodCalls(owner);
  if (owner?.type === 'CallExpression' && unwrap(owner.callee) === fn) return [owner];
  return localCallSites(fn);
}

/** What a command-line framework's command class declares about itself: oclif, AdonisJS ace, npm's own commands. */
const COMMAND_STATICS = new Set(['commandName', 'description', 'summary', 'flags', 'args', 'params', 'usage', 'examples']);

/**
 * `class Logout extends BaseCommand { static description = '…'; async exec(args) { … } }`: a command of a
 * command-line tool, which the tool makes and runs once per process, so each of its public methods runs once.
 * A chat bot's commands (`class Ping extends Command` with its options handed to `super()` or a decorator) run
 * once per message, and do not declare themselves so.
 */
function commandEntry(fn: FunctionNode): boolean {
  const method = fn.parent;
  if (method?.type !== 'MethodDefinition' || method.static || method.kind !== 'method' || method.accessibility === 'private' || method.key.type === 'PrivateIdentifier') return false;
  const klass = method.parent.parent;
  if ((klass?.type !== 'ClassDeclaration' && klass?.type !== 'ClassExpression') || (klass.decorators?.length ?? 0) > 0 || !klass.superClass) return false;
  const base = unwrap(klass.superClass);
  const baseName = base.type === 'Identifier' ? base.name : base.type === 'MemberExpression' ? memberName(base) : null;
  if (!baseName?.endsWith('Command')) return false;
  return klass.body.body.some((m) => (m.type === 'PropertyDefinition' || m.type === 'MethodDefinition') && m.static && COMMAND_STATICS.has(memberKeyName(m) ?? ''));
}

const CHAIN_METHODS = new Set(['then', 'catch', 'finally']);

/**
 * `p ??= load()`, `if (!p) { p = load().catch(reset) }`: the call's promise is stored in a module variable the
 * code checks is empty, with no await between the check and the store, so a second run starts only once the place is
 * empty again: after the first run's promise is dropped (when it failed, or by a reset), not while it is kept.
 */
function storedWhileMissing(call: TSESTree.CallExpression): boolean {
  let value: Node = call;
  for (;;) {
    while (value.parent && (value.parent.type === 'TSAsExpression' || value.parent.type === 'TSNonNullExpression')) value = value.parent;
    const member: Node | undefined = value.parent;
    if (member?.type !== 'MemberExpression' || member.object !== value || !CHAIN_METHODS.has(memberName(member) ?? '')) break;
    const chained: Node | undefined = member.parent;
    if (chained?.type !== 'CallExpression' || chained.callee !== member) break;
    value = chained;
  }
  const assign = value.parent;
  if (assign?.type !== 'AssignmentExpression' || assign.right !== value) return false;
  // A module's own variable: one per program. A field or a factory's variable is one per object, and the runs
  // of two objects may still overlap on whatever else they share.
  const program = programOf(assign);
  const place = assign.left.type === 'Identifier' && !shadowed(assign.left) && program && moduleTable(program).variables.has(assign.left.name) ? assign.left.name : null;
  if (place === null) return false;
  if (assign.operator === '??=' || assign.operator === '||=') return true;
  if (assign.operator !== '=') return false;
  const stmt = assign.parent;
  const block = stmt?.type === 'ExpressionStatement' ? stmt.parent : null;
  const branch = block?.type === 'BlockStatement' ? block.parent : block;
  if (stmt?.type !== 'ExpressionStatement' || branch?.type !== 'IfStatement' || (branch.consequent !== block && branch.consequent !== stmt)) return false;
  if (block?.type === 'BlockStatement' && block.body.slice(0, block.body.indexOf(stmt)).some((s) => containsAwait(s))) return false;
  return presenceTest(branch.test, (n) => n.type === 'Identifier' && n.name === place) === false;
}

function inLoop(call: Node, home: FunctionNode | null): boolean {
  for (let p = call.parent; p && p !== home; p = p.parent) if (LOOPS.has(p.type)) return true;
  return false;
}

/**
 * `await f(x)`, wherever it stands in its function (`names.push(await f(x))`): the function waits for this run
 * before it evaluates anything else, so the next call starts after it. Anything else (`const p = f(x)`,
 * `[f(a), f(b)]`, an argument to `Promise.all`) may leave it running.
 */
function awaitedInPlace(call: TSESTree.CallExpression): boolean {
  let n: Node = call;
  while (n.parent && (n.parent.type === 'TSAsExpression' || n.parent.type === 'TSNonNullExpression')) n = n.parent;
  return n.parent?.type === 'AwaitExpression';
}

/** Is `node` in a function whose runs never overlap (see `runsOneAtATime`)? */
export function inOneAtATimeFunction(node: Node): boolean {
  const fn = enclosingFunction(node);
  return fn !== null && runsOneAtATime(fn);
}
