import Big from 'big.js';

/**
 * How T-Invest writes numbers on the wire, from the simulator's side: Quotation
 * `{units: int64-as-string, nano: int32}` with the sign on both parts, and MoneyValue adding a
 * lower-case currency, as production sends it.
 */
export interface WireQuotation {
  units: string;
  nano: number;
}

export interface WireMoneyValue extends WireQuotation {
  currency: string;
}

export function quotation(value: string): WireQuotation {
  const amount = new Big(value);
  const negative = amount.lt(0);
  const absolute = amount.abs();
  const whole = absolute.round(0, Big.roundDown);
  const nano = Number(absolute.minus(whole).times(1_000_000_000).toFixed(0));
  if (!negative) return { units: whole.toFixed(0), nano };
  // −0.01 is {"units":"-0","nano":-10000000}: the sign travels on both parts, even a zero one.
  return { units: whole.eq(0) ? '-0' : `-${whole.toFixed(0)}`, nano: nano === 0 ? 0 : -nano };
}

export function moneyValue(value: string, currency: string): WireMoneyValue {
  return { currency: currency.toLowerCase(), ...quotation(value) };
}

/** Reads a Quotation the client sent (PostOrder price). */
export function readQuotation(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { units, nano } = value as { units?: unknown; nano?: unknown };
  const unitsText = units === undefined ? '0' : String(units);
  const nanoNumber = nano === undefined ? 0 : Number(nano);
  if (!/^-?\d+$/.test(unitsText) || !Number.isInteger(nanoNumber) || Math.abs(nanoNumber) > 999_999_999) return undefined;
  return new Big(unitsText).plus(new Big(nanoNumber).div(1_000_000_000)).toFixed();
}

/** T-Invest error bodies (tinvest-v2/api_errors.json): gRPC code, message, API error number. */
export const tinkoffErrors = {
  invalidOrderId: { status: 400, grpc: 3, number: 30028, message: '`order id` has invalid UUID format' },
  missingAccountId: { status: 400, grpc: 3, number: 30021, message: 'Missing parameter: `account_id`' },
  missingInstrument: { status: 400, grpc: 3, number: 30093, message: 'Missing parameter: `figi` or `instrument_id`' },
  invalidIdType: { status: 400, grpc: 3, number: 30005, message: '`id_type` is invalid' },
  classCodeRequired: { status: 400, grpc: 3, number: 30013, message: '`class_code` require for `id_type` = `ticker`' },
  invalidDepth: { status: 400, grpc: 3, number: 30032, message: '`depth` is invalid' },
  missingPrice: { status: 400, grpc: 3, number: 30017, message: 'Missing parameter: `price`' },
  invalidPrice: { status: 400, grpc: 3, number: 30018, message: '`price` is invalid' },
  missingId: { status: 400, grpc: 3, number: 30007, message: 'Missing parameter: `id`' },
  invalidQuantity: { status: 400, grpc: 3, number: 30016, message: '`quantity` is invalid' },
  missingDirection: { status: 400, grpc: 3, number: 30019, message: 'Missing parameter: `direction`' },
  missingOrderId: { status: 400, grpc: 3, number: 30027, message: 'Missing parameter: `order_id`' },
  invalidOrderType: { status: 400, grpc: 3, number: 30026, message: 'Invalid parameter: `order_type`' },
  notEnoughBalance: { status: 400, grpc: 3, number: 30034, message: 'Not enough balance' },
  duplicateWithoutReport: { status: 400, grpc: 3, number: 30057, message: 'The order is a duplicate, but the order report was not found' },
  priceIncrement: { status: 400, grpc: 3, number: 30078, message: 'Incorrect minimum price increment' },
  notTradable: { status: 400, grpc: 3, number: 30079, message: 'Instrument is not available for trading' },
  outsideLimits: { status: 400, grpc: 3, number: 30099, message: 'The price is outside the limits for this instrument' },
  pricePositive: { status: 400, grpc: 3, number: 30100, message: 'The price must be positive' },
  invalidLimit: { status: 400, grpc: 3, number: 30069, message: 'Invalid parameter: `limit`' },
  unauthenticated: { status: 401, grpc: 16, number: 40003, message: 'Authentication token is missing or invalid' },
  insufficientPrivileges: { status: 403, grpc: 7, number: 40002, message: 'Insufficient privileges' },
  ordersNotAvailable: { status: 403, grpc: 7, number: 40004, message: 'Working with orders is not available with this account' },
  instrumentNotFound: { status: 404, grpc: 5, number: 50002, message: 'Instrument not found' },
  accountNotFound: { status: 404, grpc: 5, number: 50004, message: 'Account not found' },
  orderNotFound: { status: 404, grpc: 5, number: 50005, message: 'Order not found' },
  requestLimit: { status: 429, grpc: 8, number: 80002, message: 'Request limit exceeded' },
  internal: { status: 500, grpc: 13, number: 70001, message: 'Internal error' },
  unavailable: { status: 503, grpc: 14, number: 70003, message: 'Internal error, please try again later' },
} as const;

export type TinkoffErrorName = keyof typeof tinkoffErrors;

export class TinkoffApiError extends Error {
  constructor(readonly error: (typeof tinkoffErrors)[TinkoffErrorName]) {
    super(error.message);
  }
}

export function errorBody(error: (typeof tinkoffErrors)[TinkoffErrorName]) {
  return { code: error.grpc, message: error.message, description: error.number };
}
