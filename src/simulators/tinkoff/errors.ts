import type { SimulatorResponse } from '../common/http.js';
import { BrokerRefusal } from '../common/routes.js';

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
  missingFrom: { status: 400, grpc: 3, number: 30001, message: 'Missing parameter: `from`' },
  missingTo: { status: 400, grpc: 3, number: 30004, message: 'Missing parameter: `to`' },
  invalidFrom: { status: 400, grpc: 3, number: 30009, message: '`from` is invalid' },
  invalidTo: { status: 400, grpc: 3, number: 30010, message: '`to` is invalid' },
  invalidInterval: { status: 400, grpc: 3, number: 30011, message: '`interval` is invalid' },
  toBeforeFrom: { status: 400, grpc: 3, number: 30012, message: "`to` can't be less than `from`" },
  candlePeriodTooLong: { status: 400, grpc: 3, number: 30014, message: 'The maximum request period for the given candle interval has been exceeded' },
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
export type TinkoffErrorEntry = (typeof tinkoffErrors)[TinkoffErrorName];

function errorBody(error: TinkoffErrorEntry) {
  return { code: error.grpc, message: error.message, description: error.number };
}

/** A refusal with T-Invest's status and `{code, message, description}` body; handlers and the state throw it. */
export class TinkoffApiError extends BrokerRefusal {
  constructor(readonly error: TinkoffErrorEntry) {
    super({ status: error.status, body: errorBody(error) }, error.message);
  }
}

/** What the REST gateway answers to a body that is not a JSON object (grpc-gateway's InvalidArgument). */
export class UnreadableBodyError extends BrokerRefusal {
  constructor() {
    super({ status: 400, body: { code: 3, message: 'invalid request body', description: 0 } });
  }
}

/** T-Invest's body for an error status (faults, unmatched requests): its own error for the status, else gRPC Unknown. */
export function tinkoffErrorResponse(status: number): SimulatorResponse {
  const known = Object.values(tinkoffErrors).find((error) => error.status === status);
  return known ? { status, body: errorBody(known) } : { status, body: { code: 2, message: 'Unknown', description: 0 } };
}
