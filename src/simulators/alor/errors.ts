import { BrokerRefusal } from '../common/routes.js';

/**
 * How ALOR refuses. Statuses it documents without a body (401, 403, 404, 429, 500) have none, so
 * clients must go by the status alone; commandapi's order rejections carry `{code, message}`.
 */

export interface AlorErrorBody {
  code?: string;
  message: string;
}

/** A refusal with ALOR's status and body (none where ALOR documents none); handlers and the state throw it. */
export class AlorRejection extends BrokerRefusal {
  constructor(status: number, body?: unknown) {
    super(
      body === undefined ? { status } : { status, body },
      typeof body === 'object' && body !== null && 'message' in body ? String(body.message) : `HTTP ${status}`,
    );
  }
}

/**
 * Order-command rejections. Codes use ALOR's `Name (number)` form (SPEC shows it for
 * OrderToCancelNotFound; names and numbers from the catalogue in alor.md §12). Messages marked
 * "seen" are real ALOR texts quoted in alor.md; the others are composed in the same style.
 */
export const orderRejections = {
  // seen
  uncoveredCurrency: { code: 'OrderCreatesUncoveredRisk (400)', message: 'Заявка приводит к отрицательной позиции по немаржинальной валюте' },
  // seen
  uncoveredInstrument: { code: 'OrderCreatesUncoveredRisk (400)', message: 'Заявка приводит к отрицательной позиции по инструменту, который недоступен в маржу' },
  // seen
  priceOutsideLimits: { code: 'InternalErrorWithPrices (409)', message: 'Цена заявки за пределами лимита' },
  // composed: the catalogue files "not a multiple of the step" under InternalErrorWithPrices
  priceNotOnStep: { code: 'InternalErrorWithPrices (409)', message: 'Цена заявки не кратна шагу цены инструмента' },
  // composed
  tradingStopped: { code: 'ExchangeTradingIsStopped (306)', message: 'Торги по инструменту остановлены' },
  // composed
  incorrectQuantity: { code: 'ExchangeIncorrectQuantity (304)', message: 'Некорректное количество в заявке' },
  // seen (SPEC)
  orderToCancelNotFound: { code: 'OrderToCancelNotFound (404)', message: 'Order to cancel not found' },
  // seen (SPEC, DELETE …/orders/all)
  ordersToCancelNotFound: { code: 'OrderToCancelNotFound', message: 'Orders to cancel not found' },
  // composed after OrderToCancelNotFound
  orderToModifyNotFound: { code: 'OrderToModifyNotFound (403)', message: 'Order to modify not found' },
} as const satisfies Record<string, AlorErrorBody>;

/** What commandapi answers to a body it cannot read (quoted as an `oldResponse` body in TSZ models). */
export const unreadableBody = {
  message: "Provided json can't be properly deserialised, perhaps you made an error or forgot some field",
} as const;

export const missingRequestId = {
  message: 'Header X-REQID (or the deprecated X-ALOR-REQID) is required: a unique id for every order command',
} as const;

export const duplicateRequestMessage =
  'Request with such X-ALOR-REQID was already handled. We return the response to that request.';
