import { afterEach, describe, expect, it } from 'vitest';
import { mainPortfolio, startAlorStreams, type AlorStreamStack } from '../support/alor-streams.js';
import { mainAccount, sberUid, startTinkoffStreams, subscribeBlock, type TinkoffStreamStack } from '../support/tinkoff-streams.js';

/**
 * Every message the stream simulators send, against the brokers' own examples (trimmed from
 * tinvest-v2/ws/README.md and WarpOpenAPIv2.yml's `ws_*_Simple` examples): each field the
 * example has is there, at the same place, in the same order. Values differ (the simulator's
 * world is its own); fields the simulator adds (the protos' newer ones, optional ones) are allowed.
 */

/** Dotted paths of every field, array elements as `[]`, in order. */
function paths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.length === 0 ? [] : paths(value[0], `${prefix}[]`);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, field]) => [`${prefix}${prefix ? '.' : ''}${key}`, ...paths(field, `${prefix}${prefix ? '.' : ''}${key}`)]);
}

/** The example's fields, in its order, all present in `actual` (bar the ones named as left out on purpose). */
function expectShape(actual: unknown, example: unknown, leftOut: string[] = []) {
  const ours = paths(actual);
  const theirs = paths(example).filter((path) => !leftOut.some((omitted) => path === omitted || path.startsWith(`${omitted}.`) || path.startsWith(`${omitted}[]`)));
  expect(ours.filter((path) => theirs.includes(path))).toEqual(theirs);
}

const quotation = { units: '178', nano: 790000000 };
const money = { currency: 'rub', units: '3148', nano: 130000000 };
const ack = (list: string, extra: Record<string, unknown> = {}) => ({
  trackingId: 'ca4af996193cf5d9b3b933fa0ad61910',
  [list]: [{ figi: 'BBG004730RP0', ...extra, subscriptionStatus: 'SUBSCRIPTION_STATUS_SUCCESS', instrumentUid: '962e…', streamId: 'e995…', subscriptionId: 'dc55…' }],
});

/** ws/README.md, trimmed. */
const tinvest = {
  subscribeOrderBookResponse: { subscribeOrderBookResponse: { trackingId: '0193…', orderBookSubscriptions: [{ figi: 'BBG004730RP0', depth: 10, subscriptionStatus: 'SUBSCRIPTION_STATUS_SUCCESS', instrumentUid: '962e…', streamId: '02df…', subscriptionId: '48e7…', orderBookType: 'ORDERBOOK_TYPE_EXCHANGE' }] } },
  orderbook: { orderbook: { figi: 'BBG004730RP0', depth: 10, isConsistent: true, bids: [{ price: quotation, quantity: '20' }], asks: [{ price: quotation, quantity: '3' }], time: '2023-05-16T08:54:00.549662Z', limitUp: quotation, limitDown: quotation, instrumentUid: '962e…', orderBookType: 'ORDERBOOK_TYPE_EXCHANGE' } },
  subscribeLastPriceResponse: { subscribeLastPriceResponse: ack('lastPriceSubscriptions') },
  lastPrice: { lastPrice: { figi: 'BBG004730RP0', price: quotation, time: '2023-05-16T08:49:31.085056Z', instrumentUid: '962e…' } },
  subscribeTradesResponse: { subscribeTradesResponse: ack('tradeSubscriptions') },
  trade: { trade: { figi: 'BBG004730RP0', direction: 'TRADE_DIRECTION_SELL', price: quotation, quantity: '200', time: '2023-05-16T08:50:22.807741Z', instrumentUid: '962e…' } },
  subscribeInfoResponse: { subscribeInfoResponse: ack('infoSubscriptions') },
  tradingStatus: { tradingStatus: { figi: 'BBG004730RP0', tradingStatus: 'SECURITY_TRADING_STATUS_NORMAL_TRADING', time: '2023-05-16T07:00:00.750460Z', limitOrderAvailableFlag: true, marketOrderAvailableFlag: true, instrumentUid: '962e…' } },
  subscribeCandlesResponse: { subscribeCandlesResponse: ack('candlesSubscriptions', { interval: 'SUBSCRIPTION_INTERVAL_ONE_MINUTE' }) },
  ping: { ping: { time: '2024-04-11T08:49:14.974035911Z', streamId: '' } },
  subscriptions: { subscriptions: { accounts: [{ accountId: '*accountId', subscriptionStatus: 'POSITIONS_SUBSCRIPTION_STATUS_SUCCESS' }] } },
  position: { position: { accountId: '*', money: [{ availableValue: money, blockedValue: money }], securities: [{ figi: 'BBG00RPRPX12', blocked: '0', balance: '9', positionUid: 'eee3…', instrumentUid: 'ade1…', exchangeBlocked: false, instrumentType: 'etf' }], futures: [], options: [], date: '2023-05-16T13:29:13.411710Z' } },
  portfolio: { portfolio: { totalAmountShares: money, totalAmountBonds: money, totalAmountEtf: money, totalAmountCurrencies: money, expectedYield: quotation, positions: [{ figi: 'BBG004S68473', instrumentType: 'share', quantity: quotation, averagePositionPrice: money, expectedYield: quotation, averagePositionPricePt: quotation, currentPrice: money, averagePositionPriceFifo: money, quantityLots: quotation, blocked: false, positionUid: '427f…', instrumentUid: '2dfb…' }], accountId: '*', virtualPositions: [] } },
  orderState: { orderState: { orderId: '49478317886', orderRequestId: 'ec5e…', clientCode: '770083706834', createdAt: '2024-07-15T07:07:17.321267Z', executionReportStatus: 'EXECUTION_REPORT_STATUS_NEW', ticker: 'POLY', classCode: 'TQBR', lotSize: 1, direction: 'ORDER_DIRECTION_BUY', timeInForce: 'TIME_IN_FORCE_DAY', orderType: 'ORDER_TYPE_LIMIT', accountId: '2223337448', initialOrderPrice: money, orderPrice: money, amount: money, executedOrderPrice: money, currency: 'RUB', lotsRequested: '1', lotsExecuted: '1', lotsLeft: '0', lotsCancelled: '0', marker: 'MARKER_UNKNOWN', trades: [{ dateTime: '2024-07-15T07:07:17.321267Z', price: quotation, quantity: '1', tradeId: '7653265991' }], exchange: 'MOEX', instrumentUid: '1273…' } },
};

