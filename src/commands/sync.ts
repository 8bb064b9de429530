import { supports } from '../brokers/capabilities.js';
import type { ConnectionModel } from '../brokers/connection.js';
import { createConnections } from '../brokers/connection.js';
import type { BrokerAccount } from '../domain.js';
import { OperationsJournal } from '../journal/journal.js';
import { journalSync } from '../journal/runner.js';
import { runInBackground, type SyncProgress } from '../journal/sync.js';
import { parseScopedId, scopedId } from '../ids.js';
import { SecretRegistry } from '../secrets.js';
import { openDatabase } from '../storage/database.js';
import { loadCliConfig, parseCommandLine, UsageError, type CommandEnvironment } from './common.js';
import { ProgressDisplay } from './progress.js';
import { formatTable } from './table.js';

/**
 * `brokerql sync [--account ID] [--status] [--full]`: fills the operations journal now, in this
 * process — every account of every connection whose broker has operations, or one — with
 * progress on stdout, at the same background priority `serve` uses. It continues where the last
 * sync (this command's or a server's) stopped; `--full` reads every window again (after a broker
 * restated old history). An account a running server is syncing right now is left to it.
 * `--status` only reads the data dir: where each account's journal stands.
 */
export async function syncCommand(args: string[], environment: CommandEnvironment): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: { account: { type: 'string' }, status: { type: 'boolean' }, full: { type: 'boolean' }, config: { type: 'string' } },
    allowPositionals: false,
  });
  if (values.status) return status(values, environment);
  const config = loadCliConfig(values, environment);
  const wanted = values.account === undefined ? undefined : accountArgument(values.account);
  if (wanted && !config.connections.some((connection) => connection.id === wanted.connectionId)) {
    throw new UsageError(`--account: ${values.account} names connection "${wanted.connectionId}", which is not in the config (connections: ${config.connections.map((connection) => connection.id).join(', ')})`);
  }
  const secrets = new SecretRegistry();
  const database = openDatabase(config.dataDir);
  const connections = createConnections(config.connections, { secrets, brokerRegistry: environment.brokerRegistry });
  const controller = new AbortController();
  void environment.stopSignal.then(() => controller.abort(new Error('interrupted')));
  const display = new ProgressDisplay(environment.stdout);
  const sync = journalSync(new OperationsJournal(database), config.journal, (progress) => display.update({ ...progress, error: progress.error && secrets.redact(progress.error) }));
  const outcomes: SyncProgress[] = [];
  try {
    for (const connection of connections) {
      if (wanted && connection.id !== wanted.connectionId) continue;
      if (!supports(connection, 'listOperations')) continue;
      const accounts = await accountsOf(connection, wanted?.brokerId, secrets);
      for (const account of accounts) {
        if (controller.signal.aborted) break;
        outcomes.push(await sync.sync({ connection, account }, { signal: controller.signal, full: values.full === true }));
      }
    }
  } finally {
    await Promise.allSettled(connections.map((connection) => connection.adapter.close()));
    database.close();
  }
  const failed = outcomes.filter((outcome) => outcome.phase === 'failed').length;
  if (failed > 0) environment.stderr.write(`brokerql: ${failed} of ${outcomes.length} accounts could not be synced (see above); run brokerql sync again to continue\n`);
  return failed > 0 ? 1 : 0;
}

function accountArgument(text: string) {
  try {
    return parseScopedId(text, 'account');
  } catch (error) {
    throw new UsageError(`--account: ${(error as Error).message}`);
  }
}

async function accountsOf(connection: ConnectionModel, brokerAccountId: string | undefined, secrets: SecretRegistry): Promise<BrokerAccount[]> {
  let accounts: BrokerAccount[];
  try {
    accounts = await runInBackground(() => connection.adapter.listAccounts({}));
  } catch (error) {
    throw new UsageError(`${connection.id}: cannot list its accounts: ${secrets.redact((error as Error).message)}`);
  }
  if (brokerAccountId === undefined) return accounts;
  const account = accounts.find((candidate) => candidate.brokerAccountId === brokerAccountId);
  if (!account) {
    const known = accounts.map((candidate) => scopedId(connection.id, candidate.brokerAccountId)).join(', ');
    throw new UsageError(`--account: ${scopedId(connection.id, brokerAccountId)} does not exist (accounts of "${connection.id}": ${known})`);
  }
  return [account];
}

function status(values: { config?: string | undefined; account?: string | undefined }, environment: CommandEnvironment): number {
  const config = loadCliConfig(values, environment, { needsConnections: false });
  const database = openDatabase(config.dataDir);
  try {
    const journal = new OperationsJournal(database);
    const states = journal.states.list().filter((state) => values.account === undefined || state.accountId === values.account);
    if (states.length === 0) {
      environment.stderr.write('the journal has no account yet: run brokerql sync (or serve, with journal.enabled)\n');
      return 0;
    }
    environment.stdout.write(
      formatTable(
        ['ACCOUNT', 'STATE', 'OPERATIONS', 'SYNCED UNTIL', 'LAST SYNC', 'ERROR'],
        states.map((state) => [
          state.accountId,
          state.syncingNow
            ? `syncing (${state.nextWindow}/${state.windowsTotal} windows)`
            : state.backfillDoneAt
              ? 'synced'
              : `backfill ${state.nextWindow}/${state.windowsTotal} windows`,
          String(journal.store.count(state.accountId)),
          state.syncedUntil,
          state.lastSyncAt,
          state.lastError,
        ]),
      ),
    );
    return 0;
  } finally {
    database.close();
  }
}
