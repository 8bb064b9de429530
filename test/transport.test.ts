import { describe, expect, it } from 'vitest';
import { createConnectionPolicy, type ConnectionPolicy } from '../src/brokers/resilience/policy.js';
import { createTinkoffAdapter } from '../src/brokers/tinkoff/adapter.js';
import { tinkoffLimits } from '../src/brokers/tinkoff/limits.js';
import { createTinkoffV1Adapter } from '../src/brokers/tinkoff-v1/adapter.js';
import { tinkoffV1Limits } from '../src/brokers/tinkoff-v1/limits.js';
import type { TinkoffConnectionConfig, TinkoffV1ConnectionConfig } from '../src/config.js';
import { runInRequestScope } from '../src/request-scope.js';
import { SecretRegistry } from '../src/secrets.js';
import { createTinkoffSimulator, tinkoffSimulatorTokens } from '../src/simulators/tinkoff/server.js';
import { createTinkoffV1Simulator, tinkoffV1SimulatorTokens } from '../src/simulators/tinkoff-v1/server.js';
import { connectionConfig, useAdapterTestBed } from './support/adapters.js';
import { failure } from './support/broker-failure.js';

/** The transport's policy (retries, Retry-After, circuit breaker, budget) seen from a real adapter and a real simulator. */
const simulator = createTinkoffSimulator({ rateLimits: false });
const testBed = useAdapterTestBed(simulator.server);

function adapterWithPolicy(overrides: { quota?: boolean; maxConcurrentRequests?: number; baseUrl?: string } = {}) {
  const config = connectionConfig<TinkoffConnectionConfig>({
    id: 'tbank',
    broker: 'tinkoff',
    token: tinkoffSimulatorTokens.full,
    baseUrl: overrides.baseUrl ?? simulator.baseUrl,
  });
  const policy: ConnectionPolicy = createConnectionPolicy({
    connection: 'tbank',
    brokerLabel: 'T-Invest',
    limits: tinkoffLimits,
    quota: overrides.quota ?? false,
    maxConcurrentRequests: overrides.maxConcurrentRequests ?? 8,
  });
  const adapter = testBed.track(createTinkoffAdapter(config, { secrets: new SecretRegistry(), policy }));
  return { adapter, policy };
}


const route = 'UsersService/GetAccounts';
/** The simulator's T-Invest accounts, less the one its token has no access to. */
const listedAccounts = 4;

describe('retries of reads', () => {
  it('retries a read after a 5xx and succeeds', async () => {
    simulator.server.injectFault({ route, fault: { kind: 'status', status: 503 }, times: 1 });
    const accounts = await adapterWithPolicy().adapter.listAccounts({});
    expect(accounts).toHaveLength(listedAccounts);
    expect(simulator.server.requestCount(route)).toBe(2);
  });

  it('retries a read after a dropped connection', async () => {
    simulator.server.injectFault({ route, fault: { kind: 'drop' }, times: 2 });
    await expect(adapterWithPolicy().adapter.listAccounts({})).resolves.toHaveLength(listedAccounts);
    expect(simulator.server.requestCount(route)).toBe(3);
  });

  it('gives up after two retries', async () => {
    simulator.server.injectFault({ route, fault: { kind: 'status', status: 500 } });
    const error = await failure(adapterWithPolicy().adapter.listAccounts({}));
    expect(error.code).toBe('UPSTREAM_UNAVAILABLE');
    expect(simulator.server.requestCount(route)).toBe(3);
  });

  it('never retries past the request deadline', async () => {
    simulator.server.injectFault({ route, fault: { kind: 'status', status: 500 } });
    const { adapter } = adapterWithPolicy();
    // A deadline already reached: the first attempt is the only one.
    const error = await failure(runInRequestScope({ deadline: Date.now() + 1, brokerCalls: 0 }, () => adapter.listAccounts({})));
    expect(['UPSTREAM_UNAVAILABLE', 'UPSTREAM_TIMEOUT']).toContain(error.code);
    expect(simulator.server.requestCount(route)).toBeLessThanOrEqual(1);
  });

  it('honours Retry-After on a 429, and without one answers RATE_LIMITED at once', async () => {
    simulator.server.injectFault({ route, fault: { kind: 'status', status: 429, headers: { 'retry-after': '1' } }, times: 1 });
    await expect(adapterWithPolicy().adapter.listAccounts({})).resolves.toHaveLength(listedAccounts);
    expect(simulator.server.requestCount(route)).toBe(2);

    simulator.server.resetCounters();
    simulator.server.injectFault({ route, fault: { kind: 'status', status: 429, headers: { 'x-ratelimit-reset': '17' } }, times: 1 });
    const error = await failure(adapterWithPolicy().adapter.listAccounts({}));
    expect(error).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 17 });
    expect(simulator.server.requestCount(route)).toBe(1);
  });

  it('counts every attempt as a broker call of the request', async () => {
    simulator.server.injectFault({ route, fault: { kind: 'status', status: 502 }, times: 1 });
    const scope = { deadline: Date.now() + 10_000, brokerCalls: 0 };
    await runInRequestScope(scope, () => adapterWithPolicy().adapter.listAccounts({}));
    expect(scope.brokerCalls).toBe(2);
  });
});

