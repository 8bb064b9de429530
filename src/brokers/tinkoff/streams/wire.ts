import { z } from 'zod';
import { orderbookLevelSchema, quotationSchema } from '../wire.js';

/**
 * MarketDataStream's messages over T-Invest's WebSocket bridge (streams.md §1.2,
 * tinvest-v2/ws/README.md), reduced to what brokerql maps. The bridge flattens the response's
 * oneof (`{"orderbook": …}`), writes int64 as strings, and omits empty repeated fields: a book
 * without asks has no `asks` key, read here as an empty list. Frames are read with
 * `parseJsonExact`, so numbers arrive as their text.
 */

const depth = z.union([z.string().regex(/^\d+$/), z.number().int()]).transform(Number);

// {"orderbook":{"figi":"BBG004730RP0","depth":10,"isConsistent":true,
//  "bids":[{"price":{"units":"178","nano":970000000},"quantity":"20"}],"asks":[{"price":{"units":"178","nano":980000000},"quantity":"3"}],
//  "time":"2023-05-16T08:54:00.549662Z","limitUp":{…},"limitDown":{…},"instrumentUid":"962e2a95-…","orderBookType":"ORDERBOOK_TYPE_EXCHANGE"}}
export const streamOrderbookSchema = z.object({
  figi: z.string().default(''),
  instrumentUid: z.string().default(''),
  depth,
  bids: z.array(orderbookLevelSchema).default([]),
  asks: z.array(orderbookLevelSchema).default([]),
  time: z.string().optional(),
});
export type StreamOrderbook = z.output<typeof streamOrderbookSchema>;

// {"lastPrice":{"figi":"BBG004730RP0","price":{"units":"178","nano":790000000},"time":"2023-05-16T08:49:31.085056Z","instrumentUid":"962e2a95-…"}}
export const streamLastPriceSchema = z.object({
  figi: z.string().default(''),
  instrumentUid: z.string().default(''),
  price: quotationSchema.optional(),
  time: z.string().optional(),
});

// {"subscribeOrderBookResponse":{"trackingId":"…","orderBookSubscriptions":[{"figi":"BBG004730RP0","depth":10,
//  "subscriptionStatus":"SUBSCRIPTION_STATUS_SUCCESS","instrumentUid":"962e2a95-…","streamId":"…","subscriptionId":"…"}]}}
export const subscriptionStatusSchema = z.object({
  figi: z.string().default(''),
  instrumentUid: z.string().default(''),
  subscriptionStatus: z.string().default('SUBSCRIPTION_STATUS_UNSPECIFIED'),
});
export const orderbookAcknowledgementSchema = z.object({ orderBookSubscriptions: z.array(subscriptionStatusSchema).default([]) });
export const lastPriceAcknowledgementSchema = z.object({ lastPriceSubscriptions: z.array(subscriptionStatusSchema).default([]) });
