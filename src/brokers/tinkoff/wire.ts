import { z } from 'zod';

/**
 * T-Invest API v2 REST bodies, reduced to the fields brokerql maps (unknown fields are
 * dropped). Source: ../shared/brokers/tinvest-v2/openapi.yaml. int64 values arrive as JSON
 * strings; proto3 may omit zero values, so numeric parts default to zero. Bodies are read with
 * `parseJsonExact`, so every JSON number arrives as its text; a number is accepted too
 * (fixtures written as objects).
 */

const int64 = z.union([z.string().regex(/^-?\d+$/), z.number().int()]).transform(String);
/**
 * An int32 such as `nano` or `lot`: the exact parser's text of a whole number (every price of a
 * 1,000-operation page passes here, so one transform checks and converts), or a number.
 */
const int32 = z.union([z.string(), z.number()]).transform((value, context): number => {
  const number = typeof value === 'number' ? value : /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number)) {
    context.issues.push({ code: 'custom', message: 'expected a whole number', input: value });
    return z.NEVER;
  }
  return number;
});

export const quotationSchema = z.object({
  units: int64.default('0'),
  nano: int32.pipe(z.number().min(-999_999_999).max(999_999_999)).default(0),
});
export type Quotation = z.output<typeof quotationSchema>;

export const moneyValueSchema = quotationSchema.extend({ currency: z.string().default('') });
export type MoneyValue = z.output<typeof moneyValueSchema>;

/** How a row names its instrument; proto3 leaves out empty strings, so each defaults to ''. */
const instrumentNaming = {
  figi: z.string().default(''),
  instrumentUid: z.string().default(''),
  ticker: z.string().default(''),
  classCode: z.string().default(''),
};

export const accountsResponseSchema = z.object({
  accounts: z
    .array(
      z.object({
        id: z.string(),
        type: z.string().default('ACCOUNT_TYPE_UNSPECIFIED'),
        name: z.string().default(''),
        status: z.string().default('ACCOUNT_STATUS_UNSPECIFIED'),
        accessLevel: z.string().default('ACCOUNT_ACCESS_LEVEL_UNSPECIFIED'),
        openedDate: z.string().optional(),
      }),
    )
    .default([]),
});

export const portfolioResponseSchema = z.object({
  positions: z
    .array(
      z.object({
        figi: z.string().default(''),
        instrumentUid: z.string().default(''),
        instrumentType: z.string().default(''),
        ticker: z.string().default(''),
        classCode: z.string().default(''),
        quantity: quotationSchema.default({ units: '0', nano: 0 }),
        quantityLots: quotationSchema.optional(),
        averagePositionPrice: moneyValueSchema.optional(),
        currentPrice: moneyValueSchema.optional(),
        expectedYield: quotationSchema.optional(),
      }),
    )
    .default([]),
  totalAmountPortfolio: moneyValueSchema.optional(),
});
export type PortfolioPosition = z.output<typeof portfolioResponseSchema>['positions'][number];

export const positionsResponseSchema = z.object({
  money: z.array(moneyValueSchema).default([]),
  blocked: z.array(moneyValueSchema).default([]),
});

export const instrumentSchema = z.object({
  figi: z.string().default(''),
  uid: z.string().default(''),
  ticker: z.string().default(''),
  classCode: z.string().default(''),
  name: z.string().default(''),
  instrumentType: z.string().default(''),
  currency: z.string().default(''),
  lot: int32.default(0),
  minPriceIncrement: quotationSchema.optional(),
});
export type WireInstrument = z.output<typeof instrumentSchema>;

export const instrumentResponseSchema = z.object({ instrument: instrumentSchema });

export const orderbookLevelSchema = z.object({ price: quotationSchema, quantity: int64 });

export const orderBookResponseSchema = z.object({
  ...instrumentNaming,
  bids: z.array(orderbookLevelSchema).default([]),
  asks: z.array(orderbookLevelSchema).default([]),
  lastPrice: quotationSchema.optional(),
  orderbookTs: z.string().optional(),
});

