import type { InstrumentHint, InstrumentInfo } from '../../domain.js';
import { mapTinkoffV1InstrumentType } from './map-tinkoff-v1-enums.js';
import type { WireInstrument } from './wire.js';

// GET /market/search/by-figi?figi=BBG004S68758 → payload (by-ticker lists the same shape in `instruments`):
// {"figi":"BBG004S68758","ticker":"BANE","isin":"RU0007976957","minPriceIncrement":0.5,"lot":1,
//  "currency":"RUB","name":"Башнефть","type":"Stock"}
/** brokerql names v1 instruments by FIGI, the only key every v1 method accepts. */
export function mapTinkoffV1Instrument(instrument: WireInstrument): InstrumentInfo {
  return {
    key: instrument.figi,
    ticker: instrument.ticker,
    figi: instrument.figi,
    // v1 never says on which exchange (or board) an instrument trades.
    exchange: null,
    name: instrument.name || null,
    type: mapTinkoffV1InstrumentType(instrument.type),
    currency: instrument.currency ? instrument.currency.toUpperCase() : null,
    lotSize: instrument.lot > 0 ? instrument.lot : null,
    minPriceIncrement: instrument.minPriceIncrement ?? null,
  };
}

/** What a portfolio row, an order or an operation tells about its instrument without another call. */
export function tinkoffV1InstrumentHint(row: {
  figi: string;
  ticker?: string | undefined;
  name?: string | undefined;
  instrumentType?: string | undefined;
}): InstrumentHint {
  // exchange is known to be null for every v1 instrument: asking the broker for it is pointless.
  const hint: InstrumentHint = { key: row.figi, figi: row.figi, exchange: null };
  if (row.ticker) hint.ticker = row.ticker;
  if (row.name) hint.name = row.name;
  if (row.instrumentType) hint.type = mapTinkoffV1InstrumentType(row.instrumentType);
  return hint;
}
