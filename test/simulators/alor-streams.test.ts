import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mainPortfolio, startAlorStreams, type AlorStreamStack } from '../support/alor-streams.js';
import { settle, StreamClient } from '../support/stream-client.js';

/**
 * ALOR's `/ws` over real sockets with a plain `ws` client: opcodes with guid and token in every
 * request, the documented acknowledgement and 401 frames, `{"data":…,"guid":…}` with `existing`
 * on the first rows, and every subscription driven by the ALOR simulator's own state and market.
 */

let stack: AlorStreamStack;
beforeEach(async () => {
  stack = await startAlorStreams();
});
afterEach(async () => {
  await stack.stop();
});

const handled = (guid: string) => ({ message: 'Handled successfully', httpCode: 200, requestGuid: guid });
const dataOf = (guid: string) => (message: any) => message.guid === guid;

describe('requests', () => {
  it('serves only /ws', async () => {
    expect(await StreamClient.refusal(stack.streams.url.replace(/\/ws$/, '/'))).toBe(404);
    expect(await StreamClient.refusal(stack.streams.url.replace(/\/ws$/, '/cws'))).toBe(404);
  });

  it('acknowledges a subscription, then sends the order book as REST has it, marked existing, and updates not so marked', async () => {
    const client = await stack.open();
    const guid = stack.request(client, { opcode: 'OrderBookGetAndSubscribe', code: 'SBER', exchange: 'MOEX', instrumentGroup: 'TQBR', depth: 10 });
    const ack = await client.next();
    expect(ack).toEqual(handled(guid));
    expect(Object.keys(ack)).toEqual(['message', 'httpCode', 'requestGuid']);
    const first = await client.next();
    expect(Object.keys(first)).toEqual(['data', 'guid']);
    expect(first.guid).toBe(guid);
    expect(first.data).toEqual(await stack.get('/md/v2/orderbooks/MOEX/SBER?depth=10'));
    expect(first.data).toMatchObject({ snapshot: true, existing: true });
    expect(first.data.bids[0]).toEqual({ price: 306.45, volume: 45 });
    expect(first.data.asks[0]).toEqual({ price: 306.46, volume: 62 });

    stack.clock.advance(175);
    stack.simulator.state.market.tick();
    const update = (await client.next(dataOf(guid))).data;
    expect(update).toMatchObject({ snapshot: false, existing: false });
    const rest = await stack.get('/md/v2/orderbooks/MOEX/SBER?depth=10');
    expect({ bids: update.bids, asks: update.asks }).toEqual({ bids: rest.bids, asks: rest.asks });
  });

  it('sends a book at most once per `frequency` ms, the latest one', async () => {
    const client = await stack.open();
    const guid = stack.request(client, { opcode: 'OrderBookGetAndSubscribe', code: 'SBER', exchange: 'MOEX', depth: 1, frequency: 100 });
    await client.next((message) => message.data?.existing === true);
    stack.simulator.state.market.tick();
    stack.simulator.state.market.tick();
    stack.clock.advance(99);
    await settle(client);
    expect(client.unread).toEqual([]);
    stack.clock.advance(1);
    const update = (await client.next(dataOf(guid))).data;
    expect(update.bids).toEqual((await stack.get('/md/v2/orderbooks/MOEX/SBER?depth=1')).bids);
    await settle(client);
    expect(client.unread).toEqual([]);
  });

  it('sends quotes as REST has them', async () => {
    const client = await stack.open();
    const guid = stack.request(client, { opcode: 'QuotesSubscribe', code: 'SBER', exchange: 'MOEX', instrumentGroup: 'TQBR' });
    await client.next();
    const quote = (await client.next(dataOf(guid))).data;
    expect(quote).toEqual((await stack.get('/md/v2/Securities/MOEX:SBER/quotes'))[0]);
    expect(quote).toMatchObject({ symbol: 'SBER', last_price: 306.45, ask: 306.46, bid: 306.45, lotsize: 10 });
  });

  it('stops a subscription on unsubscribe', async () => {
    const client = await stack.open();
    const guid = stack.request(client, { opcode: 'QuotesSubscribe', code: 'SBER', exchange: 'MOEX' });
    await client.next((message) => 'data' in message);
    stack.request(client, { opcode: 'unsubscribe', guid });
    expect(await client.next()).toEqual(handled(guid));
    stack.clock.advance(1000);
    stack.simulator.state.market.tick();
    await settle(client);
    expect(client.unread).toEqual([]);
  });

  it('answers a missing, foreign or expired token with `Invalid JWT token!`; a refreshed one works', async () => {
    const client = await stack.open();
    const missing = stack.request(client, { opcode: 'QuotesSubscribe', code: 'SBER', exchange: 'MOEX', token: undefined });
    expect(await client.next()).toEqual({ requestGuid: missing, httpCode: 401, message: 'Invalid JWT token!' });
    const live = stack.request(client, { opcode: 'QuotesSubscribe', code: 'GAZP', exchange: 'MOEX' });
    await client.next((message) => message.guid === live);
    stack.streams.expireTokens();
    const expired = stack.request(client, { opcode: 'QuotesSubscribe', code: 'SBER', exchange: 'MOEX' });
    expect(await client.next((message) => message.requestGuid === expired)).toEqual({ requestGuid: expired, httpCode: 401, message: 'Invalid JWT token!' });
    // What the expired token subscribed keeps coming (ALOR checks the token per request).
    stack.clock.advance(1000);
    stack.simulator.state.market.tick();
    await client.next((message) => message.guid === live);
    await stack.refreshToken();
    const renewed = stack.request(client, { opcode: 'QuotesSubscribe', code: 'SBER', exchange: 'MOEX' });
    expect(await client.next((message) => message.requestGuid === renewed)).toEqual(handled(renewed));
  });

  it('refuses bad requests with a status and a message', async () => {
    const client = await stack.open();
    const refusals = [
      { opcode: 'NoSuchOpcode', exchange: 'MOEX' },
      { opcode: 'OrderBookGetAndSubscribe', code: 'NOPE', exchange: 'MOEX' },
      { opcode: 'OrderBookGetAndSubscribe', code: 'SBER', exchange: 'MOEX', depth: 51 },
      { opcode: 'OrderBookGetAndSubscribe', code: 'SBER', exchange: 'MOEX', instrumentGroup: 'TQTF' },
      { opcode: 'OrderBookGetAndSubscribe', code: 'SBER', exchange: 'LSE' },
      { opcode: 'QuotesSubscribe', code: 'SBER', exchange: 'MOEX', format: 'Slim' },
      { opcode: 'OrdersGetAndSubscribeV2', portfolio: 'D00000', exchange: 'MOEX' },
    ];
    for (const fields of refusals) stack.request(client, fields);
    const codes = [];
    for (const _ of refusals) codes.push((await client.next()).httpCode);
    expect(codes).toEqual([400, 400, 400, 400, 400, 400, 403]);
    const narrow = await stack.accessToken(['D38292']);
    const guid = stack.request(client, { opcode: 'PositionsGetAndSubscribeV2', portfolio: mainPortfolio, exchange: 'MOEX', token: narrow });
    expect(await client.next()).toMatchObject({ requestGuid: guid, httpCode: 403 });
  });

  it('counts subscribe requests and open sockets', async () => {
    const first = await stack.open();
    const second = await stack.open();
    for (const client of [first, second]) stack.request(client, { opcode: 'OrderBookGetAndSubscribe', code: 'SBER', exchange: 'MOEX' });
    await first.next();
    await second.next();
    expect(stack.streams.server.subscribeRequests('OrderBookGetAndSubscribe:MOEX:SBER')).toBe(2);
    expect(stack.streams.server.openSockets).toBe(2);
  });
});

