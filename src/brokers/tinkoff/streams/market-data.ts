import { NotFoundError, RateLimitedError, UpstreamAuthError, UpstreamRejectedError, type BrokerqlError } from '../../../errors.js';
import { topicKey, type FeedOptions, type FeedTopic, type StreamFeed, type TopicEvent, type TopicKind } from '../../../streams/feed.js';
import { SocketFeed, type Inbound, type SocketProtocol } from '../../../streams/socket-feed.js';
import type { CloseVerdict } from '../../../streams/upstream-socket.js';
import { parseJsonExact } from '../../json.js';
import type { TinkoffConnectionConfig } from '../config.js';
import { readTinkoffInstrumentKey } from '../identifiers.js';
import { tinkoffStreamLimits } from '../limits.js';
import { tinkoffLabel } from '../map-tinkoff-error.js';
import { tinkoffInstrumentHint } from '../map-tinkoff-instrument.js';
import { tinkoffOrderbookDepth } from '../orderbook-depth.js';
import { quotationToDecimal } from '../quotation.js';
import { lastPriceAcknowledgementSchema, orderbookAcknowledgementSchema, streamLastPriceSchema, streamOrderbookSchema, type StreamOrderbook } from './wire.js';

/**
 * T-Invest's MarketDataStream over its WebSocket bridge (streams.md §1.2–§1.3): one bidirectional
 * stream carries up to 300 subscriptions (order books and last prices here), and brokerql may
 * open `marketDataStreams` of the user's 16. The token goes in `Authorization`; the stream is
 * asked to ping every third of `streams.silenceMs` (5 s at least, T-Invest's minimum) — it pings
 * only while idle, so hearing nothing for `silenceMs` means it is gone. Every order book message
 * is the whole top-`depth` book; an acknowledgement lists a status per instrument.
 */

const methodPath = '/tinkoff.public.invest.api.contract.v1.MarketDataStreamService/MarketDataStream';

const requests: Record<TopicKind, string> = { orderbook: 'subscribeOrderBookRequest', lastPrice: 'subscribeLastPriceRequest' };

type Refusal = (connection: string, instrument: string) => BrokerqlError;

/** Acknowledgement statuses that end a topic; SUCCESS, and SUBSCRIPTION_NOT_FOUND (the answer to an unsubscribe of a depth already replaced), do not. */
const refusals: Record<string, Refusal> = {
  SUBSCRIPTION_STATUS_INSTRUMENT_NOT_FOUND: (connection, instrument) => new NotFoundError(`T-Invest's stream does not know instrument ${instrument}`, { connection }),
  SUBSCRIPTION_STATUS_LIMIT_IS_EXCEEDED: (connection) =>
    new RateLimitedError(`T-Invest refused the subscription: the stream holds as many as T-Invest allows (${tinkoffStreamLimits.subscriptionsPerStream})`, { connection, retryable: true }),
  SUBSCRIPTION_STATUS_TOO_MANY_REQUESTS: (connection) => new RateLimitedError('T-Invest refused the subscription: too many subscription requests; try again shortly', { connection, retryable: true }),
};
const ignoredStatuses = new Set(['SUBSCRIPTION_STATUS_SUCCESS', 'SUBSCRIPTION_STATUS_SUBSCRIPTION_NOT_FOUND']);

export function createTinkoffMarketFeed(config: TinkoffConnectionConfig, options: FeedOptions): StreamFeed {
  const connection = config.id;
  const pingDelayMs = Math.min(180_000, Math.max(5_000, Math.floor(options.settings.silenceMs / 3)));

  const instrumentId = (topic: FeedTopic) => {
    // Keys come from GetInstrumentBy; checked all the same before one goes into a request.
    const lookup = readTinkoffInstrumentKey(topic.instrument.key);
    if (!lookup) throw new NotFoundError(`T-Invest names instruments by FIGI or uid, not ${JSON.stringify(topic.instrument.key)}`, { connection });
    return lookup.id;
  };
  const frames = (topics: FeedTopic[], action: 'SUBSCRIPTION_ACTION_SUBSCRIBE' | 'SUBSCRIPTION_ACTION_UNSUBSCRIBE') =>
    (['orderbook', 'lastPrice'] as const).flatMap((kind) => {
      const instruments = topics
        .filter((topic) => topic.kind === kind)
        .map((topic) => (topic.kind === 'orderbook' ? { instrumentId: instrumentId(topic), depth: tinkoffOrderbookDepth(topic.depth) } : { instrumentId: instrumentId(topic) }));
      // The request is a oneof: one kind per frame. All of a kind's instruments go in one frame.
      return instruments.length > 0 ? [JSON.stringify({ [requests[kind]]: { subscriptionAction: action, instruments } })] : [];
    });

  const protocol: SocketProtocol = {
    connection,
    brokerLabel: tinkoffLabel,
    kinds: new Set<TopicKind>(['orderbook', 'lastPrice']),
    topicsPerSocket: tinkoffStreamLimits.subscriptionsPerStream,
    maxSockets: config.marketDataStreams,
    heartbeat: 'broker',
    endpoint: async () => ({
      url: `${config.streamUrl.replace(/\/+$/, '')}${methodPath}`,
      headers: { authorization: `Bearer ${config.token}`, 'x-app-name': 'brokerql' },
      // camelCase field names (`json-proto` would be the protos' own).
      protocols: ['json'],
    }),
    opening: () => [JSON.stringify({ pingSettings: { pingDelayMs } })],
    subscribe: async (topics) => frames(topics, 'SUBSCRIPTION_ACTION_SUBSCRIBE'),
    unsubscribe: async (topics) => frames(topics, 'SUBSCRIPTION_ACTION_UNSUBSCRIBE'),
    async change(previous, next) {
      if (previous.kind !== 'orderbook' || next.kind !== 'orderbook') return [];
      if (tinkoffOrderbookDepth(previous.depth) === tinkoffOrderbookDepth(next.depth)) return [];
      // T-Invest keeps a subscription per depth: the deeper one replaces the other, in this order,
      // so the stream never holds both against its 300.
      return [...frames([previous], 'SUBSCRIPTION_ACTION_UNSUBSCRIBE'), ...frames([next], 'SUBSCRIPTION_ACTION_SUBSCRIBE')];
    },
    read: (text, carried) => readMarketDataFrame(text, carried, connection),
    closed: (code, reason, wasLive) => tinkoffCloseVerdict(code, reason, wasLive, connection, 'market-data stream'),
  };
  return new SocketFeed(protocol, options);
}

