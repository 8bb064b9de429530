import { addDecimals, divideRoundingHalfEven, isZeroDecimal, multiplyDecimals, type Decimal } from '../decimal.js';
import type { Money } from '../domain.js';
import { findExchangeRate, quoteCurrency, type ExchangeRate, type RateSources } from './exchange-rates.js';
import { minorUnits } from './currency-units.js';

/** Exact amounts per currency. */
export type Amounts = Map<string, Decimal>;

export function addAmount(amounts: Amounts, money: Money): void {
  amounts.set(money.currency, addDecimals(amounts.get(money.currency) ?? '0', money.amount));
}

export function mergeAmounts(...all: Amounts[]): Amounts {
  const merged: Amounts = new Map();
  for (const amounts of all) for (const [currency, amount] of amounts) addAmount(merged, { currency, amount });
  return merged;
}

/**
 * The rates one netWorth uses, each read once, and the conversion through roubles (the brokers'
 * quote currency): an amount in X is worth amount × price(X) roubles, and roubles are worth
 * roubles / price(Y) in the requested currency Y — one division per amount shown, rounded half to
 * even at Y's minor unit, the only rounding. Amounts already in Y are not converted at all.
 */
export class RateBook {
  private readonly rates = new Map<string, Promise<ExchangeRate | undefined>>();
  private readonly usedRates = new Map<string, ExchangeRate>();
  /** Roubles per unit of the requested currency, once some amount needed it. */
  private targetPrice: Decimal | undefined;

  constructor(
    private readonly currency: string,
    private readonly sources: RateSources,
  ) {}

  private rate(from: string, to: string): Promise<ExchangeRate | undefined> {
    const key = `${from}>${to}`;
    let rate = this.rates.get(key);
    if (!rate) this.rates.set(key, (rate = findExchangeRate(this.sources, from, to)));
    return rate;
  }

  /** Roubles per unit of `currency`, noting the rate as used; undefined when unknown. */
  private async roublesPer(currency: string): Promise<Decimal | undefined> {
    if (currency === quoteCurrency) return '1';
    const rate = await this.rate(currency, quoteCurrency);
    if (rate) this.usedRates.set(`${currency}>${quoteCurrency}`, rate);
    return rate?.rate;
  }

  /**
   * The amounts that can be valued in the requested currency, as roubles-or-own-currency
   * numerators: a zero needs no rate; an amount without one is dropped and reported.
   */
  async convertible(amounts: Amounts, unknown: (from: string) => void): Promise<Amounts> {
    const kept: Amounts = new Map();
    for (const [from, amount] of amounts) {
      if (isZeroDecimal(amount)) continue;
      if (from === this.currency) {
        addAmount(kept, { currency: from, amount });
        continue;
      }
      const price = await this.roublesPer(from);
      const target = await this.target();
      if (price === undefined || target === undefined) unknown(from);
      else addAmount(kept, { currency: quoteCurrency, amount: multiplyDecimals(amount, price) });
    }
    return kept;
  }

  private async target(): Promise<Decimal | undefined> {
    if (this.currency === quoteCurrency) return '1';
    if (this.targetPrice !== undefined) return this.targetPrice;
    const rate = await this.rate(quoteCurrency, this.currency);
    if (!rate) return undefined;
    this.usedRates.set(`${quoteCurrency}>${this.currency}`, rate);
    return (this.targetPrice = rate.source.price);
  }

  /**
   * Amounts from `convertible` (in the requested currency, or converted into roubles) as one
   * amount in the requested currency: the roubles divided by its rouble price, rounded half to
   * even at its minor unit once — or at `places` decimals, for an amount that is summed again
   * later (a recorded account value, summed by netWorthHistory) and must not be rounded twice.
   */
  value(amounts: Amounts, places = minorUnits(this.currency)): Money {
    const own = amounts.get(this.currency) ?? '0';
    const roubles = this.currency === quoteCurrency ? '0' : (amounts.get(quoteCurrency) ?? '0');
    const price = this.targetPrice ?? '1';
    // (own × price + roubles) / price keeps one division for both parts.
    const amount = divideRoundingHalfEven(addDecimals(multiplyDecimals(own, price), roubles), price, places);
    return { amount, currency: this.currency };
  }

  used(): ExchangeRate[] {
    return [...this.usedRates.values()];
  }
}
