import { formatMoney, type Currency, type Money } from './ports';
import type { Ledger } from './ledger';
import { getRateShared } from './rate-cache';

/** The request context of a Koa-style router: one object per request. */
export interface Context {
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  state: { accountId?: string; balance?: Money };
  status: number;
  body: unknown;
}

// SAFE (request-scoped state): `ctx` belongs to this request alone, so writing its
// properties after an await cannot overwrite another request's data.
export async function getBalance(ctx: Context, ledger: Ledger): Promise<void> {
  ctx.state.accountId = ctx.params.id;
  const currency = (ctx.query.currency ?? 'EUR') as Currency;
  const rate = await getRateShared('EUR', currency);
  ctx.state.balance = { amount: Math.round(ledger.balanceOf(ctx.params.id ?? '') * rate), currency };
  ctx.status = 200;
  ctx.body = { balance: formatMoney(ctx.state.balance) };
}

// SAFE (objects the call allocated): `summary` is created by this call; nobody else sees it
// until it is returned.
export async function accountSummary(ledger: Ledger, accountIds: readonly string[]): Promise<Record<string, string>> {
  const summary: Record<string, string> = {};
  const rate = await getRateShared('EUR', 'USD');
  for (const id of accountIds.slice(0, 50)) {
    summary[id] = formatMoney({ amount: Math.round(ledger.balanceOf(id) * rate), currency: 'USD' });
  }
  summary.generatedAt = new Date().toISOString();
  return summary;
}
