import type {
  BrokerAccount,
  Candle,
  CandleInterval,
  Decimal,
  InstrumentInfo,
  InstrumentRef,
  Operation,
  Order,
  OrderSide,
  OrderType,
  Orderbook,
  PlaceOrderRequest,
  Portfolio,
} from '../domain.js';
import type { SecretRegistry } from '../secrets.js';
import type { FeedOptions, StreamFeed } from '../streams/feed.js';
import type { AccountStreamOptions, AccountStreams } from '../streams/accounts/account-streams.js';
import type { ConnectionCaches } from '../cache.js';
import type { UpstreamObserver } from './http.js';
import type { ClientIdentifiers } from './identifiers.js';
import type { ConnectionPolicy } from './resilience/policy.js';
import type { InFlight } from './single-flight.js';

/** What a broker lets brokerql do. Anything not offered is answered with NOT_SUPPORTED. */
export interface Capabilities {
  trading: boolean;
  orderTypes: OrderType[];
  orderbook: boolean;
  operations: boolean;
  /**
   * The broker deduplicates orders by the key brokerql sends (T-Invest orderId, ALOR X-REQID),
   * so resending an order whose fate is unknown cannot place it twice. Absent means no. Not
   * shown in GraphQL.
   */
  idempotentOrders?: boolean;
  /**
   * The broker calculates an order before it is placed (T-Invest GetOrderPrice and GetMaxLots,
   * ALOR …/orders/estimate): `previewOrder`. Absent means no: brokerql estimates the value itself.
   * Not shown in GraphQL.
   */
  orderPreview?: boolean;
  /** Historical candles (`getCandles`). Absent means no. Not shown in GraphQL. */
  candles?: boolean;
}

/** The optional adapter methods that stand for a capability (capabilities.ts gates them). */
export type GatedMethod = 'getOrderbook' | 'listOperations' | 'listOperationsPage' | 'placeOrder' | 'cancelOrder' | 'previewOrder' | 'getCandles';

interface Cancellable {
  /** Aborted when the client goes away or the request's deadline passes. */
  signal?: AbortSignal | undefined;
}

export interface AccountParams extends Cancellable {
  brokerAccountId: string;
}

/**
 * The parts of a portfolio a query asks for. An adapter makes only the broker calls that feed
 * them (T-Invest's GetPositions only for cash); a part not asked may come back empty ([] or
 * null) and must not be read. At least one part is always asked.
 */
export interface PortfolioParts {
  positions: boolean;
  cash: boolean;
  valuation: boolean;
}

export interface PortfolioParams extends AccountParams {
  /** Default: the whole portfolio. */
  parts?: PortfolioParts | undefined;
}

export const wholePortfolio: Readonly<PortfolioParts> = Object.freeze({ positions: true, cash: true, valuation: true });

export interface InstrumentParams extends Cancellable {
  ref: InstrumentRef;
}

export interface OrderbookParams extends Cancellable {
  instrument: InstrumentRef;
  /** Already validated to be at least 1; adapters clamp it to what their broker accepts. */
  depth: number;
}

export interface OperationsParams extends AccountParams {
  /** ISO-8601 with offset. */
  from: string;
  to: string;
  /** Only operations of this instrument, when set. */
  instrument: InstrumentInfo | null;
}

/** One page of an account's operations in a window, for the journal (src/journal/). */
export interface OperationsPageParams extends AccountParams {
  /** ISO-8601 with offset; both ends included, as the brokers read them. */
  from: string;
  to: string;
  /** Where to continue: a `nextCursor` or `startCursors` entry of an earlier page of the same window; absent for the first page. */
  cursor?: string | undefined;
  /** Rows the caller wants per page; the adapter keeps it within what its broker accepts. */
  limit: number;
}

export interface OperationsPage {
  operations: Operation[];
  /**
   * For each operation (same index), a cursor that asks for a page starting WITH it, where the
   * broker can name one (T-Invest, ALOR); null elsewhere. The journal continues from the last
   * row's, so that consecutive pages overlap by one row and a row at a page seam cannot fall
   * between them.
   */
  startCursors: Array<string | null>;
  /** The broker's own continuation, null when the window has no more rows. */
  nextCursor: string | null;
}

