import type { InstrumentRef } from '../../domain.js';
import { BadUserInputError } from '../../errors.js';

/** Where ALOR lists a security: its exchange and its symbol (ticker), e.g. MOEX and SBER. */
export interface AlorInstrumentAddress {
  exchange: string;
  symbol: string;
}

/** The exchanges ALOR's API names (SPEC `path_Exchange_All`). */
const alorExchanges = ['MOEX', 'SPBX'];

/** brokerql's key for an ALOR instrument, as in the instrument id `alor:MOEX:SBER`. */
export function alorInstrumentKey({ exchange, symbol }: AlorInstrumentAddress): string {
  return `${exchange}:${symbol}`;
}

/**
 * An InstrumentRef as ALOR needs it: `{ id }` (key `MOEX:SBER`; a bare `SBER` means the
 * connection's exchange) or `{ symbol, exchange }` with the exchange defaulting to the
 * connection's. ALOR has no FIGI lookup, so `{ figi }` alone cannot be resolved.
 */
export function alorInstrumentAddress(ref: InstrumentRef, defaultExchange: string, connection: string): AlorInstrumentAddress {
  let exchange: string;
  let symbol: string;
  if (ref.key) {
    const separator = ref.key.indexOf(':');
    exchange = separator < 0 ? defaultExchange : ref.key.slice(0, separator);
    symbol = separator < 0 ? ref.key : ref.key.slice(separator + 1);
  } else if (ref.symbol) {
    exchange = ref.exchange || defaultExchange;
    symbol = ref.symbol;
  } else {
    throw new BadUserInputError(
      `ALOR cannot look instruments up by FIGI: give { symbol, exchange } (e.g. { symbol: "SBER", exchange: "MOEX" }; exchange defaults to ${defaultExchange}) or an id such as "${connection}:MOEX:SBER"`,
      { connection },
    );
  }
  exchange = exchange.toUpperCase();
  if (!alorExchanges.includes(exchange)) {
    throw new BadUserInputError(`ALOR exchange must be one of ${alorExchanges.join(', ')}, received "${exchange.slice(0, 40)}"`, { connection });
  }
  if (!symbol) throw new BadUserInputError('ALOR needs a symbol (ticker), received an empty one', { connection });
  return { exchange, symbol };
}

/** `MOEX:SBER` back into its parts (keys brokerql built itself, or a client's id). */
export function alorAddressOfKey(key: string, defaultExchange: string, connection: string): AlorInstrumentAddress {
  return alorInstrumentAddress({ key }, defaultExchange, connection);
}
