import type { Decimal } from '../decimal.js';
import type { Database } from '../storage/database.js';
import { deleteInBatches } from '../storage/retention.js';

/**
 * The account values netWorth computed, kept for netWorthHistory: each fully valued account's
 * positions, cash and total in the currency asked for, with the time it was computed. Nothing
 * else is ever written here — no value is derived for a time brokerql did not compute one.
 */

export interface RecordedValue {
  accountId: string;
  positions: Decimal;
  cash: Decimal;
  total: Decimal;
}

/** An account's last recorded total within one bucket of time. */
export interface BucketValue {
  accountId: string;
  /** The bucket's start (epoch ms). */
  bucket: number;
  total: Decimal;
}

export interface ValueHistoryOptions {
  /** valuation.recordEveryMinutes: at most one row per account and currency this often; 0 records nothing. */
  recordEveryMinutes: number;
  now: () => Date;
  /** Told when a value could not be written (a busy or full disk): netWorth itself still answers. */
  onError: (error: unknown) => void;
}

const minute = 60_000;

export class ValueHistory {
  constructor(
    private readonly database: Database,
    private readonly options: ValueHistoryOptions,
  ) {}

  /** The clock values are stamped with (netWorthHistory's default `to`). */
  readonly now = (): Date => this.options.now();

  /**
   * Records the values an account had just now, unless the account already has one in this
   * currency from the last `recordEveryMinutes`: a dashboard refreshing every 30 s must not add
   * a row per refresh. One check-and-insert statement, so two requests racing add one row.
   */
  record(currency: string, values: readonly RecordedValue[]): void {
    if (this.options.recordEveryMinutes === 0 || values.length === 0) return;
    const time = this.options.now().getTime();
    const since = time - this.options.recordEveryMinutes * minute;
    try {
      const insert = this.database.prepare(
        `INSERT OR IGNORE INTO account_values (account_id, currency, time, positions, cash, total)
         SELECT :accountId, :currency, :time, :positions, :cash, :total
         WHERE NOT EXISTS (SELECT 1 FROM account_values WHERE account_id = :accountId AND currency = :currency AND time > :since)`,
      );
      this.database.transaction(() => {
        for (const value of values) insert.run({ ...value, currency, time, since });
      })();
    } catch (error) {
      this.options.onError(error);
    }
  }

  /**
   * Each account's last total within each bucket of `bucketMilliseconds` (aligned to the epoch,
   * so UTC hours and days) among the values recorded in [from, to]. SQLite takes a bare column of
   * a `max()` aggregate from the row holding the maximum: the total is the last one's.
   */
  lastPerBucket(currency: string, from: Date, to: Date, bucketMilliseconds: number): BucketValue[] {
    const rows = this.database
      .prepare(
        `SELECT account_id, (time / :size) * :size AS bucket, max(time) AS time, total FROM account_values
         WHERE currency = :currency AND time >= :from AND time <= :to
         GROUP BY account_id, bucket ORDER BY bucket, account_id`,
      )
      // Bound as integers: better-sqlite3 binds a JS number as REAL, and the division must truncate.
      .all({ currency, from: BigInt(from.getTime()), to: BigInt(to.getTime()), size: BigInt(bucketMilliseconds) }) as Array<{ account_id: string; bucket: number; total: string }>;
    return rows.map((row) => ({ accountId: row.account_id, bucket: Number(row.bucket), total: row.total }));
  }

  /** Deletes the values recorded before `cutoff`, a batch at a time; resolves with how many. */
  prune(cutoff: Date): Promise<number> {
    return deleteInBatches(
      this.database,
      'DELETE FROM account_values WHERE (account_id, currency, time) IN (SELECT account_id, currency, time FROM account_values WHERE time < ? LIMIT ?)',
      cutoff.getTime(),
    );
  }
}
