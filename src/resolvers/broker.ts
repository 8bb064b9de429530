import type { ConnectionModel } from '../brokers/connection.js';
import type { BrokerKind, brokerRegistry } from '../brokers/registry.js';
import type { Broker } from '../generated/graphql.js';

/**
 * The GraphQL `Broker` value of a connection: its broker definition's. For the built-in brokers
 * the registry and schema/base.graphql's `enum Broker` must name the same values — checked both
 * ways at compile time below, so a broker added to one and not the other does not build. A broker
 * registered in code beyond them (the tests' fifth) gets its value added to the schema by
 * createSchema, which is why the cast is there.
 */
export function brokerEnumValue(connection: ConnectionModel): Broker {
  return connection.definition.enumValue as Broker;
}

type RegisteredEnumValue = (typeof brokerRegistry)[BrokerKind]['enumValue'];
type SameValues<Left, Right> = [Left] extends [Right] ? ([Right] extends [Left] ? true : false) : false;
type MustHold<Check extends true> = Check;
/** Compiles only while every registered broker has a schema value and every schema value a broker. */
export type RegistryMatchesSchema = MustHold<SameValues<RegisteredEnumValue, Broker>>;
