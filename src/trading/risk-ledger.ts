import { addDecimals, type Decimal } from '../decimal.js';
import type { OrderSide } from '../domain.js';
import type { Database } from '../storage/database.js';

/**
 * The orders counted against tokens' policies: one reservation per order a TRADE token sends,
 * in SQLite, so every process on the data dir counts the same orders and a restart forgets
 * none. Checking the counters and taking the reservation is one IMMEDIATE transaction, taken
 * before the order goes to a broker: two processes (or two requests) cannot both see room for
 * the last order.
 *
 * What becomes of a reservation once the broker has answered (or not):
 *   placed    the broker took the order: it counts for today, its value too.
 *   released  the order provably never became one — the broker refused it, or it never left
 *             brokerql (a capability, an unreachable host, a spent budget): it counts for nothing.
 *   unknown   sent, but whether the broker placed it is unknown: it counts, like a placed order
 *             (fail closed), today and for good.
 *   reserved  still in flight — or its process died mid-flight: it counts, like a placed order.
 */

export type ReservationState = 'reserved' | 'placed' | 'released' | 'unknown';

export interface ReservationRequest {
  tokenId: string;
  /** YYYY-MM-DD in the policy's timezone. */
  day: string;
  accountId: string;
  /** `<connection id>:<broker key>` */
  instrument: string;
  side: OrderSide;
  lots: number;
  /** The order's value in `valueCurrency`; null when it was not valued (no value limit). */
  value: Decimal | null;
  valueCurrency: string | null;
  idempotencyKey: string | null;
}

/** An order brokerql has sent (or is sending) that a broker's list of working orders may not show yet. */
export interface InFlightOrder {
  accountId: string;
  instrument: string;
  side: OrderSide;
  lots: number;
}

export interface RiskCounters {
  /** Orders counted today (placed, unknown, in flight). */
  ordersToday: number;
  /** The sum of today's valued orders, per currency they were valued in. */
  valueToday: Map<string, Decimal>;
  /**
   * Orders the broker's view read since `viewStartedAt` may not show: in flight (and not
   * abandoned), or settled as placed or unknown after the view started to be read.
   */
  inFlight: InFlightOrder[];
}

export interface CounterQuery {
  tokenId: string;
  day: string;
  /** When brokerql started reading the broker's working orders and positions (ISO); now when it reads none. */
  viewStartedAt: string;
  /** A reservation not to count: the earlier attempt of the same idempotency key, which this one replaces. */
  excluding?: number | undefined;
}

interface ReservationRow {
  id: number;
  account_id: string;
  instrument: string;
  side: OrderSide;
  lots: number;
  value: string | null;
  value_currency: string | null;
  state: ReservationState;
}

export class RiskLedger {
  private readonly statements;
  private readonly reserveTransaction: (request: ReservationRequest, query: CounterQuery, decide: (counters: RiskCounters) => void) => number;

  constructor(
    database: Database,
    /** A reservation still in flight after this long belongs to a request that can no longer be running. */
    private readonly abandonedAfterMilliseconds: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.statements = {
      today: database.prepare(
        `SELECT id, account_id, instrument, side, lots, value, value_currency, state FROM risk_reservations
          WHERE token_id = ? AND day = ? AND state != 'released'`,
      ),
      inFlight: database.prepare(
        `SELECT id, account_id, instrument, side, lots FROM risk_reservations WHERE state = 'reserved' AND created_at > ?
         UNION ALL
         SELECT id, account_id, instrument, side, lots FROM risk_reservations WHERE state IN ('placed', 'unknown') AND settled_at >= ?`,
      ),
      insert: database.prepare(
        `INSERT INTO risk_reservations (token_id, day, account_id, instrument, side, lots, value, value_currency, idempotency_key, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'reserved', ?)`,
      ),
      replace: database.prepare(
        `UPDATE risk_reservations SET day = ?, value = ?, value_currency = ?, state = 'reserved', created_at = ?, settled_at = NULL WHERE id = ?`,
      ),
      settle: database.prepare('UPDATE risk_reservations SET state = ?, broker_order_id = ?, settled_at = ? WHERE id = ?'),
      byKey: database.prepare(
        `SELECT id FROM risk_reservations WHERE token_id = ? AND idempotency_key = ? AND state IN ('reserved', 'unknown') ORDER BY id DESC LIMIT 1`,
      ),
    };
    const transaction = database.transaction((request: ReservationRequest, query: CounterQuery, decide: (counters: RiskCounters) => void) => {
      decide(this.counters(query));
      const time = this.now().toISOString();
      if (query.excluding !== undefined) {
        this.statements.replace.run(request.day, request.value, request.valueCurrency, time, query.excluding);
        return query.excluding;
      }
      const { lastInsertRowid } = this.statements.insert.run(
        request.tokenId,
        request.day,
        request.accountId,
        request.instrument,
        request.side,
        request.lots,
        request.value,
        request.valueCurrency,
        request.idempotencyKey,
        time,
      );
      return Number(lastInsertRowid);
    });
    this.reserveTransaction = (request, query, decide) => transaction.immediate(request, query, decide);
  }

  /**
   * Checks and reserves at once: `decide` sees the counters as they are inside the write lock
   * and throws to refuse; if it returns, the reservation is taken. Atomic across processes.
   */
  reserve(request: ReservationRequest, query: CounterQuery, decide: (counters: RiskCounters) => void): number {
    return this.reserveTransaction(request, query, decide);
  }

  /** The counters as they are now, without reserving (previews, viewer.usage, token show). */
  counters(query: CounterQuery): RiskCounters {
    const today = (this.statements.today.all(query.tokenId, query.day) as ReservationRow[]).filter((row) => row.id !== query.excluding);
    const valueToday = new Map<string, Decimal>();
    for (const row of today) {
      if (row.value === null || row.value_currency === null) continue;
      valueToday.set(row.value_currency, addDecimals(valueToday.get(row.value_currency) ?? '0', row.value));
    }
    const abandonedBefore = new Date(this.now().getTime() - this.abandonedAfterMilliseconds).toISOString();
    const inFlight = (this.statements.inFlight.all(abandonedBefore, query.viewStartedAt) as ReservationRow[])
      .filter((row) => row.id !== query.excluding)
      .map((row) => ({ accountId: row.account_id, instrument: row.instrument, side: row.side, lots: row.lots }));
    return { ordersToday: today.length, valueToday, inFlight };
  }

  settle(id: number, state: Exclude<ReservationState, 'reserved'>, brokerOrderId: string | null = null): void {
    this.statements.settle.run(state, brokerOrderId, this.now().toISOString(), id);
  }

  /** The reservation of an earlier attempt with this idempotency key still counted (in flight or unknown), if any. */
  openReservationFor(tokenId: string, idempotencyKey: string): number | undefined {
    return (this.statements.byKey.get(tokenId, idempotencyKey) as { id: number } | undefined)?.id;
  }
}
