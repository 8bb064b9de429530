import type { Decimal } from './decimal.js';

/**
 * The unified model every broker adapter maps into. It knows nothing about connections or
 * GraphQL: adapters return these, and `models.ts` attaches the connection they came from.
 * Amounts are Decimal strings; dates are ISO-8601 strings with an offset.
 */

export type { Decimal } from './decimal.js';

export interface Money {
  amount: Decimal;
  /** ISO 4217, upper case. */
  currency: string;
}

export type OrderSide = 'BUY' | 'SELL';
export type OrderType = 'LIMIT' | 'MARKET';
export type OrderStatus = 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELLED' | 'REJECTED' | 'PENDING' | 'UNKNOWN';
export type OperationType =
  | 'BUY'
  | 'SELL'
  | 'DIVIDEND'
  | 'COUPON'
  | 'REPAYMENT'
  | 'COMMISSION'
  | 'TAX'
  | 'DEPOSIT'
  | 'WITHDRAWAL'
  | 'SECURITY_IN'
  | 'SECURITY_OUT'
  | 'INTEREST'
  | 'OTHER';
export type OperationStatus = 'DONE' | 'DECLINED' | 'IN_PROGRESS' | 'UNKNOWN';

export type AccountStatus = 'OPEN' | 'CLOSED' | 'OPENING';

export interface BrokerAccount {
  brokerAccountId: string;
  name: string | null;
  /** BROKERAGE, IIS, INVEST_BOX, MARGIN, ... or the broker's raw type. */
  type: string | null;
  /** Absent or null when the broker does not say. */
  status?: AccountStatus | null;
  /** The broker lets brokerql's credential only read this account: no orders. Absent means full access. */
  readOnly?: boolean;
  /** When the account was opened (ISO-8601), where the broker says (T-Invest): the journal's backfill starts there. */
  openedAt?: string | null;
}

/** Everything brokerql knows about an instrument once its metadata has been fetched. */
export interface InstrumentInfo {
  /** The broker's own key: FIGI (Tinkoff), EXCHANGE:SYMBOL (ALOR), symbol (InstaForex). */
  key: string;
  ticker: string;
  figi: string | null;
  exchange: string | null;
  name: string | null;
  type: string | null;
  currency: string | null;
  lotSize: number | null;
  minPriceIncrement: Decimal | null;
}

/**
 * What a portfolio row, an order or an operation already tells about its instrument.
 * Fields left undefined are fetched from the broker's instrument metadata only if asked for.
 */
export type InstrumentHint = Partial<InstrumentInfo> & { key: string };

export interface Position {
  instrument: InstrumentHint;
  /** Instrument units, not lots. */
  quantity: Decimal;
  lots: Decimal | null;
  averagePrice: Money | null;
  currentPrice: Money | null;
  expectedYield: Money | null;
  marketValue: Money | null;
}

export interface Portfolio {
  positions: Position[];
  /** One row per currency, including amounts blocked by active orders. */
  cash: Money[];
  valuation: Money | null;
  asOf: string;
}

export interface OrderbookLevel {
  price: Decimal;
  /** Lots. */
  quantity: Decimal;
}

export interface Orderbook {
  instrument: InstrumentHint;
  bids: OrderbookLevel[];
  asks: OrderbookLevel[];
  lastPrice: Decimal | null;
  asOf: string;
}

export interface Order {
  id: string;
  instrument: InstrumentHint;
  side: OrderSide;
  type: OrderType;
  status: OrderStatus;
  price: Decimal | null;
  requestedLots: Decimal;
  executedLots: Decimal;
  /**
   * Average price per unit of what was filled; null when nothing was, or the broker does not say.
   * Undefined when the order's own answer does not carry it but the adapter can find it on request
   * (`BrokerAdapter.getAverageFillPrices`): asked for only when a query wants it.
   */
  averageFillPrice: Decimal | null | undefined;
  createdAt: string | null;
  message: string | null;
}

export interface Operation {
  id: string;
  type: OperationType;
  brokerType: string;
  status: OperationStatus;
  date: string;
  instrument: InstrumentHint | null;
  quantity: Decimal | null;
  price: Decimal | null;
  payment: Money;
  commission: Money | null;
  /**
   * The broker's id of the operation this one belongs to (T-Invest: a fee's trade), where the broker
   * says. Like every broker id it may change over time; the journal resolves it to its own row.
   */
  parentId?: string | null;
}

/** A candle's length: the GraphQL CandleInterval values. */
export type CandleInterval = 'MINUTE_1' | 'MINUTE_5' | 'MINUTE_15' | 'HOUR_1' | 'DAY' | 'WEEK' | 'MONTH';

/** One price candle of an instrument, prices per unit in the instrument's currency. */
export interface Candle {
  /** When the candle starts, ISO-8601 UTC. */
  time: string;
  open: Decimal;
  high: Decimal;
  low: Decimal;
  close: Decimal;
  /** As the broker counts it: T-Invest and Tinkoff v1 in lots; ALOR's "volume" (its unit is not documented). */
  volume: Decimal;
  /** False for the candle still being formed: it may change, and is never stored. */
  complete: boolean;
}

/** How a client names an instrument (the InstrumentRef input), with the connection prefix removed. */
export interface InstrumentRef {
  /** The broker's own key (from an Instrument.id). */
  key?: string | undefined;
  figi?: string | undefined;
  symbol?: string | undefined;
  exchange?: string | undefined;
}

export interface PlaceOrderRequest {
  brokerAccountId: string;
  instrument: InstrumentInfo;
  side: OrderSide;
  type: OrderType;
  lots: number;
  price: Decimal | null;
  /** Always set: derived from the client's idempotency key, or random. */
  idempotencyKey: string;
}

export type OrderEventKind = 'ACCEPTED' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELLED' | 'REJECTED';
export type EventSource = 'STREAM' | 'POLL';

/** One fill of an order: `lots` of this fill only, `price` per unit. */
export interface Fill {
  lots: Decimal;
  price: Decimal;
  tradeId: string | null;
}

/** One change of one order (live accounts, src/streams/accounts/). */
export interface OrderEvent {
  /** The order's state after this change. */
  order: Order;
  kind: OrderEventKind;
  /** For PARTIALLY_FILLED and FILLED: this fill; null where the broker's answer does not let brokerql work it out. */
  fill: Fill | null;
  asOf: string;
  source: EventSource;
}
