import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alorRouteNames } from '../src/simulators/alor/server.js';
import { graphql } from './support/graphql.js';
import { startStack, type Stack } from './support/stack.js';

/**
 * A4: an idempotency key stands for one order, whichever way its instrument is written: the key
 * is compared on the instrument the broker resolved, not on the ref's text. A different
 * instrument under a used key is still a conflict, and a ref that cannot be resolved leaves the
 * key unused.
 */

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ brokers: ['tinkoff', 'alor'] });
});
afterAll(() => stack.close());
beforeEach(() => {
  for (const server of stack.simulators.servers) {
    server.clearFaults();
    server.resetCounters();
  }
});

const place = (accountId: string, instrument: string, key: string) =>
  graphql(
    stack.gateway,
    `mutation { placeOrder(input: { accountId: "${accountId}", instrument: ${instrument}, side: BUY, type: MARKET, lots: 1, idempotencyKey: "${key}" }) { id status instrument { id } } }`,
    { token: stack.tradeToken },
  );

const alorOrdersPlaced = () => stack.simulators.alor!.server.requestCount(alorRouteNames.marketOrder);
const tinkoffOrdersPlaced = () => stack.tinkoff.server.requestCount('OrdersService/PostOrder');

describe('A4: one order, one idempotency identity', () => {
  it('ALOR: { id } and { symbol, exchange } of the same instrument under one key are one order', async () => {
    const first = await place('alor:D38291', '{ id: "alor:MOEX:SBER" }', 'identity-alor');
    expect(first.errors).toBeUndefined();
    const second = await place('alor:D38291', '{ symbol: "SBER", exchange: "MOEX" }', 'identity-alor');
    expect(second.errors).toBeUndefined();
    expect(second.data).toEqual(first.data);
    expect(alorOrdersPlaced()).toBe(1);
    expect(stack.gateway.audit.recent(1)[0]).toMatchObject({ outcome: 'replayed', instrument: 'MOEX:SBER', idempotencyKey: 'identity-alor' });
  });

  it('T-Invest: { figi }, { id } and { symbol, exchange: class code } under one key are one order', async () => {
    const byFigi = await place('tbank:2000345678', '{ figi: "BBG004730N88" }', 'identity-tbank');
    const byId = await place('tbank:2000345678', '{ id: "tbank:BBG004730N88" }', 'identity-tbank');
    const byTicker = await place('tbank:2000345678', '{ symbol: "SBER", exchange: "TQBR" }', 'identity-tbank');
    expect(byFigi.errors).toBeUndefined();
    expect(byId.data).toEqual(byFigi.data);
    expect(byTicker.data).toEqual(byFigi.data);
    expect(tinkoffOrdersPlaced()).toBe(1);
  });

  it('a different instrument under a used key is still a conflict, and nothing is sent', async () => {
    await place('alor:D38291', '{ symbol: "SBER", exchange: "MOEX" }', 'identity-conflict');
    const other = await place('alor:D38291', '{ symbol: "GAZP", exchange: "MOEX" }', 'identity-conflict');
    expect(other.data).toBeNull();
    expect(other.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } })]);
    expect(other.errors![0]!.message).toMatch(/idempotencyKey "identity-conflict" was already used for a different order/);
    expect(alorOrdersPlaced()).toBe(1);
  });

  it('an instrument the broker does not know leaves the key unused', async () => {
    const unknown = await place('alor:D38291', '{ symbol: "NOSUCH", exchange: "MOEX" }', 'identity-unresolved');
    expect(unknown.errors?.map((error) => error.extensions['code'])).toEqual(['NOT_FOUND']);
    const placed = await place('alor:D38291', '{ symbol: "SBER", exchange: "MOEX" }', 'identity-unresolved');
    expect(placed.errors).toBeUndefined();
    expect(placed.data!['placeOrder'].instrument).toEqual({ id: 'alor:MOEX:SBER' });
    expect(alorOrdersPlaced()).toBe(1);
  });

  it('a broker that cannot resolve the instrument leaves the key unused, and the retry places the order once', async () => {
    // SNGS has not been looked up yet, so resolving it needs the security call that fails here.
    stack.simulators.alor!.server.injectFault({ route: alorRouteNames.security, fault: { kind: 'status', status: 429 } });
    const failed = await place('alor:D38291', '{ symbol: "SNGS", exchange: "MOEX" }', 'identity-outage');
    expect(failed.errors?.map((error) => error.extensions['code'])).toEqual(['RATE_LIMITED']);
    expect(alorOrdersPlaced()).toBe(0);
    stack.simulators.alor!.server.clearFaults();
    const retried = await place('alor:D38291', '{ id: "alor:MOEX:SNGS" }', 'identity-outage');
    expect(retried.errors).toBeUndefined();
    expect(alorOrdersPlaced()).toBe(1);
    const repeated = await place('alor:D38291', '{ symbol: "SNGS", exchange: "MOEX" }', 'identity-outage');
    expect(repeated.data).toEqual(retried.data);
    expect(alorOrdersPlaced()).toBe(1);
  });
});
