import { z } from 'zod';
import { addDecimals, compareDecimals, isZeroDecimal } from '../../../decimal.js';
import type { Order } from '../../../domain.js';
import { averageFillPrice } from '../../average-price.js';
import { jsonDecimal } from '../../json.js';
import { alorInstrumentKey } from '../instrument-ref.js';
import { mapAlorOrder } from '../map-alor-order.js';
import { positionAddress } from '../map-alor-portfolio.js';
import { orderSchema, positionSchema, tradeSchema, type WirePosition, type WireTrade } from '../wire.js';

/**
 * What ALOR's account subscriptions of one portfolio have said (streams.md §2): each opcode first
 * sends the current rows marked `existing: true` (`skipHistory` is never set), then every change
 * with `existing: false`. A positions push is one row — one security, or one currency's money —
 * so the whole list is kept here, row by row, and is complete once the first change comes (the
 * snapshot came before it on the same socket). An order row carries how much was filled but not
 * at what price; the trade rows do (`orderno`), so a filled order waits here until its trades
 * cover what it filled — its fill price is then theirs, as the REST path prices it (fill-prices.ts).
 */

const existing = { existing: z.boolean().default(false) };
export const streamPositionRowSchema = positionSchema.extend(existing);
export const streamOrderRowSchema = orderSchema.extend({ ...existing, filledQtyUnits: jsonDecimal.nullable().optional() });
export const streamTradeRowSchema = tradeSchema;
type StreamOrderRow = z.output<typeof streamOrderRowSchema>;

export class AlorPortfolioRows {
  private readonly positions = new Map<string, WirePosition>();
  /** The session's trades by order number, then by trade id (a trade sent again replaces itself). */
  private readonly trades = new Map<string, Map<string, WireTrade>>();
  /** Filled orders whose trades have not all come yet, by order number: the latest row of each. */
  private readonly unpriced = new Map<string, StreamOrderRow>();

  constructor(
    private readonly exchange: string,
    private readonly connection: string,
  ) {}

  /**
   * ALOR acknowledged the positions subscription (again): its snapshot follows, and replaces the
   * list. (Trades are kept: the trades snapshot sends each again under its id.)
   */
  resubscribed(): void {
    this.positions.clear();
  }

  /** Keeps a positions row; true when it is a change (the list is then complete and worth sending). */
  position(row: z.output<typeof streamPositionRowSchema>): boolean {
    this.positions.set(alorInstrumentKey(positionAddress(row, this.exchange)), row);
    return !row.existing;
  }

  /** Every row as GET …/positions lists them. */
  positionRows(): WirePosition[] {
    return [...this.positions.values()];
  }

  /**
   * An order row, as an order with its average fill price; undefined while it waits for its
   * trades. The snapshot's rows are not news: the account feed asks REST for the working orders
   * once the stream is live, and an order that finished before then is no event.
   */
  order(row: StreamOrderRow): Order | undefined {
    if (row.existing) return undefined;
    return this.priced(row);
  }

  /** A trade row; returns the order it completes the pricing of, if one was waiting. */
  trade(row: WireTrade): Order | undefined {
    if (!row.orderno) return undefined;
    const trades = this.trades.get(row.orderno) ?? new Map<string, WireTrade>();
    trades.set(row.id, row);
    this.trades.set(row.orderno, trades);
    const waiting = this.unpriced.get(row.orderno);
    return waiting ? this.priced(waiting) : undefined;
  }

  private priced(row: StreamOrderRow): Order | undefined {
    const order = mapAlorOrder(row, this.connection);
    if (isZeroDecimal(order.executedLots)) return order;
    const trades = [...(this.trades.get(row.id)?.values() ?? [])];
    const sum = (values: Array<string | null | undefined>) => addDecimals('0', ...values.map((value) => value ?? '0'));
    // Units where the row says them (exact for any lot size), else lots.
    const covered =
      row.filledQtyUnits != null
        ? compareDecimals(sum(trades.map((trade) => trade.qtyUnits)), row.filledQtyUnits) >= 0
        : compareDecimals(sum(trades.map((trade) => trade.qtyBatch)), order.executedLots) >= 0;
    if (!covered) {
      // A trade still to come (or lost: the account feed asks REST about an order silent too long).
      this.unpriced.set(row.id, row);
      return undefined;
    }
    this.unpriced.delete(row.id);
    return { ...order, averageFillPrice: averageFillPrice(trades.map((trade) => ({ price: trade.price, quantity: trade.qtyUnits }))) };
  }
}
