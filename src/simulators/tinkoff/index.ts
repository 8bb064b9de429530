import { simulatorEntry } from '../common/entry.js';
import { createTinkoffSimulator, tinkoffSimulatorTokens } from './server.js';

/** T-Invest for `brokerql demo`, the tests and the benchmark: the full-access token, connection `tbank`. */
export const startSimulator = simulatorEntry(createTinkoffSimulator, (simulator) => ({
  id: 'tbank',
  broker: 'tinkoff',
  token: tinkoffSimulatorTokens.full,
  baseUrl: simulator.baseUrl,
}));
