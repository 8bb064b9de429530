import { IdentifierGrammar, tickerGrammar, type Identifier } from '../identifiers.js';

/**
 * ALOR's grammars for everything brokerql puts into an ALOR URL. ALOR's spec types most of them
 * loosely (strings), so each pattern is the strict form real ALOR values take.
 */

export type AlorOrderNumber = Identifier<'alor order number'>;
export type AlorSymbol = Identifier<'alor symbol'>;
export type AlorExchange = Identifier<'alor exchange'>;
export type AlorPortfolio = Identifier<'alor portfolio'>;

/**
 * SPEC `path_OrderId` is an int64, and ALOR writes order numbers as digit strings
 * ("41423837024"). Digits only is what keeps "all" — `DELETE …/orders/all` cancels every order of
 * the portfolio — from ever being an order number.
 */
export const alorOrderNumber = new IdentifierGrammar<'alor order number'>({
  rule: "ALOR's order number: 1 to 19 digits (e.g. 41423837024)",
  pattern: /^\d{1,19}$/,
  maximumLength: 19,
});

/** ALOR's symbols are exchange tickers (`tickerGrammar`). */
export const alorSymbol = new IdentifierGrammar<'alor symbol'>({
  ...tickerGrammar,
  rule: `an ALOR symbol: ${tickerGrammar.rule} (e.g. SBER, CNY-6.25)`,
});

/** SPEC `path_Exchange_All`: MOEX or SPBX. Clients may write them in any case. */
export const alorExchange = new IdentifierGrammar<'alor exchange'>({
  rule: 'one of MOEX, SPBX (ALOR\'s exchanges)',
  pattern: /^(MOEX|SPBX)$/,
  maximumLength: 4,
  normalize: (text) => text.toUpperCase(),
});

/**
 * Portfolios come from ALOR's own access token (D39004, G39004, 7500GHC, E…); letters and digits
 * is what they are, so nothing else is put into a client-data path.
 */
export const alorPortfolio = new IdentifierGrammar<'alor portfolio'>({
  rule: 'an ALOR portfolio: 1 to 32 letters and digits (e.g. D39004, 7500GHC)',
  pattern: /^[A-Za-z0-9]{1,32}$/,
  maximumLength: 32,
});
