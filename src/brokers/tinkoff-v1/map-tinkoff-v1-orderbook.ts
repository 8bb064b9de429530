import type { Orderbook } from '../../domain.js';
import { tinkoffV1InstrumentHint } from './map-tinkoff-v1-instrument.js';
import type { OrderbookPayload } from './wire.js';

// GET /market/orderbook?figi=BBG000BPL8G3&depth=3 → payload, trimmed:
// {"figi":"BBG000BPL8G3","depth":3,"tradeStatus":"NormalTrading","minPriceIncrement":0.01,"lastPrice":58.31,
//  "bids":[{"price":58.3,"quantity":412},{"price":58.29,"quantity":95}],"asks":[{"price":58.33,"quantity":301}]}
/** Both sides come best first; quantities are lots. A closed market has empty sides. */
export function mapTinkoffV1Orderbook(book: OrderbookPayload, depth: number, receivedAt: string): Orderbook {
  return {
    instrument: tinkoffV1InstrumentHint(book),
    bids: book.bids.slice(0, depth),
    asks: book.asks.slice(0, depth),
    lastPrice: book.lastPrice ?? null,
    // v1 does not say when the book was taken.
    asOf: receivedAt,
  };
}
