import { divideDecimals, isZeroDecimal } from '../../../decimal.js';
import type { AccountStreamOptions, AccountStreams } from '../../../streams/accounts/account-streams.js';
import type { OrderObservation } from '../../../streams/accounts/order-tracker.js';
import { openSocketGroup, type GroupedStream } from '../../../streams/accounts/socket-group.js';
import { parseJsonExact } from '../../json.js';
import { sumMoneyByCurrency } from '../../money.js';
import type { TinkoffConnectionConfig } from '../config.js';
import { tinkoffLabel } from '../map-tinkoff-error.js';
import { mapTinkoffOrder } from '../map-tinkoff-order.js';
import { mapTinkoffPortfolio } from '../map-tinkoff-portfolio.js';
import { moneyValueToMoney, quotationToDecimal } from '../quotation.js';
import { portfolioResponseSchema } from '../wire.js';
import { tinkoffCloseVerdict } from './market-data.js';
import { streamOrderStateSchema, streamPositionSchema, type StreamOrderState } from './wire.js';

/**
 * T-Invest's account streams over its WebSocket bridge (streams.md §1.1): one PortfolioStream,
 * one PositionsStream and one OrderStateStream per connection, each naming every account of
 * the connection — T-Invest allows a user only 2 portfolio and 2 positions streams, all its
 * tokens and tools together, so brokerql takes one of each and never re-opens them for a
 * changed account set (a closed stream still counts for up to two minutes, and the re-open
 * would meet 80001). A PortfolioStream message is GetPortfolio's answer and maps the same way;
 * a PositionsStream message carries the cash of the currencies a change touched (free + blocked,
 * as GetPositions' money + blocked); OrderStateStream reports each change of an order.
 */

const services = {
  portfolio: 'OperationsStreamService/PortfolioStream',
  positions: 'OperationsStreamService/PositionsStream',
  orders: 'OrdersStreamService/OrderStateStream',
} as const;

export function createTinkoffAccountStreams(config: TinkoffConnectionConfig, options: AccountStreamOptions): AccountStreams {
  const connection = config.id;
  const { sink } = options;
  const accounts = options.brokerAccountIds;
  // Pings only while idle (streams.md §1.3): silence longer than silenceMs means the stream is gone.
  const pingDelayMs = Math.min(180_000, Math.max(5_000, Math.floor(options.settings.silenceMs / 3)));

  const stream = (service: string, request: Record<string, unknown>, read: (frame: Record<string, unknown>) => void): GroupedStream => ({
    endpoint: async () => ({
      url: `${config.streamUrl.replace(/\/+$/, '')}/tinkoff.public.invest.api.contract.v1.${service}`,
      headers: { authorization: `Bearer ${config.token}`, 'x-app-name': 'brokerql' },
      protocols: ['json'],
    }),
    opening: () => [JSON.stringify(request)],
    read(text) {
      const frame = parseJsonExact(text) as Record<string, unknown>;
      // ⚠ The bridge's gRPC error, `{"code":8,"message":"80001"}`, comes before it closes the stream.
      if (typeof frame['code'] === 'string' && typeof frame['message'] === 'string' && Object.keys(frame).length <= 3) return false;
      read(frame);
      return true;
    },
    // 80001 on a stream never live: the user's slots are taken (the whole connection then polls).
    closed: (code, reason, wasLive) => tinkoffCloseVerdict(code, reason, wasLive, connection, 'account stream'),
  });

  return openSocketGroup(
    [
      stream(services.portfolio, { accounts, pingSettings: { pingDelayMs } }, (frame) => {
        if (!frame['portfolio']) return;
        const answer = portfolioResponseSchema.extend({ accountId: streamPositionSchema.shape.accountId }).parse(frame['portfolio']);
        const mapped = mapTinkoffPortfolio(answer.positions, answer.totalAmountPortfolio, [], [], new Date().toISOString());
        sink.portfolio(answer.accountId, { positions: mapped.positions, valuation: mapped.valuation, asOf: mapped.asOf });
      }),
      stream(services.positions, { accounts, pingSettings: { pingDelayMs } }, (frame) => {
        if (!frame['position']) return;
        const position = streamPositionSchema.parse(frame['position']);
        const rows = position.money.flatMap((row) => [row.availableValue, row.blockedValue].flatMap((value) => (value ? [moneyValueToMoney(value)] : [])));
        sink.portfolio(position.accountId, { cash: sumMoneyByCurrency(rows), asOf: position.date ?? new Date().toISOString() });
      }),
      stream(services.orders, { accounts, pingDelayMillis: pingDelayMs }, (frame) => {
        if (!frame['orderState']) return;
        const state = streamOrderStateSchema.parse(frame['orderState']);
        sink.order(state.accountId, mapTinkoffOrderStateMessage(state, connection));
      }),
    ],
    { connection, brokerLabel: tinkoffLabel, heartbeat: 'broker', settings: options.settings, observer: options.observer, sink },
  );
}

/**
 * One OrderStateStream message as an observation: the order as GetOrderState would describe it
 * (orderPrice per unit, executedOrderPrice the whole executed amount), and the trades it lists
 * — `quantity` in units, so lots are units ÷ the message's lot size.
 */
export function mapTinkoffOrderStateMessage(state: StreamOrderState, connection: string): OrderObservation {
  const order = mapTinkoffOrder(
    {
      orderId: state.orderId,
      executionReportStatus: state.executionReportStatus,
      lotsRequested: state.lotsRequested,
      lotsExecuted: state.lotsExecuted,
      initialSecurityPrice: state.orderPrice,
      executedOrderPrice: state.executedOrderPrice,
      averagePositionPrice: undefined,
      figi: '',
      instrumentUid: state.instrumentUid,
      ticker: state.ticker,
      classCode: state.classCode,
      direction: state.direction,
      orderType: state.orderType,
      orderDate: state.createdAt,
      message: undefined,
    },
    connection,
    state.lotSize || null,
  );
  const lotSize = String(state.lotSize || 1);
  const fills = state.trades
    .filter((trade) => !isZeroDecimal(trade.quantity))
    .map((trade) => ({ lots: divideDecimals(trade.quantity, lotSize), price: quotationToDecimal(trade.price), tradeId: trade.tradeId || null }));
  const asOf = state.trades.at(-1)?.dateTime ?? state.completionTime ?? state.createdAt ?? new Date().toISOString();
  return { order, requestId: state.orderRequestId || null, fills, asOf, source: 'STREAM', instrumentByLookup: true };
}
