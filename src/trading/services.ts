import type { AuditLog } from '../auth/audit-log.js';
import type { Order } from '../domain.js';
import type { AccountModel } from '../resolvers/models.js';
import type { TradingHalts } from './halts.js';
import type { IdempotencyLedger } from './idempotency.js';
import type { RiskLedger } from './risk-ledger.js';

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
