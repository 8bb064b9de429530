import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.js';
import { alorSimulatorRefreshTokens } from '../../src/simulators/alor/server.js';
import { startSimulators, type RunningSimulators } from '../../src/simulators/index.js';
import { streamControl } from '../../src/simulators/stream-control.js';
import { tinkoffSimulatorTokens } from '../../src/simulators/tinkoff/server.js';
import { StreamClient } from '../support/stream-client.js';

/**
 * startSimulators() starts the stream simulators with the REST ones and says where they are,
 * apart from the connection entries the gateway's config still validates strictly; the
 * benchmark's control API reaches their switches and records.
 */

let running: RunningSimulators | undefined;
const clients: StreamClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await running?.stop();
  running = undefined;
});

describe('startSimulators', () => {
  it('starts T-Invest\'s bridge and ALOR\'s /ws, reachable at the stream URLs it returns next to the connections', async () => {
    running = await startSimulators({ brokers: ['tinkoff', 'alor'], rateLimits: false });
    expect(running.streamUrls).toEqual({
      tbank: { streamUrl: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/) },
      alor: { wsUrl: expect.stringMatching(/^ws:\/\/127\.0\.0\.1:\d+\/ws$/) },
    });
    // The gateway's config does not know streamUrl or wsUrl yet: the connections stay valid without them.
    expect(() => parseConfig({ connections: running!.connections }, { env: {} })).not.toThrow();
    expect(running.markets.every((market) => market.ticking)).toBe(true);

    const tinkoff = await StreamClient.open(`${running.streamUrls['tbank']!['streamUrl']}/tinkoff.public.invest.api.contract.v1.OrdersStreamService/OrderStateStream`, {
      token: tinkoffSimulatorTokens.full,
    });
    clients.push(tinkoff);
    tinkoff.send({ accounts: [] });
    expect((await tinkoff.nextWith('subscription')).subscription.status).toBe('RESULT_SUBSCRIPTION_STATUS_OK');

    const refresh = await fetch(`${running.alor!.authUrl}/refresh?token=${alorSimulatorRefreshTokens.valid}`, { method: 'POST' });
    const token = ((await refresh.json()) as { AccessToken: string }).AccessToken;
    const alor = await StreamClient.open(running.streamUrls['alor']!['wsUrl']!);
    clients.push(alor);
    alor.send({ opcode: 'QuotesSubscribe', code: 'SBER', exchange: 'MOEX', format: 'Simple', guid: 'quotes', token });
    expect(await alor.next()).toEqual({ message: 'Handled successfully', httpCode: 200, requestGuid: 'quotes' });

    await running.stop();
    expect((await tinkoff.closed()).code).toBe(1006);
    running = undefined;
  });

  it('holds the markets still when asked, and starts no streams when told not to', async () => {
    running = await startSimulators({ brokers: ['tinkoff', 'alor'], rateLimits: false, marketTicksPerSecond: 0, streams: false });
    expect(running.markets.map((market) => market.ticking)).toEqual([false, false]);
    expect([running.streamUrls, running.streamServers]).toEqual([{}, []]);
  });
});

describe('the control API', () => {
  it('reaches the markets, the switches and the records', async () => {
    running = await startSimulators({ brokers: ['tinkoff', 'alor'], rateLimits: false, marketTicksPerSecond: 0 });
    const control = (method: string, path: string) => streamControl(running!, method, new URL(path, 'http://control'));
    expect(control('POST', '/market/ticking?perSecond=10&broker=alor&instruments=MOEX:SBER')).toEqual({ status: 200, body: { ok: true } });
    expect(running.markets.map((market) => market.ticking)).toEqual([false, true]);
    expect(control('POST', '/streams/lag?ms=75000')).toEqual({ status: 200, body: { tinkoff: 75000, alor: 75000 } });
    expect(running.tinkoffStreams!.server.switches.orderLagMilliseconds).toBe(75000);
    expect(control('POST', '/streams/stall?on=1&broker=tinkoff')!.body).toEqual({ tinkoff: true });
    expect(running.alorStreams!.server.switches.stalled).toBe(false);
    expect(control('GET', '/streams/counts')!.body).toEqual({
      tinkoff: { openSockets: 0, socketsOpened: 0, subscribeRequests: {} },
      alor: { openSockets: 0, socketsOpened: 0, subscribeRequests: {} },
    });
    expect(control('GET', '/streams/log?since=0')!.body).toEqual({ tinkoff: [], alor: [] });
    control('POST', '/streams/reset');
    expect(running.tinkoffStreams!.server.switches.stalled).toBe(false);
    expect(control('POST', '/streams/nothing')!.status).toBe(404);
    expect(control('GET', '/counts')).toBeUndefined();
  });
});
