import { z } from 'zod';
import { integer } from '../config-values.js';

/**
 * The `valuation` section of the config file: the values netWorth records for netWorthHistory
 * (README, "Net worth"). Validated once by config.ts.
 */
export const valuationSchema = z.strictObject({
  /**
   * Each account's value is recorded when netWorth computes it, at most once per this many
   * minutes per account and currency, so a dashboard refreshing every 30 s adds a row per account
   * every 5 minutes, not every 30 s. Default 5; 0 turns recording off (netWorthHistory then only
   * answers with what was recorded before).
   */
  recordEveryMinutes: integer(0, 1_440).default(5),
  /**
   * Recorded values older than this are deleted, at startup and daily; 0 keeps every row.
   * Default 3650 days: ten years. At the default pace a dashboard open day and night adds at
   * most about 105,000 rows (some 10 MB) per account and currency a year.
   */
  retentionDays: integer(0, 36_500).default(3_650),
});

export type ValuationConfig = Readonly<z.output<typeof valuationSchema>>;
