import { CandleService } from './candles/service.js';
import { CandleStore } from './candles/store.js';
import { OperationsJournal } from './journal/journal.js';
import type { Database } from './storage/database.js';

/** What the history fields of issue 18 read: the operations journal and the candle store, both in the gateway's database. */
export interface HistoryServices {
  journal: OperationsJournal;
  candles: CandleService;
}

export function createHistoryServices(database: Database): HistoryServices {
  return { journal: new OperationsJournal(database), candles: new CandleService(new CandleStore(database)) };
}