/** What one MarketDataStream frame says about the topics `carried` tells this stream carries. */
export function readMarketDataFrame(text: string, carried: (key: string) => boolean, connection: string): Inbound[] {
  const frame = parseJsonExact(text) as Record<string, unknown>;
  // ⚠ The bridge's gRPC error, `{"code":8,"message":"80001"}`, comes before it closes the stream.
  if (typeof frame['code'] === 'string' && typeof frame['message'] === 'string' && Object.keys(frame).length <= 3) return [{ type: 'ending' }];
  const keyOf = (kind: TopicKind, row: { figi: string; instrumentUid: string }) =>
    [topicKey(kind, row.figi), topicKey(kind, row.instrumentUid)].find((key) => carried(key));

  if (frame['orderbook']) {
    const book = streamOrderbookSchema.parse(frame['orderbook']);
    const key = keyOf('orderbook', book);
    return key ? [{ type: 'event', key, event: mapStreamOrderbook(book) }] : [];
  }
  if (frame['lastPrice']) {
    const price = streamLastPriceSchema.parse(frame['lastPrice']);
    const key = keyOf('lastPrice', price);
    if (!key || !price.price) return [];
    const instrument = tinkoffInstrumentHint({ figi: price.figi, instrumentUid: price.instrumentUid, ticker: '', classCode: '' });
    const event: TopicEvent = { kind: 'lastPrice', update: { instrument, price: quotationToDecimal(price.price), asOf: price.time ?? new Date().toISOString() } };
    return [{ type: 'event', key, event }];
  }
  const acknowledged = frame['subscribeOrderBookResponse']
    ? { kind: 'orderbook' as const, entries: orderbookAcknowledgementSchema.parse(frame['subscribeOrderBookResponse']).orderBookSubscriptions }
    : frame['subscribeLastPriceResponse']
      ? { kind: 'lastPrice' as const, entries: lastPriceAcknowledgementSchema.parse(frame['subscribeLastPriceResponse']).lastPriceSubscriptions }
      : undefined;
  if (!acknowledged) return [];
  return acknowledged.entries.flatMap((entry): Inbound[] => {
    const key = keyOf(acknowledged.kind, entry);
    if (!key || ignoredStatuses.has(entry.subscriptionStatus)) return [];
    const refusal: Refusal =
      refusals[entry.subscriptionStatus] ??
      ((id) => new UpstreamRejectedError(`T-Invest refused the subscription of ${entry.instrumentUid || entry.figi}: ${entry.subscriptionStatus}`, { connection: id }));
    return [{ type: 'refused', key, error: refusal(connection, entry.instrumentUid || entry.figi) }];
  });
}

// {"orderbook":{"figi":"BBG004730RP0","depth":10,"bids":[{"price":{"units":"178","nano":970000000},"quantity":"20"}],"asks":[…],"time":"2023-05-16T08:54:00.549662Z",…}}
/** Quantities are lots; prices exact from Quotation. The stream's book carries no last price. */
export function mapStreamOrderbook(book: StreamOrderbook): TopicEvent {
  const level = (entry: StreamOrderbook['bids'][number]) => ({ price: quotationToDecimal(entry.price), quantity: entry.quantity });
  return {
    kind: 'orderbook',
    depth: book.depth,
    book: {
      instrument: tinkoffInstrumentHint({ figi: book.figi, instrumentUid: book.instrumentUid, ticker: '', classCode: '' }),
      bids: book.bids.map(level),
      asks: book.asks.map(level),
      lastPrice: null,
      asOf: book.time ?? new Date().toISOString(),
    },
  };
}

/**
 * ⚠ How the bridge ends a stream with a gRPC error is not spelled out (streams.md): the close
 * carries 4000 + the gRPC code, and the API error number is read from the close reason.
 * 40003 (the token) ends the subscriptions; 80001 (no stream left for this user) too when the
 * stream was never live — after a drop it may be T-Invest's counter, updated every two minutes,
 * still counting the lost stream, so brokerql tries again.
 */
export function tinkoffCloseVerdict(code: number, reason: string, wasLive: boolean, connection: string, what: string): CloseVerdict {
  if (code === 4016 || reason === '40003') {
    return { reconnect: false, error: new UpstreamAuthError(`T-Invest refused the token of connection "${connection}" for its ${what} (40003)`, { connection }) };
  }
  if (reason === '80001' && !wasLive) {
    return {
      reconnect: false,
      error: new RateLimitedError(`T-Invest refused another ${what} (80001): the user's streams are all in use, by brokerql or other tools`, { connection, retryable: true }),
    };
  }
  return { reconnect: true };
}
