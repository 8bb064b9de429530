import { isPlainDecimal, normalizeDecimal, type Decimal } from '../../decimal.js';
import type { OrderSide } from '../../domain.js';

/**
 * The bodies of POST /orders/limit-order `{lots, operation, price}` and /orders/market-order
 * `{lots, operation}`. v1 wants `price` as a JSON number; JSON.stringify would need a JS
 * number and could turn 270.05 into 270.05000000000001-like text on the way, so the exact
 * decimal text is written into the JSON by hand: `{"lots":1,"operation":"Buy","price":270.05}`.
 */

function lotsText(lots: number): string {
  if (!Number.isSafeInteger(lots) || lots < 1) throw new TypeError(`lots must be a positive whole number, received ${lots}`);
  return String(lots);
}

function operationText(side: OrderSide): string {
  return side === 'BUY' ? '"Buy"' : '"Sell"';
}

export function marketOrderBody(lots: number, side: OrderSide): string {
  return `{"lots":${lotsText(lots)},"operation":${operationText(side)}}`;
}

export function limitOrderBody(lots: number, side: OrderSide, price: Decimal): string {
  // Only plain digits reach the body: nothing else can be spliced into the JSON text.
  if (!isPlainDecimal(price)) throw new TypeError(`price must be a plain decimal, received ${price.slice(0, 40)}`);
  return `{"lots":${lotsText(lots)},"operation":${operationText(side)},"price":${normalizeDecimal(price)}}`;
}
