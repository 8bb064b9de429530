import type { AdapterDependencies } from './adapter.js';
import { UpstreamClient, type UpstreamClientOptions } from './http.js';

/** The options every connection config has for its upstream calls (config-values.ts `connectionCommon`). */
export interface UpstreamTimeouts {
  id: string;
  timeoutMs: number;
  connectTimeoutMs: number;
}

/**
 * An HTTP client for one host of a connection, with the connection's timeouts, observer and
 * policy (its budget, breaker and retries: one per connection, however many hosts it calls).
 */
export function connectionUpstream(
  config: UpstreamTimeouts,
  dependencies: AdapterDependencies,
  host: Pick<UpstreamClientOptions, 'brokerLabel' | 'baseUrl' | 'isBrokerFailure'>,
): UpstreamClient {
  return new UpstreamClient({
    connection: config.id,
    connectTimeoutMilliseconds: config.connectTimeoutMs,
    timeoutMilliseconds: config.timeoutMs,
    observer: dependencies.observer,
    policy: dependencies.policy,
    ...host,
  });
}
