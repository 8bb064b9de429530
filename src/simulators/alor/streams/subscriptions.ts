import type { SimulatorClock } from '../../common/clock.js';
import { coalesce, Throttle } from '../../common/throttle.js';
import { moneyBody, orderbookBody, orderBody, positionBody, quoteBody, summaryBody, tradeBody } from '../bodies.js';
import type { SimulatedInstrument } from '../data.js';
import { marketKey } from '../market.js';
import type { AlorSimulatorState, AlorStateEvent, OrderStatus } from '../state.js';

/**
 * What each `/ws` subscription opcode sends (streams.md §2; WarpOpenAPIv2.yml `ws_sub_*` and the
 * `ws_*_Simple` examples): the rows of REST's Simple format in `{"data": …, "guid": …}`, first the
 * current ones marked `existing: true` (unless `skipHistory`), then every change with
 * `existing: false`. Market data (order books, quotes) comes at most once per `frequency` ms, the
 * latest state each time; account data (orders, trades, positions, summaries) as the simulator's
 * state changes — an order placed over REST shows up here.
 *
 * ⚠ Choices where ALOR's docs are silent:
 *  - an order book update is the whole top-`depth` book (`snapshot` and `existing` false), as
 *    streams.md says to read it;
 *  - `skipHistory: true` skips the first message of every opcode, quotes and books included;
 *  - a `frequency` below the format's minimum (Simple: 25 ms) is raised to it;
 *  - positions updates carry the rows an order changed (its instrument, and roubles);
 *  - only the Simple format is served: Slim and Heavy are refused (400).
 */

export interface SubscriptionContext {
  state: AlorSimulatorState;
  clock: SimulatorClock;
  /** The portfolios the request's token lists. */
  portfolios: readonly string[];
  push(data: Record<string, unknown>, options?: { orderEvent?: boolean; time?: string }): void;
}

/** A valid request's subscription, ready to start once acknowledged; `begin` returns how to stop it. */
export type Outcome = { begin(): () => void } | Refusal;
type Refusal = { httpCode: number; message: string };

type Request = Record<string, unknown>;

const refuse = (httpCode: number, message: string): Refusal => ({ httpCode, message });

/** `frequency`: default 175 ms, at least 25 ms for Simple (SPEC field_Frequency). */
function frequencyOf(request: Request): number {
  const asked = typeof request['frequency'] === 'number' ? request['frequency'] : 175;
  return Math.max(25, asked);
}

function instrumentOf(context: SubscriptionContext, request: Request): SimulatedInstrument | Refusal {
  const exchange = String(request['exchange'] ?? '');
  const code = String(request['code'] ?? '');
  const instrument = context.state.instrument(exchange, code);
  if (!instrument) return refuse(400, `Instrument ${exchange}:${code} not found`);
  const board = request['instrumentGroup'];
  if (typeof board === 'string' && board !== '' && board !== instrument.board) return refuse(400, `Instrument ${exchange}:${code} is not traded on board ${board}`);
  return instrument;
}

/** A market-data subscription: the first message now (unless skipped), then changes of this instrument, throttled. */
function marketData(context: SubscriptionContext, request: Request, instrument: SimulatedInstrument, body: (existing: boolean) => Record<string, unknown>): Outcome {
  return {
    begin() {
      let first = request['skipHistory'] !== true;
      const throttle = new Throttle(context.clock, frequencyOf(request), () => {
        context.push(body(first));
        first = false;
      });
      if (first) throttle.sendNow();
      const key = marketKey(instrument.exchange, instrument.symbol);
      const stop = context.state.market.changes.add((change) => {
        if (change.key === key) throttle.changed();
      });
      return () => {
        stop();
        throttle.cancel();
      };
    },
  };
}

function orderBook(context: SubscriptionContext, request: Request): Outcome {
  const instrument = instrumentOf(context, request);
  if ('httpCode' in instrument) return instrument;
  const depth = request['depth'] === undefined ? 20 : request['depth'];
  if (typeof depth !== 'number' || !Number.isInteger(depth) || depth < 1 || depth > 50) return refuse(400, `depth must be an integer from 1 to 50, got ${String(depth)}`);
  // ALOR's `ms_timestamp` is whole milliseconds; the system clock's time has a fraction.
  return marketData(context, request, instrument, (existing) => ({ ...orderbookBody(context.state, instrument, depth, Math.floor(context.clock.now())), snapshot: existing, existing }));
}

