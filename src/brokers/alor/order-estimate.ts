import { LosslessNumber, stringify } from 'lossless-json';
import { isPlainDecimal } from '../../decimal.js';
import { InternalError } from '../../errors.js';
import type { OrderCalculation, PreviewOrderParams } from '../adapter.js';
import type { AlorClient } from './client.js';
import type { AlorExchange, AlorPortfolio } from './identifiers.js';
import { alorAddressOfKey } from './instrument-ref.js';
import type { AlorPaths } from './paths.js';
import { alorRoutes } from './routes.js';
import { settlementCurrency } from './settlement-currency.js';
import { estimateResponseSchema } from './wire.js';

/**
 * ALOR's own calculation of an order (POST …/orders/estimate, SPEC `object_EstimateOrder`):
 *   → {"portfolio":"D39004","ticker":"SBER","exchange":"MOEX","price":142.52,"lotQuantity":1,"includeLimitOrders":true}
 *   ← {"portfolio":"D39004","ticker":"SBER","exchange":"MOEX","board":"TQBR","quantityToSell":45,"quantityToBuy":67,
 *      "notMarginQuantityToSell":0,"notMarginQuantityToBuy":32,"orderEvaluation":11080,"commission":5.54,…}
 * `orderEvaluation` is what the order costs before commission — a bond's accrued interest
 * included, which ALOR does not show apart, so it is part of the amount here. Working orders'
 * reservations are counted (`includeLimitOrders`), as they are when the order is placed. One call
 * answers the lots too, so they come whether asked or not.
 */
export async function estimateAlorOrder(
  client: AlorClient,
  paths: AlorPaths,
  exchange: AlorExchange,
  portfolio: AlorPortfolio,
  params: PreviewOrderParams,
): Promise<OrderCalculation> {
  const instrument = alorAddressOfKey(params.instrument.key, exchange, client.connection);
  if (!isPlainDecimal(params.price)) throw new InternalError(`an estimate needs a plain decimal price, received ${params.price.slice(0, 40)}`);
  const body = stringify({
    portfolio,
    ticker: instrument.symbol,
    exchange: instrument.exchange,
    price: new LosslessNumber(params.price),
    lotQuantity: new LosslessNumber(String(params.lots)),
    includeLimitOrders: true,
  });
  const response = await client.send({
    method: 'POST',
    path: paths.estimate(),
    headers: { 'content-type': 'application/json' },
    body,
    route: alorRoutes.estimate,
    signal: params.signal,
    // A calculation changes nothing: repeating it is harmless.
    retryable: true,
  });
  const estimate = client.read(response, estimateResponseSchema, alorRoutes.estimate, `instrument ${params.instrument.key}`);
  const currency = params.instrument.currency ?? settlementCurrency(instrument.exchange);
  if (currency === null) throw new InternalError(`ALOR's estimate for ${params.instrument.key} names no currency`);
  return {
    currency,
    amount: estimate.orderEvaluation,
    commission: estimate.commission ?? null,
    accruedInterest: null,
    initialMargin: null,
    maxLots: {
      buy: estimate.notMarginQuantityToBuy ?? null,
      buyWithMargin: estimate.quantityToBuy ?? null,
      sell: estimate.notMarginQuantityToSell ?? null,
      sellWithMargin: estimate.quantityToSell ?? null,
    },
  };
}
