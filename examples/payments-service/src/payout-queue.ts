import { Lock } from 'awaitguard/runtime';
import type { Bank, Payout } from './ports';

export class PayoutQueue {
  private readonly mutex = new Lock();
  private pending: Payout[] = [];

  constructor(private readonly bank: Bank) {}

  // RACY (unawaited-acquire): without `await`, `acquire()` only asks for the lock;
  // the body runs at once, even while `flush` holds it, and then releases a lock
  // this call never got.
  async enqueue(payout: Payout): Promise<void> {
    this.mutex.acquire();
    try {
      this.pending.push(payout);
    } finally {
      this.mutex.release();
    }
  }

  // RACY (lock-leak): if the bank rejects the batch, `release()` never runs and every
  // later flush (and enqueue) waits forever.
  async flush(): Promise<number> {
    await this.mutex.acquire();
    const batch = this.pending;
    this.pending = [];
    await this.bank.submitBatch(batch);
    this.mutex.release();
    return batch.length;
  }

  // SAFE: runExclusive releases the lock however the callback ends.
  flushSafely(): Promise<number> {
    return this.mutex.runExclusive(async () => {
      const batch = this.pending;
      this.pending = [];
      try {
        await this.bank.submitBatch(batch);
      } catch (err) {
        this.pending = batch.concat(this.pending); // put them back for the next flush
        throw err;
      }
      return batch.length;
    });
  }
}
