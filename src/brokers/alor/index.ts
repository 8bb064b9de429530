import { defineBroker } from '../definition.js';
import { createAlorAdapter } from './adapter.js';
import { alorConnection } from './config.js';
import { alorLimits } from './limits.js';
import { alorLabel } from './map-alor-error.js';

/** ALOR OpenAPI v2 over REST, with a refresh token that buys 30-minute access tokens, ../shared/brokers/alor.md. */
export const alorBroker = defineBroker({
  kind: 'alor',
  label: alorLabel,
  enumValue: 'ALOR',
  connection: alorConnection,
  limits: alorLimits,
  // idempotentOrders: ALOR executes an order command once per X-REQID, which brokerql derives from the idempotency key.
  // orderPreview: POST …/orders/estimate.
  capabilities: { trading: true, orderTypes: ['LIMIT', 'MARKET'], orderbook: true, operations: true, idempotentOrders: true, orderPreview: true, candles: true },
  createAdapter: createAlorAdapter,
});
