import type { InstrumentInfo, Order } from '../domain.js';
import { BrokerqlError, OrderStateUnknownError, RiskLimitExceededError, TradingHaltedError } from '../errors.js';
import { scopedId } from '../ids.js';
import type { AccountModel } from '../resolvers/models.js';
import { valueOrder, type Valuation } from '../valuation/order-value.js';
import { describeHalt, type TradingHalts } from './halts.js';
import { gatherMarketFacts } from './market-facts.js';
import { defaultPolicyTimezone } from './policy.js';
import type { PlaceOrderInput, TradingRequest } from './request.js';
import { counterChecks, marketChecks, requestChecks, type CheckResult, type MarketFacts, type OrderFacts } from './rules.js';
import { dayIn } from './trading-hours.js';

/**
 * The one enforcement of a token's policy and the kill switch, around the one call that sends an
 * order (trading/orders.ts; GraphQL and /compat/tinkoff-v1 both go through it):
 *
 * 1. the rules that need nothing but the request (allowFrom, tradingHours, orderTypes, sides,
 *    instruments) — refused before the broker is asked anything more;
 * 2. what the brokers say, read only for the rules set (market-facts.ts): value, price band,
 *    working orders, position; a value that cannot be known is refused (`valueUnknown`);
 * 3. in one IMMEDIATE transaction: the kill switch again, the counters (orders and value today,
 *    working orders, position) with every order in flight, and — if all pass — the reservation;
 * 4. the order is sent, and the reservation settled by what became of it (risk-ledger.ts).
 *
 * Every refusal is a RiskLimitExceededError naming its rule; nothing reaches the broker's order
 * endpoint. A token without a policy gets steps 3 (the kill switch) and 4 only: its orders are
 * counted, so a policy given to it later knows today's orders.
 */

export interface GuardedOrder {
  account: AccountModel;
  instrument: InstrumentInfo;
  input: PlaceOrderInput;
  /** The client's idempotency key: a re-sent attempt takes over the reservation of the one before. */
  idempotencyKey: string | null;
}

export async function guardOrder(request: TradingRequest, order: GuardedOrder, send: () => Promise<Order>): Promise<Order> {
  const { risk, halts } = request.services.guardrails;
  const { account, instrument, input } = order;
  const policy = request.viewer.policy ?? null;
  const facts = orderFacts(request, account, instrument, input);
  if (policy) refuseFirst(requestChecks(policy, facts));

  // Every working order that settled before this moment is in the broker's lists read below.
  const viewStartedAt = new Date().toISOString();
  const market: MarketFacts = policy
    ? await gatherMarketFacts({ request, account, instrument, facts, limitPrice: input.price ?? null, policy, valuation: memoizedValuation(request, order) })
    : {};
  if (policy) refuseFirst(marketChecks(policy, market));

  const tokenId = request.viewer.tokenId;
  const day = dayIn(facts.now, policy?.timezone ?? defaultPolicyTimezone);
  const valued = market.value && !('unknown' in market.value) ? market.value.amount : null;
  const excluding = order.idempotencyKey === null ? undefined : risk.openReservationFor(tokenId, order.idempotencyKey);
  const reservation = risk.reserve(
    {
      tokenId,
      day,
      accountId: account.id,
      instrument: facts.instrumentId,
      side: input.side,
      lots: input.lots,
      value: valued,
      valueCurrency: valued === null ? null : policy!.currency,
      idempotencyKey: order.idempotencyKey,
    },
    { tokenId, day, viewStartedAt, excluding },
    (counters) => {
      refuseIfHalted(halts, tokenId, account.id);
      if (policy) refuseFirst(counterChecks(policy, facts, market, counters));
    },
  );

  try {
    const placed = await send();
    risk.settle(reservation, 'placed', placed.id);
    return placed;
  } catch (error) {
    // Sent with no answer: it may be working at the broker, so it stays counted (fail closed).
    // Anything else provably placed nothing (orders.ts turned every ambiguous failure into OrderStateUnknownError).
    const unknown = error instanceof OrderStateUnknownError || !(error instanceof BrokerqlError);
    risk.settle(reservation, unknown ? 'unknown' : 'released');
    throw error;
  }
}

/**
 * Before anything is asked of a broker (the account list, the instrument): the kill switch, and
 * the policy's rules that need nothing but the request.
 */
export function preflight(request: TradingRequest, input: PlaceOrderInput): void {
  refuseIfHalted(request.services.guardrails.halts, request.viewer.tokenId, input.accountId);
  const policy = request.viewer.policy;
  if (policy) refuseFirst(requestChecks(policy, preflightFacts(request, input)));
}

/** The kill switch for this token on this account (null: only the halts of everything and of the token). */
export function refuseIfHalted(halts: TradingHalts, tokenId: string, accountId: string | null): void {
  const halt = halts.find(tokenId, accountId);
  if (halt) {
    throw new TradingHaltedError(`trading is halted (${describeHalt(halt)}, since ${halt.createdAt}): no order is sent until brokerql resume`);
  }
}

export function orderFacts(request: TradingRequest, account: AccountModel, instrument: InstrumentInfo, input: PlaceOrderInput): OrderFacts & { instrumentId: string } {
  return {
    ...preflightFacts(request, input),
    accountId: account.id,
    instrumentId: scopedId(account.connection.id, instrument.key),
  };
}

/** What is known before any broker is asked: the instrument only if the client named it by id. */
function preflightFacts(request: TradingRequest, input: PlaceOrderInput): OrderFacts {
  return {
    now: request.services.guardrails.now(),
    clientAddress: request.clientAddress,
    accountId: input.accountId,
    instrumentId: input.instrument.id ?? null,
    side: input.side,
    type: input.type,
    lots: input.lots,
  };
}

/** The order's valuation, asked of the broker at most once however many rules need it. */
export function memoizedValuation(request: TradingRequest, order: Omit<GuardedOrder, 'idempotencyKey'>, withMaxLots = false): () => Promise<Valuation> {
  let valuation: Promise<Valuation> | undefined;
  return () =>
    (valuation ??= valueOrder({
      account: order.account,
      instrument: order.instrument,
      side: order.input.side,
      type: order.input.type,
      lots: order.input.lots,
      limitPrice: order.input.type === 'LIMIT' ? (order.input.price ?? null) : null,
      withMaxLots,
      loaders: request.loaders,
      signal: request.signal,
    }));
}

/** Throws the first refusal among `checks`. */
function refuseFirst(checks: CheckResult[]): void {
  const refusal = checks.find((check) => !check.ok);
  if (!refusal) return;
  const allowed = refusal.limit === null ? '' : `; the token's policy allows ${refusal.limit}`;
  throw new RiskLimitExceededError(`order refused by the token's policy (${refusal.rule}): ${refusal.message}${allowed}`, refusal.rule, refusal.limit, refusal.value);
}
