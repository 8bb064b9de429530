import type { InstrumentRef } from '../../domain.js';
import { BadUserInputError } from '../../errors.js';
import { figiGrammar, IdentifierGrammar, invalidIdentifier, tickerGrammar, type Identifier } from '../identifiers.js';

/**
 * T-Invest API v2's grammars for what brokerql sends in its request bodies. The protos type all
 * of them as plain strings ("Идентификатор заявки", "Номер счета"), so each pattern is the strict
 * form real T-Invest values take; a value outside it is refused here instead of being sent.
 */

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** What T-Invest numbers things with in production (digits) and in its sandbox (UUIDs). */
const digitsOrUuid = /^(\d{1,20}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

/** Instrument uids are UUIDs, written in lower case by T-Invest (a client's upper case is folded). */
export const tinkoffInstrumentUid = new IdentifierGrammar<'tinkoff instrument uid'>({
  rule: 'an instrument uid (a UUID such as e6123145-9665-43e0-8413-cd61b8aa9b13)',
  pattern: uuid,
  maximumLength: 36,
  normalize: (text) => text.toLowerCase(),
});

/**
 * Exchange order numbers are digits ("52218163123"); the sandbox's order ids and PostOrder's
 * request ids are UUIDs. CancelOrder and GetOrderState take either, and nothing else is one.
 */
export const tinkoffOrderId = new IdentifierGrammar<'tinkoff order id'>({
  rule: 'a T-Invest order id: 1 to 20 digits, or a UUID',
  pattern: digitsOrUuid,
  maximumLength: 36,
  normalize: (text) => text.toLowerCase(),
});

/** Broker accounts are digits ("2000345678"); sandbox accounts are UUIDs. Both come from GetAccounts. */
export const tinkoffAccountId = new IdentifierGrammar<'tinkoff account id'>({
  rule: 'a T-Invest account id: 1 to 20 digits, or a UUID',
  pattern: digitsOrUuid,
  maximumLength: 36,
});

/** Tickers as T-Invest lists them (`tickerGrammar`): SBER, USD000UTSTOM, RU000A0ZYEB1, SiM4. */
export const tinkoffTicker = new IdentifierGrammar<'tinkoff ticker'>({ ...tickerGrammar, rule: `a ticker: ${tickerGrammar.rule} (e.g. SBER)` });

/** Class codes (trading boards): TQBR, TQCB, SPBXM, CETS. Clients may write them in lower case. */
export const tinkoffClassCode = new IdentifierGrammar<'tinkoff class code'>({
  rule: 'a class code: 1 to 12 upper-case letters, digits or "_" (e.g. TQBR)',
  pattern: /^[A-Z0-9_]{1,12}$/,
  maximumLength: 12,
  normalize: (text) => text.toUpperCase(),
});

/**
 * A ref as GetInstrumentBy's request (`{ idType, id, classCode }`), each part checked: the FIGI
 * or instrument uid of `{ id }` or `{ figi }`, or the ticker and class code of `{ symbol, exchange }`.
 */
export type TinkoffInstrumentLookup =
  | { idType: 'INSTRUMENT_ID_TYPE_FIGI'; id: Identifier<'figi'> }
  | { idType: 'INSTRUMENT_ID_TYPE_UID'; id: Identifier<'tinkoff instrument uid'> }
  | { idType: 'INSTRUMENT_ID_TYPE_TICKER'; id: Identifier<'tinkoff ticker'>; classCode: Identifier<'tinkoff class code'> };

/** brokerql's key of a T-Invest instrument (its FIGI, or its uid when it has none); undefined when it is neither. */
export function readTinkoffInstrumentKey(key: string): TinkoffInstrumentLookup | undefined {
  const figi = figiGrammar.read(key);
  if (figi) return { idType: 'INSTRUMENT_ID_TYPE_FIGI', id: figi };
  const uid = tinkoffInstrumentUid.read(key);
  return uid ? { idType: 'INSTRUMENT_ID_TYPE_UID', id: uid } : undefined;
}

/** BAD_USER_INPUT naming the field unless the ref names a T-Invest instrument in T-Invest's grammar. */
export function tinkoffInstrumentLookup(ref: InstrumentRef, connection: string): TinkoffInstrumentLookup {
  if (ref.key !== undefined) {
    const lookup = readTinkoffInstrumentKey(ref.key);
    if (!lookup) throw invalidIdentifier('id', `a T-Invest instrument: ${figiGrammar.rule}, or ${tinkoffInstrumentUid.rule}`, ref.key, connection);
    return lookup;
  }
  if (ref.figi !== undefined) return { idType: 'INSTRUMENT_ID_TYPE_FIGI', id: figiGrammar.parse(ref.figi, 'figi', connection) };
  const ticker = ref.symbol === undefined ? undefined : tinkoffTicker.parse(ref.symbol, 'symbol', connection);
  if (ticker === undefined || ref.exchange === undefined) {
    throw new BadUserInputError(
      'T-Invest needs an instrument as { id }, { figi } or { symbol, exchange } with the class code as exchange (e.g. { symbol: "SBER", exchange: "TQBR" })',
      { connection },
    );
  }
  return { idType: 'INSTRUMENT_ID_TYPE_TICKER', id: ticker, classCode: tinkoffClassCode.parse(ref.exchange, 'exchange', connection) };
}
