import { defineBroker } from '../definition.js';
import { createTinkoffAdapter } from './adapter.js';
import { tinkoffConnection } from './config.js';
import { tinkoffLimits } from './limits.js';
import { tinkoffLabel } from './map-tinkoff-error.js';

/** T-Invest API v2 over REST (POST + JSON), ../shared/brokers/tinvest-v2/. */
export const tinkoffBroker = defineBroker({
  kind: 'tinkoff',
  label: tinkoffLabel,
  enumValue: 'TINKOFF',
  connection: tinkoffConnection,
  limits: tinkoffLimits,
  // idempotentOrders: PostOrder's orderId is an idempotency key: a resend with the same one returns the first order.
  // orderPreview: GetOrderPrice and GetMaxLots.
  capabilities: { trading: true, orderTypes: ['LIMIT', 'MARKET'], orderbook: true, operations: true, idempotentOrders: true, orderPreview: true, candles: true },
  createAdapter: createTinkoffAdapter,
});
