import { AuditLog } from '../auth/audit-log.js';
import { TokenStore } from '../auth/tokens.js';
import { accountCapabilities } from '../brokers/capabilities.js';
import { createConnections } from '../brokers/connection.js';
import type { Config } from '../config.js';
import type { Database } from '../storage/database.js';
import { parseScopedId } from '../ids.js';
import { SecretRegistry } from '../secrets.js';
import { openDatabase } from '../storage/database.js';
import { operatorEntry } from '../trading/audit.js';
import { describeHalt, TradingHalts, type HaltScope } from '../trading/halts.js';
import { loadCliConfig, parseCommandLine, UsageError, type CommandEnvironment } from './common.js';

/**
 * The kill switch. `brokerql halt [--all | --token ID | --account ID] [--cancel-open]` writes the
 * halt to the data dir's database, which every gateway process reads on every order: from their
 * next order on, all of them answer TRADING_HALTED. `--cancel-open` then cancels every working
 * order on the affected accounts, on every broker, through the config's connections, and prints
 * each cancellation and each failure. `brokerql resume` with the same target lifts that halt.
 * Both are written to the audit log.
 */

const usage = 'usage: brokerql halt|resume --all | --token ID | --account ID  [--cancel-open] [--config FILE]';

export const haltCommand = (args: string[], environment: CommandEnvironment) => switchCommand('halt', args, environment);
export const resumeCommand = (args: string[], environment: CommandEnvironment) => switchCommand('resume', args, environment);

async function switchCommand(action: 'halt' | 'resume', args: string[], environment: CommandEnvironment): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: {
      all: { type: 'boolean' },
      token: { type: 'string' },
      account: { type: 'string' },
      'cancel-open': { type: 'boolean' },
      config: { type: 'string' },
    },
    allowPositionals: false,
  });
  const targets = [values.all ? 'all' : undefined, values.token === undefined ? undefined : 'token', values.account === undefined ? undefined : 'account'].filter(Boolean);
  if (targets.length !== 1) throw new UsageError(`${usage} (exactly one of --all, --token, --account)`);
  const scope = targets[0] as HaltScope;
  const target = scope === 'all' ? '' : scope === 'token' ? values.token!.trim() : values.account!.trim();
  if (scope === 'account') {
    try {
      parseScopedId(target, 'account');
    } catch (error) {
      throw new UsageError(`--account: ${(error as Error).message}`);
    }
  }
  if (action === 'resume' && values['cancel-open']) throw new UsageError('--cancel-open goes with halt, not resume');
  // Halting must work even with no connection configured (or none reachable): only --cancel-open needs them.
  const config = loadCliConfig(values, environment, { needsConnections: values['cancel-open'] === true });
  const database = openDatabase(config.dataDir);
  try {
    const tokens = new TokenStore(database);
    if (scope === 'token' && !tokens.find(target)) throw new UsageError(`no token with id "${target}" (see brokerql token list)`);
    const halts = new TradingHalts(database);
    const audit = new AuditLog(database);
    const what = describeHalt({ scope, target });
    if (action === 'resume') {
      const lifted = halts.resume(scope, target);
      audit.record(operatorEntry('resume', { accountId: scope === 'account' ? target : null, message: `resumed ${what}${lifted ? '' : ' (it was not halted)'}` }));
      environment.stderr.write(lifted ? `Resumed ${what}.\n` : `${what} was not halted.\n`);
      printHalts(halts, environment);
      return 0;
    }
    const added = halts.halt(scope, target);
    environment.stderr.write(`Halted ${what}${added ? '' : ' (it already was)'}: every brokerql process using ${config.dataDir} refuses its orders from now on.\n`);
    let failures = 0;
    let summary = '';
    if (values['cancel-open']) {
      const outcome = await cancelOpenOrders(config, database, tokens, scope, target, environment);
      failures = outcome.failed;
      summary = ` (--cancel-open: ${outcome.cancelled} cancelled, ${outcome.failed} failed)`;
    }
    audit.record(operatorEntry('halt', { accountId: scope === 'account' ? target : null, message: `halted ${what}${summary}` }));
    printHalts(halts, environment);
    return failures === 0 ? 0 : 1;
  } finally {
    database.close();
  }
}

function printHalts(halts: TradingHalts, environment: CommandEnvironment): void {
  const current = halts.list();
  environment.stdout.write(current.length === 0 ? 'halted: nothing\n' : current.map((halt) => `halted: ${describeHalt(halt)} since ${halt.createdAt}\n`).join(''));
}

/**
 * Cancels every working order on the accounts the halt covers: all accounts of every trading
 * connection (--all), the token's accounts (--token), or the one account. Each cancellation is
 * printed and audited; a failure is printed and the rest go on.
 */
async function cancelOpenOrders(
  config: Config,
  database: Database,
  tokens: TokenStore,
  scope: HaltScope,
  target: string,
  environment: CommandEnvironment,
): Promise<{ cancelled: number; failed: number }> {
  const secrets = new SecretRegistry();
  const audit = new AuditLog(database, (text) => secrets.redact(text));
  const connections = createConnections(config.connections, { secrets, brokerRegistry: environment.brokerRegistry });
  const allowed = scope === 'token' ? tokens.find(target)!.accountIds : scope === 'account' ? [target] : null;
  let cancelled = 0;
  let failed = 0;
  const fail = (what: string, error: unknown) => {
    failed += 1;
    environment.stdout.write(`failed    ${what}: ${secrets.redact(error instanceof Error ? error.message : String(error))}\n`);
  };
  try {
    for (const connection of connections) {
      const { adapter } = connection;
      if (!connection.definition.capabilities.trading || !adapter.cancelOrder) continue;
      if (allowed && !allowed.some((id) => id.startsWith(`${connection.id}:`))) continue;
      let accounts;
      try {
        accounts = await adapter.listAccounts({});
      } catch (error) {
        fail(`connection ${connection.id} (its accounts)`, error);
        continue;
      }
      for (const account of accounts) {
        const accountId = `${connection.id}:${account.brokerAccountId}`;
        if ((allowed && !allowed.includes(accountId)) || !accountCapabilities(connection.definition.capabilities, account).trading) continue;
        let orders;
        try {
          orders = await adapter.listOrders({ brokerAccountId: account.brokerAccountId });
        } catch (error) {
          fail(`account ${accountId} (its orders)`, error);
          continue;
        }
        for (const order of orders) {
          const entry = { accountId, orderId: order.id, message: 'brokerql halt --cancel-open' };
          try {
            const final = await adapter.cancelOrder({ brokerAccountId: account.brokerAccountId, orderId: order.id });
            cancelled += 1;
            audit.record(operatorEntry('cancelOrder', { ...entry, brokerOrderId: final.id }));
            environment.stdout.write(`cancelled ${accountId} order ${order.id} (${order.side} ${order.requestedLots} lots of ${order.instrument.key}, now ${final.status})\n`);
          } catch (error) {
            audit.record(operatorEntry('cancelOrder', { ...entry, outcome: 'failed', message: `brokerql halt --cancel-open: ${error instanceof Error ? error.message : String(error)}` }));
            fail(`${accountId} order ${order.id}`, error);
          }
        }
      }
    }
  } finally {
    await Promise.allSettled(connections.map((connection) => connection.adapter.close()));
  }
  return { cancelled, failed };
}
