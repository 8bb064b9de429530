import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alorLimits } from '../src/brokers/alor/limits.js';
import { instaforexLimits } from '../src/brokers/instaforex/limits.js';
import type { RequestLimit } from '../src/brokers/limits.js';
import { brokerRegistry, type BrokerKind } from '../src/brokers/registry.js';
import { quotaBuckets } from '../src/brokers/resilience/policy.js';
import { tinkoffLimits } from '../src/brokers/tinkoff/limits.js';
import { tinkoffV1Limits } from '../src/brokers/tinkoff-v1/limits.js';
import { createTinkoffSimulator, tinkoffSimulatorTokens } from '../src/simulators/tinkoff/server.js';

/**
 * One limits table per broker (src/brokers/<broker>/limits.ts), read by the gateway's request
 * budget and by the broker's simulator: the numbers are the documented ones, and both sides
 * draw a request from the same limits.
 */

const perMinute = (limits: readonly RequestLimit[]) =>
  Object.fromEntries(limits.filter((limit) => limit.per === 'minute').map((limit) => [limit.name, limit.requests]));
const contract = '/tinkoff.public.invest.api.contract.v1.';
/** The gateway's buckets a request draws from, by name. */
const bucketsOf = (broker: BrokerKind, route: string) =>
  quotaBuckets(brokerRegistry[broker].limits).filter((bucket) => bucket.matches(route)).map((bucket) => bucket.name);

describe('published request limits', () => {
  it('are the numbers the brokers document', () => {
    // ../shared/brokers/tinvest-v2/limits.md, "Таблица лимитов unary-методов", REST rows.
    expect(perMinute(tinkoffLimits)).toEqual({
      InstrumentsService: 200,
      UsersService: 100,
      OperationsService: 200,
      MarketDataService: 600,
      StopOrdersService: 50,
      SandboxService: 200,
      OrdersService: 100,
      'OrdersService/GetOrders': 200,
      'OrdersService/PostOrder': 300,
      'OrdersService/CancelOrder': 100,
      'OrdersService/PostOrderAsync': 450,
    });
    // ../shared/brokers/tinkoff.md §3, per user.
    expect(perMinute(tinkoffV1Limits)).toEqual({
      sandbox: 120,
      portfolio: 120,
      market: 240,
      orders: 100,
      'limit-order': 100,
      'market-order': 100,
      cancel: 50,
      operations: 120,
    });
    // The per-second ones: T-Invest's recommendation per address, ALOR's limit per user (alor.md
    // §13), and the pace InstaForex's own clients keep (instaforex.md §5: it publishes none).
    const perSecond = [...tinkoffLimits, ...alorLimits, ...instaforexLimits].filter((limit) => limit.per === 'second');
    expect(perSecond.map(({ name, requests, enforced }) => ({ name, requests, enforced }))).toEqual([
      { name: 'per address', requests: 50, enforced: false },
      { name: 'per user', requests: 100, enforced: true },
      { name: 'client pace', requests: 2, enforced: false },
    ]);
  });

  it("draw a request from its method's own limit if it has one, else from its service's or resource's, and from every-route limits", () => {
    expect(bucketsOf('tinkoff', `POST ${contract}OrdersService/PostOrder`)).toEqual(['per address', 'OrdersService/PostOrder']);
    expect(bucketsOf('tinkoff', `POST ${contract}OrdersService/GetOrderState`)).toEqual(['per address', 'OrdersService']);
    expect(bucketsOf('tinkoff', `POST ${contract}UsersService/GetAccounts`)).toEqual(['per address', 'UsersService']);
    expect(bucketsOf('tinkoff-v1', 'GET /orders')).toEqual(['orders']);
    expect(bucketsOf('tinkoff-v1', 'POST /orders/limit-order')).toEqual(['limit-order']);
    expect(bucketsOf('tinkoff-v1', 'GET /portfolio/currencies')).toEqual(['portfolio']);
    expect(bucketsOf('tinkoff-v1', 'GET /market/search/by-figi')).toEqual(['market']);
    // v1 lists no limit for the accounts list.
    expect(bucketsOf('tinkoff-v1', 'GET /user/accounts')).toEqual([]);
    expect(bucketsOf('alor', 'GET /md/v2/Clients/MOEX/D39004/orders')).toEqual(['per user']);
  });
});

describe('T-Invest GetOrderState (once 100 a minute in the simulator and 50 in the gateway)', () => {
  const simulator = createTinkoffSimulator({ rateLimits: true });
  const call = (method: string, body: Record<string, unknown>) =>
    fetch(`${simulator.baseUrl}${contract}${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tinkoffSimulatorTokens.full}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const orderState = () => call('OrdersService/GetOrderState', { accountId: '2000345678', orderId: '1' });

  beforeAll(() => simulator.server.start());
  afterAll(() => simulator.server.stop());

  it('has the same budget in both: the rest of OrdersService, refused past it with 80002 while GetOrders keeps its own', async () => {
    const gateway = quotaBuckets(brokerRegistry.tinkoff.limits).find((bucket) => bucket.name === 'OrdersService')!;
    expect(gateway.matches(`POST ${contract}OrdersService/GetOrderState`)).toBe(true);
    const answered = await Promise.all(Array.from({ length: gateway.burst }, () => orderState()));
    expect(new Set(answered.map((answer) => answer.status))).toEqual(new Set([404]));
    expect(answered[0]!.headers.get('x-ratelimit-limit')).toBe(String(gateway.burst));

    const refused = await orderState();
    expect(refused.status).toBe(429);
    expect(await refused.json()).toEqual({ code: 8, message: 'Request limit exceeded', description: 80002 });
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    expect((await call('OrdersService/GetOrders', { accountId: '2000345678' })).status).toBe(200);
  });
});
