import type { Decimal } from '../../domain.js';
import type { AlorClient } from './client.js';
import type { AlorExchange } from './identifiers.js';
import { alorInstrumentKey, readAlorKey, type AlorInstrumentAddress } from './instrument-ref.js';
import type { AlorPaths } from './paths.js';
import { alorRoutes } from './routes.js';
import { quotesResponseSchema } from './wire.js';

/**
 * Characters of `EXCHANGE:SYMBOL` pairs per call: a request line stays far below the 8 KB that
 * common servers and proxies accept (a pair is at most 55 characters, so ~35 pairs per call).
 */
const longestKeyList = 2_000;

// GET /md/v2/Securities/MOEX:SBER,MOEX:GAZP/quotes → [], one trimmed:
// {"symbol":"SBER","exchange":"MOEX","description":"Сбербанк России ПАО ао","prev_close_price":313.49,
//  "last_price":314.51,"last_price_timestamp":1715603781,"ask":314.71,"bid":314.7,"lotsize":10}
/**
 * Last trade prices of many instruments: the quotes endpoint takes `EXCHANGE:SYMBOL` pairs, which
 * are brokerql's ALOR instrument keys, comma-separated in one path segment. Only keys that are
 * such a pair in ALOR's grammar are asked for; ALOR leaves out the ones it does not know.
 */
export async function readLastPrices(
  client: AlorClient,
  paths: AlorPaths,
  keys: string[],
  defaultExchange: AlorExchange,
  signal?: AbortSignal,
): Promise<Map<string, Decimal>> {
  const askable = keys
    .map((key) => ({ key, address: readAlorKey(key, defaultExchange) }))
    .filter((entry): entry is { key: string; address: AlorInstrumentAddress } => entry.address !== undefined && alorInstrumentKey(entry.address) === entry.key);
  const answers = await Promise.all(
    keyLists(askable.map((entry) => entry.address)).map((list) =>
      client.get({ path: paths.quotes(list), route: alorRoutes.quotes, signal }, quotesResponseSchema),
    ),
  );
  const asked = new Set(askable.map((entry) => entry.key));
  const prices = new Map<string, Decimal>();
  for (const quote of answers.flat()) {
    const key = alorInstrumentKey({ exchange: quote.exchange.toUpperCase(), symbol: quote.symbol });
    if (quote.last_price != null && asked.has(key)) prices.set(key, quote.last_price);
  }
  return prices;
}

function keyLists(addresses: AlorInstrumentAddress[]): AlorInstrumentAddress[][] {
  const lists: AlorInstrumentAddress[][] = [];
  let current: AlorInstrumentAddress[] = [];
  let length = 0;
  for (const address of addresses) {
    const added = alorInstrumentKey(address).length + 1;
    if (current.length > 0 && length + added > longestKeyList) {
      lists.push(current);
      current = [];
      length = 0;
    }
    current.push(address);
    length += added;
  }
  if (current.length > 0) lists.push(current);
  return lists;
}
