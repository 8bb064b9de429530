import { alorSimulatorRefreshTokens, createAlorSimulator, type AlorSimulator } from './alor/server.js';
import { createInstaforexSimulator, instaforexSimulatorAccount, type InstaforexSimulator } from './instaforex/server.js';
import { createTinkoffSimulator, tinkoffSimulatorTokens, type TinkoffSimulator } from './tinkoff/server.js';
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
}

export interface RunningSimulators {
  tinkoff?: TinkoffSimulator;
  tinkoffV1?: TinkoffV1Simulator;
  alor?: AlorSimulator;
  instaforex?: InstaforexSimulator;
  servers: SimulatorServer[];
  /** Connection entries for a brokerql config, one per started simulator, with the demo's ids. */
  connections: Array<Record<string, string>>;
  stop(): Promise<void>;
}

export const allSimulatedBrokers: readonly SimulatedBroker[] = ['tinkoff', 'tinkoff-v1', 'alor', 'instaforex'];

export async function startSimulators(options: SimulatorOptions = {}): Promise<RunningSimulators> {
  const brokers = new Set(options.brokers ?? allSimulatedBrokers);
  const rateLimits = options.rateLimits ?? true;
  const running: RunningSimulators = { servers: [], connections: [], stop: async () => undefined };

  if (brokers.has('tinkoff')) {
    const simulator = createTinkoffSimulator({ rateLimits });
    await simulator.server.start();
    running.tinkoff = simulator;
    running.servers.push(simulator.server);
    running.connections.push({ id: 'tbank', broker: 'tinkoff', token: tinkoffSimulatorTokens.full, baseUrl: simulator.baseUrl });
  }
  if (brokers.has('tinkoff-v1')) {
    const simulator = createTinkoffV1Simulator({ rateLimits });
    await simulator.server.start();
    running.tinkoffV1 = simulator;
    running.servers.push(simulator.server);
    running.connections.push({ id: 'tinkoff-legacy', broker: 'tinkoff-v1', token: tinkoffV1SimulatorTokens.trading, baseUrl: simulator.baseUrl });
  }
  if (brokers.has('alor')) {
    const simulator = createAlorSimulator({ rateLimits });
    await simulator.server.start();
    running.alor = simulator;
    running.servers.push(simulator.server);
    running.connections.push({
      id: 'alor',
      broker: 'alor',
      refreshToken: alorSimulatorRefreshTokens.valid,
      apiUrl: simulator.apiUrl,
      authUrl: simulator.authUrl,
    });
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
  running.stop = async () => {
    await Promise.all(running.servers.map((server) => server.stop()));
  };
  return running;
}
