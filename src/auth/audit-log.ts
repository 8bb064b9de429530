import type { Database } from '../storage/database.js';
import { deleteInBatches } from '../storage/retention.js';

/**
 * Every trading mutation attempt, whatever became of it. Rows hold what was asked and what
 * happened — never a secret: token ids and names, not token values, and broker messages pass
 * through the secret registry's redaction before they are written. What a client sent is stored
 * as sent (the printer escapes it), but never longer than its field's cap: a refused mutation
 * must not make a row whatever size its sender likes.
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
  /** The policy rule that refused an order (RISK_LIMIT_EXCEEDED), e.g. maxOrdersPerDay. */
  rule?: string | null | undefined;
}

export interface AuditRow extends AuditEntry {
  id: number;
  time: string;
}

/**
 * Longest value kept per text field, in characters. Every real value fits: account and
 * instrument ids are under 100, idempotency keys are refused past 128, a price has at most
 * 30 significant digits. Anything longer is cut and marked.
 */
const fieldCaps = {
  tokenId: 64,
  tokenName: 128,
  mutation: 64,
  accountId: 128,
  instrument: 128,
  side: 16,
  type: 16,
  price: 64,
  idempotencyKey: 128,
  orderId: 128,
  brokerOrderId: 128,
  errorCode: 64,
  message: 500,
  rule: 64,
} satisfies Partial<Record<keyof AuditEntry, number>>;

/** `value`, or its first `cap` characters marked as cut with the length it had. */
function capped(value: string | null, cap: number): string | null {
  if (value === null || value.length <= cap) return value;
  return `${value.slice(0, cap)}… [truncated: ${value.length} characters]`;
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
           idempotency_key, order_id, outcome, broker_order_id, error_code, message, rule)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        this.now().toISOString(),
        capped(entry.tokenId, fieldCaps.tokenId),
        capped(entry.tokenName, fieldCaps.tokenName),
        capped(entry.mutation, fieldCaps.mutation),
        capped(entry.accountId, fieldCaps.accountId),
        capped(entry.instrument, fieldCaps.instrument),
        capped(entry.side, fieldCaps.side),
        capped(entry.type, fieldCaps.type),
        entry.lots,
        capped(entry.price, fieldCaps.price),
        capped(entry.idempotencyKey, fieldCaps.idempotencyKey),
        capped(entry.orderId, fieldCaps.orderId),
        entry.outcome,
        capped(entry.brokerOrderId, fieldCaps.brokerOrderId),
        capped(entry.errorCode, fieldCaps.errorCode),
        // Redacted whole first: a secret cut in half would no longer be recognised.
        capped(entry.message === null ? null : this.redact(entry.message), fieldCaps.message),
        capped(entry.rule ?? null, fieldCaps.rule),
      );
  }

  /** Deletes the rows written before `cutoff`, a batch at a time; resolves with how many. */
  prune(cutoff: Date): Promise<number> {
    return deleteInBatches(this.database, 'DELETE FROM audit_log WHERE id IN (SELECT id FROM audit_log WHERE time < ? ORDER BY id LIMIT ?)', cutoff.toISOString());
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
      rule: row['rule'] as string | null,
    }));
  }
}