describe('orders are never blindly retried', () => {
  const placeMarket = async (idempotencyKey: string) => {
    const { adapter } = adapterWithPolicy();
    const sber = await adapter.getInstrument({ ref: { figi: 'BBG004730N88' } });
    return adapter.placeOrder({ brokerAccountId: '2000345678', instrument: sber, side: 'BUY', type: 'MARKET', lots: 1, price: null, idempotencyKey });
  };

  it('does not repeat PostOrder on a 500, but looks the order up and resends only with the same orderId', async () => {
    simulator.server.injectFault({ route: 'OrdersService/PostOrder', fault: { kind: 'status', status: 500 } });
    const error = await failure(placeMarket('no-blind-retry'));
    // Not found by its request id, so sent once more with the same orderId (T-Invest deduplicates by it), then given up.
    expect(error).toMatchObject({ code: 'UPSTREAM_TIMEOUT', retryable: false });
    expect(error.message).toMatch(/whether the order was placed is unknown: T-Invest did not confirm it/);
    const sent = simulator.server.recentRequests('OrdersService/PostOrder').map((entry) => JSON.parse(entry.body).orderId);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toBe(sent[1]);
    expect(simulator.server.requestCount('OrdersService/GetOrderState')).toBe(1);
  });

  it('recovers an order the broker placed although its answer was lost', async () => {
    const ordersBefore = simulator.state.orders.size;
    simulator.server.injectFault({ route: 'OrdersService/PostOrder', fault: { kind: 'reset-mid-response' }, afterHandling: true, times: 1 });
    const order = await placeMarket('answer-lost');
    expect(order.status).toBe('FILLED');
    expect(simulator.state.orders.size).toBe(ordersBefore + 1);
    expect(simulator.server.requestCount('OrdersService/PostOrder')).toBe(1);
    expect(simulator.server.requestCount('OrdersService/GetOrderState')).toBe(1);
  });

  it('tells a refused connection (nothing sent) from a reset one (maybe sent)', async () => {
    const down = createTinkoffSimulator();
    await down.server.start();
    const baseUrl = down.baseUrl;
    await down.server.stop();
    const refused = await failure(adapterWithPolicy({ baseUrl }).adapter.listAccounts({}));
    expect(refused).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', mayHaveReachedBroker: false });

    simulator.server.injectFault({ route: 'OrdersService/PostOrder', fault: { kind: 'reset-mid-response' } });
    simulator.server.injectFault({ route: 'OrdersService/GetOrderState', fault: { kind: 'drop' } });
    const reset = await failure(placeMarket('reset'));
    expect(reset).toMatchObject({ code: 'UPSTREAM_TIMEOUT', retryable: false, mayHaveReachedBroker: true });
  });
});

