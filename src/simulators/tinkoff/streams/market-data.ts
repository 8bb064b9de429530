import { randomUUID } from 'node:crypto';
import type { ClockTimer } from '../../common/clock.js';
import { Throttle } from '../../common/throttle.js';
import type { SimulatedInstrument } from '../data.js';
import type { StreamContext } from './context.js';
import { countedKinds } from './limits.js';
import {
  acknowledgement,
  lastPriceMessage,
  candleIntervals,
  orderbookDepths,
  orderbookMessage,
  subscriptionNames,
  tradeMessage,
  tradingStatusMessage,
  type MarketDataKind,
} from './market-messages.js';
import { pingDelay, streamErrors, timestamp, trackingId } from './protocol.js';

/**
 * `MarketDataStreamService/MarketDataStream` (bidirectional) and `MarketDataServerSideStream`
 * (the same subscribe blocks, in its one request) — streams.md §1.2. Every subscribe or
 * unsubscribe block is acknowledged with a status per instrument; a new subscription then gets
 * the current data at once (the whole top-`depth` book, the last price, the trading status) and
 * every change after it: order books at most once per 100 ms per subscription, carrying the
 * latest book; last prices and trades as they happen. Candle subscriptions are acknowledged but
 * the simulator draws no candles. A stream left without subscriptions is closed with 80004.
 */

interface Subscription {
  kind: MarketDataKind;
  key: string;
  instrument: SimulatedInstrument;
  depth: number;
  subscriptionId: string;
  /** Order books only: limits.md allows one message per subscription per 100 ms. */
  throttle: Throttle | undefined;
}

const kinds = Object.keys(subscriptionNames) as MarketDataKind[];

