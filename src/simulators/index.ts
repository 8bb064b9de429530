import type { StartedSimulator, StartSimulator } from './common/entry.js';
import type { MarketModel } from './common/market.js';
import type { SimulatorServer } from './common/server.js';
import type { StreamServer } from './common/websocket.js';
import { startSimulator as startAlor } from './alor/index.js';
import { startSimulator as startInstaforex } from './instaforex/index.js';
import { startSimulator as startTinkoff } from './tinkoff/index.js';
import { startSimulator as startTinkoffV1 } from './tinkoff-v1/index.js';

/**
 * Broker simulators: one real HTTP server per broker wire protocol, and one WebSocket server per
 * broker stream protocol, on loopback, for `brokerql demo`, the tests and the benchmark. They
 * never import adapter code (and adapters never import them); from src/brokers they read only
 * the brokers' published limits (`src/brokers/<broker>/limits.ts`: the request limits the
 * gateway's request budget reads too, and the stream limits; test/simulator-imports.test.ts
 * holds both rules).
 *
 * Every simulator folder has the same files, one per role:
 *
 *   index.ts     `startSimulator`: start it (and its streams) and say how a brokerql connection
 *                reaches it
 *   server.ts    the route table: `create<Broker>Simulator`, one route per endpoint of the
 *                broker, built by common/routes.ts (auth → limits → parse → handler →
 *                broker-shaped answer); the credentials and route names tests use
 *   auth.ts      the broker's credentials: which tokens it accepts, issues and checks
 *   errors.ts    the broker's error bodies, and the refusal handlers throw to answer one
 *   requests.ts  reading what clients send (bodies, path and query parameters) the broker's way
 *   bodies.ts    answer bodies built from the state, field for field as the broker writes them
 *   wire.ts      how the broker writes single values: numbers, times, envelopes
 *   market.ts    the simulated market: order book, price band and price step, what a fill or a
 *                position is worth; where the market moves (T-Invest, ALOR), how the broker's
 *                instruments open in common/market.ts's model
 *   state.ts     the simulated broker's mutable world, its queries and the changes it announces
 *   orders.ts    how orders execute against the state, where that would make state.ts too long
 *                (T-Invest, Tinkoff v1, ALOR; InstaForex is read-only)
 *   calculator.ts  the broker's order calculator, where it has one (T-Invest GetOrderPrice and
 *                GetMaxLots, ALOR …/orders/estimate): what an order would cost, by the commission
 *                table in data.ts, and how many lots the account covers
 *   data.ts      seed data (the one kind of file allowed past 300 lines)
 *   streams/     the broker's stream simulator, where the broker streams (T-Invest, ALOR),
 *                reporting from the started simulator's state and market: server.ts
 *                `create<Broker>Streams`, its endpoint and what every request must carry; a
 *                file per kind of stream (T-Invest: market-data, accounts, orders; ALOR:
 *                subscriptions); T-Invest's bridge adds its JSON (protocol.ts), its messages
 *                (market-messages.ts), how it counts its limits (limits.ts) and what a stream
 *                handler gets (context.ts)
 *   history.ts   the broker's history answers where they need more than bodies.ts: operations
 *                and candles (T-Invest), trade-history pages and candles (ALOR)
 *
 * and, where only one broker has the role: instaforex/paths.ts (its configurable method paths). common/ holds what they share: the HTTP
 * server with its counters, latency and faults (server.ts, faults.ts, http.ts, loopback.ts), the
 * route pipeline (routes.ts), enforcement of a limits table (limits.ts, rate-limiter.ts), the
 * `startSimulator` signature (entry.ts), the seeded market model (market.ts, market-book.ts),
 * the WebSocket server with its switches and records (websocket.ts), and the streams' clock and
 * throttles (clock.ts, throttle.ts). ./stream-control.ts serves the stream switches over HTTP for
 * the benchmark.
 */

/**
 * The simulators by broker kind — the same keys as the gateway's broker registry
 * (src/brokers/registry.ts; test/broker-registry.test.ts holds the two together, since simulators
 * may not import it). Each entry is its folder's `startSimulator`: start it (with its streams) and
 * give its brokerql connection. `RunningSimulators` is derived from this record.
 */
export const simulatorRegistry = {
  tinkoff: startTinkoff,
  'tinkoff-v1': startTinkoffV1,
  alor: startAlor,
  instaforex: startInstaforex,
};

