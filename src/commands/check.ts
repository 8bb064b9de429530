import type { Capabilities } from '../brokers/adapter.js';
import { clientCode } from '../client-errors.js';
import { BrokerqlError, UpstreamUnreachableError } from '../errors.js';
import type { BrokerAccount } from '../domain.js';
import { createConnections, type ConnectionModel } from '../brokers/connection.js';
import { SecretRegistry } from '../secrets.js';
import { loadCliConfig, parseCommandLine, type CommandEnvironment } from './common.js';
import { formatTable } from './table.js';

/**
 * `brokerql check`: authenticates every connection by listing its accounts, prints what each
 * can do, and says in one line why any failed. Exit code 0 only if all succeeded.
 */
export async function checkCommand(args: string[], environment: CommandEnvironment): Promise<number> {
  const { values } = parseCommandLine({ args, options: { config: { type: 'string' } }, allowPositionals: false });
  // A config without connections is refused here, naming the file.
  const config = loadCliConfig(values, environment);
  const secrets = new SecretRegistry();
  const connections = createConnections(config.connections, { secrets, brokerRegistry: environment.brokerRegistry });
  try {
    const results = await Promise.all(connections.map((connection) => checkConnection(connection, secrets)));
    environment.stdout.write(
      formatTable(
        ['CONNECTION', 'BROKER', 'STATUS', 'ACCOUNTS', 'CAPABILITIES'],
        results.map((result) => [result.connection.id, result.connection.broker, result.ok ? 'ok' : 'FAILED', result.accounts, describe(result.connection.definition.capabilities)]),
      ),
    );
    const failures = results.filter((result) => !result.ok);
    for (const failure of failures) environment.stderr.write(`brokerql: ${failure.connection.id}: ${failure.reason}\n`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    await Promise.allSettled(connections.map((connection) => connection.adapter.close()));
  }
}

interface CheckResult {
  connection: ConnectionModel;
  ok: boolean;
  accounts: string;
  reason: string;
}

async function checkConnection(connection: ConnectionModel, secrets: SecretRegistry): Promise<CheckResult> {
  try {
    const accounts = await connection.adapter.listAccounts({});
    const list = accounts.map(describeAccount).join(', ');
    return { connection, ok: true, accounts: list || 'none', reason: '' };
  } catch (error) {
    return { connection, ok: false, accounts: '-', reason: secrets.redact(reason(error)) };
  }
}

/** "2000345678 (BROKERAGE)", with what keeps an account from trading: "(BROKERAGE, read-only)", "(IIS, closed)". */
function describeAccount(account: BrokerAccount): string {
  const notes = [account.type, account.readOnly ? 'read-only' : undefined, account.status && account.status !== 'OPEN' ? account.status.toLowerCase() : undefined];
  const known = notes.filter(Boolean);
  return known.length > 0 ? `${account.brokerAccountId} (${known.join(', ')})` : account.brokerAccountId;
}

/** What most likely is wrong, in words a person fixing the config can act on: read from the error's class, code and status. */
function reason(error: unknown): string {
  if (!(error instanceof BrokerqlError)) return `unexpected failure: ${error instanceof Error ? error.message : String(error)}`;
  const code = clientCode(error);
  if (code === 'UPSTREAM_AUTH') return `wrong or expired credential — ${error.message}`;
  if (error.status === 404 || error.status === 405) return `wrong base URL (the broker answered HTTP ${error.status} for its accounts method) — ${error.message}`;
  if (error instanceof UpstreamUnreachableError) return `unreachable host — ${error.message}`;
  if (code === 'UPSTREAM_TIMEOUT') return `no answer in time — ${error.message}`;
  return `${code} — ${error.message}`;
}

function describe(capabilities: Capabilities): string {
  const parts = [
    capabilities.trading ? `trading (${capabilities.orderTypes.join('/')})` : 'read-only',
    capabilities.orderbook ? 'orderbook' : undefined,
    capabilities.operations ? 'operations' : undefined,
  ];
  return parts.filter(Boolean).join(', ');
}
