import Big from 'big.js';
import { CandleSeries } from '../common/candles.js';
import { Listeners } from '../common/clock.js';
import { HistoryFaults } from '../common/history-faults.js';
import type { MarketModel, MarketOptions } from '../common/market.js';
import {
  accounts as seedAccounts,
  cash as seedCash,
  holdings as seedHoldings,
  instruments,
  seedOperations,
  type SeedOperation,
  type SimulatedInstrument,
} from './data.js';
import { TinkoffApiError, tinkoffErrors } from './errors.js';
import { openTinkoffMarket } from './market.js';

/**
 * The mutable world behind the T-Invest simulator: holdings, cash, orders, operations and the
 * market they trade on. How orders change it is in ./orders.ts; every change of an order is
 * announced on `events` (the stream simulator's OrderStateStream, PositionsStream and
 * PortfolioStream listen).
 */

export interface SimulatedOrder {
  orderId: string;
  orderRequestId: string;
  accountId: string;
  figi: string;
  direction: 'ORDER_DIRECTION_BUY' | 'ORDER_DIRECTION_SELL';
  orderType: 'ORDER_TYPE_LIMIT' | 'ORDER_TYPE_MARKET';
  status:
    | 'EXECUTION_REPORT_STATUS_NEW'
    | 'EXECUTION_REPORT_STATUS_PARTIALLYFILL'
    | 'EXECUTION_REPORT_STATUS_FILL'
    | 'EXECUTION_REPORT_STATUS_CANCELLED'
    | 'EXECUTION_REPORT_STATUS_REJECTED';
  lots: number;
  executedLots: number;
  /** Limit price, or the fill price of a market order. */
  price: string;
  /** The average price of the fills so far (to 9 decimals, as T-Invest's averagePositionPrice). */
  executedPrice: string | undefined;
  /** Σ price × lots of the fills so far, exact: the executed amount is this × the lot size. */
  executedValue: string;
  commission: string;
  orderDate: string;
}

/** One fill of an order, as OrderStateStream reports it. */
export interface SimulatedTrade {
  tradeId: string;
  price: string;
  lots: number;
  time: string;
}

/**
 * What happened to an order: `placed` when the broker takes it (its exchange number is not
 * known yet — orders_state_stream.md), `booked` when it rests at the exchange with nothing
 * filled, one `filled` per fill, and `cancelled` / `rejected`. Listeners run synchronously,
 * while the order still shows this change.
 */
export type TinkoffOrderEvent =
  | { kind: 'placed' | 'booked' | 'cancelled' | 'rejected'; order: SimulatedOrder; time: string }
  | { kind: 'filled'; order: SimulatedOrder; trade: SimulatedTrade; time: string };

/** Operations in [from, to] (epoch milliseconds), of one instrument when `figi` is given. */
export interface OperationFilter {
  from: number;
  to: number;
  figi: string | undefined;
}

export interface Holding {
  quantity: string;
  averagePrice: string;
}

const activeStatuses: ReadonlySet<SimulatedOrder['status']> = new Set(['EXECUTION_REPORT_STATUS_NEW', 'EXECUTION_REPORT_STATUS_PARTIALLYFILL']);

/** New or partly filled: still at the exchange. */
export function isActive(order: SimulatedOrder): boolean {
  return activeStatuses.has(order.status);
}

export class TinkoffSimulatorState {
  readonly accounts = seedAccounts.map((account) => ({ ...account }));
  /** Copies: trades on this simulator's market move their last prices, nobody else's. */
  readonly instruments = instruments.map((instrument) => ({ ...instrument }));
  readonly market: MarketModel;
  readonly events = new Listeners<TinkoffOrderEvent>();
  readonly holdings = new Map<string, Map<string, Holding>>();
  /** Total cash (free + blocked) per account, per lower-case currency. */
  readonly cash = new Map<string, Map<string, string>>();
  readonly orders = new Map<string, SimulatedOrder>();
  readonly operations: SeedOperation[] = seedOperations.map((operation) => ({ ...operation }));
  /** The operation history's fault switches (common/history-faults.ts); GetOperationsByCursor applies them. */
  readonly history = new HistoryFaults<SeedOperation>(
    (operation) => Date.parse(operation.date),
    () => this.renameOperationIds(),
  );
  /** Every instrument's candles (GetCandles), centred on its opening price. */
  readonly candles = new CandleSeries(instruments.map((instrument) => ({ key: instrument.figi, priceStep: instrument.minPriceIncrement, price: instrument.lastPrice })));
  /** Switch: when false every order is refused as outside trading hours. */
  tradingOpen = true;
  /**
   * Switch: order reports lag behind the orders (T-Invest has accepted an orderId but cannot
   * report on it yet): GetOrderState finds no order, and a PostOrder repeating a known orderId is
   * answered with 30057, "the order is a duplicate, but the order report was not found".
   */
  reportsDelayed = false;
  /** Switch: the exchange rejects this many of the next orders (PostOrder answers REJECTED). */
  exchangeRejectsNext = 0;