describe('circuit breaker', () => {
  it('stops calling a failing broker, so a dead connection costs nothing', async () => {
    simulator.server.injectFault({ fault: { kind: 'status', status: 500 } });
    const { adapter, policy } = adapterWithPolicy();
    await failure(adapter.listAccounts({}));
    await failure(adapter.listAccounts({}));
    expect(policy.breaker.snapshot().state).toBe('open');
    const sent = simulator.server.requestCount();
    const fast = await failure(adapter.listAccounts({}));
    expect(fast).toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connection: 'tbank', mayHaveReachedBroker: false, retryable: true });
    // A client is told when trying again makes sense: the rest of the cool-down.
    expect(fast.retryAfterSeconds).toBeGreaterThan(0);
    expect(fast.retryAfterSeconds).toBeLessThanOrEqual(30);
    expect(fast.message).toMatch(/stopped calling it for a while/);
    expect(simulator.server.requestCount()).toBe(sent);
  });
});

describe('budget', () => {
  it('keeps to the concurrency cap, measured at the broker', async () => {
    simulator.server.setLatency(30);
    try {
      const { adapter } = adapterWithPolicy({ maxConcurrentRequests: 2 });
      simulator.server.resetCounters();
      await Promise.all(Array.from({ length: 6 }, () => adapter.listAccounts({})));
      expect(simulator.server.requestCount(route)).toBe(6);
      expect(simulator.server.peakConcurrentRequests).toBe(2);
    } finally {
      simulator.server.setLatency(0);
    }
  });

  it('answers RATE_LIMITED at once when the broker budget cannot be met before the deadline', async () => {
    // Tinkoff v1 allows 100 order lists a minute (one more every 0.6 s) and has no per-second
    // limit on top (T-Invest's 50 a second would pace a burst before its minute ran out): the
    // call past the minute's budget cannot go before a half-second deadline.
    const limit = tinkoffV1Limits.find((candidate) => candidate.name === 'orders')!.requests;
    const legacy = createTinkoffV1Simulator({ rateLimits: false });
    await testBed.start(legacy.server);
    const config = connectionConfig<TinkoffV1ConnectionConfig>({
      id: 'tinkoff-legacy',
      broker: 'tinkoff-v1',
      token: tinkoffV1SimulatorTokens.trading,
      baseUrl: legacy.baseUrl,
    });
    const policy = createConnectionPolicy({ connection: 'tinkoff-legacy', brokerLabel: 'Tinkoff v1', limits: tinkoffV1Limits, quota: true, maxConcurrentRequests: limit });
    const adapter = testBed.track(createTinkoffV1Adapter(config, { secrets: new SecretRegistry(), policy }));
    const results = await runInRequestScope({ deadline: Date.now() + 500, brokerCalls: 0 }, () =>
      Promise.allSettled(Array.from({ length: limit + 1 }, () => adapter.listOrders({ brokerAccountId: '2054816137' }))),
    );
    const refused = results.filter((result) => result.status === 'rejected').map((result) => (result as PromiseRejectedResult).reason);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ code: 'RATE_LIMITED', mayHaveReachedBroker: false });
    expect(legacy.server.requestCount('GET /orders')).toBe(limit);
  });
});

describe('a caller that goes away', () => {
  it('stops a call whose caller left before it was sent, without reaching the broker', async () => {
    const { adapter } = adapterWithPolicy();
    const before = simulator.server.requestCount(route);
    const controller = new AbortController();
    controller.abort(new Error('client went away'));
    await expect(adapter.listAccounts({ signal: controller.signal })).rejects.toMatchObject({ connection: 'tbank' });
    expect(simulator.server.requestCount(route)).toBe(before);
  });

  it('is not a broker failure: the circuit stays closed', async () => {
    simulator.server.setLatency(200);
    try {
      const { adapter, policy } = adapterWithPolicy();
      for (let attempt = 0; attempt < 6; attempt++) {
        const controller = new AbortController();
        const call = adapter.listAccounts({ signal: controller.signal });
        setTimeout(() => controller.abort(new Error('client went away')), 20);
        // The call stops with the caller (no answer after 200 ms), and is not retried.
        await expect(call).rejects.toMatchObject({ code: 'UPSTREAM_UNAVAILABLE', connection: 'tbank' });
      }
      expect(simulator.server.requestCount(route)).toBe(6);
      expect(policy.breaker.snapshot()).toMatchObject({ state: 'closed', consecutiveFailures: 0 });
    } finally {
      simulator.server.setLatency(0);
    }
  });
});
