// Seeded randomness for the fuzzer: every case is a pure function of (seed, index), so a failure found in a
// long campaign replays alone (`npm run fuzz -- --seed S --only I`).

export type Rng = () => number;

/** mulberry32: small, fast, and good enough to pick mutations. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The generator of case `index` of campaign `seed`: independent of every other case. */
export function caseRng(seed: number, index: number): Rng {
  // Mix both numbers (murmur3's finalizer) so neighbouring indices start far apart.
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index >>> 0, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return mulberry32((h ^ (h >>> 16)) >>> 0);
}

export class Random {
  constructor(readonly next: Rng) {}

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** One of `entries`, with probability proportional to its weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return entries[entries.length - 1]![0];
  }

  /** An integer in [lo, hi], uniform in log scale: small and huge values are both common. */
  logInt(lo: number, hi: number): number {
    const v = Math.exp(Math.log(lo) + this.next() * (Math.log(hi) - Math.log(lo)));
    return Math.max(lo, Math.min(hi, Math.round(v)));
  }
}
