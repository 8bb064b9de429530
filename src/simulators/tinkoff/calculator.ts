import Big from 'big.js';
import type { SimulatedInstrument } from './data.js';
import { TinkoffApiError, tinkoffErrors } from './errors.js';
import { bestPrices } from './market.js';
import { commissionFor } from './orders.js';
import { requireAccount, requireInstrument, type RequestBody } from './requests.js';
import type { TinkoffSimulatorState } from './state.js';
import { moneyValue, quotation, readQuotation } from './wire.js';

/**
 * T-Invest's order calculators (orders.proto): GetOrderPrice — what a limit order at a price
 * would cost, with the commission of data.ts's table and a bond's accrued interest — and
 * GetMaxLots — how many lots the account's free money and securities cover. The seeded accounts
 * are not margin accounts: the margin limits equal the own-money ones.
 */

/** The USD/RUB instrument (USD000UTSTOM): GetOrderPrice converts a commission into roubles at its last price. */
const dollarFigi = 'BBG0013HGFT4';

/**
 * GetOrderPrice: `{accountId, instrumentId, price, direction, quantity}` →
 *   {"totalOrderAmount":{"currency":"rub","units":"2821","nano":310000000},"initialOrderAmount":{…"2819"…},
 *    "lotsRequested":"1","executedCommission":{…},"executedCommissionRub":{…},"serviceCommission":{…},
 *    "dealCommission":{…},"extraBond":{"aciValue":{…},"nominalConversionRate":{"units":"1","nano":0}}}
 */
export function orderPriceBody(state: TinkoffSimulatorState, body: RequestBody) {
  requireAccount(state, body);
  const instrument = requireInstrument(state, body);
  if (body['price'] === undefined) throw new TinkoffApiError(tinkoffErrors.missingPrice);
  const price = readQuotation(body['price']);
  if (price === undefined || new Big(price).lte(0)) throw new TinkoffApiError(tinkoffErrors.invalidPrice);
  const direction = body['direction'];
  if (direction !== 'ORDER_DIRECTION_BUY' && direction !== 'ORDER_DIRECTION_SELL') throw new TinkoffApiError(tinkoffErrors.missingDirection);
  const lots = Number(body['quantity']);
  if (!Number.isInteger(lots) || lots <= 0) throw new TinkoffApiError(tinkoffErrors.invalidQuantity);

  const units = new Big(lots).times(instrument.lot);
  const initial = units.times(price);
  const commission = commissionFor(instrument, initial);
  const accrued = instrument.accruedInterest === undefined ? undefined : units.times(instrument.accruedInterest);
  const buying = direction === 'ORDER_DIRECTION_BUY';
  // A buyer pays the commission and the accrued interest; a seller receives the interest and pays the commission.
  const total = (buying ? initial.plus(commission) : initial.minus(commission)).plus(accrued ?? 0);
  const money = (value: Big.BigSource) => moneyValue(new Big(value).toFixed(), instrument.currency);
  return {
    totalOrderAmount: money(total),
    initialOrderAmount: money(initial),
    lotsRequested: String(lots),
    executedCommission: money(commission),
    executedCommissionRub: moneyValue(inRoubles(state, instrument, commission), 'rub'),
    serviceCommission: money(0),
    dealCommission: money(commission),
    ...(accrued === undefined ? {} : { extraBond: { aciValue: money(accrued), nominalConversionRate: quotation('1') } }),
  };
}

function inRoubles(state: TinkoffSimulatorState, instrument: SimulatedInstrument, amount: string): string {
  if (instrument.currency === 'rub') return amount;
  const dollar = state.instrument(dollarFigi);
  return new Big(amount).times(dollar.lastPrice).round(2, Big.roundHalfUp).toFixed();
}

/**
 * GetMaxLots: `{accountId, instrumentId, price?}`; without a price, buying is counted at the best
 * ask and selling at the best bid (openapi.yaml). Lots are int64 strings.
 *   {"currency":"rub","buyLimits":{"buyMoneyAmount":{…},"buyMaxLots":"5","buyMaxMarketLots":"5"},
 *    "buyMarginLimits":{…},"sellLimits":{"sellMaxLots":"3"},"sellMarginLimits":{"sellMaxLots":"3"}}
 */
export function maxLotsBody(state: TinkoffSimulatorState, body: RequestBody) {
  const accountId = requireAccount(state, body);
  const instrument = requireInstrument(state, body);
  const given = body['price'] === undefined ? undefined : readQuotation(body['price']);
  if (body['price'] !== undefined && (given === undefined || new Big(given).lte(0))) throw new TinkoffApiError(tinkoffErrors.invalidPrice);
  const { ask } = bestPrices(state.market, instrument);
  const free = new Big(state.totalCash(accountId).get(instrument.currency) ?? '0').minus(state.blockedCash(accountId).get(instrument.currency) ?? '0');
  const affordable = (price: string) => {
    const perLot = new Big(instrument.lot).times(price);
    const withCommission = perLot.plus(commissionFor(instrument, perLot));
    return free.lte(0) ? '0' : free.div(withCommission).round(0, Big.roundDown).toFixed();
  };
  const held = new Big(state.securities(accountId).get(instrument.figi)?.quantity ?? '0').minus(state.blockedUnits(accountId, instrument.figi));
  const sellable = held.lte(0) ? '0' : held.div(instrument.lot).round(0, Big.roundDown).toFixed();
  const buyLimits = {
    buyMoneyAmount: quotation(free.lt(0) ? '0' : free.toFixed()),
    buyMaxLots: affordable(given ?? ask),
    buyMaxMarketLots: affordable(ask),
  };
  return {
    currency: instrument.currency,
    buyLimits,
    buyMarginLimits: buyLimits,
    sellLimits: { sellMaxLots: sellable },
    sellMarginLimits: { sellMaxLots: sellable },
  };
}
