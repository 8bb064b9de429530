import { createConnectionCaches, type CacheName } from '../cache.js';
import type { CacheConfig, ConnectionConfig } from '../config.js';
import type { BrokerKind } from '../domain.js';
import { InternalError } from '../errors.js';
import type { AdapterDependencies, BrokerAdapter } from './adapter.js';
import type { ConnectionModel } from './connection.js';
import { brokerLabels } from './labels.js';
import type { CircuitState } from './resilience/circuit-breaker.js';
import type { CallPriority } from './resilience/quota.js';
import { createConnectionPolicy } from './resilience/policy.js';
import { InFlight } from './single-flight.js';
import { createAlorAdapter } from './alor/adapter.js';
import { createInstaforexAdapter } from './instaforex/adapter.js';
import { createTinkoffAdapter } from './tinkoff/adapter.js';
import { createTinkoffV1Adapter } from './tinkoff-v1/adapter.js';

/**
 * The one signature every broker's adapter factory has: its own connection config, and what the
 * gateway hands every adapter (secrets, observer, policy, caches, calls in flight).
 */
export type AdapterFactory<Kind extends BrokerKind> = (
  config: Extract<ConnectionConfig, { broker: Kind }>,
  dependencies: AdapterDependencies,
) => BrokerAdapter;

/** One line per broker: adding a broker is one folder and one entry here. */
export const adapterFactories: { [Kind in BrokerKind]: AdapterFactory<Kind> } = {
  tinkoff: createTinkoffAdapter,
  'tinkoff-v1': createTinkoffV1Adapter,
  alor: createAlorAdapter,
  instaforex: createInstaforexAdapter,
};

export function createAdapter(config: ConnectionConfig, dependencies: AdapterDependencies): BrokerAdapter {
  const factory = adapterFactories[config.broker] as AdapterFactory<typeof config.broker> | undefined;
  if (!factory) {
    throw new InternalError(`unknown broker "${config.broker}" (known: ${Object.keys(adapterFactories).join(', ')})`);
  }
  return factory(config as never, dependencies);
}

export interface ConnectionDependencies extends Pick<AdapterDependencies, 'secrets' | 'observer'> {
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
  return connections.map((config) => {
    const policy = createConnectionPolicy({
      connection: config.id,
      broker: config.broker,
      brokerLabel: brokerLabels[config.broker],
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
      adapter: createAdapter(config, { secrets: dependencies.secrets, observer: dependencies.observer, policy, caches, inFlight }),
      policy,
      caches,
      inFlight,
    };
  });
}
