import type { Decimal } from '../../domain.js';
import type { AlorClient } from './client.js';
import { alorInstrumentKey } from './instrument-ref.js';
import type { AlorPaths } from './paths.js';
import { alorRoutes } from './routes.js';
import { quotesResponseSchema } from './wire.js';

/** `pathSegment` takes at most 200 characters: the key list is split to fit. */
const longestKeyList = 200;

// GET /md/v2/Securities/MOEX:SBER,MOEX:GAZP/quotes → [], one trimmed:
// {"symbol":"SBER","exchange":"MOEX","description":"Сбербанк России ПАО ао","prev_close_price":313.49,
//  "last_price":314.51,"last_price_timestamp":1715603781,"ask":314.71,"bid":314.7,"lotsize":10}
/**
 * Last trade prices of many instruments: the quotes endpoint takes `EXCHANGE:SYMBOL` pairs, which
 * are brokerql's ALOR instrument keys, comma-separated in one path segment. Keys ALOR does not
 * know are left out of the answer; a symbol containing a comma cannot be asked for this way.
 */
export async function readLastPrices(client: AlorClient, paths: AlorPaths, keys: string[], signal?: AbortSignal): Promise<Map<string, Decimal>> {
  const askable = keys.filter((key) => key.includes(':') && !key.includes(',') && key.length <= longestKeyList);
  const answers = await Promise.all(
    keyLists(askable).map((list) => client.get({ path: paths.quotes(list), route: alorRoutes.quotes, signal }, quotesResponseSchema)),
  );
  const prices = new Map<string, Decimal>();
  for (const quote of answers.flat()) {
    const key = alorInstrumentKey({ exchange: quote.exchange.toUpperCase(), symbol: quote.symbol });
    if (quote.last_price != null && askable.includes(key)) prices.set(key, quote.last_price);
  }
  return prices;
}

function keyLists(keys: string[]): string[] {
  const lists: string[] = [];
  let current = '';
  for (const key of keys) {
    const joined = current ? `${current},${key}` : key;
    if (current && joined.length > longestKeyList) {
      lists.push(current);
      current = key;
    } else current = joined;
  }
  if (current) lists.push(current);
  return lists;
}
