import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { UpstreamCall } from './brokers/http.js';
import type { CircuitState } from './brokers/resilience/circuit-breaker.js';

/**
 * Prometheus metrics, one registry per gateway (so tests and several gateways in one process
 * never share counters). Labels hold connection ids, routes, operation names and codes — never
 * a token, an account id or anything a client typed freely.
 */
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly graphqlRequests = new Counter({
    name: 'brokerql_graphql_requests_total',
    help: 'GraphQL requests by operation name and outcome (ok, or the first error code).',
    labelNames: ['operation', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly graphqlDuration = new Histogram({
    name: 'brokerql_graphql_request_duration_seconds',
    help: 'GraphQL request duration, broker calls included.',
    labelNames: ['operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly brokerCalls = new Counter({
    name: 'brokerql_broker_calls_total',
    help: 'Calls to brokers by connection, route and HTTP status ("error" when no response arrived).',
    labelNames: ['connection', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly brokerCallDuration = new Histogram({
    name: 'brokerql_broker_call_duration_seconds',
    help: 'Duration of calls to brokers.',
    labelNames: ['connection', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15],
    registers: [this.registry],
  });

  readonly cacheLookups = new Counter({
    name: 'brokerql_cache_lookups_total',
    help: 'Cache lookups by connection, cache and result (hit or miss).',
    labelNames: ['connection', 'cache', 'result'] as const,
    registers: [this.registry],
  });

  readonly quotaWait = new Histogram({
    name: 'brokerql_quota_wait_seconds',
    help: "Time broker calls waited for their connection's request budget.",
    labelNames: ['connection', 'priority'] as const,
    buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });

  readonly circuitState = new Gauge({
    name: 'brokerql_circuit_state',
    help: 'Circuit breaker per connection: 0 closed, 1 half-open, 2 open.',
    labelNames: ['connection'] as const,
    registers: [this.registry],
  });

  readonly tokenRefreshes = new Counter({
    name: 'brokerql_broker_token_refreshes_total',
    help: 'Broker access-token refreshes and logins (ALOR JWT refresh, InstaForex login) by result.',
    labelNames: ['connection', 'result'] as const,
    registers: [this.registry],
  });

  readonly auditEntries = new Counter({
    name: 'brokerql_audit_entries_total',
    help: 'Trading mutation attempts by mutation and outcome.',
    labelNames: ['mutation', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'brokerql_' });
  }

  observeBrokerCall(call: UpstreamCall): void {
    const status = call.status === undefined ? 'error' : String(call.status);
    this.brokerCalls.inc({ connection: call.connection, route: call.route, status });
    this.brokerCallDuration.observe({ connection: call.connection, route: call.route }, call.durationMilliseconds / 1000);
    if (call.purpose === 'authentication') {
      const ok = call.status !== undefined && call.status >= 200 && call.status < 300;
      this.tokenRefreshes.inc({ connection: call.connection, result: ok ? 'ok' : 'failed' });
    }
  }

  observeCircuit(connection: string, state: CircuitState): void {
    this.circuitState.set({ connection }, state === 'closed' ? 0 : state === 'half-open' ? 1 : 2);
  }
}
