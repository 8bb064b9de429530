import { isPositiveDecimal } from '../../decimal.js';
import type { InstrumentHint, InstrumentInfo } from '../../domain.js';
import { alorInstrumentKey, type AlorListedAddress } from './instrument-ref.js';
import { mapAlorInstrumentType } from './map-alor-instrument-type.js';
import type { WireSecurity } from './wire.js';

/** What brokerql keeps of an ALOR security: the unified instrument and how prices turn into money. */
export interface AlorSecurity {
  info: InstrumentInfo;
  /** `minstep`: the price step in price units (RUB for shares, % of face value for bonds). */
  priceStep: string | null;
  /** `pricestep`: what one `minstep` is worth per unit in the settlement currency. */
  priceStepValue: string | null;
}

// GET /md/v2/Securities/MOEX/SBER, trimmed:
// {"symbol":"SBER","shortname":"Сбербанк","description":"Сбербанк России ПАО ао","exchange":"MOEX",
//  "market":"FOND","type":"CS","lotsize":10,"facevalue":3,"cfiCode":"ESXXXX","minstep":0.01,
//  "pricestep":0.01,"currency":"RUB","ISIN":"RU0009029540","board":"TQBR","tradingStatus":17}
export function mapAlorSecurity(security: WireSecurity): AlorSecurity {
  const lotSize = security.lotsize && isPositiveDecimal(security.lotsize) && /^\d+$/.test(security.lotsize) ? Number(security.lotsize) : null;
  const positive = (value: string | null | undefined) => (value && isPositiveDecimal(value) ? value : null);
  const exchange = security.exchange.toUpperCase();
  return {
    info: {
      key: alorInstrumentKey({ exchange, symbol: security.symbol }),
      ticker: security.symbol,
      // ALOR has no FIGI; the ISIN (security.ISIN) has no field of its own in the unified model.
      figi: null,
      exchange,
      name: security.description || security.shortname || null,
      type: mapAlorInstrumentType(security.type, security.cfiCode),
      currency: security.currency ? security.currency.toUpperCase() : null,
      lotSize,
      minPriceIncrement: positive(security.minstep),
    },
    priceStep: positive(security.minstep),
    priceStepValue: positive(security.pricestep),
  };
}

/** What a position, order, trade or book row tells about its instrument without another call. */
export function alorInstrumentHint(address: AlorListedAddress): InstrumentHint {
  return { key: alorInstrumentKey(address), ticker: address.symbol, exchange: address.exchange };
}
