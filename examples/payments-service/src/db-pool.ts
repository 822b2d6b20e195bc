export interface PoolConfig {
  url: string;
  max: number;
}

export interface Pool {
  query<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  end(): Promise<void>;
}

export declare function createPool(config: PoolConfig): Promise<Pool>;

// RACY (check-then-act): the first queries after start-up all find `this.pool` unset,
// all await `createPool`, and each opens its own pool; all but the last one leak.
export class Database {
  private pool?: Pool;

  constructor(private readonly config: PoolConfig) {}

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    if (!this.pool) {
      this.pool = await createPool(this.config);
    }
    return this.pool.query<T>(sql, params);
  }
}

// SAFE (promise memoization): the promise is stored before anything awaits it,
// so every caller shares the one pool.
export class SharedDatabase {
  private pool?: Promise<Pool>;

  constructor(private readonly config: PoolConfig) {}

  async query<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    this.pool ??= createPool(this.config);
    const pool = await this.pool;
    return pool.query<T>(sql, params);
  }

  async close(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    if (pool) await (await pool).end();
  }
}