/** One broker call's worth of candles: those that start in [from, to). */
export interface CandlesParams extends Cancellable {
  /** The broker's instrument key (an Instrument.id without its connection). */
  instrumentKey: string;
  interval: CandleInterval;
  /** Epoch milliseconds. */
  from: number;
  to: number;
  /**
   * How many of the newest candles before `to` the caller still needs. A broker that counts back
   * (ALOR's countBack) may then reach before `from` to find them, and says so in its answer.
   */
  count?: number | undefined;
}

export interface CandleSpan {
  /** Every candle the broker has that starts in [from, to) of this answer, oldest first. */
  candles: Candle[];
  /**
   * What this answer covers, epoch milliseconds: `to` as asked, `from` later than asked where
   * the broker's window cap cut the request short (T-Invest: a day of 1-minute candles), or
   * earlier where it counted back.
   */
  from: number;
  to: number;
}

export interface PlaceOrderParams extends PlaceOrderRequest, Cancellable {}

export interface LastPricesParams extends Cancellable {
  /** The broker's instrument keys. */
  keys: string[];
}

export interface CancelOrderParams extends AccountParams {
  orderId: string;
}

export interface GetOrderParams extends AccountParams {
  /** An id the broker gave the order (from its own answers, never a client's string). */
  orderId: string;
  /** `orderId` is the key brokerql sent with the order (T-Invest's ORDER_ID_TYPE_REQUEST), not the broker's number. */
  byRequestId?: boolean | undefined;
  /** The order as brokerql last knew it, for a broker whose answer leaves fields out (Tinkoff v1: its operation). */
  known?: Order | undefined;
}

export interface PreviewOrderParams extends AccountParams {
  instrument: InstrumentInfo;
  side: OrderSide;
  lots: number;
  /** The price per unit to calculate at: a LIMIT order's own, a MARKET order's price in the book (valuation/order-value.ts). */
  price: Decimal;
  /** Also ask how many lots the account could buy and sell (T-Invest: one more call, GetMaxLots). */
  withMaxLots: boolean;
}

/** Lots the account could buy or sell at the price asked, on its own money and with the broker's margin; null where the broker does not say. */
export interface MaxLots {
  buy: Decimal | null;
  buyWithMargin: Decimal | null;
  sell: Decimal | null;
  sellWithMargin: Decimal | null;
}

/** The broker's own calculation of an order, in the broker's currency for the instrument. */
export interface OrderCalculation {
  currency: string;
  /** price × lots × lot size in money (a bond's percent price turned into money), without commission or accrued interest. */
  amount: Decimal;
  commission: Decimal | null;
  /** Accrued coupon interest a bond buyer pays, for the whole order. */
  accruedInterest: Decimal | null;
  /** Initial margin (futures), where the broker says. */
  initialMargin: Decimal | null;
  /** Null unless `withMaxLots` was asked. */
  maxLots: MaxLots | null;
}

export interface AverageFillPricesParams extends AccountParams {
  /** Orders of this account whose own answer left `averageFillPrice` undefined. */
  orderIds: string[];
}

/**
 * One upstream broker protocol, bound to one configured credential. Every method takes one
 * params object. Methods return the unified model of `domain.ts` and throw BrokerqlErrors
 * carrying this connection's id. What a broker cannot do, it leaves out: the optional methods
 * below stand for capabilities, and the one gate in front of them (`requireMethod` in
 * capabilities.ts) answers NOT_SUPPORTED for a method that is absent or not offered.
 */
