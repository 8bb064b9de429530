import { CandleService } from './candles/service.js';
import { CandleStore } from './candles/store.js';
import { OperationsJournal } from './journal/journal.js';
import type { Logger } from './logger.js';
import type { Database } from './storage/database.js';
import { startRetention } from './storage/retention.js';
import type { ValuationConfig } from './valuation/config.js';
import { ValueHistory } from './valuation/value-history.js';

/**
 * What the history fields read: the operations journal and the candle store (issue 18), and the
 * account values netWorth records (issue 19), all in the gateway's database.
 */
export interface HistoryServices {
  journal: OperationsJournal;
  candles: CandleService;
  values: ValueHistory;
  /** Stops the daily pruning of recorded values. */
  stop(): void;
}

export interface HistoryServicesOptions {
  valuation: ValuationConfig;
  /** The clock recorded values are stamped with. */
  now: () => Date;
  logger: Logger;
}

export function createHistoryServices(database: Database, { valuation, now, logger }: HistoryServicesOptions): HistoryServices {
  const values = new ValueHistory(database, {
    recordEveryMinutes: valuation.recordEveryMinutes,
    now,
    onError: (error) => logger.warn({ error: error instanceof Error ? error.message : String(error) }, 'recorded account values: a value could not be written'),
  });
  const stop = startRetention({ prune: (cutoff) => values.prune(cutoff), retentionDays: valuation.retentionDays, logger, what: 'recorded account values' });
  return { journal: new OperationsJournal(database), candles: new CandleService(new CandleStore(database)), values, stop };
}