  constructor(marketOptions: MarketOptions = {}) {
    this.market = openTinkoffMarket(this.instruments, marketOptions);
    for (const [accountId, rows] of Object.entries(seedHoldings)) {
      this.holdings.set(accountId, new Map(rows.map((row) => [row.figi, { quantity: row.quantity, averagePrice: row.averagePrice }])));
    }
    for (const [accountId, rows] of Object.entries(seedCash)) this.cash.set(accountId, new Map(Object.entries(rows)));
  }

  // ---- lookups --------------------------------------------------------------------------

  findInstrument(id: string): SimulatedInstrument | undefined {
    return this.instruments.find((instrument) => instrument.figi === id || instrument.uid === id);
  }

  findByTicker(ticker: string, classCode: string): SimulatedInstrument | undefined {
    return this.instruments.find((instrument) => instrument.ticker === ticker && instrument.classCode === classCode);
  }

  instrument(figi: string): SimulatedInstrument {
    const instrument = this.findInstrument(figi);
    if (!instrument) throw new TinkoffApiError(tinkoffErrors.instrumentNotFound);
    return instrument;
  }

  activeOrders(accountId: string): SimulatedOrder[] {
    return [...this.orders.values()].filter((order) => order.accountId === accountId && isActive(order));
  }

  securities(accountId: string): Map<string, Holding> {
    return this.holdings.get(accountId) ?? new Map();
  }

  totalCash(accountId: string): Map<string, string> {
    return this.cash.get(accountId) ?? new Map();
  }

  /** Cash held by active buy orders, per currency. */
  blockedCash(accountId: string): Map<string, string> {
    const blocked = new Map<string, string>();
    for (const order of this.activeOrders(accountId)) {
      if (order.direction !== 'ORDER_DIRECTION_BUY') continue;
      const instrument = this.instrument(order.figi);
      const amount = new Big(order.price).times(order.lots - order.executedLots).times(instrument.lot);
      blocked.set(instrument.currency, new Big(blocked.get(instrument.currency) ?? '0').plus(amount).toFixed());
    }
    return blocked;
  }

  /** Units held by active sell orders. */
  blockedUnits(accountId: string, figi: string): string {
    return this.activeOrders(accountId)
      .filter((order) => order.direction === 'ORDER_DIRECTION_SELL' && order.figi === figi)
      .reduce((sum, order) => sum.plus((order.lots - order.executedLots) * this.instrument(order.figi).lot), new Big(0))
      .toFixed();
  }

  /** An account's operations that pass the filter, newest first (those `history` holds back left out). */
  operationsOf(accountId: string, filter: OperationFilter): SeedOperation[] {
    return this.operations
      .filter((operation) => operation.accountId === accountId && (filter.figi === undefined || operation.figi === filter.figi))
      .filter((operation) => this.history.visible(operation))
      .filter((operation) => {
        const time = Date.parse(operation.date);
        return time >= filter.from && time <= filter.to;
      })
      .sort((left, right) => Date.parse(right.date) - Date.parse(left.date));
  }

  /** Every operation gets a new id (and every fee its trade's new id), as T-Invest's ids "may change over time". */
  private renameOperationIds(): void {
    const renamed = new Map<string, string>();
    for (const [index, operation] of this.operations.entries()) {
      renamed.set(operation.id, String(70_000_000_000 + this.history.idChanges * 1_000_000 + index));
    }
    for (const operation of this.operations) {
      operation.id = renamed.get(operation.id)!;
      if (operation.parentId) operation.parentId = renamed.get(operation.parentId) ?? operation.parentId;
    }
  }
}
