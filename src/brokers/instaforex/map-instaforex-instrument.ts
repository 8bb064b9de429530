import type { InstrumentInfo } from '../../domain.js';
import { instaforexSymbol } from './identifiers.js';

/**
 * The Client Cabinet API has no instrument catalogue: a symbol is all InstaForex ever says about
 * an instrument. What brokerql reports is what the symbol itself tells — a six-letter currency
 * pair (EURUSD) or a metal against a currency (XAUUSD) — and nothing it would have to guess:
 * MT4 does not expose contract sizes through this API, so there is no lot size, and the price
 * step is not stated either. Other symbols (CFDs such as "#AAPL", indices) keep only their ticker.
 */

const metals = new Set(['XAU', 'XAG', 'XPT', 'XPD']);
/** ISO 4217 as the runtime knows it, plus offshore yuan, which forex brokers quote but ISO does not list. */
const currencies = new Set([...Intl.supportedValuesOf('currency'), 'CNH']);

export interface SymbolTraits {
  type: 'forex' | 'metal' | null;
  baseCurrency: string | null;
  quoteCurrency: string | null;
}

export function symbolTraits(symbol: string): SymbolTraits {
  const match = /^([A-Z]{3})([A-Z]{3})$/.exec(symbol);
  const [, base, quote] = match ?? [];
  if (!base || !quote || !currencies.has(quote)) return { type: null, baseCurrency: null, quoteCurrency: null };
  if (metals.has(base)) return { type: 'metal', baseCurrency: base, quoteCurrency: quote };
  if (currencies.has(base)) return { type: 'forex', baseCurrency: base, quoteCurrency: quote };
  return { type: null, baseCurrency: null, quoteCurrency: null };
}

/**
 * Everything known about a symbol. Every field is set (null where unknown), so the gateway never
 * asks the adapter again for a field a position, order or operation left out.
 */
export function instaforexInstrument(symbol: string): InstrumentInfo {
  const traits = symbolTraits(symbol);
  return {
    key: symbol,
    ticker: symbol,
    figi: null,
    exchange: null,
    name: traits.baseCurrency && traits.quoteCurrency ? `${traits.baseCurrency}/${traits.quoteCurrency}` : null,
    type: traits.type,
    currency: traits.quoteCurrency,
    lotSize: null,
    minPriceIncrement: null,
  };
}

/** The canonical key of a symbol a client typed, or undefined when it cannot be an MT4 symbol. */
export function normalizeSymbol(text: string): string | undefined {
  return instaforexSymbol.read(text);
}
