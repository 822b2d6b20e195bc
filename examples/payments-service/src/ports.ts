// Interfaces of the outside world the service talks to, and the domain types.
// Plain synchronous code: awaitguard has nothing to say about it.

export type Currency = 'EUR' | 'USD' | 'GBP' | 'CHF';

export interface Money {
  amount: number; // minor units (cents)
  currency: Currency;
}

export interface JournalEntry {
  accountId: string;
  amount: number;
  reference: string;
  at: Date;
}

export interface Journal {
  append(entry: JournalEntry): Promise<void>;
}

export interface HttpClient {
  get<T>(url: string, headers?: Record<string, string>): Promise<T>;
  post<T>(url: string, body: unknown, headers?: Record<string, string>): Promise<T>;
}

export interface Payout {
  id: string;
  accountId: string;
  iban: string;
  money: Money;
}

export interface Bank {
  submitBatch(payouts: readonly Payout[]): Promise<void>;
}

export interface WebhookSubscription {
  id: string;
  url: string;
  secret: string;
}

export interface SubscriptionStore {
  forEvent(type: string): Promise<WebhookSubscription[]>;
}

export interface DeliveryResult {
  subscriptionId: string;
  ok: boolean;
  status: number;
}

export class InsufficientFundsError extends Error {
  constructor(
    readonly accountId: string,
    readonly balance: number,
    readonly requested: number,
  ) {
    super(`account ${accountId} has ${balance}, ${requested} requested`);
  }
}

export function formatMoney({ amount, currency }: Money): string {
  return `${(amount / 100).toFixed(2)} ${currency}`;
}
