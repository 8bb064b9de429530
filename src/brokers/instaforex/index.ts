import { defineBroker } from '../definition.js';
import { createInstaforexAdapter } from './adapter.js';
import { instaforexConnection } from './config.js';
import { instaforexLimits } from './limits.js';
import { instaforexLabel } from './map-instaforex-error.js';

/** InstaForex's Client Cabinet API: one read-only MT4 account per connection, ../shared/brokers/instaforex.md. */
export const instaforexBroker = defineBroker({
  kind: 'instaforex',
  label: instaforexLabel,
  enumValue: 'INSTAFOREX',
  connection: instaforexConnection,
  limits: instaforexLimits,
  // The Client Cabinet API is for monitoring a trading account: no order placing, cancelling or
  // market depth anywhere (§6); trading happens in MetaTrader. The adapter has no such methods,
  // and the capability gate (capabilities.ts) answers NOT_SUPPORTED for them.
  capabilities: { trading: false, orderTypes: [], orderbook: false, operations: true },
  createAdapter: createInstaforexAdapter,
});
