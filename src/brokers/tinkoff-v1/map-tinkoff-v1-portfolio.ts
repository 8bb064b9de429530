import type { Money, Portfolio, Position } from '../../domain.js';
import { tinkoffV1InstrumentHint } from './map-tinkoff-v1-instrument.js';
import type { CurrencyPosition, MoneyAmount, PortfolioPosition } from './wire.js';
import { sumMoneyByCurrency } from '../money.js';

function toMoney(amount: MoneyAmount): Money {
  return { amount: amount.value, currency: amount.currency.toUpperCase() };
}

// GET /portfolio?brokerAccountId=… → payload.positions[], one trimmed:
// {"figi":"BBG00HYXLFQ7","ticker":"RU000A0ZYEB1","isin":"RU000A0ZYEB1","instrumentType":"Bond","balance":10,"blocked":2,
//  "lots":10,"expectedYield":{"currency":"RUB","value":-35.1},"averagePositionPrice":{"currency":"RUB","value":1024.8},
//  "averagePositionPriceNoNkd":{"currency":"RUB","value":1001.5},"name":"ТрансФин-М 001Р выпуск 4"}
/**
 * `balance` is in instrument units and already includes the `blocked` units, so it is the
 * quantity. v1 reports no current price, only the average price paid (for bonds including
 * accrued interest) and the unrealised P&L. Both currentPrice and marketValue stay null: the
 * gateway then fills them from the last price, keeping marketValue = quantity × currentPrice.
 * (Average price × quantity + expectedYield would be Tinkoff's own valuation, but for bonds it
 * includes accrued interest and it need not match the last price.)
 */
export function mapTinkoffV1Position(position: PortfolioPosition): Position {
  return {
    instrument: tinkoffV1InstrumentHint(position),
    quantity: position.balance,
    lots: position.lots ?? null,
    averagePrice: position.averagePositionPrice ? toMoney(position.averagePositionPrice) : null,
    currentPrice: null,
    expectedYield: position.expectedYield ? toMoney(position.expectedYield) : null,
    marketValue: null,
  };
}

// GET /portfolio/currencies?brokerAccountId=… → payload:
// {"currencies":[{"currency":"EUR","balance":0},{"currency":"RUB","balance":15230.55},{"currency":"USD","balance":412.07,"blocked":100.5}]}
/**
 * Cash is /portfolio/currencies: each `balance` is the whole amount, `blocked` (held by active
 * orders) a part of it, so the balance alone is the total the schema asks for. /portfolio lists
 * foreign currencies once more as instrumentType "Currency" positions (USD000UTSTOM, balance in
 * dollars); that is the same money, so those rows are left out of `positions`.
 */
export function mapTinkoffV1Portfolio(positions: PortfolioPosition[], currencies: CurrencyPosition[], asOf: string): Portfolio {
  return {
    positions: positions.filter((position) => position.instrumentType !== 'Currency').map(mapTinkoffV1Position),
    cash: sumMoneyByCurrency(currencies.map((entry) => ({ amount: entry.balance, currency: entry.currency.toUpperCase() }))),
    // v1 has no valuation of the whole account.
    valuation: null,
    asOf,
  };
}
