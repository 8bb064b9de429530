import { TokenStore } from '../auth/tokens.js';
import { createConnections } from '../brokers/connection.js';
import type { Config } from '../config.js';
import { parseDuration } from '../duration.js';
import { parseScopedId } from '../ids.js';
import type { Scope } from '../auth/viewer.js';
import { SecretRegistry } from '../secrets.js';
import { openDatabase } from '../storage/database.js';
import { loadCliConfig, parseCommandLine, UsageError, type CommandEnvironment } from './common.js';
import { formatTable } from './table.js';
import { readPolicyFlag, showToken, updateToken } from './token-policy.js';

const usage =
  'usage: brokerql token create --name NAME --scope read|trade [--accounts ID,ID] [--expires-in 30d] [--policy FILE] | list | show ID | update ID --policy FILE | revoke ID  [--config FILE]';

export async function tokenCommand(args: string[], environment: CommandEnvironment): Promise<number> {
  const [action, ...rest] = args;
  switch (action) {
    case 'create':
      return createToken(rest, environment);
    case 'list':
      return listTokens(rest, environment);
    case 'revoke':
      return revokeToken(rest, environment);
    case 'show':
      return showToken(rest, environment);
    case 'update':
      return updateToken(rest, environment);
    default:
      throw new UsageError(action === undefined ? usage : `unknown token action "${action}" (create, list, show, update, revoke)`);
  }
}

async function createToken(args: string[], environment: CommandEnvironment): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: {
      name: { type: 'string' },
      scope: { type: 'string' },
      accounts: { type: 'string' },
      'expires-in': { type: 'string' },
      policy: { type: 'string' },
      config: { type: 'string' },
    },
    allowPositionals: false,
  });
  const name = values.name?.trim();
  if (!name) throw new UsageError('--name is required (who or what the token is for, e.g. --name stats-service)');
  if (name.length > 64 || /[\u0000-\u001f]/.test(name)) throw new UsageError('--name must be 1 to 64 printable characters');
  if (values.scope === undefined) throw new UsageError('--scope is required: read (queries only) or trade (also placeOrder and cancelOrder)');
  const scope = values.scope.toUpperCase();
  if (scope !== 'READ' && scope !== 'TRADE') throw new UsageError('--scope must be read or trade');
  let expiresAt: Date | null = null;
  if (values['expires-in'] !== undefined) {
    const milliseconds = parseDuration(values['expires-in']);
    if (milliseconds === undefined) {
      throw new UsageError(`--expires-in must look like 30d, 12h, 90m or 1y (a whole number above 0, then s, m, h, d, w or y), received "${values['expires-in']}"`);
    }
    expiresAt = new Date(Date.now() + milliseconds);
  }
  const policy = values.policy === undefined ? null : readPolicyFlag(values.policy, scope);
  // Checking --accounts asks the brokers; a token for every account needs none of them.
  const config = loadCliConfig(values, environment, { needsConnections: values.accounts !== undefined });
  const accountIds = values.accounts === undefined ? null : await checkAccounts(values.accounts, config, environment.brokerRegistry);

  const database = openDatabase(config.dataDir);
  try {
    const { record, secret } = new TokenStore(database).create({ name, scope: scope as Scope, accountIds, expiresAt, policy });
    environment.stdout.write(`${secret}\n`);
    environment.stderr.write(
      `Created ${record.scope} token ${record.id} "${record.name}" for ${accountIds ? accountIds.join(', ') : 'every account'}` +
        `${record.expiresAt ? `, expiring ${record.expiresAt}` : ''}${policy ? ', with a risk policy' : ''}. The secret above is shown only once.\n`,
    );
  } finally {
    database.close();
  }
  return 0;
}

/** Every id must name a configured connection and an account its broker really has. */
async function checkAccounts(list: string, config: Config, brokerRegistry: CommandEnvironment['brokerRegistry']): Promise<string[]> {
  const ids = [...new Set(list.split(',').map((id) => id.trim()).filter(Boolean))];
  if (ids.length === 0) throw new UsageError('--accounts needs at least one account id, e.g. --accounts tbank:2000345678');
  const byConnection = new Map<string, string[]>();
  for (const id of ids) {
    let connectionId: string;
    try {
      connectionId = parseScopedId(id, 'account').connectionId;
    } catch (error) {
      throw new UsageError(`--accounts: ${(error as Error).message}`);
    }
    if (!config.connections.some((connection) => connection.id === connectionId)) {
      throw new UsageError(`--accounts: ${id} names connection "${connectionId}", which is not in the config (connections: ${config.connections.map((connection) => connection.id).join(', ') || 'none'})`);
    }
    byConnection.set(connectionId, [...(byConnection.get(connectionId) ?? []), id]);
  }
  const connections = createConnections(
    config.connections.filter((connection) => byConnection.has(connection.id)),
    { secrets: new SecretRegistry(), brokerRegistry },
  );
  try {
    for (const connection of connections) {
      let known: string[];
      try {
        known = (await connection.adapter.listAccounts({})).map((account) => `${connection.id}:${account.brokerAccountId}`);
      } catch (error) {
        throw new UsageError(`--accounts: cannot list the accounts of connection "${connection.id}" to check them (${(error as Error).message})`);
      }
      const missing = byConnection.get(connection.id)!.filter((id) => !known.includes(id));
      if (missing.length > 0) {
        throw new UsageError(`--accounts: ${missing.join(', ')} does not exist (accounts of "${connection.id}": ${known.join(', ') || 'none'})`);
      }
    }
  } finally {
    await Promise.allSettled(connections.map((connection) => connection.adapter.close()));
  }
  return ids;
}

function listTokens(args: string[], environment: CommandEnvironment): number {
  const { values } = parseCommandLine({ args, options: { config: { type: 'string' } }, allowPositionals: false });
  const config = loadCliConfig(values, environment, { needsConnections: false });
  const database = openDatabase(config.dataDir);
  try {
    const tokens = new TokenStore(database).list();
    if (tokens.length === 0) {
      environment.stderr.write('no tokens yet: brokerql token create --name NAME --scope read\n');
      return 0;
    }
    environment.stdout.write(
      formatTable(
        ['ID', 'NAME', 'SCOPE', 'ACCOUNTS', 'CREATED', 'EXPIRES', 'LAST USED', 'REVOKED'],
        tokens.map((token) => [
          token.id,
          token.name,
          token.scope,
          token.accountIds?.join(',') ?? 'all',
          token.createdAt,
          token.expiresAt,
          token.lastUsedAt,
          token.revokedAt,
        ]),
      ),
    );
  } finally {
    database.close();
  }
  return 0;
}

function revokeToken(args: string[], environment: CommandEnvironment): number {
  const { values, positionals } = parseCommandLine({ args, options: { config: { type: 'string' } }, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('usage: brokerql token revoke ID (the ID column of brokerql token list)');
  const config = loadCliConfig(values, environment, { needsConnections: false });
  const database = openDatabase(config.dataDir);
  try {
    if (!new TokenStore(database).revoke(positionals[0]!)) throw new UsageError(`no token with id "${positionals[0]}" (see brokerql token list)`);
    environment.stderr.write(`Revoked token ${positionals[0]}; every brokerql process using ${config.dataDir} refuses it from its next request.\n`);
  } finally {
    database.close();
  }
  return 0;
}