function quotes(context: SubscriptionContext, request: Request): Outcome {
  const instrument = instrumentOf(context, request);
  if ('httpCode' in instrument) return instrument;
  return marketData(context, request, instrument, () => quoteBody(context.state, instrument, context.clock.now()));
}

/** An account subscription: `portfolio` must be one of the token's (⚠ 403 otherwise, as REST answers). */
function account(
  context: SubscriptionContext,
  request: Request,
  current: (portfolio: string, exchange: string) => Array<Record<string, unknown>>,
  changes: (event: AlorStateEvent, push: SubscriptionContext['push'], portfolio: string, exchange: string) => void,
): Outcome {
  const portfolio = String(request['portfolio'] ?? '');
  const exchange = String(request['exchange'] ?? '');
  if (!context.portfolios.includes(portfolio)) return refuse(403, `Portfolio ${portfolio} is not one of the token's portfolios`);
  return {
    begin() {
      if (request['skipHistory'] !== true) for (const row of current(portfolio, exchange)) context.push(row);
      return context.state.events.add((event) => {
        const about = event.kind === 'order' ? event.order : event.trade;
        if (about.portfolio === portfolio && about.exchange === exchange) changes(event, context.push, portfolio, exchange);
      });
    },
  };
}

function positions(context: SubscriptionContext, request: Request): Outcome {
  const { state } = context;
  const money = (portfolio: string, exchange: string) => (exchange === 'MOEX' && state.hasBook(portfolio) ? [moneyBody(portfolio, state.cash(portfolio))] : []);
  const row = (portfolio: string, exchange: string, symbol: string) => {
    const holding = state.holdings(portfolio, exchange).find((candidate) => candidate.symbol === symbol);
    return holding ? [positionBody(portfolio, holding, state.instrument(exchange, symbol)!)] : [];
  };
  let flush: ((symbol: string) => void) | undefined;
  return account(
    context,
    request,
    (portfolio, exchange) => [...state.holdings(portfolio, exchange).map((holding) => row(portfolio, exchange, holding.symbol)[0]!), ...money(portfolio, exchange)],
    (event, push, portfolio, exchange) => {
      flush ??= coalesce<string>((symbols) => {
        for (const changed of [...[...symbols].flatMap((symbol) => row(portfolio, exchange, symbol)), ...money(portfolio, exchange)]) push({ ...changed, existing: false });
      });
      flush(event.kind === 'order' ? event.order.symbol : event.trade.symbol);
    },
  );
}

function summaries(context: SubscriptionContext, request: Request): Outcome {
  let flush: ((portfolio: string) => void) | undefined;
  return account(
    context,
    request,
    (portfolio, exchange) => [summaryBody(context.state, portfolio, exchange)],
    (_event, push, portfolio, exchange) => {
      flush ??= coalesce<string>(() => push(summaryBody(context.state, portfolio, exchange)));
      flush(portfolio);
    },
  );
}

function orders(context: SubscriptionContext, request: Request): Outcome {
  const statuses = Array.isArray(request['orderStatuses']) ? new Set(request['orderStatuses'] as OrderStatus[]) : undefined;
  const { state } = context;
  return account(
    context,
    request,
    // orderStatuses "filters only the initial history" (SPEC ws_sub_OrdersGetAndSubscribe).
    (portfolio, exchange) => state.ordersOf(portfolio, exchange).filter((order) => !statuses || statuses.has(order.status)).map((order) => orderBody(order, state.instrument(order.exchange, order.symbol)!)),
    (event, push) => {
      if (event.kind === 'order') push({ ...orderBody(event.order, state.instrument(event.order.exchange, event.order.symbol)!), existing: false }, { orderEvent: true });
    },
  );
}

function trades(context: SubscriptionContext, request: Request): Outcome {
  return account(
    context,
    request,
    (portfolio, exchange) => context.state.tradesOf(portfolio, exchange).map((trade) => ({ ...tradeBody(trade), existing: true })),
    (event, push) => {
      if (event.kind === 'trade') push(tradeBody(event.trade), { orderEvent: true });
    },
  );
}

export const subscriptionOpcodes: Record<string, (context: SubscriptionContext, request: Request) => Outcome> = {
  OrderBookGetAndSubscribe: orderBook,
  QuotesSubscribe: quotes,
  PositionsGetAndSubscribeV2: positions,
  SummariesGetAndSubscribeV2: summaries,
  OrdersGetAndSubscribeV2: orders,
  TradesGetAndSubscribeV2: trades,
};
