import type { SimulatorServer } from './server.js';

/**
 * What every simulator folder's `index.ts` exports as `startSimulator`: start the simulated
 * broker on loopback, and say how a brokerql connection reaches it. A registry of simulators
 * keyed by broker kind is a record of these.
 */

export interface SimulatorStartOptions {
  /** Enforce the broker's published request limits (off for load tests). */
  rateLimits: boolean;
}

export interface StartedSimulator<Simulator> {
  simulator: Simulator;
  server: SimulatorServer;
  /** A connection entry for a brokerql config, with the demo's id. */
  connection: Record<string, string>;
}

export type StartSimulator<Simulator> = (options: SimulatorStartOptions) => Promise<StartedSimulator<Simulator>>;

/**
 * A `startSimulator` from the simulator's factory and the connection entry that reaches a
 * started one (URLs are known only once it listens).
 */
export function simulatorEntry<Simulator extends { server: SimulatorServer }>(
  create: (options: SimulatorStartOptions) => Simulator,
  connection: (simulator: Simulator) => Record<string, string>,
): StartSimulator<Simulator> {
  return async (options) => {
    const simulator = create(options);
    await simulator.server.start();
    return { simulator, server: simulator.server, connection: connection(simulator) };
  };
}
