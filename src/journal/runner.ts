import { randomBytes } from 'node:crypto';
import type { JournalConfig } from './config.js';
import type { OperationsJournal } from './journal.js';
import { JournalSync, type SyncProgress } from './sync.js';

/** A sync of this process's own (its lease owner id is new for every process). */
export function journalSync(journal: OperationsJournal, config: JournalConfig, onProgress?: (progress: SyncProgress) => void): JournalSync {
  return new JournalSync({
    store: journal.store,
    states: journal.states,
    config,
    owner: `${process.pid}-${randomBytes(6).toString('hex')}`,
    onProgress,
  });
}
