// A bank account whose deposit races: two concurrent deposits both read the
// old balance, both await the save, and the second write loses the first.
export class Account {
  balance = 0;

  async deposit(amount: number): Promise<void> {
    const before = this.balance;
    await this.save();
    this.balance = before + amount;
  }

  private async save(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
