import { simulatorEntry } from '../../../../src/simulators/common/entry.js';
import { createToySimulator, toySimulatorKeys } from './server.js';

/** The toy broker's `startSimulator`, as every simulator folder has one: its valid key, connection `toy`. */
export const startSimulator = simulatorEntry(createToySimulator, (simulator) => ({
  id: 'toy',
  broker: 'toy',
  key: toySimulatorKeys.valid,
  baseUrl: simulator.baseUrl,
}));
