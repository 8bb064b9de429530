import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { brokerRegistry } from '../src/brokers/registry.js';
import { defaultMaxConcurrentRequests } from '../src/brokers/resilience/policy.js';
import { InFlight, nextMoment } from '../src/brokers/single-flight.js';
import { BrokerCallBudgetError } from '../src/errors.js';
import { runInRequestScope } from '../src/request-scope.js';
import { allSimulatedBrokers } from '../src/simulators/index.js';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';
import { until } from './support/until.js';

/**
 * A request's broker calls are budgeted, tokens share a connection fairly (issue 13, B9), and a
 * connection's calls in flight are capped by its broker's published rate, not a fixed 8 (D23).
 */
const operationsRoute = 'OperationsService/GetOperationsByCursor';

/** `count` aliases of one account's operations, each over another period: `count` independent broker calls. */
function aliasedOperations(count: number, field = 'account(id: "tbank:2000345678")'): string {
  const aliases = Array.from({ length: count }, (_, index) => {
    const day = String(index + 1).padStart(2, '0');
    return `a${index}: ${field} { operations(from: "2020-01-${day}T00:00:00Z", to: "2030-01-01T00:00:00Z") { id } }`;
  });
  return `{ ${aliases.join(' ')} }`;
}

describe('the broker-call budget of one request (server.limits.maxBrokerCallsPerRequest, default 200)', () => {
  let stack: Stack;
  const total = () => stack.simulators.servers.reduce((sum, server) => sum + server.requestCount(), 0);

  beforeAll(async () => {
    stack = await startStack({ brokers: allSimulatedBrokers });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    for (const server of stack.simulators.servers) server.resetCounters();
  });

  it('stops 30 aliased account-wide operation lists at the limit, keeps what was read, and says how many calls it needed', async () => {
    const result = await graphql(stack.gateway, aliasedOperations(30, 'accounts'), { token: stack.readToken });
    // Every call that reached a broker counted; nothing beyond the limit was sent.
    expect(total()).toBeLessThanOrEqual(200);
    expect(total()).toBeGreaterThan(150);
    const lists = Object.values(result.data as Record<string, Array<{ operations: unknown[] | null }>>).flat();
    const answered = lists.filter((account) => account.operations !== null);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.length).toBeLessThan(lists.length);
    const refused = result.errors!.filter((error) => error.path !== undefined);
    expect(refused).toHaveLength(lists.length - answered.length);
    expect(refused.every((error) => error.extensions['code'] === 'BAD_USER_INPUT' && error.message.includes('server.limits.maxBrokerCallsPerRequest'))).toBe(true);
    const summary = result.errors!.find((error) => error.path === undefined)!;
    expect(summary.extensions['code']).toBe('BAD_USER_INPUT');
    const needed = Number(/needed at least (\d+) broker calls/.exec(summary.message)?.[1]);
    expect(needed).toBeGreaterThan(200);
    expect(summary.message).toContain(`${total()} were made`);
  });

  it('leaves the README statistics query over all four brokers untouched', async () => {
    const result = await graphql(
      stack.gateway,
      '{ accounts { id portfolio { positions { quantity instrument { ticker name lotSize } } cash { amount } } operations(from: "2024-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z") { type } orders { id } } }',
      { token: stack.readToken },
    );
    expect(result.errors).toBeUndefined();
  });

  it('does not pass one request\'s refusal on to another sharing its call: the other makes the call itself', async () => {
    const calls = new InFlight();
    let attempts = 0;
    const read = async () => {
      attempts += 1;
      // The first attempt runs in the spent request's scope, as the transport would refuse it.
      if (attempts === 1) throw new BrokerCallBudgetError(200);
      return 'portfolio';
    };
    const arrivedAt = nextMoment();
    const scope = () => ({ deadline: Date.now() + 1000, brokerCalls: 0, arrivedAt });
    const [spent, other] = await Promise.allSettled([
      runInRequestScope(scope(), () => calls.run('portfolio|1', read)),
      runInRequestScope(scope(), () => calls.run('portfolio|1', read)),
    ]);
    expect(spent).toMatchObject({ status: 'rejected', reason: expect.any(BrokerCallBudgetError) });
    expect(other).toEqual({ status: 'fulfilled', value: 'portfolio' });
    expect(attempts).toBe(2);
  });
});

describe('sharing a connection between tokens', () => {
  let stack: Stack;

  beforeAll(async () => {
    // Two calls in flight at once, so that a queue forms in front of the broker.
    stack = await startStack({ connectionOverrides: { tbank: { maxConcurrentRequests: 2 } } });
    await graphql(stack.gateway, '{ accounts { id } }', { token: stack.readToken });
  });
  afterAll(() => stack.close());

  it("serves another token's portfolio query before the backlog of a token flooding the connection", async () => {
    const quota = stack.gateway.connections.get('tbank')!.policy.quota;
    const release = stack.tinkoff.server.hold(operationsRoute);
    stack.tinkoff.server.resetCounters();
    const flood = graphql(stack.gateway, aliasedOperations(20), { token: stack.token('READ') });
    let dashboard;
    try {
      await until(() => stack.tinkoff.server.requestCount(operationsRoute) === 2 && quota.snapshot().queuedReads === 18, "the flood's backlog to queue");
      dashboard = graphql(stack.gateway, '{ account(id: "tbank:2008765432") { portfolio { positions { quantity } } } }', { token: stack.token('READ') });
      await until(() => quota.snapshot().queuedReads >= 19, 'the portfolio call to queue behind the flood');
    } finally {
      release();
    }
    const [flooded, portfolio] = await Promise.all([flood, dashboard]);
    expect(flooded.errors ?? portfolio.errors).toBeUndefined();
    const order = stack.tinkoff.server.recentRequests().map((request) => request.route);
    expect(order.filter((route) => route === operationsRoute)).toHaveLength(20);
    // The two held calls, at most one more of the flood's (it had the turn), then the portfolio.
    expect(order.indexOf('OperationsService/GetPortfolio')).toBeLessThanOrEqual(3);
  });
});

describe('calls in flight per connection (D23)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
    await graphql(stack.gateway, '{ accounts { id } }', { token: stack.readToken });
  });
  afterAll(() => stack.close());

  it('are capped by default at one second of the broker\'s published rate', () => {
    expect(defaultMaxConcurrentRequests(brokerRegistry.tinkoff.limits)).toBe(50);
    expect(defaultMaxConcurrentRequests(brokerRegistry.alor.limits)).toBe(100);
    expect(defaultMaxConcurrentRequests(brokerRegistry.instaforex.limits)).toBe(2);
    // Per-minute limits only (950 a minute in all, the sandbox's account management included).
    expect(defaultMaxConcurrentRequests(brokerRegistry['tinkoff-v1'].limits)).toBe(16);
  });

  it('let twenty independent T-Invest calls of one query reach the broker at once with the default settings', async () => {
    const release = stack.tinkoff.server.hold(operationsRoute);
    stack.tinkoff.server.resetCounters();
    const query = graphql(stack.gateway, aliasedOperations(20), { token: stack.readToken });
    try {
      await until(() => stack.tinkoff.server.requestCount(operationsRoute) === 20, 'twenty calls at the broker at once', 5_000);
    } finally {
      release();
    }
    const result = await query;
    expect(result.errors).toBeUndefined();
    expect(stack.tinkoff.server.peakConcurrentRequests).toBe(20);
  });
});
