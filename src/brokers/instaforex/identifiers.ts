import { IdentifierGrammar } from '../identifiers.js';

/**
 * InstaForex's grammars. Only the login ever goes into a URL (the client methods' `{login}`
 * segment); symbols name instruments in answers that are filtered here, and are held to the same
 * standard so that an instrument id means the same everywhere.
 */

/** MT4 trading account numbers: digits (2100123). The config schema checks the same. */
export const instaforexLogin = new IdentifierGrammar<'instaforex login'>({
  rule: 'an InstaForex login: 1 to 20 digits (e.g. 2100123)',
  pattern: /^\d{1,20}$/,
  maximumLength: 20,
});

/**
 * MT4 symbol names: letters, digits and the few marks CFD names use (#AAPL, US500.m), in upper
 * case as InstaForex writes them; a client's surrounding spaces and lower case are forgiven.
 */
export const instaforexSymbol = new IdentifierGrammar<'instaforex symbol'>({
  rule: "an MT4 symbol: 1 to 32 letters, digits, '#', '.', '_' or '-', starting with a letter, digit or '#' (e.g. EURUSD, #AAPL)",
  pattern: /^[A-Z0-9#][A-Z0-9#._-]{0,31}$/,
  maximumLength: 64,
  normalize: (text) => text.trim().toUpperCase(),
});

/** MT4 order tickets are digits. */
export const instaforexTicket = new IdentifierGrammar<'instaforex ticket'>({
  rule: 'an MT4 ticket number: 1 to 20 digits',
  pattern: /^\d{1,20}$/,
  maximumLength: 20,
});
