import type { InstrumentHint, InstrumentInfo } from '../../domain.js';
import { quotationToDecimal } from './quotation.js';
import type { WireInstrument } from './wire.js';

/** brokerql names T-Invest instruments by FIGI; the instrument uid only when there is no FIGI. */
export function tinkoffInstrumentKey(figi: string, instrumentUid: string): string {
  return figi || instrumentUid;
}

/** "futures" → "future"; everything else is already a lower-case word (share, bond, etf, currency, ...). */
export function mapTinkoffInstrumentType(instrumentType: string): string | null {
  if (!instrumentType) return null;
  const lower = instrumentType.toLowerCase();
  return lower === 'futures' ? 'future' : lower;
}

// InstrumentsService/GetInstrumentBy, trimmed:
// {"instrument":{"figi":"BBG004730N88","ticker":"SBER","classCode":"TQBR","lot":10,"currency":"rub",
//  "name":"Сбербанк России","instrumentType":"share","minPriceIncrement":{"units":"0","nano":10000000},
//  "uid":"e6123145-9665-43e0-8413-cd61b8aa9b13"}}
export function mapTinkoffInstrument(instrument: WireInstrument): InstrumentInfo {
  return {
    key: tinkoffInstrumentKey(instrument.figi, instrument.uid),
    ticker: instrument.ticker,
    figi: instrument.figi || null,
    exchange: instrument.classCode || null,
    name: instrument.name || null,
    type: mapTinkoffInstrumentType(instrument.instrumentType),
    currency: instrument.currency ? instrument.currency.toUpperCase() : null,
    lotSize: instrument.lot > 0 ? instrument.lot : null,
    minPriceIncrement: instrument.minPriceIncrement ? quotationToDecimal(instrument.minPriceIncrement) : null,
  };
}

/** What a portfolio row, order or operation row tells about its instrument without another call. */
export function tinkoffInstrumentHint(row: {
  figi: string;
  instrumentUid: string;
  ticker: string;
  classCode: string;
  instrumentType?: string | undefined;
}): InstrumentHint {
  const hint: InstrumentHint = { key: tinkoffInstrumentKey(row.figi, row.instrumentUid) };
  if (row.figi) hint.figi = row.figi;
  if (row.ticker) hint.ticker = row.ticker;
  if (row.classCode) hint.exchange = row.classCode;
  if (row.instrumentType) hint.type = mapTinkoffInstrumentType(row.instrumentType);
  return hint;
}
