import { createConnectionCaches, type CacheConfig, type CacheName, type ConnectionCaches } from '../cache.js';
import { InternalError } from '../errors.js';
import type { AdapterDependencies, BrokerAdapter } from './adapter.js';
import type { BrokerDefinition, BrokerRegistry } from './definition.js';
import { brokerRegistry, type BrokerKind, type ConnectionConfig } from './registry.js';
import type { CircuitState } from './resilience/circuit-breaker.js';
import { createConnectionPolicy, type ConnectionPolicy } from './resilience/policy.js';
import type { CallPriority } from './resilience/quota.js';
import { InFlight } from './single-flight.js';

/**
 * One configured connection at run time: its broker's definition, its adapter and everything
 * kept for it across requests. Built once per gateway by `createConnections`; also the GraphQL
 * parent of `Connection`.
 */
export interface ConnectionModel {
  id: string;
  /**
   * Its broker's kind. A registry given in code (the tests' fifth broker) may add kinds this type
   * does not name: what differs by broker is read from `definition`, never from a table by kind.
   */
  broker: BrokerKind;
  /** Its broker: label, enum value, capabilities, limits. */
  definition: BrokerDefinition;
  adapter: BrokerAdapter;
  /** Its budget and circuit breaker, for health reports and metrics. */
  policy: ConnectionPolicy;
  /** Instrument metadata and the account list, kept across requests. */
  caches: ConnectionCaches;
  /** Identical reads in flight, shared across requests; none when the gateway is built without sharing. */
  inFlight: InFlight | undefined;
}

/** The configured connections, by id. Built once per gateway, shared by every request. */
export class ConnectionDirectory {
  private readonly byId: Map<string, ConnectionModel>;

  constructor(readonly list: readonly ConnectionModel[]) {
    this.byId = new Map(list.map((connection) => [connection.id, connection]));
  }

  get(id: string): ConnectionModel | undefined {
    return this.byId.get(id);
  }
}

export interface ConnectionDependencies extends Pick<AdapterDependencies, 'secrets' | 'observer'> {
  /** The brokers a connection may name: every broker brokerql serves (registry.ts) unless set; the config was validated with the same. */
  brokerRegistry?: BrokerRegistry | undefined;
  /** Cross-request caches; none when absent (CLI commands). */
  cache?: CacheConfig | undefined;
  /**
   * Whether identical reads in flight are shared across requests (brokers/single-flight.ts).
   * Default true; the benchmark's baseline turns it off to show what sharing is worth.
   */
  shareCallsInFlight?: boolean | undefined;
  onCircuitChange?: (connection: string, state: CircuitState) => void;
  onQuotaGranted?: (connection: string, priority: CallPriority, waitedMilliseconds: number) => void;
  onCacheLookup?: (connection: string, cache: CacheName, hit: boolean) => void;
}

/** One adapter per configured connection, each with its own budget, breaker and retry policy. */
export function createConnections(connections: readonly ConnectionConfig[], dependencies: ConnectionDependencies): ConnectionModel[] {
  const registry: BrokerRegistry = dependencies.brokerRegistry ?? brokerRegistry;
  return connections.map((config) => {
    const definition = Object.hasOwn(registry, config.broker) ? registry[config.broker] : undefined;
    if (!definition) throw new InternalError(`unknown broker "${config.broker}" (known: ${Object.keys(registry).join(', ')})`);
    const policy = createConnectionPolicy({
      connection: config.id,
      brokerLabel: definition.label,
      limits: definition.limits,
      quota: config.quota,
      maxConcurrentRequests: config.maxConcurrentRequests,
      onCircuitChange: (state) => dependencies.onCircuitChange?.(config.id, state),
      onQuotaGranted: (priority, waited) => dependencies.onQuotaGranted?.(config.id, priority, waited),
    });
    const caches = createConnectionCaches(dependencies.cache, (cache, hit) => dependencies.onCacheLookup?.(config.id, cache, hit));
    const inFlight = dependencies.shareCallsInFlight === false ? undefined : new InFlight();
    return {
      id: config.id,
      broker: config.broker,
      definition,
      adapter: definition.createAdapter(config, { secrets: dependencies.secrets, observer: dependencies.observer, policy, caches, inFlight }),
      policy,
      caches,
      inFlight,
    };
  });
}