describe('account subscriptions', () => {
  it('sends the orders, then every change of an order placed over REST', async () => {
    const client = await stack.open();
    const guid = stack.request(client, { opcode: 'OrdersGetAndSubscribeV2', portfolio: mainPortfolio, exchange: 'MOEX' });
    expect(await client.next()).toEqual(handled(guid));
    const existing = await stack.get(`/md/v2/Clients/MOEX/${mainPortfolio}/orders`);
    for (const row of existing) expect((await client.next(dataOf(guid))).data).toEqual(row);

    const placed = await stack.order('market', { quantity: 2 });
    const working = (await client.next(dataOf(guid))).data;
    const filled = (await client.next(dataOf(guid))).data;
    expect(working).toMatchObject({ id: placed.orderNumber, status: 'working', filledQtyBatch: 0, existing: false });
    expect(filled).toMatchObject({ id: placed.orderNumber, status: 'filled', filledQtyBatch: 2, existing: false });
    expect(filled).toEqual({ ...(await stack.get(`/md/v2/Clients/MOEX/${mainPortfolio}/orders/${placed.orderNumber}`)), existing: false });
  });

  it('sends the session trades marked existing, then new trades', async () => {
    const client = await stack.open();
    const guid = stack.request(client, { opcode: 'TradesGetAndSubscribeV2', portfolio: mainPortfolio, exchange: 'MOEX' });
    await client.next();
    const existing = await stack.get(`/md/v2/Clients/MOEX/${mainPortfolio}/trades`);
    for (const row of existing) expect((await client.next(dataOf(guid))).data).toEqual({ ...row, existing: true });
    const placed = await stack.order('market', { side: 'sell', quantity: 1 });
    expect((await client.next(dataOf(guid))).data).toMatchObject({ orderno: placed.orderNumber, side: 'sell', price: 306.45, qtyBatch: 1, qtyUnits: 10, existing: false });
  });

  it('sends positions and the summary, then what a fill changed, as REST has them after it', async () => {
    const client = await stack.open();
    const positions = stack.request(client, { opcode: 'PositionsGetAndSubscribeV2', portfolio: mainPortfolio, exchange: 'MOEX' });
    const summary = stack.request(client, { opcode: 'SummariesGetAndSubscribeV2', portfolio: mainPortfolio, exchange: 'MOEX' });
    const restPositions = await stack.get(`/md/v2/Clients/MOEX/${mainPortfolio}/positions`);
    for (const row of restPositions) expect((await client.next(dataOf(positions))).data).toEqual(row);
    expect((await client.next(dataOf(summary))).data).toEqual(await stack.get(`/md/v2/Clients/MOEX/${mainPortfolio}/summary`));

    await stack.order('market', { quantity: 1 });
    const after = await stack.get(`/md/v2/Clients/MOEX/${mainPortfolio}/positions`);
    const sber = (await client.next(dataOf(positions))).data;
    const roubles = (await client.next(dataOf(positions))).data;
    expect(sber).toEqual({ ...after.find((row: any) => row.symbol === 'SBER'), existing: false });
    expect(roubles).toEqual({ ...after.find((row: any) => row.symbol === 'RUB'), existing: false });
    expect((await client.next(dataOf(summary))).data).toEqual(await stack.get(`/md/v2/Clients/MOEX/${mainPortfolio}/summary`));
    await settle(client);
    expect(client.unread).toEqual([]);
  });

  it('skips the first rows with skipHistory and filters them by orderStatuses', async () => {
    const client = await stack.open();
    const skipped = stack.request(client, { opcode: 'OrdersGetAndSubscribeV2', portfolio: mainPortfolio, exchange: 'MOEX', skipHistory: true });
    const working = stack.request(client, { opcode: 'OrdersGetAndSubscribeV2', portfolio: mainPortfolio, exchange: 'MOEX', orderStatuses: ['working'] });
    await settle(client);
    expect(client.unread.filter((message) => message.guid === skipped)).toEqual([]);
    expect(client.unread.filter((message) => message.guid === working).map((message) => message.data.status)).toEqual(['working', 'working']);
  });
});
