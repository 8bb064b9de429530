import { connectionAccounts, visibleConnections } from '../access.js';
import type { ConnectionModel } from '../brokers/connection.js';
import type { GatewayContext } from '../context.js';
import { addDecimals, divideRoundingHalfEven, isZeroDecimal, multiplyDecimals, type Decimal } from '../decimal.js';
import type { Money } from '../domain.js';
import { BrokerqlError } from '../errors.js';
import { positionMarketValue } from '../resolvers/position.js';
import type { AccountModel, InstrumentModel, PortfolioModel, PositionModel } from '../resolvers/models.js';
import { findExchangeRate, quoteCurrency, toExchangeRateModel, type ExchangeRate, type ExchangeRateModel, type RateSources } from './exchange-rates.js';
import { minorUnits, validateCurrencyCode } from './currency-units.js';

/**
 * `Query.netWorth`: every account the token can see, valued in one currency.
 *
 * - Each position counts its market value as its broker reports it (positionMarketValue); a
 *   margin position whose value the broker leaves out on purpose (an InstaForex MT4 trade, priced
 *   but quantified in lots) counts what closing it now adds to the cash, its expectedYield.
 *   Anything else without a value is a gap, never a zero.
 * - Amounts are summed exactly per currency. Roubles are the brokers' quote currency
 *   (exchange-rates.ts), so a sum in X is worth sum × price(X) roubles, and one in the requested
 *   currency Y is worth roubles / price(Y): one division per amount shown, rounded half to even
 *   at Y's minor unit (currency-units.ts) — the only rounding. Amounts already in Y are not
 *   converted at all.
 * - A broker that fails puts its accounts in `missing` (or its connection in `unreachable`) and
 *   its error on `total`'s path (resolvers/net-worth.ts), so a lower total is never silent.
 */

export interface AccountValueModel {
  account: AccountModel;
  positions: Money;
  cash: Money;
  total: Money;
}

export interface ValuationGapModel {
  account: AccountModel;
  instrument: InstrumentModel | null;
  reason: string;
}

export interface ConnectionGapModel {
  connection: ConnectionModel;
  reason: string;
}

export interface NetWorthModel {
  total: Money;
  accounts: AccountValueModel[];
  rates: ExchangeRateModel[];
  missing: ValuationGapModel[];
  unreachable: ConnectionGapModel[];
  complete: boolean;
  asOf: string;
  /** The brokers' errors, for `total`'s path. */
  failures: Error[];
}

/** Exact amounts per currency. */
type Amounts = Map<string, Decimal>;

function add(amounts: Amounts, money: Money): void {
  amounts.set(money.currency, addDecimals(amounts.get(money.currency) ?? '0', money.amount));
}

function merge(...all: Amounts[]): Amounts {
  const merged: Amounts = new Map();
  for (const amounts of all) for (const [currency, amount] of amounts) add(merged, { currency, amount });
  return merged;
}

/** A broker's own message (adapters keep them free of secrets and addresses); anything else is not repeated. */
function reasonOf(error: unknown): string {
  return error instanceof BrokerqlError ? error.message : 'an unexpected error';
}

interface AccountHoldings {
  account: AccountModel;
  positions: Amounts;
  cash: Amounts;
}

export async function computeNetWorth(context: GatewayContext, requested: string, now: () => Date = () => new Date()): Promise<NetWorthModel> {
  const currency = validateCurrencyCode(requested);
  const connections = visibleConnections(context);
  const missing: ValuationGapModel[] = [];
  const unreachable: ConnectionGapModel[] = [];
  const failures: Error[] = [];

  const listed = await Promise.allSettled(connections.map((connection) => connectionAccounts(context, connection)));
  const accounts: AccountModel[] = [];
  listed.forEach((result, index) => {
    if (result.status === 'fulfilled') return void accounts.push(...result.value);
    failures.push(result.reason instanceof Error ? result.reason : new Error(String(result.reason)));
    unreachable.push({ connection: connections[index]!, reason: `its accounts could not be listed: ${reasonOf(result.reason)}` });
  });

  const holdings = await Promise.all(
    accounts.map(async (account): Promise<AccountHoldings | undefined> => {
      let portfolio: PortfolioModel;
      try {
        portfolio = await context.loaders.portfolio.load(account, { positions: true, cash: true, valuation: false });
      } catch (error) {
        failures.push(error instanceof Error ? error : new Error(String(error)));
        missing.push({ account, instrument: null, reason: `its broker did not answer: ${reasonOf(error)}` });
        return undefined;
      }
      const positions: Amounts = new Map();
      const cash: Amounts = new Map();
      for (const row of portfolio.cash) add(cash, row);
      for (const position of portfolio.positions) {
        const value = await positionValue(position, context);
        if ('gap' in value) missing.push({ account, instrument: position.instrument, reason: value.gap });
        else add(positions, value);
      }
      return { account, positions, cash };
    }),
  );

  const rates = new RateBook(currency, { connections, lastPrice: (connection, key) => context.loaders.lastPrice.load({ connection, ref: { key } }), now });
  const valued: AccountValueModel[] = [];
  const everything: Amounts[] = [];
  for (const held of holdings) {
    if (!held) continue;
    const positions = await rates.convertible(held.positions, (from) => gapsFor(held, from, 'positions', missing));
    const cash = await rates.convertible(held.cash, (from) => gapsFor(held, from, 'cash', missing));
    everything.push(positions, cash);
    valued.push({ account: held.account, positions: rates.value(positions), cash: rates.value(cash), total: rates.value(merge(positions, cash)) });
  }
  return {
    total: rates.value(merge(...everything)),
    accounts: valued,
    rates: rates.used().map(toExchangeRateModel),
    missing,
    unreachable,
    complete: missing.length === 0 && unreachable.length === 0,
    asOf: now().toISOString(),
    failures,
  };
}

async function positionValue(position: PositionModel, context: GatewayContext): Promise<Money | { gap: string }> {
  const value = await positionMarketValue(position, context).catch(() => null);
  if (value) return value;
  if (position.currentPrice && position.expectedYield) return position.expectedYield;
  return { gap: position.currentPrice ? 'its broker reports no market value for it' : 'its broker reports no current price for it' };
}

/** Records what cannot be converted (no rate from its currency) as gaps: one per cash balance, one for the positions in it. */
function gapsFor(held: AccountHoldings, from: string, kind: 'positions' | 'cash', missing: ValuationGapModel[]): void {
  const what = kind === 'cash' ? `its ${from} cash` : `its positions priced in ${from}`;
  missing.push({ account: held.account, instrument: null, reason: `${what}: no exchange rate from ${from} is known (a broker's currency instrument with a last price)` });
}

/** The rates one netWorth uses, each read once, and the conversion through roubles. */
class RateBook {
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
        add(kept, { currency: from, amount });
        continue;
      }
      const price = await this.roublesPer(from);
      const target = await this.target();
      if (price === undefined || target === undefined) unknown(from);
      else add(kept, { currency: quoteCurrency, amount: multiplyDecimals(amount, price) });
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
   * even at its minor unit once.
   */
  value(amounts: Amounts): Money {
    const places = minorUnits(this.currency);
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
