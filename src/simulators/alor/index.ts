import { simulatorEntry } from '../common/entry.js';
import { alorSimulatorRefreshTokens, createAlorSimulator } from './server.js';
import { createAlorStreams } from './streams/server.js';

/**
 * ALOR for `brokerql demo`, the tests and the benchmark: the valid refresh token, connection
 * `alor` (one server for both hosts); its market, and its `/ws` at `wsUrl`.
 */
export const startSimulator = simulatorEntry(
  createAlorSimulator,
  (simulator) => ({
    id: 'alor',
    broker: 'alor',
    refreshToken: alorSimulatorRefreshTokens.valid,
    apiUrl: simulator.apiUrl,
    authUrl: simulator.authUrl,
  }),
  {
    market: (simulator) => simulator.state.market,
    streams: { create: (simulator) => createAlorStreams(simulator), urlKey: 'wsUrl' },
    ordersHeld: (simulator) => simulator.state.orders.size,
  },
);