/**
 * A record of simulators by broker kind: the one above, or one given in code (the tests add a
 * fifth broker's). `any`: it holds simulators of different types, each read through its own entry.
 */
export type SimulatorRegistry = Readonly<Record<string, StartSimulator<any, any>>>;

export type SimulatedBroker = keyof typeof simulatorRegistry;

export const allSimulatedBrokers = Object.keys(simulatorRegistry) as SimulatedBroker[];

export interface SimulatorOptions<Registry extends SimulatorRegistry = typeof simulatorRegistry> {
  /** The simulators to choose from: `simulatorRegistry` unless set. */
  simulatorRegistry?: Registry;
  /** Which brokers to start; every one of the registry by default. */
  brokers?: ReadonlyArray<NoInfer<keyof Registry & string>>;
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

/** What one registry entry starts: its simulator, server, connection entry and the rest (common/entry.ts). */
type StartedOf<Entry> = Entry extends StartSimulator<infer Simulator, infer Streams> ? StartedSimulator<Simulator, Streams> : never;
type StreamsOf<Entry> = NonNullable<StartedOf<Entry>['streams']>['streams'];

/** A kind as a field name: `tinkoff-v1` → `tinkoffV1`. */
type FieldName<Kind extends string> = Kind extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<FieldName<Tail>>}` : Kind;
const fieldName = (kind: string) => kind.replace(/-([a-z0-9])/g, (_match, letter: string) => letter.toUpperCase());

/**
 * The started simulators, derived from the registry: `byBroker` keyed by broker kind, and for
 * typed access each started simulator as a field named after its kind (`tinkoff`, `tinkoffV1`,
 * `alor`, …) and its stream simulator, where it has one, beside it (`tinkoffStreams`,
 * `alorStreams`). Fields of brokers not started are absent.
 */
export type RunningSimulators<Registry extends SimulatorRegistry = typeof simulatorRegistry> = {
  /** Every started simulator with its server, connection entry, market, streams and orders held, by broker kind. */
  byBroker: { [Kind in keyof Registry]?: StartedOf<Registry[Kind]> };
  servers: SimulatorServer[];
  /** Connection entries for a brokerql config, one per started simulator, with the demo's ids. */
  connections: Array<Record<string, string>>;
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
} & { [Kind in keyof Registry & string as FieldName<Kind>]?: StartedOf<Registry[Kind]>['simulator'] } & {
  [Kind in keyof Registry & string as [StreamsOf<Registry[Kind]>] extends [never] ? never : `${FieldName<Kind>}Streams`]?: StreamsOf<Registry[Kind]>;
};

export async function startSimulators<Registry extends SimulatorRegistry = typeof simulatorRegistry>(
  options: SimulatorOptions<Registry> = {},
): Promise<RunningSimulators<Registry>> {
  const registry: SimulatorRegistry = options.simulatorRegistry ?? simulatorRegistry;
  const wanted = new Set<string>(options.brokers ?? Object.keys(registry));
  const startOptions = { rateLimits: options.rateLimits ?? true, streams: options.streams ?? true, marketSeed: options.marketSeed };
  const running = { byBroker: {}, servers: [], connections: [], streamServers: [], streamUrls: {}, markets: [], stop: async () => undefined } as RunningSimulators<Registry>;
  const fields = running as Record<string, unknown>;
  const byBroker = running.byBroker as Record<string, StartedSimulator<unknown, unknown>>;
  for (const broker of Object.keys(registry).filter((candidate) => wanted.has(candidate))) {
    const started: StartedSimulator<unknown, unknown> = await registry[broker]!(startOptions);
    byBroker[broker] = started;
    fields[fieldName(broker)] = started.simulator;
    running.servers.push(started.server);
    running.connections.push(started.connection);
    if (started.market) running.markets.push(started.market);
    if (started.streams) {
      fields[`${fieldName(broker)}Streams`] = started.streams.streams;
      running.streamServers.push(started.streams.server);
      running.streamUrls[started.connection['id']!] = started.streams.urls;
    }
  }
  for (const server of running.servers) server.setLatency(options.latencyMilliseconds ?? 0);
  for (const market of running.markets) market.startTicking(options.marketTicksPerSecond ?? 2);
  running.stop = async () => {
    for (const market of running.markets) market.stopTicking();
    await Promise.all([...running.servers, ...running.streamServers].map((server) => server.stop()));
  };
  return running;
}
