import Big from 'big.js';
import { isLosslessNumber, parse } from 'lossless-json';
import type { OrderRequest, TimeInForce } from './state.js';

/**
 * Reads commandapi order bodies (`OrdersActionsMarketTV`, `OrdersActionsLimitTVPost`):
 *
 *   {"side":"buy","quantity":1,"price":142.52,
 *    "instrument":{"symbol":"SBER","exchange":"MOEX","instrumentGroup":"TQBR"},
 *    "comment":"Первая заявка","user":{"portfolio":"D39004"},"timeInForce":"oneday","allowMargin":false}
 *
 * Numbers are read losslessly, so a price of 24.355 is that decimal and not the nearest double.
 * Anything unreadable yields undefined (ALOR's "can't be properly deserialised" 400). `type` and
 * `allowMargin` are accepted and ignored: the path says the type, and the seeded accounts are not
 * margin accounts either way. Enum values compare case-insensitively, as .NET deserialises them.
 */

const timesInForce: readonly TimeInForce[] = ['oneday', 'immediateorcancel', 'fillorkill', 'attheclose', 'goodtillcancelled', 'bookorcancel'];

export function readOrderCommand(text: string, type: 'limit' | 'market'): OrderRequest | undefined {
  let body: unknown;
  try {
    body = parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(body) || !isObject(body['instrument']) || !isObject(body['user'])) return undefined;
  const { instrument, user } = body;

  const side = lowerCase(body['side']);
  const lots = integer(body['quantity']);
  const symbol = instrument['symbol'];
  const exchange = typeof instrument['exchange'] === 'string' ? instrument['exchange'].toUpperCase() : undefined;
  const portfolio = user['portfolio'];
  const timeInForce = body['timeInForce'] === undefined ? 'oneday' : lowerCase(body['timeInForce']);
  const comment = body['comment'] ?? null;
  if (side !== 'buy' && side !== 'sell') return undefined;
  if (lots === undefined || typeof symbol !== 'string' || !symbol || typeof portfolio !== 'string' || !portfolio) return undefined;
  if (exchange !== 'MOEX' && exchange !== 'SPBX') return undefined;
  if (!timesInForce.includes(timeInForce as TimeInForce)) return undefined;
  if (comment !== null && typeof comment !== 'string') return undefined;

  let price: string | undefined;
  if (type === 'limit') {
    price = decimalText(body['price']);
    if (price === undefined) return undefined;
  }
  const icebergFixed = body['icebergFixed'] === undefined || body['icebergFixed'] === null ? undefined : integer(body['icebergFixed']);
  const icebergVariance = body['icebergVariance'] === undefined || body['icebergVariance'] === null ? 0 : integer(body['icebergVariance']);
  if ((body['icebergFixed'] != null && icebergFixed === undefined) || icebergVariance === undefined) return undefined;

  return {
    portfolio,
    exchange,
    symbol,
    side,
    lots,
    type,
    ...(price === undefined ? {} : { price }),
    timeInForce: timeInForce as TimeInForce,
    comment,
    iceberg: type === 'limit' && icebergFixed !== undefined && icebergFixed > 0 ? { fixedLots: icebergFixed, variancePercent: icebergVariance } : null,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isLosslessNumber(value);
}

function lowerCase(value: unknown): string | undefined {
  return typeof value === 'string' ? value.toLowerCase() : undefined;
}

/** A JSON number with no fraction (zero and negatives included: the risk check refuses those). */
function integer(value: unknown): number | undefined {
  if (!isLosslessNumber(value) || !/^-?\d+$/.test(value.value)) return undefined;
  return Number(value.value);
}

function decimalText(value: unknown): string | undefined {
  if (!isLosslessNumber(value)) return undefined;
  try {
    return new Big(value.value).toFixed();
  } catch {
    return undefined;
  }
}
