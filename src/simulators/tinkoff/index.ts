import { simulatorEntry } from '../common/entry.js';
import { createTinkoffSimulator, tinkoffSimulatorTokens } from './server.js';
import { createTinkoffStreams } from './streams/server.js';

/**
 * T-Invest for `brokerql demo`, the tests and the benchmark: the full-access token, connection
 * `tbank`; its market, and its stream bridge at `streamUrl`.
 */
export const startSimulator = simulatorEntry(
  createTinkoffSimulator,
  (simulator) => ({ id: 'tbank', broker: 'tinkoff', token: tinkoffSimulatorTokens.full, baseUrl: simulator.baseUrl }),
  {
    market: (simulator) => simulator.state.market,
    streams: { create: (simulator) => createTinkoffStreams(simulator), urlKey: 'streamUrl' },
    ordersHeld: (simulator) => simulator.state.orders.size,
  },
);
