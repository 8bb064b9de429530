import { addressInNetworks } from '../auth/client-network.js';
import { addDecimals, compareDecimals, divideRoundingUp, multiplyDecimals, subtractDecimals, type Decimal } from '../decimal.js';
import type { OrderSide, OrderType } from '../domain.js';
import { describeRate, type ExchangeRate } from '../valuation/exchange-rates.js';
import type { RiskPolicy, PolicyRule } from './policy.js';
import type { RiskCounters } from './risk-ledger.js';
import { describeLocalTime, describeTradingHours, withinTradingHours } from './trading-hours.js';

/**
 * A policy's rules, each a pure function of what is known about the order: the ones that need
 * nothing but the request (who, from where, when, what), the ones that need the market (price,
 * value), and the counters, which are read inside the reservation's transaction. Each rule the
 * policy sets gives one result — the guard stops at the first refusal, a preview shows them all.
 */

export interface CheckResult {
  rule: PolicyRule;
  ok: boolean;
  /** What the policy allows, as text ("5", "50000 RUB", "MON,TUE 10:00-18:40 Europe/Moscow"). */
  limit: string | null;
  /** What this order is or would make of it, as text; null when it could not be known. */
  value: string | null;
  /** Says what was checked, and on a refusal why. */
  message: string;
}

/** What the request itself says: enough for the rules that need no broker. */
export interface OrderFacts {
  now: Date;
  clientAddress: string;
  accountId: string;
  /** `<connection id>:<broker key>`; null before the instrument is known (the instruments rule waits for it). */
  instrumentId: string | null;
  side: OrderSide;
  type: OrderType;
  lots: number;
}

/** What the brokers said about the order, gathered only for the rules the policy sets (market-facts.ts). */
export interface MarketFacts {
  /** The order's value in the policy's currency, or why it is unknown. */
  value?: { amount: Decimal; rate: ExchangeRate | null } | { unknown: string };
  /** The order's price (its limit, or a MARKET order's price in the book) and the last price, for the band. */
  band?: { price: Decimal | null; lastPrice: Decimal | null };
  /** Working orders on the token's accounts, as their brokers list them. */
  openOrders?: { count: number; accounts: readonly string[] };
  /** The order's account's position in the instrument, and its working orders in it, in lots. */
  position?: { lots: Decimal; workingBuys: Decimal; workingSells: Decimal } | { unknown: string };
}

const result = (rule: PolicyRule, ok: boolean, limit: string | null, value: string | null, message: string): CheckResult => ({ rule, ok, limit, value, message });

export function requestChecks(policy: RiskPolicy, facts: OrderFacts): CheckResult[] {
  const checks: CheckResult[] = [];
  if (policy.allowFrom) {
    const ok = addressInNetworks(facts.clientAddress, policy.allowFrom);
    checks.push(result('allowFrom', ok, policy.allowFrom.join(', '), facts.clientAddress, ok ? 'the client address is allowed' : `orders from ${facts.clientAddress} are not allowed`));
  }
  if (policy.tradingHours) {
    const ok = withinTradingHours(facts.now, policy.tradingHours);
    const limit = describeTradingHours(policy.tradingHours);
    const now = describeLocalTime(facts.now, policy.tradingHours.timezone);
    checks.push(result('tradingHours', ok, limit, now, ok ? 'within trading hours' : `it is ${now}, outside the token's trading hours ${limit}`));
  }
  if (policy.orderTypes) {
    const ok = policy.orderTypes.includes(facts.type);
    checks.push(result('orderTypes', ok, policy.orderTypes.join(', '), facts.type, ok ? `${facts.type} orders are allowed` : `${facts.type} orders are not allowed`));
  }
  if (policy.sides) {
    const ok = policy.sides.includes(facts.side);
    checks.push(result('sides', ok, policy.sides.join(', '), facts.side, ok ? `${facts.side} is allowed` : `${facts.side} orders are not allowed`));
  }
  if (policy.instruments && facts.instrumentId !== null) {
    const ok = policy.instruments.includes(facts.instrumentId);
    checks.push(result('instruments', ok, policy.instruments.join(', '), facts.instrumentId, ok ? 'the instrument is allowed' : `${facts.instrumentId} is not in the token's instruments`));
  }
  return checks;
}

export function marketChecks(policy: RiskPolicy, market: MarketFacts): CheckResult[] {
  const checks: CheckResult[] = [];
  if (policy.priceBandPercent !== undefined) checks.push(bandCheck(policy.priceBandPercent, market.band));
  if (market.value && 'unknown' in market.value) {
    checks.push(result('valueUnknown', false, null, null, `the order's value in ${policy.currency} cannot be determined: ${market.value.unknown}`));
  } else if (market.value && policy.maxOrderValue !== undefined) {
    const { amount, rate } = market.value;
    const ok = compareDecimals(amount, policy.maxOrderValue) <= 0;
    const converted = rate ? ` (converted at ${describeRate(rate)})` : '';
    checks.push(result('maxOrderValue', ok, `${policy.maxOrderValue} ${policy.currency}`, `${amount} ${policy.currency}`, `the order is worth ${amount} ${policy.currency}${converted}`));
  }
  return checks;
}

