import { compareDecimals, divideDecimals, isZeroDecimal } from '../../decimal.js';
import type { Order } from '../../domain.js';
import { NotFoundError } from '../../errors.js';
import type { TinkoffV1Client } from './client.js';
import { operationsPayloadSchema } from './wire.js';

/**
 * How a Tinkoff v1 order ended, for live accounts (an order that left `/orders` between two
 * polls). v1 lists only active orders, but an order's operation carries its id (outside the
 * sandbox) and what it executed: `quantityExecuted` units at an average `price`, `Done` once
 * over or `Decline` when nothing executed. The operation names neither the order's type nor its
 * limit, so the answer is `known` — the order as brokerql last listed it — with the end applied.
 */

/** How far back the order's operation is looked for: an order outlives its session rarely. */
const lookBackMilliseconds = 7 * 86_400_000;

// GET /operations?from=…&to=…&figi=…&brokerAccountId=… → one operation of an order:
// {"id":"22901351102","status":"Done","operationType":"Buy","figi":"BBG004730N88","quantity":20,
//  "quantityExecuted":20,"price":281.99,"payment":-5639.8,"currency":"RUB","date":"2024-05-02T10:15:01+03:00"}
export async function readTinkoffV1OrderEnd(
  client: TinkoffV1Client,
  connection: string,
  request: { brokerAccountId: string; orderId: string; known: Order | undefined; signal?: AbortSignal | undefined },
): Promise<Order> {
  const { brokerAccountId, orderId, known, signal } = request;
  if (!known) throw new NotFoundError(`Tinkoff OpenAPI v1 tells of a finished order only by its operation; order ${orderId} was never listed to brokerql`, { connection });
  const now = Date.now();
  const query = {
    from: new Date(now - lookBackMilliseconds).toISOString(),
    to: new Date(now + 60_000).toISOString(),
    figi: known.instrument.figi ?? known.instrument.key,
    brokerAccountId,
  };
  const { operations } = await client.call({ method: 'GET', path: '/operations', query, payload: operationsPayloadSchema, signal });
  const operation = operations.find((candidate) => candidate.id === orderId);
  if (!operation) throw new NotFoundError(`Tinkoff OpenAPI v1 has no operation of order ${orderId}`, { connection });
  if (operation.status === 'Progress' || !operation.quantity || isZeroDecimal(known.requestedLots)) return known;
  const lotSize = divideDecimals(operation.quantity, known.requestedLots);
  const executedLots = operation.quantityExecuted === undefined ? known.executedLots : divideDecimals(operation.quantityExecuted, lotSize);
  const filled = operation.status === 'Done' && compareDecimals(executedLots, known.requestedLots) >= 0;
  return {
    ...known,
    status: filled ? 'FILLED' : 'CANCELLED',
    executedLots,
    averageFillPrice: isZeroDecimal(executedLots) ? null : (operation.price ?? null),
  };
}
