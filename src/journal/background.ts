import { supports } from '../brokers/capabilities.js';
import type { ConnectionModel } from '../brokers/connection.js';
import type { Logger } from '../logger.js';
import { runInBackground, type JournalSync } from './sync.js';

export interface BackgroundSyncOptions {
  connections: readonly ConnectionModel[];
  sync: JournalSync;
  /** Seconds between the end of one round and the start of the next (config `journal.syncIntervalSeconds`). */
  intervalSeconds: number;
  logger: Logger;
}

export interface BackgroundSync {
  /** Stops after the broker calls in flight; the next start continues where this one stopped. */
  stop(): Promise<void>;
}

/**
 * `serve`'s journal keeper (config `journal.enabled`): a round at startup and then every
 * `intervalSeconds` — every account of every connection whose broker has operations, one account
 * after another per connection, the connections side by side. A round continues each account's
 * backfill or reads its tail (sync.ts). A failure is logged and waits for the next round.
 */
export function startBackgroundSync({ connections, sync, intervalSeconds, logger }: BackgroundSyncOptions): BackgroundSync {
  const controller = new AbortController();
  const { signal } = controller;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> | undefined;

  const syncConnection = async (connection: ConnectionModel) => {
    let accounts;
    try {
      accounts = await runInBackground(() => connection.adapter.listAccounts({ signal }));
    } catch (error) {
      if (!signal.aborted) logger.warn({ connection: connection.id, error: (error as Error).message }, 'journal sync: cannot list the accounts');
      return;
    }
    for (const account of accounts) {
      if (signal.aborted) return;
      const progress = await sync.sync({ connection, account }, { signal });
      if (progress.phase === 'failed' && !signal.aborted) {
        logger.warn({ account: progress.accountId, error: progress.error }, 'journal sync failed; the next round continues where it stopped');
      } else if (progress.phase === 'done') {
        logger.debug({ account: progress.accountId, operations: progress.operations, brokerCalls: progress.brokerCalls }, 'journal synced');
      }
    }
  };

  const schedule = (delayMilliseconds: number) => {
    timer = setTimeout(() => {
      round = Promise.all(connections.filter((connection) => supports(connection, 'listOperations')).map(syncConnection))
        .then(() => undefined)
        .finally(() => {
          round = undefined;
          if (!signal.aborted) schedule(intervalSeconds * 1000);
        });
    }, delayMilliseconds);
    timer.unref();
  };
  schedule(0);

  return {
    async stop() {
      controller.abort(new Error('brokerql is stopping'));
      if (timer) clearTimeout(timer);
      await round?.catch(() => undefined);
    },
  };
}
