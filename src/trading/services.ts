import type { AuditLog } from '../auth/audit-log.js';
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
}
