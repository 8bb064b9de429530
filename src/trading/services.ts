import type { AuditLog } from '../auth/audit-log.js';
import type { Order } from '../domain.js';
import type { AccountModel } from '../resolvers/models.js';
import type { Database } from '../storage/database.js';
import { TradingHalts } from './halts.js';
import { IdempotencyLedger } from './idempotency.js';
import { RiskLedger } from './risk-ledger.js';

/**
 * What trading keeps across requests: the audit log every attempt is written to, the idempotency
 * ledger, and the guardrails — the orders counted against policies, the kill switch, the clock
 * policies read (trading hours, "today").
 */
export interface TradingServices {
  audit: AuditLog;
  ledger: IdempotencyLedger;
  guardrails: {
    risk: RiskLedger;
    halts: TradingHalts;
    now: () => Date;
  };
  /** An order brokerql placed, for the live accounts (streams/accounts/) to follow; absent: nobody follows. */
  orderPlaced?: ((account: AccountModel, order: Order) => void) | undefined;
}

/**
 * The services over the data dir. A pending ledger row older than one request's whole lifetime
 * (`requestTimeoutMilliseconds` × 2) was left by a process that died. The ledgers' own times (in
 * flight since, settled at) are the system clock's, whatever `now` says.
 */
export function createTradingServices(
  database: Database,
  options: Pick<TradingServices, 'audit' | 'orderPlaced'> & { requestTimeoutMilliseconds: number; now: () => Date },
): TradingServices {
  const abandonedAfter = options.requestTimeoutMilliseconds * 2;
  return {
    audit: options.audit,
    ledger: new IdempotencyLedger(database, abandonedAfter),
    guardrails: { risk: new RiskLedger(database, abandonedAfter), halts: new TradingHalts(database), now: options.now },
    orderPlaced: options.orderPlaced,
  };
}
