import type { z } from 'zod';
import type { CommonConnectionConfig } from '../config-values.js';
import type { AdapterDependencies, BrokerAdapter, Capabilities } from './adapter.js';
import type { RequestLimit } from './limits.js';

/**
 * A broker is one definition: everything brokerql needs to know about it outside its own folder.
 * Each `src/brokers/<broker>/index.ts` exports one, and the registry (registry.ts) is a plain
 * record of them. The `BrokerKind` union, config validation, request budgets, labels, the GraphQL
 * enum value, capabilities and which adapter serves a connection are all read from here, so the
 * compiler asks a new broker for each of them in one place.
 */

/** A connection entry of one broker after validation: the keys every connection has, its kind, and its own keys. */
export type ConnectionConfigBase<Kind extends string = string> = CommonConnectionConfig & { broker: Kind };

export interface BrokerDefinition<
  Kind extends string = string,
  Config extends ConnectionConfigBase<Kind> = ConnectionConfigBase<Kind>,
  EnumValue extends string = string,
> {
  /** The `broker:` value of a connection in the config file; the registry's key for it. */
  readonly kind: Kind;
  /** How messages name the broker: "T-Invest did not answer within 15s". */
  readonly label: string;
  /** Its value of the GraphQL `Broker` enum (schema/base.graphql). */
  readonly enumValue: EnumValue;
  /**
   * A connection entry to it, for config.ts: `connectionCommon` (config-values.ts) and the
   * broker's own keys, strict (an unknown key is refused, naming it).
   */
  readonly connection: z.ZodType<Config, unknown>;
  /** Its published request limits (its limits.ts): the request budget of every connection to it. */
  readonly limits: readonly RequestLimit[];
  /** What it lets brokerql do, whatever the connection; the gate in capabilities.ts reads it. */
  readonly capabilities: Readonly<Capabilities>;
  /** Its adapter for one connection; every adapter factory has this one signature. */
  createAdapter(config: Config, dependencies: AdapterDependencies): BrokerAdapter;
}

/**
 * A record of broker definitions by kind: the built-in one (registry.ts) or one given in code
 * (the tests register a fifth broker through `createGateway`'s, `parseConfig`'s and the CLI's
 * `brokerRegistry` option). Any connection config fits any definition's factory here: the
 * registry looks the definition up by the config's own `broker`, which its schema fixed (hence
 * `any`: the record holds definitions of different config types).
 */
export type BrokerRegistry = Readonly<Record<string, BrokerDefinition<string, any>>>;

/**
 * A definition, with its kind, config type and enum value inferred (kept literal, so that the
 * registry can derive `BrokerKind` and compare its enum values with the schema's).
 */
export function defineBroker<const Kind extends string, Config extends ConnectionConfigBase<Kind>, const EnumValue extends string>(
  definition: BrokerDefinition<Kind, Config, EnumValue>,
): BrokerDefinition<Kind, Config, EnumValue> {
  return definition;
}

/** A registry's record, checked: each key is its definition's kind (a `broker:` value finds the definition that validates it). */
export function defineRegistry<const Registry extends { readonly [Kind in keyof Registry]: BrokerDefinition<Kind & string, any> }>(
  registry: Registry,
): Registry {
  return registry;
}

/** The label with the enum value a client sees, where they differ: "T-Invest (TINKOFF)", "ALOR". */
export function brokerLabelWithEnum(definition: Pick<BrokerDefinition, 'label' | 'enumValue'>): string {
  return definition.label === definition.enumValue ? definition.label : `${definition.label} (${definition.enumValue})`;
}
