import { defineBroker } from '../../../../src/brokers/definition.js';
import { createToyAdapter } from './adapter.js';
import { toyLabel } from './client.js';
import { toyConnection } from './config.js';
import { toyLimits } from './limits.js';

/**
 * A fifth broker that exists only in the tests (test/broker-registry.test.ts): it proves that a
 * broker is one definition, registered through the same extension points as the four real ones
 * without a line of src/ knowing it. Its simulator is test/support/simulators/toy/.
 */
export const toyBroker = defineBroker({
  kind: 'toy',
  label: toyLabel,
  enumValue: 'TOY',
  connection: toyConnection,
  limits: toyLimits,
  capabilities: { trading: false, orderTypes: [], orderbook: false, operations: false },
  createAdapter: createToyAdapter,
});
