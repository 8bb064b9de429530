import { IdentifierGrammar, type Identifier } from '../identifiers.js';

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

/**
 * Tickers as ALOR lists them: SBER, RU000A0ZYEB1 (bonds), SiM5 and CNY-6.25 (futures), BRK.B.
 * ',' and ':' are excluded: they separate the EXCHANGE:SYMBOL pairs of the quotes path. The first
 * character is a letter or digit, as in every real ticker: "." and ".." are path segments that
 * address another resource.
 */
export const alorSymbol = new IdentifierGrammar<'alor symbol'>({
  rule: "an ALOR symbol: 1 to 50 letters, digits, '.', '_' or '-', starting with a letter or digit (e.g. SBER, CNY-6.25)",
  pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$/,
  maximumLength: 50,
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
