import { connectionAccounts, visibleConnections } from '../access.js';
import type { ConnectionModel } from '../brokers/connection.js';
import type { GatewayContext } from '../context.js';
import type { Money } from '../domain.js';
import { BrokerqlError } from '../errors.js';
import { positionMarketValue } from './position-value.js';
import type { AccountModel, InstrumentModel, PortfolioModel, PositionModel } from '../resolvers/models.js';
import { toExchangeRateModel, type ExchangeRateModel } from './exchange-rates.js';
import { validateCurrencyCode } from './currency-units.js';
import { addAmount, mergeAmounts, RateBook, type Amounts } from './rate-book.js';
import type { RecordedValue } from './value-history.js';

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

export interface AllocationSliceModel {
  key: string;
  value: Money;
}

export interface NetWorthModel {
  total: Money;
  byConnection: AllocationSliceModel[];
  byInstrumentType: AllocationSliceModel[];
  accounts: AccountValueModel[];
  rates: ExchangeRateModel[];
  missing: ValuationGapModel[];
  unreachable: ConnectionGapModel[];
  complete: boolean;
  asOf: string;
  /** The brokers' errors, for `total`'s path. */
  failures: Error[];
  /** What netWorthHistory may record: the accounts valued in full (nothing of theirs missing), at recordedPlaces. */
  recordable: RecordedValue[];
}

/**
 * Recorded values keep 18 decimals, not the currency's minor unit: netWorthHistory sums them and
 * rounds once, as netWorth does. Exact for amounts that need no conversion (prices and cash come
 * with at most 9 decimals); a converted amount is rounded there, far below a minor unit.
 */
const recordedPlaces = 18;

/** A broker's own message (adapters keep them free of secrets and addresses); anything else is not repeated. */
function reasonOf(error: unknown): string {
  return error instanceof BrokerqlError ? error.message : 'an unexpected error';
}

interface AccountHoldings {
  account: AccountModel;
  positions: Amounts;
  cash: Amounts;
  /** The positions again, by instrument type. */
  byType: Map<string, Amounts>;
}

/** The allocation key of cash, beside the instrument types. */
const cashKey = 'cash';

function addTo(groups: Map<string, Amounts[]>, key: string, amounts: Amounts): void {
  groups.set(key, [...(groups.get(key) ?? []), amounts]);
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
      const byType = new Map<string, Amounts>();
      for (const row of portfolio.cash) addAmount(cash, row);
      // All at once: a broker without prices in its portfolio gets one batched last-price call.
      const values = await Promise.all(portfolio.positions.map((position) => positionValue(position, context)));
      for (const [index, position] of portfolio.positions.entries()) {
        const value = values[index]!;
        if ('gap' in value) missing.push({ account, instrument: position.instrument, reason: value.gap });
        else {
          addAmount(positions, value);
          const type = position.instrument.hint.type ?? 'other';
          if (!byType.has(type)) byType.set(type, new Map());
          addAmount(byType.get(type)!, value);
        }
      }
      return { account, positions, cash, byType };
    }),
  );

  const rates = new RateBook(currency, { connections, lastPrice: (connection, key) => context.loaders.lastPrice.load({ connection, ref: { key } }), now });
  const valued: AccountValueModel[] = [];
  const recordable: RecordedValue[] = [];
  const everything: Amounts[] = [];
  const byConnection = new Map<string, Amounts[]>();
  const byInstrumentType = new Map<string, Amounts[]>();
  for (const held of holdings) {
    if (!held) continue;
    const positions = await rates.convertible(held.positions, (from) => gapsFor(held, from, 'positions', missing));
    const cash = await rates.convertible(held.cash, (from) => gapsFor(held, from, 'cash', missing));
    everything.push(positions, cash);
    addTo(byConnection, held.account.connection.id, mergeAmounts(positions, cash));
    addTo(byInstrumentType, cashKey, cash);
    // Already reported above, if a rate is missing: the same amounts, split by type.
    for (const [type, amounts] of held.byType) addTo(byInstrumentType, type, await rates.convertible(amounts, () => undefined));
    valued.push({ account: held.account, positions: rates.value(positions), cash: rates.value(cash), total: rates.value(mergeAmounts(positions, cash)) });
    if (!missing.some((gap) => gap.account.id === held.account.id)) {
      const exact = (amounts: Amounts) => rates.value(amounts, recordedPlaces).amount;
      recordable.push({ accountId: held.account.id, positions: exact(positions), cash: exact(cash), total: exact(mergeAmounts(positions, cash)) });
    }
  }
  const slices = (groups: Map<string, Amounts[]>) => [...groups].map(([key, amounts]) => ({ key, value: rates.value(mergeAmounts(...amounts)) }));
  return {
    total: rates.value(mergeAmounts(...everything)),
    byConnection: slices(byConnection),
    byInstrumentType: slices(byInstrumentType),
    accounts: valued,
    rates: rates.used().map(toExchangeRateModel),
    missing,
    unreachable,
    complete: missing.length === 0 && unreachable.length === 0,
    asOf: now().toISOString(),
    failures,
    recordable,
  };
}

async function positionValue(position: PositionModel, context: GatewayContext): Promise<Money | { gap: string }> {
  let value: Money | null;
  try {
    value = await positionMarketValue(position, context);
  } catch (error) {
    return { gap: `its last price could not be read: ${reasonOf(error)}` };
  }
  if (value) return value;
  if (position.currentPrice && position.expectedYield) return position.expectedYield;
  return { gap: position.currentPrice ? 'its broker reports no market value for it' : 'its broker reports no current price for it' };
}

/** Records what cannot be converted (no rate from its currency) as gaps: one per cash balance, one for the positions in it. */
function gapsFor(held: AccountHoldings, from: string, kind: 'positions' | 'cash', missing: ValuationGapModel[]): void {
  const what = kind === 'cash' ? `its ${from} cash` : `its positions priced in ${from}`;
  missing.push({ account: held.account, instrument: null, reason: `${what}: no exchange rate from ${from} is known (a broker's currency instrument with a last price)` });
}
