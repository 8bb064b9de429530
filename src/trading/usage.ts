import { canSeeAccount } from '../access.js';
import type { Money } from '../domain.js';
import { workingOrders } from './market-facts.js';
import { defaultPolicyTimezone, limitsValue } from './policy.js';
import type { TradingRequest } from './request.js';
import { dayIn } from './trading-hours.js';

/** `viewer.usage`: what a token has done today, read from the risk ledger; working orders only when asked (they cost calls). */
export interface UsageModel {
  day: string;
  timezone: string;
  ordersToday: number;
  valueToday: Money | null;
  openOrders(): Promise<number>;
}

export function tokenUsage(request: TradingRequest): UsageModel {
  const { risk, now } = request.services.guardrails;
  const policy = request.viewer.policy ?? null;
  const timezone = policy?.timezone ?? defaultPolicyTimezone;
  const day = dayIn(now(), timezone);
  const tokenId = request.viewer.tokenId;
  const counters = risk.counters({ tokenId, day, viewStartedAt: new Date().toISOString() });
  return {
    day,
    timezone,
    ordersToday: counters.ordersToday,
    valueToday: policy && limitsValue(policy) ? { amount: counters.valueToday.get(policy.currency) ?? '0', currency: policy.currency } : null,
    async openOrders() {
      const viewStartedAt = new Date().toISOString();
      const open = await workingOrders(request);
      const accounts = new Set(open.accounts);
      const inFlight = risk.counters({ tokenId, day, viewStartedAt }).inFlight.filter((order) => accounts.has(order.accountId));
      return open.count + inFlight.length;
    },
  };
}

/** The accounts among the token's that `brokerql halt --account` stops. */
export function haltedAccounts(request: TradingRequest): string[] {
  return request.services.guardrails.halts
    .list()
    .filter((halt) => halt.scope === 'account' && canSeeAccount(request.viewer, halt.target))
    .map((halt) => halt.target);
}
