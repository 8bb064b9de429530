import type { InstrumentRef } from '../../domain.js';
import { BadUserInputError } from '../../errors.js';
import { figiGrammar, IdentifierGrammar, tickerGrammar, type Identifier } from '../identifiers.js';

/**
 * Tinkoff OpenAPI v1's grammars for what brokerql puts into its query strings. The swagger types
 * them as plain strings; each pattern is the form real v1 values took (tinkoff.md §5).
 */

/**
 * MOEX order ids were digits ("22901344857"), SPB's letters and digits ("VON62592578512N0jSC8",
 * io#452), the sandbox's UUIDs (io#593): letters, digits and '-' cover all three.
 */
export const tinkoffV1OrderId = new IdentifierGrammar<'tinkoff v1 order id'>({
  rule: "a Tinkoff v1 order id: 1 to 64 letters, digits or '-' (e.g. 22901344857)",
  pattern: /^[A-Za-z0-9-]{1,64}$/,
  maximumLength: 64,
});

/** Broker accounts were digits ("2000345678"), sandbox accounts "SB" and digits ("SB2936272"). */
export const tinkoffV1AccountId = new IdentifierGrammar<'tinkoff v1 account id'>({
  rule: 'a Tinkoff v1 brokerAccountId: 1 to 20 digits, optionally after "SB" (e.g. 2000345678)',
  pattern: /^(SB)?\d{1,20}$/,
  maximumLength: 22,
});

/** Tickers as v1 listed them (`tickerGrammar`): SBER, USD000UTSTOM, RU000A0ZYEB1. */
export const tinkoffV1Ticker = new IdentifierGrammar<'tinkoff v1 ticker'>({ ...tickerGrammar, rule: `a ticker: ${tickerGrammar.rule} (e.g. SBER)` });

/** What a ref asks v1 for: a FIGI (every v1 method's key), or a ticker for /market/search/by-ticker. */
export type TinkoffV1InstrumentLookup = { figi: Identifier<'figi'> } | { ticker: Identifier<'tinkoff v1 ticker'> };

/** `{ id }` and `{ figi }` are FIGIs, `{ symbol }` a ticker (v1 knows no exchanges); BAD_USER_INPUT naming the field otherwise. */
export function tinkoffV1InstrumentLookup(ref: InstrumentRef, connection: string): TinkoffV1InstrumentLookup {
  if (ref.key !== undefined) return { figi: figiGrammar.parse(ref.key, 'id', connection) };
  if (ref.figi !== undefined) return { figi: figiGrammar.parse(ref.figi, 'figi', connection) };
  if (ref.symbol !== undefined) return { ticker: tinkoffV1Ticker.parse(ref.symbol, 'symbol', connection) };
  throw new BadUserInputError('Tinkoff OpenAPI v1 needs an instrument as { id }, { figi } or { symbol } (the ticker; v1 knows no exchanges)', {
    connection,
  });
}
