import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { BadUserInputError, NotFoundError, RateLimitedError, UpstreamAuthError, UpstreamRejectedError, type BrokerqlError } from '../../../errors.js';
import { type FeedOptions, type FeedTopic, type StreamFeed, type TopicEvent, type TopicKind } from '../../../streams/feed.js';
import { SocketFeed, type Inbound, type SocketProtocol } from '../../../streams/socket-feed.js';
import type { CloseVerdict } from '../../../streams/upstream-socket.js';
import { jsonDecimal, jsonInteger, parseJsonExact } from '../../json.js';
import type { AccessToken } from '../access-token.js';
import type { AlorConnectionConfig } from '../config.js';
import { alorExchange } from '../identifiers.js';
import { readAlorKey, type AlorInstrumentAddress } from '../instrument-ref.js';
import { alorStreamLimits } from '../limits.js';
import { alorLabel } from '../map-alor-error.js';
import { alorInstrumentHint } from '../map-alor-instrument.js';
import { mapAlorOrderbook } from '../map-alor-orderbook.js';
import type { TokenKeeper } from '../token-keeper.js';
import { orderbookResponseSchema } from '../wire.js';

/**
 * ALOR's `/ws` (streams.md §2): one socket carries up to 5,000 subscriptions, and brokerql may
 * open `sockets` of the user's 10. There is no handshake authentication: every request carries
 * the current access token (the connection's renewable credential, token-keeper.ts), so when
 * that token is due for renewal every subscription is sent again with the new one, under the
 * same guid (ALOR replaces a subscription whose guid it knows); a request refused with
 * `Invalid JWT token!` gets one new token and is sent once more. Data frames are
 * `{"data": …, "guid": …}` in the Simple format — the REST rows' shape — read losslessly; every
 * order book push is taken as the whole top-`depth` book. ALOR pings nobody: brokerql sends
 * WebSocket pings to notice a dead socket.
 */

const opcodes: Record<TopicKind, string> = { orderbook: 'OrderBookGetAndSubscribe', lastPrice: 'QuotesSubscribe' };

// {"data":{"symbol":"SBER","exchange":"MOEX","last_price":272,"last_price_timestamp":1703844426,"ask":272,"bid":271.99,…},"guid":"…"}
const quoteSchema = z.object({ last_price: jsonDecimal.nullable().optional(), last_price_timestamp: jsonInteger.nullable().optional() });

// {"message":"Handled successfully","httpCode":200,"requestGuid":"…"} / {"requestGuid":"…","httpCode":401,"message":"Invalid JWT token!"}
export const alorAnswerSchema = z.object({ requestGuid: z.string(), httpCode: jsonInteger, message: z.string().nullable().optional() });

/** Answers that end a topic, by ALOR's `httpCode` (401 is asked again first, with a new token). */
const refusals: Record<number, (message: string, connection: string) => BrokerqlError> = {
  400: (message, connection) => (/not found/i.test(message) ? new NotFoundError(`ALOR: ${message}`, { connection }) : new BadUserInputError(`ALOR refused the subscription: ${message}`, { connection })),
  401: (message, connection) => new UpstreamAuthError(`ALOR refused brokerql's access token for its stream twice (${message})`, { connection }),
  429: (message, connection) => new RateLimitedError(`ALOR refused the subscription: ${message}`, { connection, retryable: true }),
};

interface Subscription {
  key: string;
  kind: TopicKind;
  address: AlorInstrumentAddress;
  depth: number;
  /** The token the latest request carried, to replace if ALOR refuses it. */
  sentWith?: AccessToken;
  refusedOnce: boolean;
}

