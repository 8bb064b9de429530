import { alorSimulatorRefreshTokens, createAlorSimulator, type AlorSimulator } from './alor/server.js';
import { createAlorStreams, type AlorStreams } from './alor/streams/server.js';
import type { MarketModel } from './common/market.js';
import type { StreamServer } from './common/websocket.js';
import { createInstaforexSimulator, instaforexSimulatorAccount, type InstaforexSimulator } from './instaforex/server.js';
import { createTinkoffSimulator, tinkoffSimulatorTokens, type TinkoffSimulator } from './tinkoff/server.js';
import { createTinkoffStreams, type TinkoffStreams } from './tinkoff/streams/server.js';
import { createTinkoffV1Simulator, tinkoffV1SimulatorTokens, type TinkoffV1Simulator } from './tinkoff-v1/server.js';
import type { SimulatorServer } from './common/server.js';

/**
 * Starts one simulator per supported broker on loopback — for `brokerql demo`, the tests and
 * the benchmark — and says how a brokerql connection reaches each of them.
 */
export type SimulatedBroker = 'tinkoff' | 'tinkoff-v1' | 'alor' | 'instaforex';

export interface SimulatorOptions {
  /** Which brokers to start; all four by default. */
  brokers?: readonly SimulatedBroker[];
  /** Added to every simulated broker answer. */
  latencyMilliseconds?: number;
  /** Brokers' request limits (off for load tests). */
  rateLimits?: boolean;
  /**
   * Random-walk steps per second and instrument of the T-Invest and ALOR markets. Default 2, so
   * `brokerql demo`'s books and prices move; 0 holds them still (the tests' stacks), the
   * benchmark's subscription run sets 10.
   */
  marketTicksPerSecond?: number;
  /** Seed of the markets' random walks. Default 1. */
  marketSeed?: number;
  /** Start the stream simulators: T-Invest's WebSocket bridge and ALOR's /ws. Default true. */
  streams?: boolean;
}

export interface RunningSimulators {
  tinkoff?: TinkoffSimulator;
  tinkoffV1?: TinkoffV1Simulator;
  alor?: AlorSimulator;
  instaforex?: InstaforexSimulator;
  servers: SimulatorServer[];
  /** Connection entries for a brokerql config, one per started simulator, with the demo's ids. */
  connections: Array<Record<string, string>>;
  tinkoffStreams?: TinkoffStreams;
  alorStreams?: AlorStreams;
  streamServers: StreamServer[];
  /**
   * The stream endpoints per connection id (`streamUrl` for tbank, `wsUrl` for alor). Kept out of
   * `connections` until the gateway's config schema knows these keys (it refuses unknown ones);
   * merge them in then.
   */
  streamUrls: Record<string, Record<string, string>>;
  /** The markets whose books and prices move (T-Invest's, ALOR's). */
  markets: MarketModel[];
  stop(): Promise<void>;
}

export const allSimulatedBrokers: readonly SimulatedBroker[] = ['tinkoff', 'tinkoff-v1', 'alor', 'instaforex'];

export async function startSimulators(options: SimulatorOptions = {}): Promise<RunningSimulators> {
  const brokers = new Set(options.brokers ?? allSimulatedBrokers);
  const rateLimits = options.rateLimits ?? true;
  const streams = options.streams ?? true;
  const marketSeed = options.marketSeed;
  const running: RunningSimulators = { servers: [], connections: [], streamServers: [], streamUrls: {}, markets: [], stop: async () => undefined };

  if (brokers.has('tinkoff')) {
    const simulator = createTinkoffSimulator({ rateLimits, marketSeed });
    await simulator.server.start();
    running.tinkoff = simulator;
    running.servers.push(simulator.server);
    running.markets.push(simulator.state.market);
    running.connections.push({ id: 'tbank', broker: 'tinkoff', token: tinkoffSimulatorTokens.full, baseUrl: simulator.baseUrl });
    if (streams) {
      running.tinkoffStreams = createTinkoffStreams(simulator);
      await running.tinkoffStreams.server.start();
      running.streamServers.push(running.tinkoffStreams.server);
      running.streamUrls['tbank'] = { streamUrl: running.tinkoffStreams.url };
    }
  }
  if (brokers.has('tinkoff-v1')) {
    const simulator = createTinkoffV1Simulator({ rateLimits });
    await simulator.server.start();
    running.tinkoffV1 = simulator;
    running.servers.push(simulator.server);
    running.connections.push({ id: 'tinkoff-legacy', broker: 'tinkoff-v1', token: tinkoffV1SimulatorTokens.trading, baseUrl: simulator.baseUrl });
  }
  if (brokers.has('alor')) {
    const simulator = createAlorSimulator({ rateLimits, marketSeed });
    await simulator.server.start();
    running.alor = simulator;
    running.servers.push(simulator.server);
    running.markets.push(simulator.state.market);
    running.connections.push({
      id: 'alor',
      broker: 'alor',
      refreshToken: alorSimulatorRefreshTokens.valid,
      apiUrl: simulator.apiUrl,
      authUrl: simulator.authUrl,
    });
    if (streams) {
      running.alorStreams = createAlorStreams(simulator);
      await running.alorStreams.server.start();
      running.streamServers.push(running.alorStreams.server);
      running.streamUrls['alor'] = { wsUrl: running.alorStreams.url };
    }
  }
  if (brokers.has('instaforex')) {
    const simulator = createInstaforexSimulator();
    await simulator.server.start();
    running.instaforex = simulator;
    running.servers.push(simulator.server);
    running.connections.push({
      id: 'ifx',
      broker: 'instaforex',
      login: instaforexSimulatorAccount.login,
      password: instaforexSimulatorAccount.password,
      baseUrl: simulator.baseUrl,
    });
  }
  for (const server of running.servers) server.setLatency(options.latencyMilliseconds ?? 0);
  for (const market of running.markets) market.startTicking(options.marketTicksPerSecond ?? 2);
  running.stop = async () => {
    for (const market of running.markets) market.stopTicking();
    await Promise.all([...running.servers, ...running.streamServers].map((server) => server.stop()));
  };
  return running;
}
