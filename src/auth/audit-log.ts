import type { Database } from '../storage/database.js';

/**
 * Every trading mutation attempt, whatever became of it. Rows hold what was asked and what
 * happened — never a secret: token ids and names, not token values, and broker messages pass
 * through the secret registry's redaction before they are written.
 */

export type AuditOutcome =
  /** Done: the broker accepted the order or the cancellation. */
  | 'ok'
  /** A repeat of an idempotency key: the first result was returned, nothing was sent. */
  | 'replayed'
  /** Refused by brokerql before any order reached a broker (scope, input, account, capability). */
  | 'rejected'
  /** Refused by the broker (funds, price band, market closed). */
  | 'refused'
  /** Failed for another reason (broker down, timeout); the broker may not have seen it. */
  | 'failed'
  /** Sent, but whether the broker acted on it could not be established. */
  | 'unknown';

export interface AuditEntry {
  tokenId: string | null;
  tokenName: string | null;
  mutation: string;
  accountId: string | null;
  instrument: string | null;
  side: string | null;
  type: string | null;
  lots: number | null;
  price: string | null;
  idempotencyKey: string | null;
  /** The order a cancellation was for. */
  orderId: string | null;
  outcome: AuditOutcome;
  brokerOrderId: string | null;
  errorCode: string | null;
  message: string | null;
}

export interface AuditRow extends AuditEntry {
  id: number;
  time: string;
}

export class AuditLog {
  constructor(
    private readonly database: Database,
    private readonly redact: (text: string) => string = (text) => text,
    private readonly now: () => Date = () => new Date(),
    /** Told about every row written (metrics). */
    private readonly onRecord?: (entry: AuditEntry) => void,
  ) {}

  record(entry: AuditEntry): void {
    this.onRecord?.(entry);
    this.database
      .prepare(
        `INSERT INTO audit_log (time, token_id, token_name, mutation, account_id, instrument, side, type, lots, price,
           idempotency_key, order_id, outcome, broker_order_id, error_code, message)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        this.now().toISOString(),
        entry.tokenId,
        entry.tokenName,
        entry.mutation,
        entry.accountId,
        entry.instrument,
        entry.side,
        entry.type,
        entry.lots,
        entry.price,
        entry.idempotencyKey,
        entry.orderId,
        entry.outcome,
        entry.brokerOrderId,
        entry.errorCode,
        entry.message === null ? null : this.redact(entry.message).slice(0, 500),
      );
  }

  /** Newest first. */
  recent(limit: number): AuditRow[] {
    const rows = this.database.prepare('SELECT * FROM audit_log ORDER BY id DESC LIMIT ?').all(limit) as Array<Record<string, unknown>>;
    return rows.map((row) => ({
      id: row['id'] as number,
      time: row['time'] as string,
      tokenId: row['token_id'] as string | null,
      tokenName: row['token_name'] as string | null,
      mutation: row['mutation'] as string,
      accountId: row['account_id'] as string | null,
      instrument: row['instrument'] as string | null,
      side: row['side'] as string | null,
      type: row['type'] as string | null,
      lots: row['lots'] as number | null,
      price: row['price'] as string | null,
      idempotencyKey: row['idempotency_key'] as string | null,
      orderId: row['order_id'] as string | null,
      outcome: row['outcome'] as AuditOutcome,
      brokerOrderId: row['broker_order_id'] as string | null,
      errorCode: row['error_code'] as string | null,
      message: row['message'] as string | null,
    }));
  }
}