export function createAlorMarketFeed(config: AlorConnectionConfig, tokens: TokenKeeper, options: FeedOptions): StreamFeed {
  const connection = config.id;
  const defaultExchange = alorExchange.parse(config.exchange, 'exchange', connection);
  const byGuid = new Map<string, Subscription>();
  const guidOf = new Map<string, string>();
  let lastToken: AccessToken | undefined;

  const subscriptionOf = (topic: FeedTopic): [string, Subscription] => {
    // Keys come from ALOR's own security rows; checked all the same before one goes into a request.
    const address = readAlorKey(topic.instrument.key, defaultExchange);
    if (!address) throw new NotFoundError(`ALOR names instruments as EXCHANGE:SYMBOL, not ${JSON.stringify(topic.instrument.key)}`, { connection });
    let guid = guidOf.get(topic.key);
    if (!guid) guidOf.set(topic.key, (guid = randomUUID()));
    const existing = byGuid.get(guid);
    const subscription: Subscription = { key: topic.key, kind: topic.kind, address, depth: topic.kind === 'orderbook' ? Math.min(50, topic.depth) : 1, refusedOnce: existing?.refusedOnce ?? false };
    byGuid.set(guid, subscription);
    return [guid, subscription];
  };

  const subscribe = async (topics: FeedTopic[]) => {
    const token = (lastToken = await tokens.current());
    return topics.map((topic) => {
      const [guid, subscription] = subscriptionOf(topic);
      subscription.sentWith = token;
      const { exchange, symbol } = subscription.address;
      const depth = topic.kind === 'orderbook' ? { depth: subscription.depth } : {};
      return JSON.stringify({ opcode: opcodes[topic.kind], code: symbol, exchange, ...depth, format: 'Simple', guid, token: token.value });
    });
  };

  const protocol: SocketProtocol = {
    connection,
    brokerLabel: alorLabel,
    kinds: new Set<TopicKind>(['orderbook', 'lastPrice']),
    topicsPerSocket: alorStreamLimits.subscriptionsPerSocket,
    maxSockets: config.sockets,
    heartbeat: 'websocket',
    endpoint: async () => ({ url: config.wsUrl }),
    opening: () => [],
    subscribe,
    async unsubscribe(topics) {
      const token = await tokens.current();
      return topics.flatMap((topic) => {
        const guid = guidOf.get(topic.key);
        if (!guid) return [];
        guidOf.delete(topic.key);
        byGuid.delete(guid);
        return [JSON.stringify({ opcode: 'unsubscribe', guid, token: token.value })];
      });
    },
    // The same guid with the new depth replaces the subscription.
    change: async (previous, next) => (previous.kind === 'orderbook' && next.kind === 'orderbook' && previous.depth !== next.depth ? subscribe([next]) : []),
    read: (text) => readFrame(text),
    closed: (code, reason, wasLive) => alorCloseVerdict(code, reason, wasLive, connection),
    renewAt: () => lastToken?.refreshAt,
  };

  function readFrame(text: string): Inbound[] {
    const frame = parseJsonExact(text) as Record<string, unknown>;
    if (typeof frame['guid'] === 'string' && frame['data'] !== undefined) {
      const subscription = byGuid.get(frame['guid']);
      if (!subscription) return [];
      const event = alorDataEvent(subscription, frame['data']);
      return event ? [{ type: 'event', key: subscription.key, event }] : [];
    }
    const answer = alorAnswerSchema.safeParse(frame);
    if (!answer.success) return [];
    const subscription = byGuid.get(answer.data.requestGuid);
    if (!subscription) return [];
    const { httpCode } = answer.data;
    const message = answer.data.message ?? `HTTP ${httpCode}`;
    if (httpCode === 200) {
      subscription.refusedOnce = false;
      return [];
    }
    if (httpCode === 401 && !subscription.refusedOnce && subscription.sentWith) {
      subscription.refusedOnce = true;
      return [{ type: 'resend', key: subscription.key, when: tokens.replace(subscription.sentWith) }];
    }
    const refusal = refusals[httpCode] ?? ((text: string, id: string) => new UpstreamRejectedError(`ALOR refused the subscription (${httpCode}): ${text}`, { connection: id }));
    return [{ type: 'refused', key: subscription.key, error: refusal(message, connection) }];
  }

  return new SocketFeed(protocol, options);
}

/** The event of one data frame (`{"data": …, "guid": …}`'s data) of a book or quotes subscription; undefined for a quote without a last price. */
export function alorDataEvent(subscription: Pick<Subscription, 'kind' | 'address' | 'depth'>, data: unknown): TopicEvent | undefined {
  return subscription.kind === 'orderbook' ? orderbookEvent(subscription, data) : priceEvent(subscription, data);
}

function orderbookEvent(subscription: Pick<Subscription, 'address' | 'depth'>, data: unknown): TopicEvent {
  const book = mapAlorOrderbook(orderbookResponseSchema.parse(data), subscription.address, subscription.depth, new Date().toISOString());
  return { kind: 'orderbook', book, depth: subscription.depth };
}

function priceEvent(subscription: Pick<Subscription, 'address'>, data: unknown): TopicEvent | undefined {
  const quote = quoteSchema.parse(data);
  if (quote.last_price == null) return undefined;
  const asOf = quote.last_price_timestamp == null ? new Date() : new Date(quote.last_price_timestamp * 1000);
  return { kind: 'lastPrice', update: { instrument: alorInstrumentHint(subscription.address), price: quote.last_price, asOf: asOf.toISOString() } };
}


/** ⚠ The simulator closes an 11th socket of a user with 1008; ALOR documents only that it drops it. */
export function alorCloseVerdict(code: number, reason: string, wasLive: boolean, connection: string): CloseVerdict {
  if (code === 1008 && !wasLive) {
    return { reconnect: false, error: new RateLimitedError(`ALOR refused another socket (${reason || code}): the user's 10 are in use, by brokerql or other tools`, { connection, retryable: true }) };
  }
  return { reconnect: true };
}
