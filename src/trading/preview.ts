import { findVisibleAccount, visibleAccountConnection } from '../access.js';
import type { MaxLots } from '../brokers/adapter.js';
import { instrumentRefFromInput } from '../brokers/instrument-input.js';
import type { Decimal, Money, OrderSide, OrderType } from '../domain.js';
import { toInstrumentModel, type InstrumentModel } from '../resolvers/models.js';
import { toExchangeRateModel, type ExchangeRate, type ExchangeRateModel } from '../valuation/exchange-rates.js';
import type { ValueSource } from '../valuation/order-value.js';
import { memoizedValuation, orderFacts } from './guard.js';
import { gatherMarketFacts } from './market-facts.js';
import { validateOrderInput } from './orders.js';
import type { PlaceOrderInput, TradingRequest } from './request.js';
import { counterChecks, marketChecks, requestChecks, type CheckResult } from './rules.js';
import { dayIn } from './trading-hours.js';

/**
 * `Query.orderPreview`: an order valued as the guard values it (valuation/order-value.ts, with
 * the broker's max lots too) and the calling token's policy applied to it — every rule, not only
 * up to the first refusal, with the counters as they stand (nothing is reserved). The same
 * functions as placeOrder's guard (guard.ts, rules.ts, market-facts.ts), so a preview and an
 * order agree.
 */

export interface OrderPreviewModel {
  accountId: string;
  instrument: InstrumentModel;
  side: OrderSide;
  type: OrderType;
  lots: number;
  price: Decimal | null;
  source: ValueSource | null;
  value: Money | null;
  amount: Money | null;
  commission: Money | null;
  accruedInterest: Money | null;
  initialMargin: Money | null;
  maxLots: MaxLots | null;
  policyValue: Money | null;
  exchangeRate: ExchangeRateModel | null;
  valueUnknownReason: string | null;
  checks: CheckResult[];
}

export async function previewOrder(request: TradingRequest, input: PlaceOrderInput): Promise<OrderPreviewModel> {
  validateOrderInput(input);
  const connection = visibleAccountConnection(request, input.accountId);
  const ref = instrumentRefFromInput(connection, input.instrument);
  const account = await findVisibleAccount(request, input.accountId);
  const instrument = await request.loaders.instrument.load({ connection, ref });
  const order = { account, instrument, input };
  const valuation = memoizedValuation(request, order, true);
  const valued = await valuation();

  const policy = request.viewer.policy ?? null;
  let checks: CheckResult[] = [];
  let policyValue: Money | null = null;
  let rate: ExchangeRate | null = null;
  if (policy) {
    const facts = orderFacts(request, account, instrument, input);
    const viewStartedAt = new Date().toISOString();
    const market = await gatherMarketFacts({ request, account, instrument, facts, limitPrice: input.price ?? null, policy, valuation });
    const counters = request.services.guardrails.risk.counters({ tokenId: request.viewer.tokenId, day: dayIn(facts.now, policy.timezone), viewStartedAt });
    checks = [...requestChecks(policy, facts), ...marketChecks(policy, market), ...counterChecks(policy, facts, market, counters)];
    if (market.value && !('unknown' in market.value)) {
      policyValue = { amount: market.value.amount, currency: policy.currency };
      rate = market.value.rate;
    }
  }

  const money = (amount: Decimal | null | undefined): Money | null => (valued.known && amount != null ? { amount, currency: valued.currency } : null);
  return {
    accountId: account.id,
    instrument: toInstrumentModel(account.connection, instrument),
    side: input.side,
    type: input.type,
    lots: input.lots,
    price: valued.price,
    source: valued.known ? valued.source : null,
    value: money(valued.known ? valued.value : null),
    amount: money(valued.known ? valued.amount : null),
    commission: money(valued.known ? valued.commission : null),
    accruedInterest: money(valued.known ? valued.accruedInterest : null),
    initialMargin: money(valued.known ? valued.initialMargin : null),
    maxLots: valued.known ? valued.maxLots : null,
    policyValue,
    exchangeRate: rate && toExchangeRateModel(rate),
    valueUnknownReason: valued.known ? null : valued.reason,
    checks,
  };
}
