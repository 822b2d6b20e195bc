import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { enclosingFunction, forEachNode, isPropertyName, memberName, type Node } from './ast.js';
import type { Interleaving, SourceRange } from './findings.js';
import type { Anchor } from './rules/rule.js';
import { memberKeyName } from './summaries.js';
import { programOf } from './modules.js';

/*
 * The interleaving behind a finding, as the rule that found it tells it: two (or more) things that run
 * concurrently, and the ordered steps, each at a place in the file, that end in the harm. A rule drafts it from
 * the nodes it already holds; `renderInterleaving` turns the nodes into ranges and quoted code once the file's
 * text is at hand. Front ends only lay it out (a hover table, SARIF code flows, `--explain`).
 */

export interface StepDraft {
  /** Index into `actors`. */
  actor: number;
  anchor: Anchor;
  /** What happens, in a few words, without naming the actor (its column does): "reads `this.balance`". */
  text: string;
  /** Code quoted after the text: "writes" + `this.balance = v + amount`. */
  quote?: Anchor;
}

export interface InterleavingDraft {
  actors: { id: string; label: string }[];
  steps: StepDraft[];
  outcome: string;
  /**
   * The local that holds the stale value (`const balance = this.balance`) or the read itself: shown as `v` in
   * quoted code, so the steps say which value every write is computed from.
   */
  stale?: Node;
}

/** How long quoted code may be before it is cut (with an ellipsis). */
const QUOTE_LIMIT = 60;

export function renderInterleaving(draft: InterleavingDraft, text: string, toRange: (anchor: Anchor) => SourceRange, program: Node): Interleaving {
  const staleName = draft.stale ? staleLocal(draft.stale) : null;
  return {
    actors: draft.actors,
    // A step in another module (a method a base class there defines) has no place in this file's lines.
    steps: draft.steps.filter((s) => inProgram(s.anchor, program) && (!s.quote || inProgram(s.quote, program))).map((s) => ({
      actor: s.actor,
      range: toRange(s.anchor),
      text: s.quote ? `${s.text} \`${quote(s.quote, text, draft.stale, staleName)}\`` : s.text,
    })),
    outcome: draft.outcome,
  };
}

/** Whether `anchor` is code of `program` (a token has no parent, and is). */
export function inProgram(anchor: Anchor, program: Node): boolean {
  return !('parent' in anchor) || programOf(anchor as Node) === program;
}

/** The source of `node`, on one line, with the stale value shown as `v`, cut at QUOTE_LIMIT characters. */
function quote(node: Anchor, text: string, stale: Node | undefined, staleName: string | null): string {
  const [start, end] = node.range;
  // Replace, from the end backwards so offsets stay valid, each mention of the stale value inside the quote.
  const swaps: [number, number][] = [];
  if (stale && 'parent' in node) {
    forEachNode(node as Node, (n) => {
      // `this.balance += x` writes where it read: the target stays as written.
      if (n.parent?.type === 'AssignmentExpression' && n.parent.left === n) return true;
      if (n === stale || (staleName !== null && n.type === 'Identifier' && n.name === staleName && !isPropertyName(n))) {
        swaps.push([n.range[0], n.range[1]]);
        return false;
      }
      return true;
    });
  }
  let out = text.slice(start, end);
  for (const [s, e] of swaps.sort((a, b) => b[0] - a[0])) out = out.slice(0, s - start) + 'v' + out.slice(e - start);
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > QUOTE_LIMIT ? out.slice(0, QUOTE_LIMIT - 1) + '…' : out;
}

/** `balance` in `const balance = this.balance` (or `= await store.get(k)`): the name the stale value goes by. */
function staleLocal(read: Node): string | null {
  let n: Node = read;
  while (n.parent && (n.parent.type === 'AwaitExpression' || n.parent.type === 'TSAsExpression' || n.parent.type === 'TSNonNullExpression' || n.parent.type === 'ChainExpression')) n = n.parent;
  const d = n.parent;
  return d?.type === 'VariableDeclarator' && d.init === n && d.id.type === 'Identifier' ? d.id.name : null;
}

/**
 * How a function reads in a timeline: its name (`deposit()`), the function that returns it, or for a callback the
 * function around it; else `this function`.
 */
export function functionLabel(node: Node): string {
  const fn = enclosingFunction(node);
  if (!fn) return 'the module code';
  const name = nameOf(fn);
  if (name !== null) return '`' + name + '()`';
  // `return async (key) => …`: the function another one makes.
  const maker = fn.parent?.type === 'ReturnStatement' || fn.parent?.type === 'ArrowFunctionExpression' ? enclosingFunction(fn.parent) : null;
  const makerName = maker ? nameOf(maker) : null;
  return makerName !== null ? `the function \`${makerName}()\` returns` : 'this function';
}

function nameOf(fn: Node): string | null {
  if ((fn.type === 'FunctionDeclaration' || fn.type === 'FunctionExpression') && fn.id) return fn.id.name;
  const p = fn.parent;
  if (!p) return null;
  if (p.type === 'MethodDefinition' || p.type === 'PropertyDefinition' || p.type === 'Property') return memberKeyName(p as TSESTree.MethodDefinition);
  if (p.type === 'VariableDeclarator' && p.id.type === 'Identifier') return p.id.name;
  if (p.type === 'AssignmentExpression' && p.left.type === 'MemberExpression') return memberName(p.left);
  if (p.type === 'CallExpression') {
    // A callback (`lock.runExclusive(async () => …)`) runs as part of the function that hands it on.
    const outer = enclosingFunction(p);
    return outer ? nameOf(outer) : null;
  }
  return null;
}

/** The two calls A and B of the function around `at`; `laterToo` says B stands for every call after A. */
export function callsOf(at: Node, laterToo = false): InterleavingDraft['actors'] {
  const label = functionLabel(at);
  return [
    { id: 'A', label: `call A of ${label}` },
    { id: 'B', label: `call B of ${label}${laterToo ? ' (and every later caller)' : ''}` },
  ];
}

/**
 * Two calls of the same code, A and B: A runs `before` (up to and including its yield), B runs the same steps,
 * then A runs `after`, then B does: the interleaving of every race of a function with itself.
 */
export function twoCalls(at: Node, before: Omit<StepDraft, 'actor'>[], after: Omit<StepDraft, 'actor'>[], outcome: string, options: { stale?: Node; again?: (step: Omit<StepDraft, 'actor'>) => Omit<StepDraft, 'actor'> } = {}): InterleavingDraft {
  const again = options.again ?? ((s) => s);
  return {
    actors: callsOf(at),
    steps: [
      ...before.map((s) => ({ ...s, actor: 0 })),
      ...before.map((s) => ({ ...again(s), actor: 1 })),
      ...after.map((s) => ({ ...s, actor: 0 })),
      ...after.map((s) => ({ ...again(s), actor: 1 })),
    ],
    outcome,
    ...(options.stale ? { stale: options.stale } : {}),
  };
}
