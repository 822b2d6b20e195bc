import { Lock } from 'awaitguard/runtime';
import { InsufficientFundsError, type Journal } from './ports';

/** In-memory balances in front of an append-only journal. One instance serves every request. */
export class Ledger {
  private readonly balances = new Map<string, number>();
  private readonly lock = new Lock();

  constructor(private readonly journal: Journal) {}

  balanceOf(accountId: string): number {
    return this.balances.get(accountId) ?? 0;
  }

  // RACY (lost-update): two deposits to the same account both read the old balance,
  // both wait for the journal, and the second `set` overwrites the first one's credit.
  async deposit(accountId: string, amount: number, reference: string): Promise<number> {
    const balance = this.balances.get(accountId) ?? 0;
    await this.journal.append({ accountId, amount, reference, at: new Date() });
    this.balances.set(accountId, balance + amount);
    return balance + amount;
  }

  // SAFE: the balance check, the journal write and both updates happen under one hold of the lock.
  async transfer(from: string, to: string, amount: number, reference: string): Promise<void> {
    await this.lock.acquire();
    try {
      const fromBalance = this.balances.get(from) ?? 0;
      if (fromBalance < amount) throw new InsufficientFundsError(from, fromBalance, amount);
      await this.journal.append({ accountId: from, amount: -amount, reference, at: new Date() });
      await this.journal.append({ accountId: to, amount, reference, at: new Date() });
      this.balances.set(from, fromBalance - amount);
      this.balances.set(to, (this.balances.get(to) ?? 0) + amount);
    } finally {
      this.lock.release();
    }
  }
}
