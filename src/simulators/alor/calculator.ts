import Big from 'big.js';
import { Reply, type RouteCall } from '../common/routes.js';
import type { AlorCaller } from './auth.js';
import { commissionFor, valueOf } from './data.js';
import { AlorRejection, unreadableBody } from './errors.js';
import { readEstimateRequests, type EstimateRequest } from './requests.js';
import type { AlorSimulatorState } from './state.js';
import { decimal } from './wire.js';

/**
 * ALOR's order estimate (POST …/orders/estimate, …/estimate/all; SPEC `response_EstimateOrder`):
 * what an order of `lotQuantity` lots at `price` is worth — `orderEvaluation`, the volume in
 * roubles plus a bond's accrued interest — and its commission (data.ts's 0.05 %), and how many
 * lots the portfolio's roubles and units cover. The seeded portfolios are not margin accounts:
 * the margin quantities equal the others. `includeLimitOrders` deducts what working orders
 * reserve; `budget` caps the roubles counted and makes `buyPrice` (one lot's price) appear.
 *
 *   {"portfolio":"D39004","ticker":"SBER","exchange":"MOEX","board":"TQBR","quantityToSell":45,"quantityToBuy":67,
 *    "notMarginQuantityToSell":0,"notMarginQuantityToBuy":32,"orderEvaluation":11080,"commission":5.54,"buyPrice":null,"isUnitedPortfolio":false}
 */
/** The route handler: …/estimate answers one estimate, …/estimate/all a list. */
export function estimate(state: AlorSimulatorState, many: boolean) {
  return ({ request, caller }: RouteCall<AlorCaller, undefined>) => {
    const requests = readEstimateRequests(request.body, many);
    if (!requests) return new Reply({ status: 400, body: unreadableBody });
    const answers = requests.map((one) => estimateBody(state, one, caller.portfolios));
    return many ? answers : answers[0];
  };
}

function estimateBody(state: AlorSimulatorState, request: EstimateRequest, portfolios: readonly string[]) {
  if (!portfolios.includes(request.portfolio)) throw new AlorRejection(403);
  const instrument = state.instrument(request.exchange, request.ticker);
  if (!instrument) throw new AlorRejection(404);
  const price = request.price ?? instrument.lastPrice;
  const units = request.lotQuantity * instrument.lotsize;
  const volume = valueOf(instrument, price, units);
  const accruedPerLot = new Big(instrument.accruedInterest).times(instrument.lotsize);

  let money = state.cash(request.portfolio);
  if (request.includeLimitOrders) money = money.minus(state.reservedCash(request.portfolio));
  if (request.budget !== undefined && new Big(request.budget).lt(money)) money = new Big(request.budget);
  const lotVolume = valueOf(instrument, price, instrument.lotsize);
  const lotCost = lotVolume.plus(accruedPerLot).plus(commissionFor(lotVolume));
  const toBuy = money.lte(0) ? 0 : Number(money.div(lotCost).round(0, Big.roundDown).toFixed());

  let held = state.heldUnits(request.portfolio, request.exchange, request.ticker);
  if (request.includeLimitOrders) held = held.minus(state.reservedUnits(request.portfolio, request.exchange, request.ticker));
  const toSell = held.lte(0) ? 0 : Number(held.div(instrument.lotsize).round(0, Big.roundDown).toFixed());

  return {
    portfolio: request.portfolio,
    ticker: instrument.symbol,
    exchange: instrument.exchange,
    board: instrument.board,
    quantityToSell: toSell,
    quantityToBuy: toBuy,
    notMarginQuantityToSell: toSell,
    notMarginQuantityToBuy: toBuy,
    orderEvaluation: decimal(volume.plus(accruedPerLot.times(request.lotQuantity))),
    commission: decimal(commissionFor(volume)),
    buyPrice: request.budget === undefined ? null : decimal(lotVolume),
    isUnitedPortfolio: false,
  };
}
