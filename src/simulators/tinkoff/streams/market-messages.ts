import type { BookLevel, MarketChange } from '../../common/market.js';
import type { SimulatedInstrument } from '../data.js';
import { priceBand } from '../market.js';
import type { TinkoffSimulatorState } from '../state.js';
import { quotation } from '../wire.js';
import { timestamp } from './protocol.js';

/**
 * MarketDataStream's messages, field for field as ws/README.md's examples show them (the
 * fields marketdata.proto added later, `ticker` and `classCode`, are left out like there).
 */

export type MarketDataKind = 'orderbook' | 'lastPrice' | 'trades' | 'info' | 'candles';

/** Per kind: the request's name, the acknowledgement's name and its list. */
export const subscriptionNames: Record<MarketDataKind, { request: string; response: string; list: string }> = {
  orderbook: { request: 'subscribeOrderBookRequest', response: 'subscribeOrderBookResponse', list: 'orderBookSubscriptions' },
  lastPrice: { request: 'subscribeLastPriceRequest', response: 'subscribeLastPriceResponse', list: 'lastPriceSubscriptions' },
  trades: { request: 'subscribeTradesRequest', response: 'subscribeTradesResponse', list: 'tradeSubscriptions' },
  info: { request: 'subscribeInfoRequest', response: 'subscribeInfoResponse', list: 'infoSubscriptions' },
  candles: { request: 'subscribeCandlesRequest', response: 'subscribeCandlesResponse', list: 'candlesSubscriptions' },
};

/** Depths T-Invest serves (marketdata.proto; SUBSCRIPTION_STATUS_DEPTH_IS_INVALID otherwise). */
export const orderbookDepths: ReadonlySet<number> = new Set([1, 10, 20, 30, 40, 50]);

/** marketdata.proto `SubscriptionInterval`, UNSPECIFIED excluded (SUBSCRIPTION_STATUS_INTERVAL_IS_INVALID). */
export const candleIntervals: ReadonlySet<string> = new Set(
  ['ONE_MINUTE', 'FIVE_MINUTES', 'FIFTEEN_MINUTES', 'ONE_HOUR', 'ONE_DAY', '2_MIN', '3_MIN', '10_MIN', '30_MIN', '2_HOUR', '4_HOUR', 'WEEK', 'MONTH'].map(
    (name) => `SUBSCRIPTION_INTERVAL_${name}`,
  ),
);

export function orderbookMessage(state: TinkoffSimulatorState, instrument: SimulatedInstrument, depth: number) {
  const book = state.market.book(instrument.figi, depth);
  const level = (entry: BookLevel) => ({ price: quotation(entry.price), quantity: String(entry.quantity) });
  const band = priceBand(instrument);
  return {
    orderbook: {
      figi: instrument.figi,
      depth,
      isConsistent: true,
      bids: book.bids.map(level),
      asks: book.asks.map(level),
      time: timestamp(book.time),
      limitUp: quotation(band.up),
      limitDown: quotation(band.down),
      instrumentUid: instrument.uid,
      orderBookType: 'ORDERBOOK_TYPE_EXCHANGE',
    },
  };
}

export function lastPriceMessage(instrument: SimulatedInstrument, time: number) {
  return { lastPrice: { figi: instrument.figi, price: quotation(instrument.lastPrice), time: timestamp(time), instrumentUid: instrument.uid } };
}

export function tradeMessage(instrument: SimulatedInstrument, trade: Extract<MarketChange, { kind: 'trade' }>) {
  return {
    trade: {
      figi: instrument.figi,
      direction: trade.aggressor === 'buy' ? 'TRADE_DIRECTION_BUY' : 'TRADE_DIRECTION_SELL',
      price: quotation(trade.price),
      quantity: String(trade.lots),
      time: timestamp(trade.time),
      instrumentUid: instrument.uid,
    },
  };
}

export function tradingStatusMessage(state: TinkoffSimulatorState, instrument: SimulatedInstrument, time: number) {
  return {
    tradingStatus: {
      figi: instrument.figi,
      tradingStatus: state.tradingOpen ? 'SECURITY_TRADING_STATUS_NORMAL_TRADING' : 'SECURITY_TRADING_STATUS_NOT_AVAILABLE_FOR_TRADING',
      time: timestamp(time),
      limitOrderAvailableFlag: state.tradingOpen,
      marketOrderAvailableFlag: state.tradingOpen,
      instrumentUid: instrument.uid,
    },
  };
}

/**
 * One entry of an acknowledgement. ⚠ For an instrument the simulator does not know, the docs do
 * not say what the entry carries: it names the requested id as `instrumentUid` (FIGI empty), so
 * a client can tell which of its instruments failed.
 */
export function acknowledgement(
  kind: MarketDataKind,
  entry: { figi: string; instrumentUid: string; depth?: number; interval?: string; waitingClose?: boolean },
  status: string,
  streamId: string,
  subscriptionId: string,
) {
  return {
    figi: entry.figi,
    ...(kind === 'orderbook' ? { depth: entry.depth ?? 0 } : {}),
    ...(kind === 'candles' ? { interval: entry.interval ?? 'SUBSCRIPTION_INTERVAL_UNSPECIFIED' } : {}),
    subscriptionStatus: status,
    instrumentUid: entry.instrumentUid,
    ...(kind === 'candles' ? { waitingClose: entry.waitingClose ?? false } : {}),
    streamId,
    subscriptionId,
    ...(kind === 'orderbook' ? { orderBookType: 'ORDERBOOK_TYPE_EXCHANGE' } : {}),
  };
}