describe('T-Invest\'s bridge against ws/README.md', () => {
  let stack: TinkoffStreamStack;
  afterEach(async () => {
    await stack.stop();
  });

  it('sends every market-data message as the examples show it', async () => {
    stack = await startTinkoffStreams();
    const client = await stack.open('MarketDataStreamService/MarketDataStream');
    client.send({ pingSettings: { pingDelayMs: 5000 } });
    client.send(subscribeBlock('subscribeOrderBookRequest', [{ instrumentId: sberUid, depth: 10 }]));
    client.send(subscribeBlock('subscribeLastPriceRequest', [{ instrumentId: sberUid }]));
    client.send(subscribeBlock('subscribeTradesRequest', [{ instrumentId: sberUid }]));
    client.send(subscribeBlock('subscribeInfoRequest', [{ instrumentId: sberUid }]));
    client.send(subscribeBlock('subscribeCandlesRequest', [{ instrumentId: sberUid, interval: 'SUBSCRIPTION_INTERVAL_ONE_MINUTE' }]));
    await client.nextWith('subscribeCandlesResponse');
    stack.clock.advance(100);
    await stack.order({ lots: 1 });
    await client.nextWith('trade');
    stack.clock.advance(5000);
    await client.nextWith('ping');
    for (const key of ['subscribeOrderBookResponse', 'orderbook', 'subscribeLastPriceResponse', 'lastPrice', 'subscribeTradesResponse', 'trade', 'subscribeInfoResponse', 'tradingStatus', 'subscribeCandlesResponse', 'ping'] as const) {
      const message = client.received.find((candidate) => key in candidate);
      expect(Object.keys(message)).toEqual([key]);
      expectShape(message, tinvest[key]);
    }
  });

  it('sends every account message as the examples show it', async () => {
    stack = await startTinkoffStreams();
    const positions = await stack.open('OperationsStreamService/PositionsStream');
    positions.send({ accounts: [mainAccount] });
    const portfolio = await stack.open('OperationsStreamService/PortfolioStream');
    portfolio.send({ accounts: [mainAccount] });
    const { client: orders } = await stack.orderStates();
    expectShape(await positions.nextWith('subscriptions'), tinvest.subscriptions);
    await portfolio.nextWith('subscriptions');
    await stack.order({ type: 'LIMIT', lots: 1, price: { units: '281', nano: 0 } });
    await stack.order({ lots: 1 });
    // Empty lists are left out (streams.md §1); averagePositionPricePt is deprecated and GetPortfolio has none either.
    expectShape(await positions.nextWith('position'), tinvest.position, ['position.futures', 'position.options']);
    expectShape(await portfolio.nextWith('portfolio'), tinvest.portfolio, ['portfolio.virtualPositions', 'portfolio.positions[].averagePositionPricePt']);
    const states = [];
    for (let index = 0; index < 4; index += 1) states.push(await orders.nextWith('orderState'));
    expectShape(states[0], tinvest.orderState, ['orderState.trades']);
    expectShape(states[3], tinvest.orderState);
  });
});

