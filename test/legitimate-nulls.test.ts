import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { instaforexRouteNames as routes, instaforexSimulatorAccount, type InstaforexSimulator } from '../src/simulators/instaforex/server.js';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * B13: a nullable field whose broker has no such data is null, with no error; a broker that
 * fails while answering is still an error. InstaForex has no last prices at all (no market data
 * in its Client Cabinet API); T-Invest leaves out instruments it has no last price for.
 */

let stack: Stack;
let instaforex: InstaforexSimulator;
const account = `ifx:${instaforexSimulatorAccount.login}`;
const instrumentFields = 'id ticker figi exchange name type currency lotSize minPriceIncrement lastPrice';

beforeAll(async () => {
  stack = await startStack({ brokers: ['instaforex', 'tinkoff'] });
  instaforex = stack.simulators.instaforex!;
});
afterAll(() => stack.close());
beforeEach(() => {
  instaforex.server.clearFaults();
  stack.tinkoff.server.clearFaults();
  stack.tinkoff.server.resetCounters();
});

describe('B13: fields a broker has no data for are null without an error', () => {
  it('InstaForex: every nullable field of positions, orders, operations and instruments, no errors', async () => {
    const result = await graphql(
      stack.gateway,
      `{ account(id: "${account}") {
          portfolio { positions { quantity lots averagePrice { amount } currentPrice { amount } expectedYield { amount } marketValue { amount }
            instrument { ${instrumentFields} } } cash { amount currency } }
          orders { id price createdAt message instrument { ${instrumentFields} } }
          operations(from: "2000-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z") { id quantity price commission { amount } instrument { ${instrumentFields} } } }
        instrument(connection: "ifx", ref: { symbol: "XAUUSD" }) { ${instrumentFields} } }`,
      { token: stack.readToken },
    );
    expect(result.errors).toBeUndefined();
    const positions = result.data!['account'].portfolio.positions as Array<{ instrument: { ticker: string; lastPrice: unknown } }>;
    expect(positions.map((position) => position.instrument)).toEqual([
      expect.objectContaining({ ticker: 'USDJPY', lastPrice: null }),
      expect.objectContaining({ ticker: 'EURUSD', lastPrice: null }),
      expect.objectContaining({ ticker: 'GBPUSD', lastPrice: null }),
    ]);
    expect(result.data!['account'].orders.map((order: { instrument: { lastPrice: unknown } }) => order.instrument.lastPrice)).toEqual([null, null]);
    expect(result.data!['instrument']).toMatchObject({ id: 'ifx:XAUUSD', lastPrice: null });
  });

  it('T-Invest: an instrument the last-price answer leaves out is null, the others keep their price', async () => {
    // GetLastPrices answers only for instruments it has a price for; here it has none for the bond.
    stack.tinkoff.server.injectFault({
      route: 'MarketDataService/GetLastPrices',
      fault: { kind: 'status', status: 200, body: { lastPrices: [{ figi: 'BBG004730N88', price: { units: '281', nano: 990000000 }, time: '2024-05-02T07:15:01Z' }] } },
    });
    const result = await graphql(
      stack.gateway,
      `{ sber: instrument(connection: "tbank", ref: { figi: "BBG004730N88" }) { lastPrice } bond: instrument(connection: "tbank", ref: { figi: "BBG00HYXLFQ7" }) { lastPrice } }`,
      { token: stack.readToken },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ sber: { lastPrice: '281.99' }, bond: { lastPrice: null } });
    expect(stack.tinkoff.server.requestCount('MarketDataService/GetLastPrices')).toBe(1);
  });
});

describe('B13: real failures stay errors', () => {
  it('a last-price call that fails nulls the field with an error naming the connection', async () => {
    stack.tinkoff.server.injectFault({ route: 'MarketDataService/GetLastPrices', fault: { kind: 'status', status: 429 } });
    const result = await graphql(stack.gateway, `{ instrument(connection: "tbank", ref: { figi: "BBG004730RP0" }) { ticker lastPrice } }`, {
      token: stack.readToken,
    });
    expect(result.data).toEqual({ instrument: { ticker: 'GAZP', lastPrice: null } });
    expect(result.errors).toEqual([
      expect.objectContaining({ path: ['instrument', 'lastPrice'], extensions: { code: 'RATE_LIMITED', connection: 'tbank', retryable: true } }),
    ]);
  });

  it('an InstaForex method that fails is an error on the field that needed it', async () => {
    instaforex.server.injectFault({ route: routes.openTrades, fault: { kind: 'status', status: 500 } });
    const result = await graphql(stack.gateway, `{ account(id: "${account}") { orders { id instrument { lastPrice } } } }`, { token: stack.readToken });
    expect(result.data).toEqual({ account: { orders: null } });
    expect(result.errors).toEqual([
      expect.objectContaining({ path: ['account', 'orders'], extensions: { code: 'UPSTREAM_UNAVAILABLE', connection: 'ifx', retryable: true } }),
    ]);
  });
});
