import { simulatorEntry } from '../common/entry.js';
import { alorSimulatorRefreshTokens, createAlorSimulator } from './server.js';

/** ALOR for `brokerql demo`, the tests and the benchmark: the valid refresh token, connection `alor` (one server for both hosts). */
export const startSimulator = simulatorEntry(createAlorSimulator, (simulator) => ({
  id: 'alor',
  broker: 'alor',
  refreshToken: alorSimulatorRefreshTokens.valid,
  apiUrl: simulator.apiUrl,
  authUrl: simulator.authUrl,
}));
