import { LosslessNumber, stringify } from 'lossless-json';
import { v5 as uuidV5 } from 'uuid';
import { isPlainDecimal } from '../../decimal.js';
import type { OrderSide, OrderType } from '../../domain.js';
import { InternalError } from '../../errors.js';
import type { AlorPortfolio } from './identifiers.js';
import type { AlorInstrumentAddress } from './instrument-ref.js';

/**
 * ALOR executes an order command once per X-REQID and answers a repeat with a copy of the first
 * answer. A name-based UUID (v5) in brokerql's own namespace maps an idempotency key to the same
 * X-REQID every time, so a retried request cannot place a second order; the gateway passes a
 * random key when the client gave none, and then the X-REQID is random too.
 */
const requestIdNamespace = '3f0c2a8e-5d41-4b6f-9e27-c81a7d5b90f4';
export function alorRequestId(idempotencyKey: string): string {
  return uuidV5(idempotencyKey, requestIdNamespace);
}

export interface OrderCommand {
  portfolio: AlorPortfolio;
  instrument: AlorInstrumentAddress;
  side: OrderSide;
  type: OrderType;
  lots: number;
  price: string | null;
}

/**
 * The body of POST …/actions/limit|market (SPEC `OrdersActionsLimitTVPost`, `OrdersActionsMarketTV`):
 *   {"side":"buy","quantity":1,"price":142.52,"instrument":{"symbol":"SBER","exchange":"MOEX"},
 *    "user":{"portfolio":"D39004"},"timeInForce":"oneday"}
 * The price is written from its decimal text as a JSON number, never through a float.
 * `allowMargin` must be true for every derivatives (75…) order; elsewhere it is left to ALOR's
 * default (false), so brokerql never opens an uncovered position the client did not ask for.
 */
export function orderCommandBody(command: OrderCommand): string {
  const body: Record<string, unknown> = {
    side: command.side === 'BUY' ? 'buy' : 'sell',
    quantity: new LosslessNumber(String(command.lots)),
  };
  if (command.type === 'LIMIT') {
    if (command.price === null || !isPlainDecimal(command.price)) {
      throw new InternalError(`a LIMIT order needs a plain decimal price, received ${String(command.price).slice(0, 40)}`);
    }
    body['price'] = new LosslessNumber(command.price);
  }
  body['instrument'] = { symbol: command.instrument.symbol, exchange: command.instrument.exchange };
  body['user'] = { portfolio: command.portfolio };
  body['timeInForce'] = 'oneday';
  if (command.portfolio.startsWith('75')) body['allowMargin'] = true;
  const text = stringify(body);
  if (text === undefined) throw new InternalError('could not write the ALOR order body');
  return text;
}
