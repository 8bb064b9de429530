import type { SimulatorResponse } from '../common/http.js';
import { BrokerRefusal } from '../common/routes.js';
import { newTrackingId, responseHeaders, toWireJson } from './wire.js';

/**
 * How Tinkoff OpenAPI v1 refuses: every business error as HTTP 500 with an error envelope
 * (codes and messages seen in the wild, ../shared/brokers/tinkoff.md §2.4), 401 and 429 with
 * no body at all, and nginx's HTML pages when the API behind it was down.
 */

function errorEnvelope(error: { code: string; message: string }): string {
  return toWireJson({ trackingId: newTrackingId(), payload: { message: error.message, code: error.code }, status: 'Error' }, false);
}

/** A business error: HTTP 500 with the error envelope (v1 answers every such failure with 500). */
export class TinkoffV1ApiError extends BrokerRefusal {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super({ status: 500, body: errorEnvelope({ code, message }), contentType: 'application/json', headers: responseHeaders }, message);
  }
}

/** The codes and messages real v1 servers sent (../shared/brokers/tinkoff.md §2.4). */
export const tinkoffV1Errors = {
  internal: () => new TinkoffV1ApiError('INTERNAL_ERROR', 'INTERNAL_ERROR'),
  invalidTokenScopes: () => new TinkoffV1ApiError('GATEWAY_REQUEST_DATA_ERROR', 'Invalid token scopes'),
  unknownAccount: () => new TinkoffV1ApiError('GATEWAY_REQUEST_DATA_ERROR', 'Unknown account'),
  /** /portfolio/currencies reports a bad account differently from every other method. */
  invalidAccount: () => new TinkoffV1ApiError('REQUEST_DATA_ERROR', 'Invalid account'),
  sandboxAccountMissing: (type: string) => new TinkoffV1ApiError('USER_ERROR', `Broker account not found for type=${type}`),
  securityNotFound: (id: string) => new TinkoffV1ApiError('INSTRUMENT_ERROR', `Cannot find security by id ${id}`),
  marketInstrumentNotFound: () => new TinkoffV1ApiError('NOT_FOUND', 'Cannot find market instrument by figi'),
  orderNotFound: (orderId: string) => new TinkoffV1ApiError('ORDER_ERROR', `Cannot find order by id ${orderId}`),
  notEnoughBalance: (security: string) =>
    new TinkoffV1ApiError('NOT_ENOUGH_BALANCE', `Cannot process request, not enough balance on security=${security}`),
  /** Parameter validation: `[field]: text`. */
  validation: (field: string, text: string) => new TinkoffV1ApiError('VALIDATION_ERROR', `[${field}]: ${text}`),
  instrumentNotFound: (figi: string) => new TinkoffV1ApiError('VALIDATION_ERROR', `[figi]: Instrument not found by figi=${figi}`),
} as const;

/** The text an exchange rejection carries (io#452): the price is outside the day's band. */
export const priceOutsideLimitsMessage = 'Цена вне лимитов по инструменту';
/** Not sourced: the simulator's own wording for an order on an instrument that is not trading. */
export const notTradingMessage = 'Инструмент недоступен для торгов';

const nginxTitles: Record<number, string> = {
  403: '403 Forbidden',
  404: '404 Not Found',
  502: '502 Bad Gateway',
  503: '503 Service Temporarily Unavailable',
  504: '504 Gateway Time-out',
};

/** The HTML nginx (in front of the v1 API) answered with during outages (io#40, io#315). */
function nginxPage(status: number): string | undefined {
  const title = nginxTitles[status];
  if (!title) return undefined;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

/** v1's answer for an error status (faults, unmatched requests). */
export function tinkoffV1ErrorResponse(status: number): SimulatorResponse {
  if (status === 500) return tinkoffV1Errors.internal().response;
  const page = nginxPage(status);
  if (page) return { status, body: page, contentType: 'text/html', headers: { server: 'nginx' } };
  // 401, 429 and the rest: no body at all, as the SDKs found.
  return { status, headers: responseHeaders };
}
