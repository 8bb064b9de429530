import type { MarketModel } from './market.js';
import type { SimulatorServer } from './server.js';
import type { StreamServer } from './websocket.js';

/**
 * What every simulator folder's `index.ts` exports as `startSimulator`: start the simulated
 * broker on loopback — its stream simulator too, where it has one — and say how a brokerql
 * connection reaches it. A registry of simulators keyed by broker kind is a record of these.
 */

export interface SimulatorStartOptions {
  /** Enforce the broker's published request limits (off for load tests). */
  rateLimits: boolean;
  /** Start the broker's stream simulator too, where it has one. */
  streams: boolean;
  /** Seed of the market's random walk, where the simulator has a market (its default when absent). */
  marketSeed?: number | undefined;
}

/** A started stream simulator, and where a brokerql connection finds it. */
export interface StartedStreams<Streams> {
  streams: Streams;
  server: StreamServer;
  /** The connection keys that reach it: `streamUrl` for T-Invest, `wsUrl` for ALOR. */
  urls: Record<string, string>;
}

export interface StartedSimulator<Simulator, Streams = never> {
  simulator: Simulator;
  server: SimulatorServer;
  /** A connection entry for a brokerql config, with the demo's id. */
  connection: Record<string, string>;
  /** The market whose books and prices move, where the simulator has one (T-Invest, ALOR). */
  market?: MarketModel | undefined;
  /** The broker's stream simulator, where it has one and `streams` asked for it. */
  streams?: StartedStreams<Streams> | undefined;
  /** How many orders the simulated broker holds (placed and kept, any state), where it takes orders. */
  ordersHeld?: (() => number) | undefined;
}

export type StartSimulator<Simulator, Streams = never> = (options: SimulatorStartOptions) => Promise<StartedSimulator<Simulator, Streams>>;

/** What a simulator has besides its REST server. */
export interface SimulatorParts<Simulator, Streams> {
  /** Its moving market. */
  market?(simulator: Simulator): MarketModel;
  /** Its stream simulator, created on the started REST one, and the connection key that names the stream URL. */
  streams?: { create(simulator: Simulator): Streams; urlKey: string };
  /**
   * How many orders it holds, for the fault tests and the benchmark, which compare that with the
   * orders clients asked for (none placed twice, none lost).
   */
  ordersHeld?(simulator: Simulator): number;
}

/**
 * A `startSimulator` from the simulator's factory, the connection entry that reaches a started
 * one (URLs are known only once it listens), and the simulator's other parts.
 */
export function simulatorEntry<Simulator extends { server: SimulatorServer }, Streams extends { server: StreamServer; readonly url: string } = never>(
  create: (options: SimulatorStartOptions) => Simulator,
  connection: (simulator: Simulator) => Record<string, string>,
  parts: SimulatorParts<Simulator, Streams> = {},
): StartSimulator<Simulator, Streams> {
  return async (options) => {
    const simulator = create(options);
    await simulator.server.start();
    const started: StartedSimulator<Simulator, Streams> = {
      simulator,
      server: simulator.server,
      connection: connection(simulator),
      market: parts.market?.(simulator),
      ordersHeld: parts.ordersHeld && (() => parts.ordersHeld!(simulator)),
    };
    if (options.streams && parts.streams) {
      const streams = parts.streams.create(simulator);
      await streams.server.start();
      started.streams = { streams, server: streams.server, urls: { [parts.streams.urlKey]: streams.url } };
    }
    return started;
  };
}
