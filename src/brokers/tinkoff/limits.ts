import type { CandleLimits, RequestLimit } from '../limits.js';

/**
 * T-Invest API v2's published limits (../shared/brokers/tinvest-v2/limits.md, "Таблица лимитов
 * unary-методов", REST rows), per user and minute; past one the API answers 429 with error 80002.
 * A service's limit is shared by those of its methods that have no row of their own. Paths are
 * below the REST base (`…/rest`).
 *
 * Left out: report generation (5 a minute, gRPC only) and getHistory (30 a minute, served at
 * `/history-data`, outside the REST base); brokerql calls neither.
 */

const contract = '/tinkoff.public.invest.api.contract.v1.';

export const tinkoffLimits = [
  // "We recommend keeping all requests from one address, over all accounts and tokens, under 50 a second."
  { name: 'per address', requests: 50, per: 'second', enforced: false },
  { name: 'OrdersService/GetOrders', requests: 200, per: 'minute', routes: [{ path: `${contract}OrdersService/GetOrders` }], enforced: true },
  { name: 'OrdersService/PostOrder', requests: 300, per: 'minute', routes: [{ path: `${contract}OrdersService/PostOrder` }], enforced: true },
  { name: 'OrdersService/CancelOrder', requests: 100, per: 'minute', routes: [{ path: `${contract}OrdersService/CancelOrder` }], enforced: true },
  { name: 'OrdersService/PostOrderAsync', requests: 450, per: 'minute', routes: [{ path: `${contract}OrdersService/PostOrderAsync` }], enforced: true },
  { name: 'InstrumentsService', requests: 200, per: 'minute', routes: [{ path: `${contract}InstrumentsService`, below: true }], enforced: true },
  { name: 'UsersService', requests: 100, per: 'minute', routes: [{ path: `${contract}UsersService`, below: true }], enforced: true },
  { name: 'OperationsService', requests: 200, per: 'minute', routes: [{ path: `${contract}OperationsService`, below: true }], enforced: true },
  { name: 'MarketDataService', requests: 600, per: 'minute', routes: [{ path: `${contract}MarketDataService`, below: true }], enforced: true },
  { name: 'StopOrdersService', requests: 50, per: 'minute', routes: [{ path: `${contract}StopOrdersService`, below: true }], enforced: true },
  { name: 'SandboxService', requests: 200, per: 'minute', routes: [{ path: `${contract}SandboxService`, below: true }], enforced: true },
  // GetOrderState, GetMaxLots, GetOrderPrice, ReplaceOrder, …: the rest of the service.
  { name: 'OrdersService', requests: 100, per: 'minute', routes: [{ path: `${contract}OrdersService`, below: true }], enforced: true },
] as const satisfies readonly RequestLimit[];

/**
 * T-Invest's stream limits (tinvest-v2/limits.md, grades 1–3 — grade 1 here), per user: every
 * token of one user shares them ("Лимитная политика распространяется на все аккаунты
 * пользователя"). A stream past `openStreams` is refused with 80001.
 */
export const tinkoffStreamLimits = {
  /** Open streams per counter: the market-data service counts its streams together, the others per method. */
  openStreams: {
    // "Активных stream-соединений сервиса котировок": 16.
    MarketDataStreamService: 16,
    // "… на каждый метод сервиса ордеров": 10.
    OrderStateStream: 10,
    TradesStream: 10,
    // "… на каждый метод сервиса операций": 2.
    PortfolioStream: 2,
    PositionsStream: 2,
  },
  /** Subscriptions per market-data stream, "counted over candles, order books and trades together; info subscriptions have no limit". */
  subscriptionsPerStream: 300,
  /** "Ограничения по доставке данных в стримах": one orderbook message per subscription per 100 ms. */
  orderbookIntervalMilliseconds: 100,
  /** streams.md §1.3: a market-data stream with no subscriptions is closed after about 2 minutes (80004). */
  idleCloseMilliseconds: 120_000,
} as const;

/**
 * GetCandles' caps per interval (marketdata.proto, `CandleInterval`: "От 1 минуты до 1 дня.
 * Максимальное значение `limit` — 2400", …); past the window T-Invest answers 30014 ("The maximum
 * request period for the given candle interval has been exceeded"). The proto calls the windows
 * approximate ("может отличаться в большую сторону"), so the shorter reading is taken: three
 * months as 90 days, a year as 365.
 */
export const tinkoffCandleLimits = {
  MINUTE_1: { maximumDays: 1, maximumCandles: 2400 },
  MINUTE_5: { maximumDays: 7, maximumCandles: 2400 },
  MINUTE_15: { maximumDays: 21, maximumCandles: 2400 },
  HOUR_1: { maximumDays: 90, maximumCandles: 2400 },
  DAY: { maximumDays: 6 * 365, maximumCandles: 2400 },
  WEEK: { maximumDays: 5 * 365, maximumCandles: 300 },
  MONTH: { maximumDays: 10 * 365, maximumCandles: 120 },
} as const satisfies CandleLimits;
