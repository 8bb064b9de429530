import { stringify } from 'yaml';
import { AuditLog } from '../auth/audit-log.js';
import { TokenStore, type TokenRecord } from '../auth/tokens.js';
import { openDatabase } from '../storage/database.js';
import { operatorEntry } from '../trading/audit.js';
import { describeHalt, TradingHalts } from '../trading/halts.js';
import { defaultPolicyTimezone, loadPolicyFile, PolicyError, policyKeys, type RiskPolicy } from '../trading/policy.js';
import { RiskLedger } from '../trading/risk-ledger.js';
import { dayIn } from '../trading/trading-hours.js';
import { loadCliConfig, parseCommandLine, UsageError, type CommandEnvironment } from './common.js';
import { printable } from './table.js';

/**
 * `brokerql token show ID`: a token, its policy (as YAML, defaults filled in), whether the kill
 * switch stops it, and what it did today. `brokerql token update ID --policy FILE` replaces the
 * policy (`--clear-policy` removes it); every process reads it from the token's next request.
 */

export function showToken(args: string[], environment: CommandEnvironment): number {
  const { values, positionals } = parseCommandLine({ args, options: { config: { type: 'string' } }, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('usage: brokerql token show ID (the ID column of brokerql token list)');
  const config = loadCliConfig(values, environment, { needsConnections: false });
  const database = openDatabase(config.dataDir);
  try {
    const token = requireToken(new TokenStore(database), positionals[0]!);
    const halt = new TradingHalts(database).find(token.id, null);
    const timezone = token.policy?.timezone ?? defaultPolicyTimezone;
    const day = dayIn(new Date(), timezone);
    const counters = new RiskLedger(database, config.server.requestTimeoutMs * 2).counters({ tokenId: token.id, day, viewStartedAt: new Date().toISOString() });
    const value = [...counters.valueToday].map(([currency, amount]) => `${amount} ${currency}`).join(', ') || 'none valued';
    const lines = [
      ['id', token.id],
      ['name', token.name],
      ['scope', token.scope],
      ['accounts', token.accountIds?.join(', ') ?? 'all'],
      ['created', token.createdAt],
      ['expires', token.expiresAt ?? 'never'],
      ['last used', token.lastUsedAt ?? 'never'],
      ['revoked', token.revokedAt ?? 'no'],
      ['halted', halt ? `yes: ${describeHalt(halt)} since ${halt.createdAt}` : 'no'],
      ['today', `${day} (${timezone}): ${counters.ordersToday} orders, ${value}`],
    ];
    const width = Math.max(...lines.map(([label]) => label!.length));
    const policy = token.policy ? stringify(token.policy).trimEnd().split('\n').map((line) => `  ${printable(line)}`).join('\n') : '  none (trades as the broker allows)';
    environment.stdout.write(`${lines.map(([label, text]) => `${label!.padEnd(width)}  ${printable(text!)}`).join('\n')}\npolicy:\n${policy}\n`);
  } finally {
    database.close();
  }
  return 0;
}

export function updateToken(args: string[], environment: CommandEnvironment): number {
  const { values, positionals } = parseCommandLine({
    args,
    options: { policy: { type: 'string' }, 'clear-policy': { type: 'boolean' }, config: { type: 'string' } },
    allowPositionals: true,
  });
  if (positionals.length !== 1 || (values.policy === undefined) === (values['clear-policy'] !== true)) {
    throw new UsageError('usage: brokerql token update ID --policy FILE | --clear-policy');
  }
  const config = loadCliConfig(values, environment, { needsConnections: false });
  const database = openDatabase(config.dataDir);
  try {
    const tokens = new TokenStore(database);
    const token = requireToken(tokens, positionals[0]!);
    const policy = values.policy === undefined ? null : readPolicyFlag(values.policy, token.scope);
    tokens.setPolicy(token.id, policy);
    const change = policy ? `replaced (${policyKeys(policy).join(', ') || 'no limits'}; currency ${policy.currency}, day in ${policy.timezone})` : 'removed';
    new AuditLog(database).record(operatorEntry('tokenUpdate', { message: `policy of token ${token.id} "${token.name}" ${change}` }));
    environment.stderr.write(`Policy of token ${token.id} ${change}; every brokerql process using ${config.dataDir} applies it from the token's next request.\n`);
  } finally {
    database.close();
  }
  return 0;
}

function requireToken(tokens: TokenStore, id: string): TokenRecord {
  const token = tokens.find(id);
  if (!token) throw new UsageError(`no token with id "${id}" (see brokerql token list)`);
  return token;
}

/** --policy FILE: a policy limits trading, so only a TRADE token may carry one. */
export function readPolicyFlag(file: string, scope: string): RiskPolicy {
  if (scope !== 'TRADE') throw new UsageError('--policy limits trading: only a trade token carries one');
  try {
    return loadPolicyFile(file);
  } catch (error) {
    if (error instanceof PolicyError) throw new UsageError(`--policy ${error.message}`);
    throw error;
  }
}
