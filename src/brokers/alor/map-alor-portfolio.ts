import { isZeroDecimal } from '../../decimal.js';
import type { Money, Portfolio, Position } from '../../domain.js';
import { pricePerUnit } from './exact-price.js';
import { alorInstrumentKey, type AlorListedAddress } from './instrument-ref.js';
import { alorInstrumentHint, type AlorSecurity } from './map-alor-instrument.js';
import { settlementCurrency } from './settlement-currency.js';
import type { WirePosition } from './wire.js';
import { sumMoneyByCurrency } from '../money.js';

/** The security of each held instrument by key; null where ALOR did not know it (404). */
export type SecuritiesByKey = ReadonlyMap<string, AlorSecurity | null>;

export function positionAddress(row: WirePosition, exchange: string): AlorListedAddress {
  return { exchange: (row.exchange || exchange).toUpperCase(), symbol: row.symbol };
}

/** Security rows that hold something: money rows are cash, and a position closed today stays listed with 0. */
export function heldSecurityRows(rows: WirePosition[]): WirePosition[] {
  return rows.filter((row) => !row.isCurrency && !isZeroDecimal(row.qtyUnits));
}

// GET /md/v2/Clients/MOEX/D38291/positions, one security row trimmed:
// {"volume":549.198,"currentVolume":555.24,"symbol":"APTK","brokerSymbol":"MOEX:APTK","exchange":"MOEX",
//  "avgPrice":9.1533,"qtyUnits":60,"lotSize":10,"shortName":"Аптеки36и6","qtyBatch":6,"qty":6,
//  "dailyUnrealisedPl":1.92,"unrealisedPl":7.962,"isCurrency":false,"existing":true}
export function mapAlorPosition(row: WirePosition, exchange: string, security: AlorSecurity | null): Position {
  const address = positionAddress(row, exchange);
  // Volumes and P/L are in the security's settlement currency (SPEC: "в валюте расчётов").
  const currency = security?.info.currency ?? settlementCurrency(address.exchange);
  const money = (amount: string | null | undefined): Money | null => (amount != null && currency ? { amount, currency } : null);
  const canPrice = row.currentVolume != null && security?.priceStep && security.priceStepValue;
  const currentPrice = canPrice ? pricePerUnit(row.currentVolume!, row.qtyUnits, security.priceStep!, security.priceStepValue!) : null;
  return {
    instrument: security?.info ?? alorInstrumentHint(address),
    quantity: row.qtyUnits,
    lots: row.qtyBatch ?? null,
    // 0 is what ALOR shows when it has no purchase price (e.g. securities transferred in).
    averagePrice: row.avgPrice && !isZeroDecimal(row.avgPrice) ? money(row.avgPrice) : null,
    currentPrice: money(currentPrice),
    expectedYield: money(row.unrealisedPl),
    marketValue: money(row.currentVolume),
  };
}

// The same endpoint's money row (ALOR lists each currency as a position with isCurrency):
// {"symbol":"RUB","brokerSymbol":"MOEX:RUB","exchange":"MOEX","avgPrice":0,"qtyUnits":25614.89,
//  "qtyBatch":25614.89,"isCurrency":true,"existing":true}
// and GET …/summary, trimmed: {"buyingPower":452404,"portfolioEvaluation":651717,"portfolioLiquidationValue":651717}
/**
 * Cash is every money row's `qtyUnits`, summed per currency: ALOR's balance already includes what
 * working buy orders hold. Money rows are not positions, so every rouble is counted once.
 */
export function mapAlorPortfolio(
  rows: WirePosition[],
  liquidationValue: string | null | undefined,
  exchange: string,
  securities: SecuritiesByKey,
  asOf: string,
): Portfolio {
  const positions = heldSecurityRows(rows).map((row) =>
    mapAlorPosition(row, exchange, securities.get(alorInstrumentKey(positionAddress(row, exchange))) ?? null),
  );
  const cash = sumMoneyByCurrency(rows.filter((row) => row.isCurrency).map((row) => ({ amount: row.qtyUnits, currency: row.symbol.toUpperCase() })));
  return {
    positions,
    cash,
    // ALOR values every portfolio in roubles.
    valuation: liquidationValue != null ? { amount: liquidationValue, currency: 'RUB' } : null,
    asOf,
  };
}
