import type { InstrumentRef } from '../../domain.js';
import { BadUserInputError } from '../../errors.js';
import { invalidIdentifier } from '../identifiers.js';
import { alorExchange, alorSymbol, type AlorExchange, type AlorSymbol } from './identifiers.js';

/** Where ALOR lists a security: its exchange and its symbol (ticker), e.g. MOEX and SBER — both checked. */
export interface AlorInstrumentAddress {
  exchange: AlorExchange;
  symbol: AlorSymbol;
}

/** An exchange and symbol as ALOR's own rows (positions, orders, trades) name them: not checked, so never put into a path. */
export interface AlorListedAddress {
  exchange: string;
  symbol: string;
}

/** brokerql's key for an ALOR instrument, as in the instrument id `alor:MOEX:SBER`. */
export function alorInstrumentKey({ exchange, symbol }: AlorListedAddress): string {
  return `${exchange}:${symbol}`;
}

const keyRule = `an ALOR instrument as EXCHANGE:SYMBOL, with EXCHANGE ${alorExchange.rule} and SYMBOL ${alorSymbol.rule}`;

/**
 * An InstrumentRef as ALOR needs it: `{ id }` (key `MOEX:SBER`; a bare `SBER` means the
 * connection's exchange) or `{ symbol, exchange }` with the exchange defaulting to the
 * connection's. ALOR has no FIGI lookup, so `{ figi }` alone cannot be resolved. Every part is
 * checked against ALOR's grammar; BAD_USER_INPUT names the field that is not.
 */
export function alorInstrumentAddress(ref: InstrumentRef, defaultExchange: AlorExchange, connection: string): AlorInstrumentAddress {
  if (ref.key !== undefined) {
    const address = readAlorKey(ref.key, defaultExchange);
    if (!address) throw invalidIdentifier('id', keyRule, ref.key, connection);
    return address;
  }
  if (ref.symbol !== undefined) {
    return {
      exchange: ref.exchange === undefined ? defaultExchange : alorExchange.parse(ref.exchange, 'exchange', connection),
      symbol: alorSymbol.parse(ref.symbol, 'symbol', connection),
    };
  }
  throw new BadUserInputError(
    `ALOR cannot look instruments up by FIGI: give { symbol, exchange } (e.g. { symbol: "SBER", exchange: "MOEX" }; exchange defaults to ${defaultExchange}) or an id such as "${connection}:MOEX:SBER"`,
    { connection },
  );
}

/** `MOEX:SBER` (or a bare `SBER` on the default exchange) back into its checked parts; undefined when it is not one. */
export function readAlorKey(key: string, defaultExchange: AlorExchange): AlorInstrumentAddress | undefined {
  const separator = key.indexOf(':');
  const exchange = separator < 0 ? defaultExchange : alorExchange.read(key.slice(0, separator));
  const symbol = alorSymbol.read(separator < 0 ? key : key.slice(separator + 1));
  return exchange && symbol ? { exchange, symbol } : undefined;
}

/** `MOEX:SBER` back into its parts (keys brokerql built itself, or a client's id). */
export function alorAddressOfKey(key: string, defaultExchange: AlorExchange, connection: string): AlorInstrumentAddress {
  return alorInstrumentAddress({ key }, defaultExchange, connection);
}
