import Big from 'big.js';
import type { SimulatorResponse } from '../common/server.js';

/**
 * How ALOR writes values on the wire (Simple format), from the simulator's side, and the
 * rejection bodies its commandapi sends.
 */

/** `2023-12-11T07:02:48.0000000Z`: ALOR's UTC timestamps carry 7 fractional digits (.NET ticks). */
export function alorTime(milliseconds: number): string {
  return new Date(milliseconds).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

/** A day order expires at the end of its trading day: `…T23:59:59.9990000Z`. */
export function endOfDay(milliseconds: number): string {
  return `${new Date(milliseconds).toISOString().slice(0, 10)}T23:59:59.9990000Z`;
}

/**
 * A decimal computed exactly with big.js, sent as a JSON number (ALOR's Simple format has no
 * string decimals). `Number` of the exact decimal text is the double whose shortest form is that
 * same text, so `306.455` goes out as `306.455`, never `306.45500000000004`.
 */
export function decimal(value: Big.BigSource): number {
  return Number(new Big(value).toFixed());
}

export interface AlorErrorBody {
  code?: string;
  message: string;
}

/** A refusal with ALOR's status and body; handlers throw it, the route wrapper answers it. */
export class AlorRejection extends Error {
  constructor(
    readonly status: number,
    readonly body?: unknown,
  ) {
    super(typeof body === 'object' && body !== null && 'message' in body ? String(body.message) : `HTTP ${status}`);
  }

  toResponse(): SimulatorResponse {
    return this.body === undefined ? { status: this.status } : { status: this.status, body: this.body };
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
