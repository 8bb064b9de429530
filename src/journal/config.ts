import { z } from 'zod';
import { integer } from '../config-values.js';

/**
 * The `journal` section of the config file: the operations journal behind Account.operationsPage
 * and operationChanges (README, "History and candles"). Validated once by config.ts.
 */
export const journalSchema = z.strictObject({
  /**
   * Whether `serve` keeps every account's journal current in the background (a backfill, then a
   * tail read every `syncIntervalSeconds`), at the lowest priority of each broker's request
   * budget. Default true; with false only `brokerql sync` fills it.
   */
  enabled: z.boolean('expected true or false').default(true),
  /** How often `serve` reads what is new (the tail read). Default 300 s. */
  syncIntervalSeconds: integer(10, 86_400).default(300),
  /**
   * Where a backfill starts, unless the broker says when the account was opened (T-Invest).
   * Default 2015-01-01.
   */
  since: z
    .string('expected a date such as 2015-01-01')
    .refine((text) => /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(text) && !Number.isNaN(Date.parse(text)), 'expected a date such as 2015-01-01')
    .default('2015-01-01'),
  /** Each backfill window, in days; consecutive windows overlap by half. Default 90. */
  windowDays: integer(2, 3_660).default(90),
  /** How far back every tail read re-reads, for operations a broker books late. Default 30 days. */
  lookbackDays: integer(0, 3_660).default(30),
  /**
   * Rows per page where the broker pages its history (T-Invest's `limit`, ALOR's). Default 1000,
   * both brokers' largest; at least 3, since T-Invest's own docs say a `limit` under 3 makes it
   * send duplicates and lose its place.
   */
  pageSize: integer(3, 1_000).default(1_000),
});

export type JournalConfig = Readonly<z.output<typeof journalSchema>>;
