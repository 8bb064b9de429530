import { addDecimals, isZeroDecimal, negateDecimal, type Decimal } from '../../decimal.js';
import type { Money, Portfolio, Position } from '../../domain.js';
import { mt4Command } from './map-instaforex-command.js';
import { instaforexInstrument } from './map-instaforex-instrument.js';
import { tradePrices } from './prices.js';
import type { BalanceInformation, TradeRecord } from './wire.js';

/**
 * A balance answer without a currency (a bare number, §4.2) leaves no other source for it: open
 * trades carry none. InstaForex opens MT4 accounts in USD unless asked otherwise.
 */
export const fallbackAccountCurrency = 'USD';

export function accountCurrency(balance: BalanceInformation): string {
  const currency = 'currency' in balance ? balance.currency?.trim().toUpperCase() : undefined;
  return currency || fallbackAccountCurrency;
}

// client/RequestOpenTrades/{login} → one open position, trimmed:
// {"Ticket":48213377,"Login":2100123,"Symbol":"EURUSD","Cmd":0,"Volume":0.1,"OpenTime":1714644900,"OpenPrice":1.07123,
//  "Sl":1.065,"Tp":1.08,"ClosePrice":1.07041,"Commission":0.0,"Swap":-0.42,"Profit":-8.2,"Comment":""}
/**
 * One open MT4 trade (Cmd 0/1) is one position; a symbol traded twice shows twice, as MT4 keeps
 * hedged trades apart. The API does not expose contract sizes, so `quantity` cannot be in units:
 * it is the signed volume in lots (sell negative), the same as `lots`, and `marketValue` (units ×
 * price) is unknown. `expectedYield` is what closing now adds to the balance — MT4's Profit (the
 * price move) plus Swap and Commission — so that balance + credit + Σ expectedYield = equity.
 * Prices are in the symbol's quote currency; a symbol whose quote currency is unknown has none.
 */
export function mapInstaforexPosition(record: TradeRecord, currency: string): Position | null {
  const command = mt4Command(record.cmd);
  if (command.role !== 'position' || !record.symbol) return null;
  const symbol = record.symbol.toUpperCase();
  const instrument = instaforexInstrument(symbol);
  const { openPrice, closePrice } = tradePrices(symbol, record);
  const lots = command.side === 'SELL' ? negateDecimal(record.volume) : record.volume;
  const price = (amount: Decimal): Money | null =>
    instrument.currency && !isZeroDecimal(amount) ? { amount, currency: instrument.currency } : null;
  return {
    instrument,
    quantity: lots,
    lots,
    averagePrice: price(openPrice),
    currentPrice: price(closePrice),
    expectedYield: { amount: addDecimals(record.profit, record.swap, record.commission), currency },
    marketValue: null,
  };
}

// client/RequestBalanceInformation/{login}, trimmed (shape inferred, §4.2):
// {"Login":2100123,"Balance":1520.35,"Credit":300.0,"Equity":1798.12,"Margin":61.4,"FreeMargin":1736.72,"Currency":"USD","Leverage":500}
/**
 * Cash is MT4's Balance: the account's money, margin held by open trades included. Credit (a
 * bonus the broker lends) is not cash; it shows in the valuation, MT4's Equity (balance + credit
 * + floating result of open trades).
 */
/** Without a balance (a query that asked for positions only), cash and valuation are left out and `currency` names the account's. */
export function mapInstaforexPortfolio(balance: BalanceInformation | null, records: TradeRecord[], asOf: string, currency = balance ? accountCurrency(balance) : fallbackAccountCurrency): Portfolio {
  const equity = balance && 'equity' in balance ? balance.equity : undefined;
  return {
    positions: records.flatMap((record) => mapInstaforexPosition(record, currency) ?? []),
    cash: balance ? [{ amount: balance.balance, currency }] : [],
    valuation: equity === undefined ? null : { amount: equity, currency },
    asOf,
  };
}