export interface BrokerAdapter {
  /** This broker's grammar for what clients name (instruments, order ids), checked before any call. */
  readonly identifiers: ClientIdentifiers;
  listAccounts(params: Cancellable): Promise<BrokerAccount[]>;
  getPortfolio(params: PortfolioParams): Promise<Portfolio>;
  /** Throws NotFoundError when the broker does not know the instrument, BadUserInputError when the ref cannot name one. */
  getInstrument(params: InstrumentParams): Promise<InstrumentInfo>;
  /** Active (unfinished) orders. */
  listOrders(params: AccountParams): Promise<Order[]>;
  /** Releases connection pools and timers. */
  close(): Promise<void>;
  /** Capability `orderbook`. */
  getOrderbook?(params: OrderbookParams): Promise<Orderbook>;
  /** Capability `operations`. */
  listOperations?(params: OperationsParams): Promise<Operation[]>;
  /**
   * Capability `operations`: one broker call's page of a window, for brokers that page their
   * history (T-Invest, ALOR). Elsewhere the journal reads a window with `listOperations`.
   */
  listOperationsPage?(params: OperationsPageParams): Promise<OperationsPage>;
  /** Capability `candles`: one broker call (paging across window caps is src/candles/'s). */
  getCandles?(params: CandlesParams): Promise<CandleSpan>;
  /** Capability `trading`. */
  placeOrder?(params: PlaceOrderParams): Promise<Order>;
  /** Capability `trading`. Returns the order's final state after cancellation. */
  cancelOrder?(params: CancelOrderParams): Promise<Order>;
  /** Last trade prices by instrument key, in as few calls as the broker allows; unknown keys are left out. */
  getLastPrices?(params: LastPricesParams): Promise<Map<string, Decimal>>;
  /** The most keys one call of getLastPrices may carry. */
  readonly batchLimits?: { lastPrices?: number };
  /**
   * Average fill prices per unit of an account's orders, by order id, in as few calls as the broker
   * allows; orders with no fills found are left out. For brokers whose orders do not carry the
   * price themselves (ALOR: their trades do), so it is asked for only when a query wants it.
   */
  getAverageFillPrices?(params: AverageFillPricesParams): Promise<Map<string, Decimal>>;
  /** Capability `orderPreview`: the broker's calculation of an order that is not placed. */
  previewOrder?(params: PreviewOrderParams): Promise<OrderCalculation>;
  /**
   * Instrument keys whose last price is what one unit of a currency costs in roubles (USD →
   * T-Invest's USD000UTSTOM), by ISO code: where valuation/exchange-rates.ts finds its rates.
   */
  readonly currencyInstruments?: Readonly<Record<string, string>>;
  /**
   * One order in whatever state it is, finished ones included (T-Invest GetOrderState): how live
   * accounts learn the end of an order that left the active list while the stream was silent.
   * Absent: such an order's end is not reported.
   */
  getOrder?(params: GetOrderParams): Promise<Order>;
  /**
   * The broker's account streams for every account of the connection (streams/accounts/):
   * portfolio, positions and order states. Absent: live accounts are polled.
   */
  createAccountStreams?(options: AccountStreamOptions): AccountStreams;
  /**
   * The connection's live data (streams/feed.ts): its broker's stream, or polling where it has
   * none. Called once, on the first subscription; absent where the broker offers no live data
   * (the hub answers NOT_SUPPORTED).
   */
  createStreamFeed?(options: FeedOptions): StreamFeed;
}

/** An adapter that offers every capability's method but the calculator, the candles and the paged history (the type its own tests and factory see). */
export type CompleteBrokerAdapter = BrokerAdapter & Required<Pick<BrokerAdapter, 'getOrderbook' | 'listOperations' | 'placeOrder' | 'cancelOrder'>>;

/** What the gateway hands every adapter factory besides its own connection config. */
export interface AdapterDependencies {
  secrets: SecretRegistry;
  observer?: UpstreamObserver | undefined;
  /** This connection's request budget, circuit breaker and retries; pass it to every UpstreamClient. */
  policy?: ConnectionPolicy | undefined;
  /**
   * The connection's caches across requests (instrument metadata under the config's `cache`
   * limits): an adapter that must look up what its broker's rows leave out keeps the answers
   * here. Absent or a cache turned off: every lookup goes to the broker.
   */
  caches?: ConnectionCaches | undefined;
  /** The connection's calls in flight, for reads several methods share (InstaForex's balance); none: no sharing. */
  inFlight?: InFlight | undefined;
}
