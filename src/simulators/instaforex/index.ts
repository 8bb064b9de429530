import { simulatorEntry } from '../common/entry.js';
import { createInstaforexSimulator, instaforexSimulatorAccount } from './server.js';

/** InstaForex for `brokerql demo`, the tests and the benchmark: the main account's login and password, connection `ifx`. */
export const startSimulator = simulatorEntry(createInstaforexSimulator, (simulator) => ({
  id: 'ifx',
  broker: 'instaforex',
  login: instaforexSimulatorAccount.login,
  password: instaforexSimulatorAccount.password,
  baseUrl: simulator.baseUrl,
}));
