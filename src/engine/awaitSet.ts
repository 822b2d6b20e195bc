/**
 * Immutable sets of await-point ids (small non-negative integers) that share structure.
 *
 * The flow walker keeps one set per program point and one per recorded read. With plain copied sets a
 * function with n awaits cost n² time and memory (every await copied the set). Here a set is a 32-way trie
 * whose leaves are 32-bit masks: adding an id copies one path, and a union or a difference walks only the
 * subtrees the two sides do not share, so walking a function stays near-linear in its size.
 */
type Trie = number | Branch;

interface Branch {
  readonly kids: readonly (Trie | undefined)[];
}

const BITS = 5;
const WIDTH = 1 << BITS;

export class AwaitSet {
  static readonly EMPTY = new AwaitSet(undefined, 0);

  /** `height` 0: the root is one leaf (ids 0..31); each level above multiplies the span by 32. */
  private constructor(
    private readonly root: Trie | undefined,
    private readonly height: number,
  ) {}

  with(id: number): AwaitSet {
    const grown = this.grownTo(heightFor(id));
    const root = insert(grown.root, grown.height, id);
    return root === grown.root ? grown : new AwaitSet(root, grown.height);
  }

  has(id: number): boolean {
    if (id >= span(this.height + 1)) return false;
    let node = this.root;
    for (let h = this.height; node !== undefined && h > 0; h--) node = (node as Branch).kids[digit(id, h)];
    return node !== undefined && ((node as number) & (1 << (id & (WIDTH - 1)))) !== 0;
  }

  union(other: AwaitSet): AwaitSet {
    if (other === this || other.root === undefined) return this;
    if (this.root === undefined) return other;
    const height = Math.max(this.height, other.height);
    const a = this.grownTo(height);
    const b = other.grownTo(height);
    const root = unite(a.root, b.root, height);
    return root === a.root ? a : root === b.root ? b : new AwaitSet(root, height);
  }

  /** The ids in this set and not in `other`. */
  minus(other: AwaitSet): AwaitSet {
    if (other === this || this.root === undefined) return AwaitSet.EMPTY;
    if (other.root === undefined) return this;
    const height = Math.max(this.height, other.height);
    const a = this.grownTo(height);
    const root = subtract(a.root, other.grownTo(height).root, height);
    return root === undefined ? AwaitSet.EMPTY : root === a.root ? a : new AwaitSet(root, height);
  }

  equals(other: AwaitSet): boolean {
    return other === this || (this.firstNotIn(other) === null && other.firstNotIn(this) === null);
  }

  get isEmpty(): boolean {
    return this.root === undefined;
  }

  /** The smallest id in this set and not in `other`, or null. */
  firstNotIn(other: AwaitSet): number | null {
    if (other === this || this.root === undefined) return null;
    const height = Math.max(this.height, other.height);
    return firstMissing(this.grownTo(height).root, other.grownTo(height).root, height);
  }

  private grownTo(height: number): AwaitSet {
    let root = this.root;
    for (let h = this.height; h < height; h++) root = root === undefined ? undefined : { kids: [root] };
    return height <= this.height ? this : new AwaitSet(root, height);
  }
}

/** How many ids a node at `height` - 1 spans, i.e. 32^height. */
function span(height: number): number {
  return 2 ** (BITS * height);
}

function heightFor(id: number): number {
  let h = 0;
  while (id >= span(h + 1)) h++;
  return h;
}

/** Which child of a node at `height` holds `id`. */
function digit(id: number, height: number): number {
  return Math.floor(id / span(height)) % WIDTH;
}

function insert(node: Trie | undefined, height: number, id: number): Trie {
  if (height === 0) {
    const mask = ((node as number | undefined) ?? 0) | (1 << (id & (WIDTH - 1)));
    return mask === node ? node : mask;
  }
  const kids = (node as Branch | undefined)?.kids ?? [];
  const i = digit(id, height);
  const kid = insert(kids[i], height - 1, id);
  if (kid === kids[i]) return node!;
  const copy = kids.slice();
  copy[i] = kid;
  return { kids: copy };
}

function unite(a: Trie | undefined, b: Trie | undefined, height: number): Trie | undefined {
  if (a === b || b === undefined) return a;
  if (a === undefined) return b;
  if (height === 0) {
    const mask = (a as number) | (b as number);
    return mask === a ? a : mask === b ? b : mask;
  }
  const ak = (a as Branch).kids;
  const bk = (b as Branch).kids;
  const kids: (Trie | undefined)[] = [];
  let sameAsA = true;
  let sameAsB = true;
  for (let i = 0; i < Math.max(ak.length, bk.length); i++) {
    const kid = unite(ak[i], bk[i], height - 1);
    kids.push(kid);
    sameAsA &&= kid === ak[i];
    sameAsB &&= kid === bk[i];
  }
  return sameAsA ? a : sameAsB ? b : { kids };
}

/** `a` without the ids of `b`; undefined when nothing is left. */
function subtract(a: Trie | undefined, b: Trie | undefined, height: number): Trie | undefined {
  if (a === undefined || a === b) return undefined;
  if (b === undefined) return a;
  if (height === 0) {
    const mask = (a as number) & ~(b as number);
    return mask === 0 ? undefined : mask === a ? a : mask;
  }
  const ak = (a as Branch).kids;
  const bk = (b as Branch).kids;
  const kids: (Trie | undefined)[] = [];
  let sameAsA = true;
  let empty = true;
  for (let i = 0; i < ak.length; i++) {
    const kid = subtract(ak[i], bk[i], height - 1);
    kids.push(kid);
    sameAsA &&= kid === ak[i];
    empty &&= kid === undefined;
  }
  return empty ? undefined : sameAsA ? a : { kids };
}

function firstMissing(a: Trie | undefined, b: Trie | undefined, height: number): number | null {
  if (a === undefined || a === b) return null;
  if (height === 0) {
    const bits = (a as number) & ~((b as number | undefined) ?? 0);
    return bits === 0 ? null : 31 - Math.clz32(bits & -bits);
  }
  const ak = (a as Branch).kids;
  const bk = (b as Branch | undefined)?.kids;
  for (let i = 0; i < ak.length; i++) {
    const found = firstMissing(ak[i], bk?.[i], height - 1);
    if (found !== null) return i * span(height) + found;
  }
  return null;
}
