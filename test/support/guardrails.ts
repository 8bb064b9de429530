import type { Stack } from './stack.js';
import { parsePolicy } from '../../src/trading/policy.js';
import type { Gateway } from '../../src/server.js';
import { graphql } from './graphql.js';

/** A TRADE token carrying `policy` (a policy document as YAML would give it), limited to `accounts` when given. */
export function policyToken(gateway: Gateway, policy: Record<string, unknown>, accounts: string[] | null = null): { secret: string; id: string } {
  const { record, secret } = gateway.tokens.create({
    name: 'policy-bot',
    scope: 'TRADE',
    accountIds: accounts,
    expiresAt: null,
    policy: parsePolicy(policy, 'test policy'),
  });
  return { secret, id: record.id };
}

export interface OrderInput {
  accountId?: string;
  instrument?: Record<string, string>;
  side?: 'BUY' | 'SELL';
  type?: 'LIMIT' | 'MARKET';
  lots?: number;
  price?: string | null;
  idempotencyKey?: string;
}

/** The T-Invest simulator's brokerage account, SBER at 281.99 (lot 10): a non-marketable limit buy by default. */
export function orderInput(input: OrderInput = {}): Record<string, unknown> {
  const type = input.type ?? 'LIMIT';
  return {
    accountId: input.accountId ?? 'tbank:2000345678',
    instrument: input.instrument ?? { figi: 'BBG004730N88' },
    side: input.side ?? 'BUY',
    type,
    lots: input.lots ?? 1,
    ...(type === 'LIMIT' ? { price: input.price ?? '250' } : {}),
    ...(input.idempotencyKey ? { idempotencyKey: input.idempotencyKey } : {}),
  };
}

const placeOrderMutation = 'mutation ($input: PlaceOrderInput!) { placeOrder(input: $input) { id status } }';

export function placeOrder(gateway: Gateway, token: string, input: OrderInput = {}, headers?: Record<string, string>) {
  return graphql(gateway, placeOrderMutation, { token, variables: { input: orderInput(input) }, headers });
}

/** Orders the T-Invest simulator has received since it started (seeded ones excluded). */
export function tinkoffOrdersPlaced(stack: Stack, seeded = 2): number {
  return stack.tinkoff.state.orders.size - seeded;
}
