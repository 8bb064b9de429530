import type { GatewayContext } from '../context.js';
import type { InstrumentInfo } from '../domain.js';
import type { InstrumentResolvers } from '../generated/graphql.js';
import { scopedId } from '../ids.js';
import { instrumentCandles } from './history.js';
import type { InstrumentModel } from './models.js';
import { validateOrderbookDepth } from './shared.js';

/**
 * An instrument arrives knowing what its portfolio row, order or operation said about it.
 * A field that row did not carry is read from the broker's instrument metadata, fetched at
 * most once per instrument per request (and only if a query asks for such a field). Known
 * fields are answered synchronously: a query over a thousand operations makes no promises for them.
 */
function metadata(instrument: InstrumentModel, context: GatewayContext): Promise<InstrumentInfo> {
  return context.loaders.instrument.load({ connection: instrument.connection, ref: { key: instrument.hint.key } });
}

function field<Name extends Exclude<keyof InstrumentInfo, 'key' | 'ticker'>>(name: Name) {
  return (instrument: InstrumentModel, _arguments: unknown, context: GatewayContext) => {
    const known = instrument.hint[name];
    if (known !== undefined) return known;
    return metadata(instrument, context).then((info) => info[name]);
  };
}

export const Instrument: InstrumentResolvers = {
  id: (instrument) => scopedId(instrument.connection.id, instrument.hint.key),
  ticker(instrument, _arguments, context) {
    if (instrument.hint.ticker) return instrument.hint.ticker;
    return metadata(instrument, context).then((info) => info.ticker || instrument.hint.key);
  },
  figi: field('figi'),
  exchange: field('exchange'),
  name: field('name'),
  type: field('type'),
  currency: field('currency'),
  lotSize: field('lotSize'),
  minPriceIncrement: field('minPriceIncrement'),
  lastPrice: (instrument, _arguments, context) =>
    context.loaders.lastPrice.load({ connection: instrument.connection, ref: { key: instrument.hint.key } }),
  orderbook(instrument, { depth }, context) {
    return context.loaders.orderbook.load({
      connection: instrument.connection,
      ref: { key: instrument.hint.key },
      depth: validateOrderbookDepth(depth),
    });
  },
  ...instrumentCandles,
};
