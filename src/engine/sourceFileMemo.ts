import type * as Ts from 'typescript';

/**
 * typescript-estree takes the text of every identifier, string, number and JSX name with `node.getText()`,
 * and TypeScript finds the node's source file by walking its parents to the root each time. Nested N deep,
 * that is N² steps: 11,580 nested JSX attributes (186 KB) took 24 s, nearly all of it in that walk.
 *
 * `withSourceFileMemo(ts, run)` makes the walk remember what it found for the length of one synchronous call:
 * each node is visited once, whatever the depth. The methods are put back afterwards, because outside our
 * parse a tree may change (the language service reparents nodes it reuses) and a remembered answer would lie.
 */
export function withSourceFileMemo<T>(ts: typeof Ts, run: () => T): T {
  const owners = prototypesDefining(ts, 'getSourceFile');
  const saved = owners.map((o) => [o, Object.getOwnPropertyDescriptor(o, 'getSourceFile')!] as const);
  const found = new WeakMap<object, Ts.SourceFile | undefined>();
  const find = (start: Ts.Node): Ts.SourceFile | undefined => {
    const path: Ts.Node[] = [];
    let node: Ts.Node | undefined = start;
    let result: Ts.SourceFile | undefined;
    for (;;) {
      if (!node) break;
      if (node.kind === ts.SyntaxKind.SourceFile) {
        result = node as Ts.SourceFile;
        break;
      }
      if (found.has(node)) {
        result = found.get(node);
        break;
      }
      path.push(node);
      node = node.parent;
    }
    for (const n of path) found.set(n, result);
    return result;
  };
  const memo = function getSourceFile(this: Ts.Node): Ts.SourceFile | undefined {
    return find(this);
  };
  for (const [o, d] of saved) Object.defineProperty(o, 'getSourceFile', { ...d, value: memo });
  try {
    return run();
  } finally {
    for (const [o, d] of saved) Object.defineProperty(o, 'getSourceFile', d);
  }
}

const ownersCache = new WeakMap<typeof Ts, Map<string, object[]>>();

/**
 * The prototypes that define a node method (`getSourceFile`, `getChildren`: TypeScript's node, token and
 * identifier classes are internal), found from the nodes of a small file that has every kind
 * typescript-estree asks the text of.
 */
export function prototypesDefining(ts: typeof Ts, method: string): object[] {
  let byMethod = ownersCache.get(ts);
  if (!byMethod) ownersCache.set(ts, (byMethod = new Map()));
  const cached = byMethod.get(method);
  if (cached) return cached;
  const sample = ts.createSourceFile('sample.tsx', 'class C { #p = 1; constructor() {} "constructor"() {} }\nconst x = <a.b c:d="s" e={1n}>{`t${this}`}</a.b>;\ntype A = B<C>; f<D>();\n', ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const owners = new Set<object>();
  const visit = (node: Ts.Node): void => {
    for (let p: object | null = Object.getPrototypeOf(node); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      if (Object.prototype.hasOwnProperty.call(p, method)) {
        owners.add(p);
        break;
      }
    }
    // getChildren also makes the token objects (keywords, punctuation) that only exist on demand.
    for (const child of node.getChildren(sample)) visit(child);
  };
  visit(sample);
  const list = [...owners];
  byMethod.set(method, list);
  return list;
}