export const orderStateSchema = z.object({
  orderId: z.string(),
  executionReportStatus: z.string().default('EXECUTION_REPORT_STATUS_UNSPECIFIED'),
  lotsRequested: int64.default('0'),
  lotsExecuted: int64.default('0'),
  initialSecurityPrice: moneyValueSchema.optional(),
  /** The whole executed amount (OrderState: "average price × quantity"); see map-tinkoff-order. */
  executedOrderPrice: moneyValueSchema.optional(),
  /** Average price per unit of the fills; OrderState only, PostOrder's answer has none. */
  averagePositionPrice: moneyValueSchema.optional(),
  ...instrumentNaming,
  direction: z.string().default('ORDER_DIRECTION_UNSPECIFIED'),
  orderType: z.string().default('ORDER_TYPE_UNSPECIFIED'),
  orderDate: z.string().optional(),
  message: z.string().optional(),
});
export type OrderState = z.output<typeof orderStateSchema>;

export const ordersResponseSchema = z.object({ orders: z.array(orderStateSchema).default([]) });

export const cancelOrderResponseSchema = z.object({ time: z.string().optional() });

export const operationItemSchema = z.object({
  /** Where a page that continues after this row starts (what `nextCursor` is for the last row). */
  cursor: z.string().default(''),
  id: z.string().default(''),
  /** A fee's trade; may change when the trade's id does (operations.proto). */
  parentOperationId: z.string().default(''),
  date: z.string(),
  type: z.string().default('OPERATION_TYPE_UNSPECIFIED'),
  state: z.string().default('OPERATION_STATE_UNSPECIFIED'),
  ...instrumentNaming,
  instrumentType: z.string().default(''),
  payment: moneyValueSchema.optional(),
  price: moneyValueSchema.optional(),
  commission: moneyValueSchema.optional(),
  quantity: int64.default('0'),
  quantityDone: int64.optional(),
});
export type OperationItem = z.output<typeof operationItemSchema>;

export const operationsByCursorResponseSchema = z.object({
  hasNext: z.boolean().default(false),
  nextCursor: z.string().default(''),
  items: z.array(operationItemSchema).default([]),
});

/** Every non-2xx body: `{"code":3,"message":"interval is invalid","description":30011}`. */
export const errorBodySchema = z.object({
  message: z.string().optional(),
  description: z.union([z.number(), z.string()]).transform(String).optional(),
});

export const lastPricesResponseSchema = z.object({
  lastPrices: z
    .array(z.object({ figi: z.string().default(''), instrumentUid: z.string().default(''), price: quotationSchema.optional() }))
    .default([]),
});

export type WireAccount = z.output<typeof accountsResponseSchema>['accounts'][number];

/** GetOrderPrice: the amounts brokerql maps (openapi.yaml `v1GetOrderPriceResponse`). */
export const orderPriceResponseSchema = z.object({
  initialOrderAmount: moneyValueSchema,
  executedCommission: moneyValueSchema.optional(),
  extraBond: z.object({ aciValue: moneyValueSchema.optional() }).optional(),
  extraFuture: z.object({ initialMargin: moneyValueSchema.optional() }).optional(),
});

const buyLimitsSchema = z.object({ buyMaxLots: int64.default('0') }).default({ buyMaxLots: '0' });
const sellLimitsSchema = z.object({ sellMaxLots: int64.default('0') }).default({ sellMaxLots: '0' });

/** GetMaxLots (`v1GetMaxLotsResponse`): lots only; proto3 leaves out a zero, so each defaults to 0. */
export const maxLotsResponseSchema = z.object({
  buyLimits: buyLimitsSchema,
  buyMarginLimits: buyLimitsSchema,
  sellLimits: sellLimitsSchema,
  sellMarginLimits: sellLimitsSchema,
});

// MarketDataService/GetCandles (marketdata.proto HistoricCandle): prices per unit, volume in lots.
export const candlesResponseSchema = z.object({
  candles: z
    .array(
      z.object({
        open: quotationSchema,
        high: quotationSchema,
        low: quotationSchema,
        close: quotationSchema,
        volume: int64.default('0'),
        time: z.string().refine((text) => !Number.isNaN(Date.parse(text)), 'expected a date-time'),
        isComplete: z.boolean().default(false),
      }),
    )
    .default([]),
});
export type WireCandle = z.output<typeof candlesResponseSchema>['candles'][number];
