import type { Currency, HttpClient } from './ports';

interface CachedRate {
  rate: number;
  expiresAt: number;
}

const TTL_MS = 60_000;
const rates = new Map<string, CachedRate>();
const inflight = new Map<string, Promise<number>>();

let http: HttpClient;

export function useHttpClient(client: HttpClient): void {
  http = client;
}

function pairKey(from: Currency, to: Currency): string {
  return `${from}/${to}`;
}

async function fetchRate(from: Currency, to: Currency): Promise<number> {
  const body = await http.get<{ rate: number }>(`/fx/${from}/${to}`);
  return body.rate;
}

// RACY (check-then-act): a cache stampede. When a popular pair expires, every request
// that misses before the first fetch returns calls the FX provider (and hits its rate limit).
export async function getRate(from: Currency, to: Currency): Promise<number> {
  const key = pairKey(from, to);
  const hit = rates.get(key);
  if (hit && hit.expiresAt > Date.now()) return hit.rate;
  const rate = await fetchRate(from, to);
  rates.set(key, { rate, expiresAt: Date.now() + TTL_MS });
  return rate;
}

// SAFE (promise memoization per key): the in-flight promise is stored before the first
// await, so concurrent misses share one fetch.
export function getRateShared(from: Currency, to: Currency): Promise<number> {
  const key = pairKey(from, to);
  const hit = rates.get(key);
  if (hit && hit.expiresAt > Date.now()) return Promise.resolve(hit.rate);
  let pending = inflight.get(key);
  if (!pending) {
    pending = fetchRate(from, to)
      .then((rate) => {
        rates.set(key, { rate, expiresAt: Date.now() + TTL_MS });
        return rate;
      })
      .finally(() => inflight.delete(key));
    inflight.set(key, pending);
  }
  return pending;
}

// SAFE (single-flight flag): the flag is set before the first await, so a second call
// made while a refresh runs returns at once instead of starting another one.
let refreshing = false;

export async function refreshAll(pairs: ReadonlyArray<[Currency, Currency]>): Promise<void> {
  if (refreshing) return;
  refreshing = true;
  try {
    for (const [from, to] of pairs) {
      const rate = await fetchRate(from, to);
      rates.set(pairKey(from, to), { rate, expiresAt: Date.now() + TTL_MS });
    }
  } finally {
    refreshing = false;
  }
}
