import { isZeroDecimal, multiplyDecimals } from '../../decimal.js';
import type { Portfolio, Position } from '../../domain.js';
import { tinkoffInstrumentHint } from './map-tinkoff-instrument.js';
import { moneyValueToMoney, quotationToDecimal } from './quotation.js';
import type { MoneyValue, PortfolioPosition } from './wire.js';
import { sumMoneyByCurrency } from '../money.js';

// OperationsService/GetPortfolio, one position trimmed:
// {"figi":"BBG004730N88","instrumentType":"share","quantity":{"units":"30","nano":0},
//  "averagePositionPrice":{"currency":"rub","units":"266","nano":500000000},
//  "expectedYield":{"units":"451","nano":500000000},"currentPrice":{"currency":"rub","units":"281","nano":550000000},
//  "quantityLots":{"units":"3","nano":0},"ticker":"SBER","classCode":"TQBR","instrumentUid":"e6123145-..."}
//
// A holding T-Invest has no cost for (transferred in from another broker, some corporate actions)
// comes with "averagePositionPrice":{"currency":"rub","units":"0","nano":0} and an expectedYield
// equal to the whole market value (56 of 100 positions of one real portfolio). Both are unknown,
// not zero: they are null, as ALOR's avgPrice 0 is.
export function mapTinkoffPosition(position: PortfolioPosition): Position {
  const quantity = quotationToDecimal(position.quantity);
  const reportedAverage = position.averagePositionPrice ? moneyValueToMoney(position.averagePositionPrice) : null;
  const costUnknown = reportedAverage !== null && isZeroDecimal(reportedAverage.amount) && !isZeroDecimal(quantity);
  const averagePrice = costUnknown ? null : reportedAverage;
  const currentPrice = position.currentPrice ? moneyValueToMoney(position.currentPrice) : null;
  // expectedYield is a bare Quotation: it is in the position's currency, which the prices carry.
  const currency = currentPrice?.currency ?? reportedAverage?.currency;
  return {
    instrument: tinkoffInstrumentHint(position),
    quantity,
    lots: position.quantityLots ? quotationToDecimal(position.quantityLots) : null,
    averagePrice,
    currentPrice,
    expectedYield:
      position.expectedYield && currency && !costUnknown ? { amount: quotationToDecimal(position.expectedYield), currency } : null,
    marketValue: currentPrice ? { amount: multiplyDecimals(quantity, currentPrice.amount), currency: currentPrice.currency } : null,
  };
}

/**
 * Cash is GetPositions' `money` (free) plus `blocked` (held by active orders), per currency.
 * GetPortfolio also lists each currency as an instrumentType "currency" position; those are the
 * same money, so they are left out of `positions` to keep every ruble counted once.
 */
export function mapTinkoffPortfolio(
  positions: PortfolioPosition[],
  totalAmountPortfolio: MoneyValue | undefined,
  money: MoneyValue[],
  blocked: MoneyValue[],
  asOf: string,
): Portfolio {
  return {
    positions: positions.filter((position) => position.instrumentType !== 'currency').map(mapTinkoffPosition),
    cash: sumMoneyByCurrency([...money, ...blocked].map(moneyValueToMoney)),
    valuation: totalAmountPortfolio ? moneyValueToMoney(totalAmountPortfolio) : null,
    asOf,
  };
}
