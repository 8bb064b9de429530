import type { z } from 'zod';
import { defineRegistry } from './definition.js';
import { alorBroker } from './alor/index.js';
import { instaforexBroker } from './instaforex/index.js';
import { tinkoffBroker } from './tinkoff/index.js';
import { tinkoffV1Broker } from './tinkoff-v1/index.js';

/**
 * Every broker brokerql serves, by the `broker:` value of its connections: one line per broker,
 * each its folder's definition (definition.ts). Everything that differs by broker outside its
 * folder is read from here — config validation (config.ts), request budgets, labels, capabilities
 * and adapters (connection.ts), the GraphQL enum (schema.ts, resolvers/broker.ts), `check` — and
 * the types below are derived from it, so a new broker is its folder, its line here, its
 * simulator's line in src/simulators/index.ts and its value in schema/base.graphql's `enum Broker`.
 */
export const brokerRegistry = defineRegistry({
  tinkoff: tinkoffBroker,
  'tinkoff-v1': tinkoffV1Broker,
  alor: alorBroker,
  instaforex: instaforexBroker,
});

/** The `broker:` value of a connection in the config file: one of the registry's keys. */
export type BrokerKind = keyof typeof brokerRegistry;

/** The validated connection entry of one broker: what its definition's schema gives. */
export type ConnectionConfigOf<Kind extends BrokerKind> = z.output<(typeof brokerRegistry)[Kind]['connection']>;

/** A validated connection entry of any built-in broker, discriminated by `broker`. */
export type ConnectionConfig = { [Kind in BrokerKind]: ConnectionConfigOf<Kind> }[BrokerKind];
