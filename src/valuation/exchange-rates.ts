import type { ConnectionModel } from '../brokers/connection.js';
import { divideRoundingUp, multiplyDecimals, type Decimal } from '../decimal.js';
import { scopedId } from '../ids.js';

/**
 * Exchange rates from the brokers' own markets: what one unit of a currency costs in roubles is
 * the last price of the instrument a broker trades it as (T-Invest's USD000UTSTOM for USD), as
 * the adapters list them (`currencyInstruments`). Every rate names where it came from — the
 * instrument, its price and when it was read — so a refusal or a preview can say which rate it
 * used. Roubles are the quote currency: X→RUB is the price, RUB→X its inverse; a cross rate
 * (USD→EUR) is not made up from two, so it is unknown.
 */

export interface ExchangeRate {
  from: string;
  to: string;
  /** 1 `from` = `rate` `to`; an inverted price is rounded up at 12 decimals. */
  rate: Decimal;
  source: {
    /** `<connection id>:<broker key>` of the instrument whose price this is. */
    instrument: string;
    /** Its last price, roubles per unit of the currency. */
    price: Decimal;
    /** True when `rate` is 1 / price (roubles into the currency). */
    inverted: boolean;
  };
  /** When brokerql read the price (ISO-8601). */
  asOf: string;
}

export interface RateSources {
  /** The connections to ask, preferred first; the first that quotes the currency answers. */
  connections: readonly ConnectionModel[];
  /** The last price of an instrument (the request's lastPrice loader). */
  lastPrice(connection: ConnectionModel, key: string): Promise<Decimal | null>;
  now(): Date;
}

/** The quote currency of every currency instrument the adapters list. */
export const quoteCurrency = 'RUB';

/** Digits an inverted rate (and an amount converted through one) keeps, rounded up. */
const invertedPlaces = 12;

/**
 * The rate from one currency to another, or undefined when no connection quotes it (or none has
 * a last price for it right now). A broker that fails to answer is skipped for the next one.
 */
export async function findExchangeRate(sources: RateSources, from: string, to: string): Promise<ExchangeRate | undefined> {
  if (from === to) return undefined;
  const foreign = from === quoteCurrency ? to : to === quoteCurrency ? from : undefined;
  if (foreign === undefined) return undefined;
  for (const connection of sources.connections) {
    const key = connection.adapter.currencyInstruments?.[foreign];
    if (key === undefined) continue;
    const price = await sources.lastPrice(connection, key).catch(() => null);
    if (price === null || !/^\d+(\.\d+)?$/.test(price) || /^0(\.0+)?$/.test(price)) continue;
    const inverted = from === quoteCurrency;
    return {
      from,
      to,
      rate: inverted ? divideRoundingUp('1', price, invertedPlaces) : price,
      source: { instrument: scopedId(connection.id, key), price, inverted },
      asOf: sources.now().toISOString(),
    };
  }
  return undefined;
}

/** An amount in `rate.from` in `rate.to`: exact for a direct rate, rounded up at 12 decimals through an inverted one. */
export function convertAmount(amount: Decimal, rate: ExchangeRate): Decimal {
  return rate.source.inverted ? divideRoundingUp(amount, rate.source.price, invertedPlaces) : multiplyDecimals(amount, rate.rate);
}

/** The GraphQL `ExchangeRate`: the rate, the instrument and price it came from, and that source in words. */
export interface ExchangeRateModel {
  from: string;
  to: string;
  rate: Decimal;
  instrument: string;
  price: Decimal;
  source: string;
  asOf: string;
}

export function toExchangeRateModel(rate: ExchangeRate): ExchangeRateModel {
  const { instrument, price, inverted } = rate.source;
  return {
    from: rate.from,
    to: rate.to,
    rate: rate.rate,
    instrument,
    price,
    source: `${inverted ? 'inverse of the last price' : 'last price'} of ${instrument}`,
    asOf: rate.asOf,
  };
}

/** "tbank:BBG0013HGFT4 at 92.4775 (2024-05-02T10:00:00.000Z)" */
export function describeRate(rate: ExchangeRate): string {
  return `1 ${rate.from} = ${rate.rate} ${rate.to} (${rate.source.instrument} at ${rate.source.price}, ${rate.asOf})`;
}