/** WarpOpenAPIv2.yml's `ws_*_Simple` examples, trimmed to their fields' names. */
const alor = {
  OrderBookGetAndSubscribe: { snapshot: true, bids: [{ price: 1, volume: 1 }], asks: [{ price: 1, volume: 1 }], timestamp: 1, ms_timestamp: 1, existing: true },
  QuotesSubscribe: Object.fromEntries(['symbol', 'exchange', 'description', 'prev_close_price', 'last_price', 'last_price_timestamp', 'high_price', 'low_price', 'accruedInt', 'volume', 'open_interest', 'ask', 'bid', 'ask_vol', 'bid_vol', 'ob_ms_timestamp', 'open_price', 'yield', 'lotsize', 'lotvalue', 'facevalue', 'type', 'total_bid_vol', 'total_ask_vol', 'accrued_interest', 'change', 'change_percent'].map((key) => [key, 0])),
  PositionsGetAndSubscribeV2: Object.fromEntries(['volume', 'currentVolume', 'symbol', 'brokerSymbol', 'portfolio', 'exchange', 'avgPrice', 'qtyUnits', 'openUnits', 'lotSize', 'shortName', 'qtyT0', 'qtyT1', 'qtyT2', 'qtyTFuture', 'qtyT0Batch', 'qtyT1Batch', 'qtyT2Batch', 'qtyTFutureBatch', 'qtyBatch', 'openQtyBatch', 'qty', 'open', 'dailyUnrealisedPl', 'unrealisedPl', 'isCurrency', 'existing'].map((key) => [key, 0])),
  SummariesGetAndSubscribeV2: { buyingPowerAtMorning: 0, buyingPower: 0, profit: 0, profitRate: 0, portfolioEvaluation: 0, portfolioLiquidationValue: 0, initialMargin: 0, correctedMargin: 0, riskBeforeForcePositionClosing: 0, commission: 0, buyingPowerByCurrency: [{ currency: 'RUB', buyingPower: 0 }] },
  OrdersGetAndSubscribeV2: Object.fromEntries(['id', 'symbol', 'board', 'brokerSymbol', 'portfolio', 'exchange', 'comment', 'type', 'side', 'status', 'transTime', 'updateTime', 'endTime', 'qtyUnits', 'qtyBatch', 'qty', 'filledQtyUnits', 'filledQtyBatch', 'filled', 'price', 'existing', 'timeInForce', 'iceberg', 'volume'].map((key) => [key, 0])),
  TradesGetAndSubscribeV2: Object.fromEntries(['id', 'orderno', 'comment', 'symbol', 'brokerSymbol', 'exchange', 'date', 'board', 'qtyUnits', 'qtyBatch', 'qty', 'price', 'accruedInt', 'side', 'existing', 'commission', 'repoSpecificFields', 'volume'].map((key) => [key, 0])),
};

describe('ALOR\'s /ws against WarpOpenAPIv2.yml', () => {
  let stack: AlorStreamStack;
  afterEach(async () => {
    await stack.stop();
  });

  it('sends every subscription\'s data as the examples show it, in {"data", "guid"}', async () => {
    stack = await startAlorStreams();
    const client = await stack.open();
    for (const opcode of Object.keys(alor) as Array<keyof typeof alor>) {
      const guid = stack.request(client, { opcode, guid: opcode, code: 'SBER', exchange: 'MOEX', portfolio: mainPortfolio });
      const message = await client.next((candidate) => candidate.guid === guid, `${opcode} data`);
      expect(Object.keys(message)).toEqual(['data', 'guid']);
      const paths = Object.keys(message.data);
      // Null-valued fields (comment, iceberg, open_interest, …) are in the example as fields too.
      expect(paths.filter((key) => key in alor[opcode])).toEqual(Object.keys(alor[opcode]));
    }
  });
});
