import { connectionAccounts, visibleConnections } from '../access.js';
import { accountCapabilities } from '../brokers/capabilities.js';
import { addDecimals, divideDecimals, subtractDecimals, type Decimal } from '../decimal.js';
import type { InstrumentInfo, Order } from '../domain.js';
import type { AccountModel } from '../resolvers/models.js';
import { convertAmount, findExchangeRate, type ExchangeRate, type RateSources } from '../valuation/exchange-rates.js';
import type { Valuation } from '../valuation/order-value.js';
import { limitsValue, type RiskPolicy } from './policy.js';
import type { MarketFacts, OrderFacts } from './rules.js';
import type { TradingRequest } from './request.js';

/**
 * What the brokers say about an order, read only for the rules its token's policy sets — each
 * costs calls, named here:
 *
 * - value limits: the order's valuation (valuation/order-value.ts: the broker's calculator, or an
 *   order book for a MARKET order) and, for another currency, one last price for the rate;
 * - priceBandPercent: the instrument's last price (GetLastPrices, ALOR quotes, …);
 * - maxOpenOrders: the working orders of every account the token can trade (one orders call per
 *   account: GetOrders, ALOR …/orders, v1 /orders);
 * - maxPositionLots, for the order's instrument: the account's positions and its working orders.
 *
 * Working orders and positions are read from the adapters directly — neither from the request's
 * loaders nor shared with a call in flight — so each read starts after `viewStartedAt`, and every
 * order that settled before then is in it (risk-ledger.ts counts the ones after).
 */

export interface FactsRequest {
  request: TradingRequest;
  account: AccountModel;
  instrument: InstrumentInfo;
  facts: OrderFacts & { instrumentId: string };
  /** A LIMIT order's price. */
  limitPrice: Decimal | null;
  policy: RiskPolicy;
  /** The order's valuation, computed at most once, only if a rule needs it. */
  valuation: () => Promise<Valuation>;
}

export async function gatherMarketFacts({ request, account, instrument, facts, limitPrice, policy, valuation }: FactsRequest): Promise<MarketFacts> {
  const market: MarketFacts = {};
  const reads: Array<Promise<void>> = [];
  if (limitsValue(policy)) {
    reads.push(valuation().then(async (valued) => void (market.value = await valueIn(policy.currency, valued, rateSources(request, account)))));
  }
  if (policy.priceBandPercent !== undefined) {
    reads.push(
      (async () => {
        const lastPrice = await request.loaders.lastPrice.load({ connection: account.connection, ref: { key: instrument.key } });
        const price = facts.type === 'LIMIT' ? limitPrice : (await valuation()).price;
        market.band = { price, lastPrice };
      })(),
    );
  }
  if (policy.maxOpenOrders !== undefined) reads.push(workingOrders(request).then((open) => void (market.openOrders = open)));
  if (policy.maxPositionLots?.[facts.instrumentId] !== undefined) {
    reads.push(position(request, account, instrument).then((held) => void (market.position = held)));
  }
  await Promise.all(reads);
  return market;
}

/** The value in the policy's currency, converted at a named rate where the broker's currency differs. */
export async function valueIn(
  currency: string,
  valued: Valuation,
  sources: RateSources,
): Promise<{ amount: Decimal; rate: ExchangeRate | null } | { unknown: string }> {
  if (!valued.known) return { unknown: valued.reason };
  if (valued.currency === currency) return { amount: valued.value, rate: null };
  const rate = await findExchangeRate(sources, valued.currency, currency);
  if (!rate) return { unknown: `no exchange rate from ${valued.currency} to ${currency} is known (a broker's currency instrument with a last price)` };
  return { amount: convertAmount(valued.value, rate), rate };
}

/** Rates from the connections the token can see, the order's own first. */
export function rateSources(request: TradingRequest, account: AccountModel): RateSources {
  const others = visibleConnections(request).filter((connection) => connection !== account.connection);
  return {
    connections: [account.connection, ...others],
    lastPrice: (connection, key) => request.loaders.lastPrice.load({ connection, ref: { key } }),
    now: request.services.guardrails.now,
  };
}

/** Every working order on the accounts the token can trade, as their brokers list them now. */
export async function workingOrders(request: TradingRequest): Promise<{ count: number; accounts: string[] }> {
  // A connection that cannot trade (InstaForex) is not even asked for its accounts.
  const trading = visibleConnections(request).filter((connection) => connection.definition.capabilities.trading);
  const perConnection = await Promise.all(trading.map((connection) => connectionAccounts(request, connection)));
  const tradable = perConnection.flat().filter((account) => accountCapabilities(account.connection.definition.capabilities, account).trading);
  const counts = await Promise.all(tradable.map(async (account) => (await listWorking(request, account)).length));
  return { count: counts.reduce((sum, count) => sum + count, 0), accounts: tradable.map((account) => account.id) };
}

function listWorking(request: TradingRequest, account: AccountModel): Promise<Order[]> {
  return account.connection.adapter.listOrders({ brokerAccountId: account.brokerAccountId, signal: request.signal });
}

async function position(
  request: TradingRequest,
  account: AccountModel,
  instrument: InstrumentInfo,
): Promise<{ lots: Decimal; workingBuys: Decimal; workingSells: Decimal } | { unknown: string }> {
  const [portfolio, orders] = await Promise.all([
    account.connection.adapter.getPortfolio({
      brokerAccountId: account.brokerAccountId,
      parts: { positions: true, cash: false, valuation: false },
      signal: request.signal,
    }),
    listWorking(request, account),
  ]);
  const held = portfolio.positions.find((candidate) => candidate.instrument.key === instrument.key);
  let lots = '0';
  if (held) {
    const lotSize = held.instrument.lotSize ?? instrument.lotSize;
    if (held.lots === null && !lotSize) return { unknown: `${account.connection.id} says neither the lots nor the lot size of the position` };
    lots = held.lots ?? divideDecimals(held.quantity, String(lotSize));
  }
  const remaining = (side: Order['side']) =>
    orders
      .filter((order) => order.instrument.key === instrument.key && order.side === side)
      .reduce((sum, order) => addDecimals(sum, subtractDecimals(order.requestedLots, order.executedLots)), '0');
  return { lots, workingBuys: remaining('BUY'), workingSells: remaining('SELL') };
}