function bandCheck(percent: Decimal, band: MarketFacts['band']): CheckResult {
  const limit = `${percent}%`;
  if (!band || band.price === null || band.lastPrice === null || compareDecimals(band.lastPrice, '0') <= 0) {
    return result('priceBandPercent', false, limit, null, "the order's price cannot be compared with a last price (none is known)");
  }
  const distance = subtractDecimals(band.price, band.lastPrice).replace(/^-/, '');
  // Exact: |price − last| × 100 against percent × last. The percentage shown is rounded up.
  const ok = compareDecimals(multiplyDecimals(distance, '100'), multiplyDecimals(percent, band.lastPrice)) <= 0;
  const deviation = `${divideRoundingUp(multiplyDecimals(distance, '100'), band.lastPrice, 4)}%`;
  return result('priceBandPercent', ok, limit, deviation, `the price ${band.price} is ${deviation} from the last price ${band.lastPrice}`);
}

export function counterChecks(policy: RiskPolicy, facts: OrderFacts & { instrumentId: string }, market: MarketFacts, counters: RiskCounters): CheckResult[] {
  const checks: CheckResult[] = [];
  if (policy.maxOrdersPerDay !== undefined) {
    const after = counters.ordersToday + 1;
    checks.push(result('maxOrdersPerDay', after <= policy.maxOrdersPerDay, String(policy.maxOrdersPerDay), String(after), `this would be order ${after} today`));
  }
  if (policy.maxDailyValue !== undefined && market.value && !('unknown' in market.value)) {
    const other = [...counters.valueToday.keys()].find((currency) => currency !== policy.currency);
    if (other !== undefined) {
      checks.push(result('valueUnknown', false, null, null, `today's orders were valued in ${other} before the policy's currency became ${policy.currency}; the daily value counts afresh tomorrow`));
    } else {
      const after = addDecimals(counters.valueToday.get(policy.currency) ?? '0', market.value.amount);
      const ok = compareDecimals(after, policy.maxDailyValue) <= 0;
      checks.push(result('maxDailyValue', ok, `${policy.maxDailyValue} ${policy.currency}`, `${after} ${policy.currency}`, `today's orders would be worth ${after} ${policy.currency}`));
    }
  }
  if (policy.maxOpenOrders !== undefined && market.openOrders) {
    const accounts = new Set(market.openOrders.accounts);
    const inFlight = counters.inFlight.filter((order) => accounts.has(order.accountId)).length;
    const after = market.openOrders.count + inFlight + 1;
    checks.push(result('maxOpenOrders', after <= policy.maxOpenOrders, String(policy.maxOpenOrders), String(after), `${after} orders would be working on the token's accounts`));
  }
  const positionLimit = policy.maxPositionLots?.[facts.instrumentId];
  if (positionLimit !== undefined) checks.push(positionCheck(positionLimit, facts, market.position, counters));
  return checks;
}

/**
 * The position the order could take the account to in its own direction, counting every working
 * and in-flight order on that side: a BUY is refused when the long position could pass the limit,
 * a SELL when the short one could. An order that moves the position back toward zero passes.
 */
function positionCheck(limit: number, facts: OrderFacts & { instrumentId: string }, position: MarketFacts['position'], counters: RiskCounters): CheckResult {
  if (!position || 'unknown' in position) {
    return result('maxPositionLots', false, String(limit), null, `the position in ${facts.instrumentId} cannot be determined: ${position?.unknown ?? 'not read'}`);
  }
  const inFlight = counters.inFlight.filter((order) => order.accountId === facts.accountId && order.instrument === facts.instrumentId);
  const pending = (side: OrderSide) => String(inFlight.filter((order) => order.side === side).reduce((sum, order) => sum + order.lots, 0));
  const reach =
    facts.side === 'BUY'
      ? addDecimals(position.lots, position.workingBuys, pending('BUY'), String(facts.lots))
      : subtractDecimals(subtractDecimals(position.lots, position.workingSells), addDecimals(pending('SELL'), String(facts.lots)));
  const ok = facts.side === 'BUY' ? compareDecimals(reach, String(limit)) <= 0 : compareDecimals(reach, String(-limit)) >= 0;
  return result('maxPositionLots', ok, String(limit), reach, `the position in ${facts.instrumentId} could reach ${reach} lots`);
}
