import { requireConnection } from '../access.js';
import type { ConnectionModel } from '../brokers/connection.js';
import { instrumentRefFromInput, type InstrumentRefInput } from '../brokers/instrument-input.js';
import type { GatewayContext } from '../context.js';
import type { InstrumentInfo, Orderbook } from '../domain.js';
import { BadUserInputError } from '../errors.js';
import { toInstrumentModel, type InstrumentModel, type LastPriceModel, type OrderbookModel } from '../resolvers/models.js';
import { validateOrderbookDepth } from '../resolvers/shared.js';
import type { Mailbox, StreamPayload } from './client-subscription.js';
import { topicKey, type TopicEvent } from './feed.js';
import type { ClientTopic } from './hub.js';
import { prepareStreamingContext } from './stream-context.js';

/**
 * What `Subscription.orderbook` and `Subscription.lastPrices` do before their first event, in
 * the order that keeps a bad request from reaching a broker: the connection (NOT_FOUND unless
 * the token may use it), the arguments in the broker's grammar (BAD_USER_INPUT), whether the
 * broker streams this at all (NOT_SUPPORTED), the instruments through the loaders and the
 * instrument cache (NOT_FOUND for one the broker does not know), and only then the hub — which
 * refuses with RATE_LIMITED, still before anything is subscribed, when the broker's limits leave
 * no room.
 */

/** One `lastPrices` subscription follows at most this many instruments (one GetLastPrices page of T-Invest's). */
export const maximumInstrumentsPerSubscription = 100;

export async function subscribeOrderbook(
  context: GatewayContext,
  args: { connection: string; instrument: InstrumentRefInput; depth?: number | null | undefined },
): Promise<AsyncIterable<StreamPayload<OrderbookModel>>> {
  const connection = requireConnection(context, args.connection);
  const depth = validateOrderbookDepth(args.depth ?? 10);
  const ref = instrumentRefFromInput(connection, args.instrument);
  context.streams.requireKind(connection, 'orderbook');
  const instrument = await context.loaders.instrument.load({ connection, ref });
  const model = toInstrumentModel(connection, instrument);
  const topic: ClientTopic = { topic: { kind: 'orderbook', key: topicKey('orderbook', instrument.key), instrument, depth }, depth };
  return openClientStream(context, connection, [topic], (event) => {
    if (event.kind !== 'orderbook') throw new TypeError(`an ${event.kind} event on an order book subscription`);
    return presentOnce(event, depth, () => ({ ...cutBook(event.book, depth), instrument: model }));
  });
}

export async function subscribeLastPrices(
  context: GatewayContext,
  args: { connection: string; instruments: InstrumentRefInput[] },
): Promise<AsyncIterable<StreamPayload<LastPriceModel>>> {
  const connection = requireConnection(context, args.connection);
  const count = args.instruments.length;
  if (count < 1 || count > maximumInstrumentsPerSubscription) {
    throw new BadUserInputError(`lastPrices follows 1 to ${maximumInstrumentsPerSubscription} instruments, received ${count}`);
  }
  const refs = args.instruments.map((input) => instrumentRefFromInput(connection, input));
  context.streams.requireKind(connection, 'lastPrice');
  const found = await context.loaders.instrument.loadMany(refs.map((ref) => ({ connection, ref })));
  const failure = found.find((result): result is Error => result instanceof Error);
  if (failure) throw failure;
  const instruments = new Map((found as InstrumentInfo[]).map((instrument) => [instrument.key, instrument]));
  const models = new Map<string, InstrumentModel>([...instruments].map(([key, instrument]) => [key, toInstrumentModel(connection, instrument)]));
  const topics: ClientTopic[] = [...instruments.values()].map((instrument) => ({ topic: { kind: 'lastPrice', key: topicKey('lastPrice', instrument.key), instrument } }));
  return openClientStream(context, connection, topics, (event) => {
    if (event.kind !== 'lastPrice') throw new TypeError(`an ${event.kind} event on a last price subscription`);
    const { update } = event;
    return presentOnce(event, 0, () => ({ instrument: models.get(update.instrument.key) ?? toInstrumentModel(connection, update.instrument), price: update.price, asOf: update.asOf }));
  });
}

/** What a subscription field resolves each event to: the value, or the error that ends the subscription. */
export function resolveStreamPayload<Value>(payload: StreamPayload<Value>): Value {
  if ('error' in payload) throw payload.error;
  payload.beginEvent();
  return payload.value;
}

/** Opens a client's subscription on the hub (account subscriptions too: account-subscriptions.ts); `mailbox`: conflating unless given. */
export function openClientStream<Value>(context: GatewayContext, connection: ConnectionModel, topics: ClientTopic[], present: (event: TopicEvent) => Value, mailbox?: Mailbox) {
  // The request's own signal: aborted when the client goes away, never by the request timeout.
  const signal = context.request.signal;
  const beginEvent = prepareStreamingContext(context, signal);
  return context.streams.open({ connection, topics, tokenId: context.viewer.tokenId, signal, present, beginEvent, mailbox });
}

const presentations = new WeakMap<TopicEvent, Map<number, unknown>>();

/**
 * What clients are answered with for one event (at one depth) is made once, and every client
 * of the event gets the same value: the fan-out (plugins/use-stream-fan-out.ts) executes a
 * document once per value.
 */
export function presentOnce<Value>(event: TopicEvent, depth: number, make: () => Value): Value {
  let byDepth = presentations.get(event);
  if (!byDepth) presentations.set(event, (byDepth = new Map()));
  if (!byDepth.has(depth)) byDepth.set(depth, make());
  return byDepth.get(depth) as Value;
}

const cuts = new WeakMap<Orderbook, Map<number, Orderbook>>();

/**
 * The top `depth` levels of a book, made once per book and depth however many clients ask: one
 * upstream book feeds every client of it, most of whom want the same depth.
 */
export function cutBook(book: Orderbook, depth: number): Orderbook {
  if (book.bids.length <= depth && book.asks.length <= depth) return book;
  let byDepth = cuts.get(book);
  if (!byDepth) cuts.set(book, (byDepth = new Map()));
  let cut = byDepth.get(depth);
  if (!cut) byDepth.set(depth, (cut = { ...book, bids: book.bids.slice(0, depth), asks: book.asks.slice(0, depth) }));
  return cut;
}
