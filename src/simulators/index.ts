import { createTinkoffSimulator, tinkoffSimulatorTokens, type TinkoffSimulator } from './tinkoff/server.js';

/**
 * Starts one simulator per supported broker on loopback — for `brokerql demo`, the tests and
 * the benchmark. Each returns what a brokerql connection needs to reach it.
 */
export interface SimulatorOptions {
  /** Added to every simulated broker answer. */
  latencyMilliseconds?: number;
  /** Brokers' per-minute request limits (off for load tests). */
  rateLimits?: boolean;
}

export interface RunningSimulators {
  tinkoff: TinkoffSimulator;
  /** Connection entries for a brokerql config, one per simulated broker. */
  connections: Array<Record<string, string>>;
  stop(): Promise<void>;
}

export async function startSimulators(options: SimulatorOptions = {}): Promise<RunningSimulators> {
  const tinkoff = createTinkoffSimulator({ rateLimits: options.rateLimits ?? true });
  await tinkoff.server.start();
  const servers = [tinkoff.server];
  for (const server of servers) server.setLatency(options.latencyMilliseconds ?? 0);
  return {
    tinkoff,
    connections: [{ id: 'tbank', broker: 'tinkoff', token: tinkoffSimulatorTokens.full, baseUrl: tinkoff.baseUrl }],
    async stop() {
      await Promise.all(servers.map((server) => server.stop()));
    },
  };
}
