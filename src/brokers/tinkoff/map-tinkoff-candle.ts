import type { Candle } from '../../domain.js';
import { quotationToDecimal } from './quotation.js';
import type { WireCandle } from './wire.js';

// MarketDataService/GetCandles → candles[], one trimmed:
// {"open":{"units":"281","nano":990000000},"high":{"units":"282","nano":150000000},"low":{"units":"281","nano":900000000},
//  "close":{"units":"282","nano":50000000},"volume":"1843","time":"2024-05-02T07:01:00Z","isComplete":true,
//  "candleSource":"CANDLE_SOURCE_EXCHANGE","volumeBuy":"902","volumeSell":"941"}
/** Prices are Quotations per unit, read exactly; `isComplete: false` marks the candle still being formed. */
export function mapTinkoffCandle(candle: WireCandle): Candle {
  return {
    time: new Date(candle.time).toISOString(),
    open: quotationToDecimal(candle.open),
    high: quotationToDecimal(candle.high),
    low: quotationToDecimal(candle.low),
    close: quotationToDecimal(candle.close),
    volume: candle.volume,
    complete: candle.isComplete,
  };
}
