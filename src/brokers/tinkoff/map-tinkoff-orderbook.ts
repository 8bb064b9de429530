import type { Orderbook } from '../../domain.js';
import { tinkoffInstrumentHint } from './map-tinkoff-instrument.js';
import { quotationToDecimal } from './quotation.js';
import type { orderBookResponseSchema } from './wire.js';
import type { z } from 'zod';

// MarketDataService/GetOrderBook, trimmed:
// {"figi":"BBG004730N88","depth":2,"bids":[{"price":{"units":"281","nano":980000000},"quantity":"36"}],
//  "asks":[{"price":{"units":"281","nano":990000000},"quantity":"11"}],"lastPrice":{"units":"281","nano":990000000},
//  "orderbookTs":"2024-05-02T07:15:01.152Z","ticker":"SBER","classCode":"TQBR"}
export function mapTinkoffOrderbook(
  book: z.output<typeof orderBookResponseSchema>,
  depth: number,
  receivedAt: string,
): Orderbook {
  const level = (entry: (typeof book.bids)[number]) => ({ price: quotationToDecimal(entry.price), quantity: entry.quantity });
  return {
    instrument: tinkoffInstrumentHint(book),
    bids: book.bids.slice(0, depth).map(level),
    asks: book.asks.slice(0, depth).map(level),
    lastPrice: book.lastPrice ? quotationToDecimal(book.lastPrice) : null,
    asOf: book.orderbookTs ?? receivedAt,
  };
}
