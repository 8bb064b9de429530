import type { Orderbook } from '../../domain.js';
import type { AlorListedAddress } from './instrument-ref.js';
import { alorInstrumentHint } from './map-alor-instrument.js';
import type { WireOrderbook } from './wire.js';

// GET /md/v2/orderbooks/MOEX/SBER?depth=1&format=Simple:
// {"snapshot":true,"bids":[{"price":281.98,"volume":36}],"asks":[{"price":281.99,"volume":11}],
//  "timestamp":1701105939,"ms_timestamp":1701105939395,"existing":true}
/** `volume` is in lots, as brokerql's levels are. ALOR's book carries no last price. */
export function mapAlorOrderbook(book: WireOrderbook, address: AlorListedAddress, depth: number, receivedAt: string): Orderbook {
  const level = (entry: { price: string; volume: string }) => ({ price: entry.price, quantity: entry.volume });
  const milliseconds = book.ms_timestamp ?? (book.timestamp == null ? null : book.timestamp * 1000);
  return {
    instrument: alorInstrumentHint(address),
    bids: (book.bids ?? []).slice(0, depth).map(level),
    asks: (book.asks ?? []).slice(0, depth).map(level),
    lastPrice: null,
    asOf: milliseconds ? new Date(milliseconds).toISOString() : receivedAt,
  };
}