export function serveMarketData(context: StreamContext, serverSide: boolean): void {
  const { clock, settings } = context;
  const state = context.simulator.state;
  const subscriptions = new Map<string, Subscription>();
  let idleTimer: ClockTimer | undefined;
  let requests = 0;

  function watchIdle(): void {
    idleTimer?.cancel();
    idleTimer = subscriptions.size === 0 ? clock.after(settings.idleCloseMilliseconds, () => context.fail(streamErrors.noSubscriptions)) : undefined;
  }

  function sendBook(subscription: Subscription): void {
    const message = orderbookMessage(state, subscription.instrument, subscription.depth);
    context.send(message, { subscription: subscription.key, time: message.orderbook.time });
  }

  function sendLastPrice(subscription: Subscription, time: number): void {
    const message = lastPriceMessage(subscription.instrument, time);
    context.send(message, { subscription: subscription.key, time: message.lastPrice.time });
  }

  const stopListening = state.market.changes.add((change) => {
    for (const subscription of subscriptions.values()) {
      if (subscription.instrument.figi !== change.key) continue;
      if (change.kind === 'book') subscription.throttle?.changed();
      if (change.kind === 'trade' && subscription.kind === 'lastPrice') sendLastPrice(subscription, change.time);
      if (change.kind === 'trade' && subscription.kind === 'trades') {
        context.send(tradeMessage(subscription.instrument, change), { subscription: subscription.key, time: timestamp(change.time) });
      }
    }
  });
  context.onClose(() => {
    stopListening();
    idleTimer?.cancel();
    for (const subscription of subscriptions.values()) subscription.throttle?.cancel();
  });

  /** `instrument_id` takes a FIGI, an instrument uid or `ticker_classCode` (marketdata.proto); `figi` is the deprecated field. */
  function findInstrument(id: string): SimulatedInstrument | undefined {
    const separator = id.lastIndexOf('_');
    return state.findInstrument(id) ?? (separator > 0 ? state.findByTicker(id.slice(0, separator), id.slice(separator + 1)) : undefined);
  }

  function handleBlock(kind: MarketDataKind, block: Record<string, unknown>): void {
    const action = block['subscriptionAction'];
    const entries = Array.isArray(block['instruments']) ? (block['instruments'] as unknown[]) : [];
    const fresh: Subscription[] = [];
    const results = entries.map((raw) => {
      const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      const id = String(entry['instrumentId'] || entry['figi'] || '');
      const instrument = findInstrument(id);
      const depth = Number(entry['depth'] ?? 0);
      const interval = typeof entry['interval'] === 'string' ? entry['interval'] : undefined;
      const base = `${kind}:${instrument?.uid ?? id}`;
      const key = kind === 'orderbook' ? `${base}:${depth}` : kind === 'candles' ? `${base}:${interval}` : base;
      const echo = { figi: instrument?.figi ?? '', instrumentUid: instrument?.uid ?? id, depth, interval, waitingClose: block['waitingClose'] === true };
      let status = 'SUBSCRIPTION_STATUS_SUCCESS';
      let subscriptionId = '';
      if (action === 'SUBSCRIPTION_ACTION_SUBSCRIBE') {
        context.countSubscribe(base);
        const existing = subscriptions.get(key);
        const counted = [...subscriptions.values()].filter((subscription) => countedKinds.has(subscription.kind)).length;
        if (!instrument) status = 'SUBSCRIPTION_STATUS_INSTRUMENT_NOT_FOUND';
        else if (kind === 'orderbook' && !orderbookDepths.has(depth)) status = 'SUBSCRIPTION_STATUS_DEPTH_IS_INVALID';
        else if (kind === 'candles' && !candleIntervals.has(interval ?? '')) status = 'SUBSCRIPTION_STATUS_INTERVAL_IS_INVALID';
        else if (existing) subscriptionId = existing.subscriptionId;
        else if (countedKinds.has(kind) && counted >= settings.subscriptionsPerStream) status = 'SUBSCRIPTION_STATUS_LIMIT_IS_EXCEEDED';
        else {
          const subscription: Subscription = { kind, key, instrument, depth, subscriptionId: randomUUID(), throttle: undefined };
          if (kind === 'orderbook') subscription.throttle = new Throttle(clock, settings.orderbookIntervalMilliseconds, () => sendBook(subscription));
          subscriptions.set(key, subscription);
          fresh.push(subscription);
          subscriptionId = subscription.subscriptionId;
        }
      } else if (action === 'SUBSCRIPTION_ACTION_UNSUBSCRIBE') {
        // An orderbook unsubscribe without the depth takes the instrument's subscription of any depth.
        const existing = subscriptions.get(key) ?? [...subscriptions.values()].find((candidate) => depth === 0 && candidate.key.startsWith(`${base}:`));
        if (!existing) status = instrument ? 'SUBSCRIPTION_STATUS_SUBSCRIPTION_NOT_FOUND' : 'SUBSCRIPTION_STATUS_INSTRUMENT_NOT_FOUND';
        else {
          existing.throttle?.cancel();
          subscriptions.delete(existing.key);
          subscriptionId = existing.subscriptionId;
        }
      } else status = 'SUBSCRIPTION_STATUS_SUBSCRIPTION_ACTION_IS_INVALID';
      return acknowledgement(kind, echo, status, context.streamId, subscriptionId);
    });
    const names = subscriptionNames[kind];
    context.send({ [names.response]: { trackingId: trackingId(), [names.list]: results } }, { category: 'ack' });
    watchIdle();
    for (const subscription of fresh) sendCurrent(subscription);
  }

  /** What a new subscription gets at once. */
  function sendCurrent(subscription: Subscription): void {
    const now = clock.now();
    subscription.throttle?.sendNow();
    if (subscription.kind === 'lastPrice') sendLastPrice(subscription, now);
    if (subscription.kind === 'info') {
      const message = tradingStatusMessage(state, subscription.instrument, now);
      context.send(message, { subscription: subscription.key, time: message.tradingStatus.time });
    }
  }

  /** GetMySubscriptions: every live subscription, acknowledged again per kind. */
  function listSubscriptions(): void {
    for (const kind of kinds) {
      const live = [...subscriptions.values()].filter((subscription) => subscription.kind === kind);
      if (live.length === 0) continue;
      const names = subscriptionNames[kind];
      const entries = live.map((subscription) =>
        acknowledgement(
          kind,
          { figi: subscription.instrument.figi, instrumentUid: subscription.instrument.uid, depth: subscription.depth, interval: subscription.key.split(':')[2] },
          'SUBSCRIPTION_STATUS_SUCCESS',
          context.streamId,
          subscription.subscriptionId,
        ),
      );
      context.send({ [names.response]: { trackingId: trackingId(), [names.list]: entries } }, { category: 'ack' });
    }
  }

  function handle(request: Record<string, unknown>): void {
    for (const kind of kinds) {
      const block = request[subscriptionNames[kind].request];
      if (typeof block === 'object' && block !== null) handleBlock(kind, block as Record<string, unknown>);
    }
    const settingsBlock = request['pingSettings'];
    if (typeof settingsBlock === 'object' && settingsBlock !== null) context.keepAlive(pingDelay((settingsBlock as Record<string, unknown>)['pingDelayMs']));
    const ping = request['ping'];
    if (typeof ping === 'object' && ping !== null) {
      const asked = (ping as Record<string, unknown>)['time'];
      context.send({ ping: { time: timestamp(clock.now()), streamId: '', pingRequestTime: typeof asked === 'string' ? asked : undefined } }, { category: 'ping' });
    }
    if (request['getMySubscriptions'] !== undefined) listSubscriptions();
  }

  context.keepAlive(pingDelay(undefined));
  watchIdle();
  context.onRequest((request) => {
    requests += 1;
    // A server-side stream takes its subscriptions from its one request; later frames change nothing.
    if (!serverSide || requests === 1) handle(request);
  });
}
