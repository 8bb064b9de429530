import type { BrokerKind } from '../domain.js';
import type { ConnectionCaches } from '../cache.js';
import type { BrokerAdapter } from './adapter.js';
import type { ConnectionPolicy } from './resilience/policy.js';
import type { InFlight } from './single-flight.js';

/**
 * One configured connection at run time: its adapter and everything kept for it across requests.
 * Built once per gateway by the registry (brokers/registry.ts); also the GraphQL parent of
 * `Connection`.
 */
export interface ConnectionModel {
  id: string;
  broker: BrokerKind;
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
