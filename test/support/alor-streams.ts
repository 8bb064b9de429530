import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../src/simulators/common/clock.js';
import { alorSimulatorRefreshTokens, createAlorSimulator } from '../../src/simulators/alor/server.js';
import { createAlorStreams, type AlorStreamsOptions } from '../../src/simulators/alor/streams/server.js';
import { StreamClient } from './stream-client.js';
import { startLiveStack, type LiveStack } from './live-stack.js';

/**
 * The ALOR simulator and its `/ws` on loopback, on a clock that moves only when the test says so;
 * tokens from the simulator's own /refresh, REST over real HTTP, streams over real WebSockets.
 */
export type AlorStreamStack = Awaited<ReturnType<typeof startAlorStreams>>;

export const mainPortfolio = 'D38291';

export async function startAlorStreams(options: AlorStreamsOptions = {}) {
  const clock = new ManualClock();
  const simulator = createAlorSimulator({ clock, rateLimits: false });
  await simulator.server.start();
  const streams = createAlorStreams(simulator, options);
  await streams.server.start();
  const clients: StreamClient[] = [];
  const accessToken = async (allowedPortfolios?: string[]) => {
    const query = allowedPortfolios ? `&allowedPortfolios=${encodeURIComponent(JSON.stringify(allowedPortfolios))}` : '';
    const response = await fetch(`${simulator.authUrl}/refresh?token=${alorSimulatorRefreshTokens.valid}${query}`, { method: 'POST' });
    return ((await response.json()) as { AccessToken: string }).AccessToken;
  };
  let token = await accessToken();
  return {
    clock,
    simulator,
    streams,
    accessToken,
    get token() {
      return token;
    },
    async refreshToken() {
      token = await accessToken();
    },
    async open() {
      const client = await StreamClient.open(streams.url);
      clients.push(client);
      return client;
    },
    /** Sends a request with a fresh guid and the current token (unless given); returns the guid. */
    request(client: StreamClient, fields: Record<string, unknown>): string {
      const guid = (fields['guid'] as string | undefined) ?? randomUUID();
      client.send({ format: 'Simple', guid, token, ...fields });
      return guid;
    },
    async get(path: string): Promise<any> {
      const response = await fetch(`${simulator.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
      return response.json();
    },
    async order(kind: 'market' | 'limit', body: Record<string, unknown>): Promise<any> {
      const response = await fetch(`${simulator.apiUrl}/commandapi/warptrans/TRADE/v2/client/orders/actions/${kind}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-reqid': randomUUID() },
        body: JSON.stringify({ instrument: { symbol: 'SBER', exchange: 'MOEX' }, user: { portfolio: mainPortfolio }, side: 'buy', quantity: 1, ...body }),
      });
      return response.json();
    },
    async stop() {
      for (const client of clients) client.close();
      await streams.server.stop();
      await simulator.server.stop();
    },
  };
}

/**
 * A gateway in front of an ALOR simulator whose access tokens live `lifetimeSeconds` (and its
 * /ws), on the real clock: for watching brokerql renew the token and send its subscriptions again.
 * `stop` ends all three.
 */
export async function startAlorWithShortTokens(lifetimeSeconds: number): Promise<{ stack: LiveStack; simulator: ReturnType<typeof createAlorSimulator>; streams: ReturnType<typeof createAlorStreams>; stop(): Promise<void> }> {
  const simulator = createAlorSimulator({ rateLimits: false, accessTokenLifetimeSeconds: lifetimeSeconds });
  await simulator.server.start();
  const streams = createAlorStreams(simulator);
  await streams.server.start();
  const stack = await startLiveStack({ brokers: ['alor'], connectionOverrides: { alor: { apiUrl: simulator.apiUrl, authUrl: simulator.authUrl, wsUrl: streams.url } } });
  return {
    stack,
    simulator,
    streams,
    async stop() {
      await stack.stop();
      await streams.server.stop();
      await simulator.server.stop();
    },
  };
}
