// Wires the service together. Nothing async is shared here.
import { Database } from './db-pool';
import { Ledger } from './ledger';
import { PayoutQueue } from './payout-queue';
import { useHttpClient } from './rate-cache';
import { SharedTokenRefresher } from './token-refresher';
import { WebhookDispatcher } from './webhooks';
import type { Bank, HttpClient, Journal, SubscriptionStore } from './ports';

export interface Services {
  ledger: Ledger;
  payouts: PayoutQueue;
  tokens: SharedTokenRefresher;
  webhooks: WebhookDispatcher;
  db: Database;
}

export function createServices(deps: {
  http: HttpClient;
  journal: Journal;
  bank: Bank;
  subscriptions: SubscriptionStore;
  databaseUrl: string;
  clientId: string;
}): Services {
  useHttpClient(deps.http);
  return {
    ledger: new Ledger(deps.journal),
    payouts: new PayoutQueue(deps.bank),
    tokens: new SharedTokenRefresher(deps.http, deps.clientId),
    webhooks: new WebhookDispatcher(deps.subscriptions, deps.http),
    db: new Database({ url: deps.databaseUrl, max: 10 }),
  };
}
