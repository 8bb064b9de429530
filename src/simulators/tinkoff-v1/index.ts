import { simulatorEntry } from '../common/entry.js';
import { createTinkoffV1Simulator, tinkoffV1SimulatorTokens } from './server.js';

/** Tinkoff OpenAPI v1 for `brokerql demo`, the tests and the benchmark: the trading token, connection `tinkoff-legacy`. */
export const startSimulator = simulatorEntry(
  createTinkoffV1Simulator,
  (simulator) => ({ id: 'tinkoff-legacy', broker: 'tinkoff-v1', token: tinkoffV1SimulatorTokens.trading, baseUrl: simulator.baseUrl }),
  // The trading token's accounts: the sandbox's are each token's own.
  { ordersHeld: (simulator) => simulator.state.tradingAccounts.reduce((sum, account) => sum + account.orders.size, 0) },
);
