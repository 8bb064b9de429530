import type { StartedSimulator } from './common/entry.js';
import type { SimulatorServer } from './common/server.js';
import { startSimulator as startAlor } from './alor/index.js';
import type { AlorSimulator } from './alor/server.js';
import { startSimulator as startInstaforex } from './instaforex/index.js';
import type { InstaforexSimulator } from './instaforex/server.js';
import { startSimulator as startTinkoff } from './tinkoff/index.js';
import type { TinkoffSimulator } from './tinkoff/server.js';
import { startSimulator as startTinkoffV1 } from './tinkoff-v1/index.js';
import type { TinkoffV1Simulator } from './tinkoff-v1/server.js';

/**
 * Broker simulators: one real HTTP server per broker wire protocol, on loopback, for
 * `brokerql demo`, the tests and the benchmark. They never import adapter code (and adapters
 * never import them); from src/brokers they read only the brokers' published limits
 * (`src/brokers/<broker>/limits.ts`), the same tables the gateway's request budget reads
 * (test/simulator-imports.test.ts holds both rules).
 *
 * Every simulator folder has the same files, one per role:
 *
 *   index.ts     `startSimulator`: start it and say how a brokerql connection reaches it
 *   server.ts    the route table: `create<Broker>Simulator`, one route per endpoint of the
 *                broker, built by common/routes.ts (auth → limits → parse → handler →
 *                broker-shaped answer); the credentials and route names tests use
 *   auth.ts      the broker's credentials: which tokens it accepts, issues and checks
 *   errors.ts    the broker's error bodies, and the refusal handlers throw to answer one
 *   requests.ts  reading what clients send (bodies, path and query parameters) the broker's way
 *   bodies.ts    answer bodies built from the state, field for field as the broker writes them
 *   wire.ts      how the broker writes single values: numbers, times, envelopes
 *   market.ts    the simulated market: order book, price band and price step, what a fill or a
 *                position is worth
 *   state.ts     the simulated broker's mutable world and its queries
 *   orders.ts    how orders execute against the state, where that would make state.ts too long
 *                (Tinkoff v1, ALOR; T-Invest's fits in its state.ts, InstaForex is read-only)
 *   data.ts      seed data (the one kind of file allowed past 300 lines)
 *
 * and, where only one broker has the role: alor/history.ts (trade-history pages),
 * instaforex/paths.ts (its configurable method paths). common/ holds what they share: the HTTP
 * server with its counters, latency and faults (server.ts, faults.ts, http.ts), the route
 * pipeline (routes.ts), enforcement of a limits table (limits.ts, rate-limiter.ts) and the
 * `startSimulator` signature (entry.ts).
 */

/** The simulators by broker kind: each entry starts one and gives its brokerql connection. */
const simulatorRegistry = {
  tinkoff: startTinkoff,
  'tinkoff-v1': startTinkoffV1,
  alor: startAlor,
  instaforex: startInstaforex,
};

export type SimulatedBroker = keyof typeof simulatorRegistry;

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

export const allSimulatedBrokers = Object.keys(simulatorRegistry) as SimulatedBroker[];

/** Where each broker's simulator is found on `RunningSimulators`. */
const runningField = { tinkoff: 'tinkoff', 'tinkoff-v1': 'tinkoffV1', alor: 'alor', instaforex: 'instaforex' } as const;

export async function startSimulators(options: SimulatorOptions = {}): Promise<RunningSimulators> {
  const wanted = new Set(options.brokers ?? allSimulatedBrokers);
  const rateLimits = options.rateLimits ?? true;
  const running: RunningSimulators = { servers: [], connections: [], stop: async () => undefined };
  for (const broker of allSimulatedBrokers.filter((candidate) => wanted.has(candidate))) {
    const started: StartedSimulator<unknown> = await simulatorRegistry[broker]({ rateLimits });
    Object.assign(running, { [runningField[broker]]: started.simulator });
    running.servers.push(started.server);
    running.connections.push(started.connection);
  }
  for (const server of running.servers) server.setLatency(options.latencyMilliseconds ?? 0);
  running.stop = async () => {
    await Promise.all(running.servers.map((server) => server.stop()));
  };
  return running;
}
