import type * as Ts from 'typescript';

/**
 * typescript-estree finds the `>` that closes every type argument and type parameter list with
 * `findNextToken(list, sourceFile, sourceFile)`, which descends from the root of the file, scanning every
 * top-level statement and then every level of nesting on the way. A file is then quadratic in its number
 * of generic references (40,000 one-line declarations with `Array<number>`: 20 s) and in the nesting of
 * generics (8,000 nested `Array<`: 10 s).
 *
 * The descent only ever goes through nodes that enclose the list (no other sibling can start at its end or
 * contain it), so starting it at the lowest such ancestor gives the same token. `withNearbyNextToken(utils,
 * run)` does that for the length of one synchronous call, and falls back to the descent from the caller's
 * node when the short one finds nothing, so an answer can only come sooner, never differ.
 */
export function withNearbyNextToken<T>(utils: NodeUtils | undefined, ts: typeof Ts, run: () => T): T {
  const original = utils?.findNextToken;
  if (!utils || typeof original !== 'function') return run();
  const fromRoot = original;
  utils.findNextToken = function findNextToken(previous: Ts.TextRange, parent: Ts.Node, ast: Ts.SourceFile): Ts.Node | undefined {
    const start = lowestEnclosing(previous, parent, ts);
    if (start !== parent) {
      const token = fromRoot(previous, start, ast);
      if (token !== undefined) return token;
    }
    return fromRoot(previous, parent, ast);
  };
  try {
    return run();
  } finally {
    utils.findNextToken = original;
  }
}

/** What we patch of typescript-estree's internal `node-utils` module (its exports object, read at each call). */
export interface NodeUtils {
  findNextToken?: (previous: Ts.TextRange, parent: Ts.Node, ast: Ts.SourceFile) => Ts.Node | undefined;
}

/**
 * The lowest ancestor of `previous` that starts at or before it and ends after it, when that ancestor lies
 * within `boundary`; otherwise `boundary` itself.
 */
function lowestEnclosing(previous: Ts.TextRange, boundary: Ts.Node, ts: typeof Ts): Ts.Node {
  const first = Array.isArray(previous) ? (previous as readonly Ts.Node[])[0] : (previous as Ts.Node);
  if (!first) return boundary;
  // A node's parent, or a list's owner (the parent of its elements), is the first candidate.
  let node: Ts.Node | undefined = first.parent;
  while (node && node !== boundary && !(node.pos <= previous.pos && node.end > previous.end)) node = node.parent;
  if (!node || node === boundary) return boundary;
  // Every node of the file lies within the file (getSourceFile is remembered during our parse, see
  // sourceFileMemo.ts); a smaller boundary has to be found above the candidate.
  if (boundary.kind === ts.SyntaxKind.SourceFile) return node.getSourceFile() === boundary ? node : boundary;
  for (let up: Ts.Node | undefined = node.parent; up; up = up.parent) if (up === boundary) return node;
  return boundary;
}
