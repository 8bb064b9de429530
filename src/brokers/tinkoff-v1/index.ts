import { defineBroker } from '../definition.js';
import { createTinkoffV1Adapter } from './adapter.js';
import { tinkoffV1Connection } from './config.js';
import { tinkoffV1Limits } from './limits.js';
import { tinkoffV1Label } from './map-tinkoff-v1-error.js';

/** Tinkoff Investments OpenAPI v1 (REST, the {trackingId,status,payload} envelope), ../shared/brokers/tinkoff-v1/. */
export const tinkoffV1Broker = defineBroker({
  kind: 'tinkoff-v1',
  label: tinkoffV1Label,
  enumValue: 'TINKOFF_V1',
  connection: tinkoffV1Connection,
  limits: tinkoffV1Limits,
  // No idempotency keys: brokerql's own ledger keeps a repeated request from reaching v1 twice.
  capabilities: { trading: true, orderTypes: ['LIMIT', 'MARKET'], orderbook: true, operations: true, candles: true },
  createAdapter: createTinkoffV1Adapter,
});
