import { z } from 'zod';
import { moneyValueSchema, orderbookLevelSchema, quotationSchema } from '../wire.js';

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

// {"position":{"accountId":"2000345678","money":[{"availableValue":{"currency":"rub","units":"48700","nano":0},
//  "blockedValue":{"currency":"rub","units":"0","nano":0}}],"securities":[…],"date":"2024-05-02T07:15:01.152Z"}}
/** PositionsStream's `position`: only the money is read (securities come whole from PortfolioStream). */
export const streamPositionSchema = z.object({
  accountId: z.string(),
  money: z
    .array(z.object({ availableValue: moneyValueSchema.optional(), blockedValue: moneyValueSchema.optional() }))
    .default([]),
  date: z.string().optional(),
});

// {"orderState":{"orderId":"52219000001","orderRequestId":"8c1f…","executionReportStatus":"EXECUTION_REPORT_STATUS_FILL",
//  "ticker":"SBER","classCode":"TQBR","lotSize":10,"direction":"ORDER_DIRECTION_BUY","orderType":"ORDER_TYPE_MARKET",
//  "accountId":"2000345678","orderPrice":{"currency":"rub","units":"281","nano":550000000},
//  "executedOrderPrice":{"currency":"rub","units":"2815","nano":500000000},"lotsRequested":"1","lotsExecuted":"1",
//  "trades":[{"dateTime":"…","price":{"units":"281","nano":550000000},"quantity":"10","tradeId":"T1"}],
//  "createdAt":"…","completionTime":"…","instrumentUid":"e6123145-…"}}
/** OrderStateStream's `orderState`, reduced to what an order event needs. It names the instrument by uid and ticker; there is no FIGI. */
export const streamOrderStateSchema = z.object({
  orderId: z.string(),
  orderRequestId: z.string().default(''),
  executionReportStatus: z.string().default('EXECUTION_REPORT_STATUS_UNSPECIFIED'),
  ticker: z.string().default(''),
  classCode: z.string().default(''),
  lotSize: z.union([z.string(), z.number()]).transform(Number).default(0),
  direction: z.string().default('ORDER_DIRECTION_UNSPECIFIED'),
  orderType: z.string().default('ORDER_TYPE_UNSPECIFIED'),
  accountId: z.string(),
  orderPrice: moneyValueSchema.optional(),
  executedOrderPrice: moneyValueSchema.optional(),
  lotsRequested: z.string().default('0'),
  lotsExecuted: z.string().default('0'),
  trades: z.array(z.object({ dateTime: z.string().optional(), price: quotationSchema, quantity: z.string(), tradeId: z.string().default('') })).default([]),
  createdAt: z.string().optional(),
  completionTime: z.string().optional(),
  instrumentUid: z.string().default(''),
});
export type StreamOrderState = z.output<typeof streamOrderStateSchema>;
