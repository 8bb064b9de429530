import { addDecimals, isZeroDecimal, multiplyDecimals, negateDecimal } from '../../decimal.js';
import type { Operation } from '../../domain.js';
import { alorTime } from './alor-time.js';
import { mapAlorSide } from './map-alor-enums.js';
import { alorInstrumentHint } from './map-alor-instrument.js';
import type { WireTrade } from './wire.js';

/** ALOR's `symbol` when it cannot name the instrument of a trade. */
export const unknownSymbol = '[N/A]';

// GET /md/v2/Stats/MOEX/D00013/history/trades → [], one trimmed (…/trades of today has the same rows):
// {"id":"9055212111","orderno":"41129409599","symbol":"APTK","brokerSymbol":"MOEX:APTK","exchange":"MOEX",
//  "date":"2023-11-28T07:52:36.0000000Z","board":"TQBR","qtyUnits":10,"qtyBatch":1,"qty":1,"price":13.492,
//  "accruedInt":0,"side":"buy","existing":false,"commission":0.10746,"volume":134.92}
/**
 * A trade is a BUY or SELL operation. Its payment is what changed hands for the securities — the
 * volume plus accrued coupon interest — negative for a buy; the broker's fee is the separate,
 * negative `commission`, as T-Invest reports it. `currency` is the security's settlement currency.
 */
export function mapAlorTrade(trade: WireTrade, currency: string): Operation {
  const side = mapAlorSide(trade.side);
  const volume = trade.volume ?? multiplyDecimals(trade.price, trade.qtyUnits);
  const gross = addDecimals(volume, trade.accruedInt ?? '0');
  const known = trade.symbol !== unknownSymbol;
  return {
    id: trade.id,
    type: side ?? 'OTHER',
    brokerType: `trade:${trade.side || 'unknown'}`,
    status: 'DONE',
    date: alorTime(trade.date) ?? trade.date,
    instrument: known ? alorInstrumentHint({ exchange: trade.exchange.toUpperCase(), symbol: trade.symbol }) : null,
    quantity: trade.qtyUnits,
    price: trade.price,
    payment: { amount: side === 'BUY' ? negateDecimal(gross) : gross, currency },
    commission: trade.commission && !isZeroDecimal(trade.commission) ? { amount: negateDecimal(trade.commission), currency } : null,
  };
}
