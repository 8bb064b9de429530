import { afterAll, beforeAll, expect, it } from 'vitest';
import { SseClient } from './support/live-clients.js';
import { lastPricesSubscription, startLiveStack, type LiveStack } from './support/live-stack.js';
import { until } from './support/until.js';

/**
 * A client that reads nothing while the market trades: once the socket buffers between it and
 * the gateway are full (some megabytes on loopback), what the gateway keeps for it — measured
 * where it is kept, the client's mailbox in the hub — is the newest event per topic and nothing
 * more, however long the market goes on; and another client of the same prices is served as if
 * the slow one were not there.
 */

let stack: LiveStack;
beforeAll(async () => {
  stack = await startLiveStack();
});
afterAll(() => stack.stop());

const figis = ['BBG004730N88', 'BBG004730RP0', 'BBG000B9XRY4', 'BBG00HYXLFQ7', 'BBG333333333', 'BBG0013HGFT4', 'RUB000UTSTOM'];
const turn = () => new Promise((resolve) => setImmediate(resolve));

it('keeps at most one event per topic for a client that reads nothing, and does not delay the others', { timeout: 120_000 }, async () => {
  const market = stack.simulators.tinkoff!.state.market;
  const query = lastPricesSubscription(figis.map((figi) => `{ figi: "${figi}" }`));
  const slow = await SseClient.open(stack.url, { query, token: stack.readToken }, { read: false });
  const fast = await SseClient.open(stack.url, { query, token: stack.readToken });
  await until(() => fast.results.length >= figis.length, 'the current prices');
  // The hub lists clients in the order they subscribed.
  const slowPending = () => stack.gateway.streams.clientBuffers()[0]!;

  // Every tick trades most instruments: a price event each. The gateway writes them to the slow
  // client until its socket buffers are full; from then on they wait in its mailbox.
  let rounds = 0;
  while (slowPending() === 0) {
    expect(rounds++, 'rounds of trading before the slow client fell behind').toBeLessThan(30_000);
    market.tick();
    await turn();
  }
  for (let round = 0; round < 2_000; round++) {
    market.tick();
    await turn();
    expect(slowPending()).toBeLessThanOrEqual(figis.length);
  }
  const metrics = await (await fetch(`${stack.url}/metrics`)).text();
  expect(Number(/^brokerql_stream_conflated_events_total\{connection="tbank",kind="lastPrice"\} (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);

  // The fast client has every instrument's latest price, while the slow one is still stuck.
  const latest = () => new Map(fast.results.map((result) => [result.data.lastPrices.instrument.id.split(':')[1], result.data.lastPrices.price]));
  await until(() => figis.every((figi) => latest().get(figi) === market.lastPrice(figi)), 'the fast client to have the latest prices');
  expect(slowPending()).toBeGreaterThan(0);
  expect(slowPending()).toBeLessThanOrEqual(figis.length);
  slow.close();
  fast.close();
});
