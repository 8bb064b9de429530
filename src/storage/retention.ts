import type { Logger } from '../logger.js';
import type { Database } from './database.js';

/**
 * Retention for the tables that grow without end (the audit log, recorded account values): rows
 * older than `retentionDays` are deleted when the gateway starts and once a day after.
 */

export interface RetentionOptions {
  /** Deletes the rows written before the cutoff; resolves with how many. */
  prune: (cutoff: Date) => Promise<number>;
  /** 0 keeps every row. */
  retentionDays: number;
  logger: Logger;
  /** What is pruned, for the log ("audit log"). */
  what: string;
  /** Told how many rows each prune removed (tests). */
  onPruned?: ((count: number) => void) | undefined;
}

const day = 86_400_000;

/** Starts pruning; returns the function that stops it. */
export function startRetention({ prune, retentionDays, logger, what, onPruned }: RetentionOptions): () => void {
  if (retentionDays === 0) return () => undefined;
  const pruneNow = () =>
    prune(new Date(Date.now() - retentionDays * day))
      .then((count) => {
        if (count > 0) logger.info({ rows: count, retentionDays }, `${what}: removed rows past their retention`);
        onPruned?.(count);
      })
      .catch((error: unknown) => logger.warn({ error: error instanceof Error ? error.message : String(error) }, `${what}: pruning failed; will try again tomorrow`));
  void pruneNow();
  const timer = setInterval(() => void pruneNow(), day);
  // A daily chore must not keep a stopping process alive.
  timer.unref();
  return () => clearInterval(timer);
}

/** Rows deleted per statement when pruning, so a large prune never holds the database for long. */
const pruneBatch = 5_000;

/**
 * Runs a DELETE whose last parameter is the batch size (`... LIMIT ?`) until it deletes fewer
 * than a batch, letting requests in between batches; resolves with how many rows went.
 */
export async function deleteInBatches(database: Database, sql: string, ...parameters: unknown[]): Promise<number> {
  const statement = database.prepare(sql);
  let total = 0;
  for (;;) {
    if (!database.open) return total;
    const { changes } = statement.run(...parameters, pruneBatch);
    total += changes;
    if (changes < pruneBatch) return total;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
