import { z } from 'zod';
import { jsonDecimal, jsonInteger } from '../json.js';

/**
 * ALOR OpenAPI v2 bodies (Simple format), reduced to the fields brokerql maps; unknown fields are
 * dropped. Source: ../shared/brokers/alor/WarpOpenAPIv2.yml (`response_*_Simple`). Bodies are read
 * with `parseJsonExact`, so every JSON number arrives as its source text: amounts become exact
 * Decimals, and ids that ALOR sometimes writes as numbers arrive as strings anyway.
 */

const optionalDecimal = jsonDecimal.nullable().optional();
const optionalText = z.string().nullable().optional();
/** An enum-like string; absent or null reads as '' so the mappers' `default` branches decide. */
const enumText = z
  .string()
  .nullish()
  .transform((value) => value ?? '');

/** POST {authUrl}/refresh → `{"AccessToken":"eyJhbGciOiJFUzI1NiIs…"}`. */
export const refreshResponseSchema = z.object({ AccessToken: z.string().min(1) });

/**
 * The access token's payload (plain JSON.parse: no amounts in it). ALOR's sample token carries
 * `portfolios` space-separated, `exp` and `iat` in Unix seconds.
 */
export const accessClaimsSchema = z.object({
  exp: z.number().optional(),
  iat: z.number().optional(),
  portfolios: z.string().default(''),
});
export type AccessClaims = z.output<typeof accessClaimsSchema>;

/** `response_Position_Simple`. */
export const positionSchema = z.object({
  symbol: z.string(),
  exchange: z.string().optional(),
  shortName: optionalText,
  avgPrice: optionalDecimal,
  qtyUnits: jsonDecimal,
  qtyBatch: optionalDecimal,
  lotSize: optionalDecimal,
  currentVolume: optionalDecimal,
  unrealisedPl: optionalDecimal,
  isCurrency: z.boolean().default(false),
});
export type WirePosition = z.output<typeof positionSchema>;
export const positionsResponseSchema = z.array(positionSchema);

/** `response_Summary_Simple`. */
export const summaryResponseSchema = z.object({ portfolioLiquidationValue: optionalDecimal });

/** `response_Security_Simple`. */
export const securitySchema = z.object({
  symbol: z.string(),
  shortname: optionalText,
  description: optionalText,
  exchange: z.string(),
  type: optionalText,
  cfiCode: optionalText,
  lotsize: optionalDecimal,
  minstep: optionalDecimal,
  pricestep: optionalDecimal,
  currency: optionalText,
  ISIN: optionalText,
});
export type WireSecurity = z.output<typeof securitySchema>;

const orderbookLevelSchema = z.object({ price: jsonDecimal, volume: jsonDecimal });

/** `response_OrderBook_Simple`. */
export const orderbookResponseSchema = z.object({
  bids: z.array(orderbookLevelSchema).nullable().default([]),
  asks: z.array(orderbookLevelSchema).nullable().default([]),
  ms_timestamp: jsonInteger.nullable().optional(),
  timestamp: jsonInteger.nullable().optional(),
});
export type WireOrderbook = z.output<typeof orderbookResponseSchema>;

/** `response_Order_Simple`. */
export const orderSchema = z.object({
  id: z.string(),
  symbol: z.string(),
  exchange: z.string(),
  comment: optionalText,
  type: enumText,
  side: enumText,
  status: enumText,
  transTime: optionalText,
  qtyBatch: optionalDecimal,
  qty: optionalDecimal,
  filledQtyBatch: optionalDecimal,
  filled: optionalDecimal,
  price: optionalDecimal,
});
export type WireOrder = z.output<typeof orderSchema>;
export const ordersResponseSchema = z.array(orderSchema);

/** `response_Trade_V2_Simple` (history) and `response_Trade_Simple` (current session): the same row. */
export const tradeSchema = z.object({
  id: z.string(),
  orderno: optionalText,
  symbol: z.string(),
  exchange: z.string(),
  date: z.string(),
  qtyUnits: jsonDecimal,
  qtyBatch: optionalDecimal,
  price: jsonDecimal,
  accruedInt: optionalDecimal,
  side: enumText,
  commission: optionalDecimal,
  volume: optionalDecimal,
});
export type WireTrade = z.output<typeof tradeSchema>;
export const tradesResponseSchema = z.array(tradeSchema);

/** 200 of POST …/actions/limit|market: `{"message":"success","orderNumber":"41423837024"}`. */
export const orderActionResponseSchema = z.object({ message: z.string().optional(), orderNumber: z.string().min(1) });

/**
 * 400 for a repeated X-REQID: the first request's answer, replayed.
 * `{"message":"Request with such X-ALOR-REQID was already handled. …","oldResponse":{"statusCode":200,"body":{…}}}`
 * The old body is an object, or a string when the first answer was an error (ALOR's older models).
 */
export const duplicateRequestSchema = z.object({
  message: z.string().optional(),
  oldResponse: z.object({ statusCode: jsonInteger, body: z.unknown() }),
});

/** Order-command refusals: `{"code":"OrderToCancelNotFound (404)","message":"Order to cancel not found"}`. */
export const errorBodySchema = z.object({
  code: z.string().nullable().optional(),
  message: z.string().nullable().optional(),
});

/** `response_Symbols_Simple` of GET /md/v2/Securities/{symbols}/quotes. */
export const quotesResponseSchema = z.array(
  z.object({
    symbol: z.string(),
    exchange: z.string(),
    last_price: optionalDecimal,
  }),
);

/** POST …/orders/estimate (`response_EstimateOrder`): the amounts and lots brokerql maps. */
export const estimateResponseSchema = z.object({
  orderEvaluation: jsonDecimal,
  commission: optionalDecimal,
  quantityToBuy: optionalDecimal,
  quantityToSell: optionalDecimal,
  notMarginQuantityToBuy: optionalDecimal,
  notMarginQuantityToSell: optionalDecimal,
});
