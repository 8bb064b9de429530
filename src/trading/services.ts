import type { AuditLog } from '../auth/audit-log.js';
import type { IdempotencyLedger } from './idempotency.js';

/** What trading keeps across requests: the audit log every attempt is written to, and the idempotency ledger. */
export interface TradingServices {
  audit: AuditLog;
  ledger: IdempotencyLedger;
}
