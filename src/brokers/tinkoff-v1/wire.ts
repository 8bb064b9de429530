import { z } from 'zod';
import { jsonDecimal, jsonInteger } from '../json.js';

/**
 * Tinkoff OpenAPI v1 bodies, reduced to the fields brokerql maps (unknown fields are dropped).
 * Source: ../shared/brokers/tinkoff-v1/swagger.yaml and tinkoff.md. Bodies are read with
 * `parseJsonExact`, so every JSON number arrives as its source text ("1E+4", "60.0") and
 * becomes an exact Decimal string here. Enum values stay plain strings: v1 added values over
 * time, and an unknown one must reach the mappers (which fall back to UNKNOWN/OTHER), not fail
 * the whole body. Optional fields are omitted by the server, never null.
 */

/** `{trackingId, status, payload}`; `status` is "Ok" in production, "OK" in some SDK fixtures. */
export const envelopeSchema = z.object({
  status: z.string(),
  payload: z.unknown(),
});

/** The error envelope's payload: `{"message":"Unknown account","code":"GATEWAY_REQUEST_DATA_ERROR"}`. */
export const errorPayloadSchema = z.object({
  code: z.string().optional(),
  message: z.string().optional(),
});
export type ErrorPayload = z.output<typeof errorPayloadSchema>;

const moneyAmountSchema = z.object({ currency: z.string(), value: jsonDecimal });
export type MoneyAmount = z.output<typeof moneyAmountSchema>;

export const accountsPayloadSchema = z.object({
  accounts: z.array(z.object({ brokerAccountType: z.string(), brokerAccountId: z.string() })),
});

export const portfolioPositionSchema = z.object({
  figi: z.string(),
  ticker: z.string().optional(),
  instrumentType: z.string(),
  /** Instrument units, including those blocked by active sell orders. */
  balance: jsonDecimal,
  lots: jsonDecimal.optional(),
  expectedYield: moneyAmountSchema.optional(),
  averagePositionPrice: moneyAmountSchema.optional(),
  name: z.string().optional(),
});
export type PortfolioPosition = z.output<typeof portfolioPositionSchema>;

export const portfolioPayloadSchema = z.object({ positions: z.array(portfolioPositionSchema) });

export const currencyPositionSchema = z.object({
  currency: z.string(),
  /** The whole balance; `blocked` (held by active orders) is a part of it, not an addition. */
  balance: jsonDecimal,
});
export type CurrencyPosition = z.output<typeof currencyPositionSchema>;

export const currenciesPayloadSchema = z.object({ currencies: z.array(currencyPositionSchema) });

const orderbookLevelSchema = z.object({ price: jsonDecimal, quantity: jsonDecimal });

export const orderbookPayloadSchema = z.object({
  figi: z.string(),
  bids: z.array(orderbookLevelSchema),
  asks: z.array(orderbookLevelSchema),
  lastPrice: jsonDecimal.optional(),
});
export type OrderbookPayload = z.output<typeof orderbookPayloadSchema>;

export const orderSchema = z.object({
  orderId: z.string(),
  figi: z.string(),
  operation: z.string(),
  status: z.string(),
  requestedLots: jsonDecimal,
  executedLots: jsonDecimal,
  type: z.string(),
  price: jsonDecimal.optional(),
});
export type WireOrder = z.output<typeof orderSchema>;

/** GET /orders answers a bare array, not an object. */
export const ordersPayloadSchema = z.array(orderSchema);

/** PlacedLimitOrder and PlacedMarketOrder have the same fields. */
export const placedOrderSchema = z.object({
  orderId: z.string(),
  operation: z.string(),
  status: z.string(),
  rejectReason: z.string().optional(),
  message: z.string().optional(),
  requestedLots: jsonDecimal,
  executedLots: jsonDecimal,
});
export type PlacedOrder = z.output<typeof placedOrderSchema>;

/** `Empty`: the payload of /orders/cancel is `{}`. */
export const emptyPayloadSchema = z.object({});

export const operationSchema = z.object({
  id: z.string(),
  status: z.string(),
  currency: z.string(),
  payment: jsonDecimal,
  date: z.string(),
  commission: moneyAmountSchema.optional(),
  price: jsonDecimal.optional(),
  /** Instrument units asked for. */
  quantity: jsonDecimal.optional(),
  /** Instrument units executed; never sent by the sandbox. */
  quantityExecuted: jsonDecimal.optional(),
  figi: z.string().optional(),
  instrumentType: z.string().optional(),
  operationType: z.string().optional(),
});
export type WireOperation = z.output<typeof operationSchema>;

export const operationsPayloadSchema = z.object({ operations: z.array(operationSchema) });

/** SearchMarketInstrument (by-figi) and MarketInstrument (by-ticker lists) share these fields. */
export const instrumentSchema = z.object({
  figi: z.string(),
  ticker: z.string(),
  lot: jsonInteger,
  name: z.string(),
  type: z.string(),
  minPriceIncrement: jsonDecimal.optional(),
  currency: z.string().optional(),
});
export type WireInstrument = z.output<typeof instrumentSchema>;

export const instrumentListPayloadSchema = z.object({ instruments: z.array(instrumentSchema) });
