// Shrinks a failing case while the same failure reproduces: first the generator's own knobs (an empty seed,
// no noise, the smallest depth that still fails, by bisection), then delta debugging over lines and tokens.
import { amplify, type AmplifyParams } from './generate.js';

export type Predicate = (text: string) => Promise<boolean>;

export interface Budget {
  /** Predicate evaluations left. */
  runs: number;
  /** Wall-clock deadline (ms since the epoch). */
  deadline: number;
}

const spent = (b: Budget): boolean => b.runs <= 0 || Date.now() > b.deadline;

/** Zeller's ddmin over `items`: removes chunks while `test` still holds for what is left. */
export async function ddmin<T>(items: readonly T[], test: (items: T[]) => Promise<boolean>, budget: Budget): Promise<T[]> {
  let current = [...items];
  let n = 2;
  while (current.length >= 2 && !spent(budget)) {
    const chunk = Math.ceil(current.length / n);
    let reduced = false;
    for (let i = 0; i < current.length && !spent(budget); i += chunk) {
      const complement = current.slice(0, i).concat(current.slice(i + chunk));
      budget.runs--;
      if (complement.length > 0 && (await test(complement))) {
        current = complement;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (n >= current.length) break;
      n = Math.min(current.length, n * 2);
    }
  }
  return current;
}

/** The smallest value in [1, hi] for which `test` holds, assuming it holds from some value on; hi if none smaller. */
export async function smallest(hi: number, test: (n: number) => Promise<boolean>, budget: Budget): Promise<number> {
  let lo = 1;
  let best = hi;
  while (lo < best && !spent(budget)) {
    const mid = Math.floor((lo + best) / 2);
    budget.runs--;
    if (await test(mid)) best = mid;
    else lo = mid + 1;
  }
  return best;
}

/** The longest run of one repeated unit (1 to 12 characters) in `text`: what deep duplications leave behind. */
export function longestRepeat(text: string): { at: number; unit: string; count: number } | undefined {
  let best: { at: number; unit: string; count: number } | undefined;
  for (let len = 1; len <= 12; len++) {
    let i = 0;
    while (i + 2 * len <= text.length) {
      let j = i + len;
      while (j + len <= text.length && text.startsWith(text.slice(i, i + len), j)) j += len;
      const count = (j - i) / len;
      if (count >= 8 && (!best || count * len > best.count * best.unit.length)) best = { at: i, unit: text.slice(i, i + len), count };
      i = count > 1 ? j - len + 1 : i + 1;
    }
  }
  return best;
}

export interface Minimized {
  text: string;
  /** What the structured steps found, e.g. "depth 7913 (from 31000)". */
  notes: string[];
  runs: number;
}

export async function minimize(
  original: string,
  ext: string,
  params: AmplifyParams | undefined,
  seedText: string | undefined,
  test: Predicate,
  budget: Budget,
): Promise<Minimized> {
  const startRuns = budget.runs;
  const notes: string[] = [];
  let text = original;
  const attempt = async (candidate: string): Promise<boolean> => {
    if (candidate === text || spent(budget)) return false;
    budget.runs--;
    if (await test(candidate)) {
      text = candidate;
      return true;
    }
    return false;
  };

  if (params && seedText !== undefined) {
    let p = params;
    let seed = seedText;
    const render = (q: AmplifyParams, s: string): string => amplify(s, ext, q).text;
    const standalone: AmplifyParams = { ...p, site: 'append' };
    if (await attempt(render(standalone, ''))) {
      p = standalone;
      seed = '';
      notes.push('reproduces without the seed file: the construct alone, appended to an empty file');
    }
    for (const change of [{ hider: null }, { noise: null }, { layout: 'line' as const }]) {
      const q = { ...p, ...change };
      if (JSON.stringify(q) !== JSON.stringify(p) && (await attempt(render(q, seed)))) p = q;
    }
    if (p.depth > 1) {
      const from = p.depth;
      const depth = await smallest(p.depth, async (d) => test(render({ ...p, depth: d }, seed)), budget);
      if (depth < from) {
        p = { ...p, depth };
        text = render(p, seed);
      }
      notes.push(`smallest failing depth ${depth} (generated at ${from}; bisection assumes deeper keeps failing)`);
    }
  } else {
    const rep = longestRepeat(text);
    if (rep && rep.count > 16) {
      const rerender = (k: number): string => text.slice(0, rep.at) + rep.unit.repeat(k) + text.slice(rep.at + rep.unit.length * rep.count);
      const base = text;
      const k = await smallest(rep.count, async (n) => test(rerender(n)), budget);
      if (k < rep.count) {
        text = base.slice(0, rep.at) + rep.unit.repeat(k) + base.slice(rep.at + rep.unit.length * rep.count);
        notes.push(`smallest failing repetition of ${JSON.stringify(rep.unit)}: ×${k} (was ×${rep.count})`);
      }
    }
  }

  if (text.length <= 64 * 1024) {
    const lines = text.split(/(?<=\n)/);
    if (lines.length > 1 && lines.length <= 4000) {
      const kept = await ddmin(lines, async (ls) => test(ls.join('')), budget);
      text = kept.join('');
    }
  }
  if (text.length <= 6 * 1024) {
    const toks = text.match(/[\w$]+|\s+|[^\w$\s]/g) ?? [];
    if (toks.length > 1 && toks.length <= 3000) {
      const kept = await ddmin(toks, async (ts) => test(ts.join('')), budget);
      text = kept.join('');
    }
  }
  return { text, notes, runs: startRuns - budget.runs };
}
