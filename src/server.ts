import type { RequestListener } from 'node:http';
import type { GraphQLError } from 'graphql';
import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import { AuditLog } from './auth/audit-log.js';
import { startAuditRetention } from './auth/audit-retention.js';
import { FailedAuthenticationLimiter } from './auth/failed-auth-limiter.js';
import { TokenStore } from './auth/tokens.js';
import { useBearerAuth } from './auth/use-bearer-auth.js';
import type { UpstreamCall, UpstreamObserver } from './brokers/http.js';
import type { BrokerRegistry } from './brokers/definition.js';
import type { Config } from './config.js';
import { ConnectionDirectory, createConnections } from './brokers/connection.js';
import { createContextFactory, type ContextAdditions } from './context.js';
import { createHistoryServices, type HistoryServices } from './history-services.js';
import { startBackgroundSync } from './journal/background.js';
import { journalSync } from './journal/runner.js';
import { useTinkoffV1Compat } from './compat/use-tinkoff-v1-compat.js';
import { createErrorMasker } from './client-errors.js';
import { listen, listenForMetrics, type RunningServer } from './http-server.js';
import { silentLogger, type Logger } from './logger.js';
import { GatewayMetrics } from './metrics.js';
import { useBrokerCallBudget } from './plugins/use-broker-call-budget.js';
import { useContractErrorCodes } from './plugins/use-contract-error-codes.js';
import { useDashboard } from './plugins/use-dashboard.js';
import { useForwardedForWarning } from './plugins/use-forwarded-for-warning.js';
import { useGraphiQLPage } from './plugins/use-graphiql-page.js';
import { useMetricsEndpoint } from './plugins/use-metrics-endpoint.js';
import { useNestingLimit } from './plugins/use-nesting-limit.js';
import { usePartialErrors } from './plugins/use-partial-errors.js';
import { useQueryLimits } from './plugins/use-query-limits.js';
import { useReadiness } from './plugins/use-readiness.js';
import { useRequestBodyLimit } from './plugins/use-request-body-limit.js';
import { useRequestLog } from './plugins/use-request-log.js';
import { useSpecExecution, type ExecuteOperation } from './plugins/use-spec-execution.js';
import { useStreamFanOut } from './plugins/use-stream-fan-out.js';
import { exampleQuery } from './example-query.js';
import { createSchema } from './schema.js';
import { SecretRegistry } from './secrets.js';
import { openDatabase, type Database } from './storage/database.js';
import { StreamHub } from './streams/hub.js';
import { serveGraphQLOverWebSocket } from './websocket-server.js';
import type { LoaderFactory } from './loaders.js';
import { auditDenied } from './trading/audit.js';
import { tradingRequest } from './trading/request.js';
import { createTradingServices } from './trading/services.js';

export type { RunningServer } from './http-server.js';

export { exampleQuery } from './example-query.js';

export interface GatewayOptions {
  logger?: Logger | undefined;
  /** Also told about every broker call (tests, the benchmark). */
  observer?: UpstreamObserver | undefined;
  /** GraphiQL's headers editor starts with these (demo: a READ token). */
  graphiqlHeaders?: Record<string, string> | undefined;
  /**
   * Builds each request's loaders; `createLoaders` (loaders.ts) unless set. The benchmark gives
   * its baseline here (bench/baseline/), to show what batching and de-duplication are worth.
   */
  loaders?: LoaderFactory | undefined;
  /** Whether identical reads in flight are shared across requests. Default true (brokers/single-flight.ts). */
  shareCallsInFlight?: boolean | undefined;
  /** Shared with the logger, so log lines are scrubbed of the same secrets. */
  secrets?: SecretRegistry | undefined;
  /**
   * What executes operations; graphql-js's own `execute` unless set. The differential test gives
   * a twin gateway graphql-js's `execute` here, so that a change of the default is compared with it.
   */
  execute?: ExecuteOperation | undefined;
  /**
   * The brokers connections may name: every broker brokerql serves (brokers/registry.ts) unless
   * set; the config must have been validated with the same (parseConfig's `brokerRegistry`). The
   * tests register a fifth broker here.
   */
  brokerRegistry?: BrokerRegistry | undefined;
  /** The clock token policies read (trading hours, which day "today" is). Default: the system clock. */
  now?: (() => Date) | undefined;
  /** Where the built dashboard is (plugins/use-dashboard.ts); dist/dashboard unless set (tests build their own). */
  dashboardDirectory?: URL | undefined;
}

export interface Gateway {
  yoga: YogaServerInstance<Record<string, never>, ContextAdditions>;
  config: Config;
  connections: ConnectionDirectory;
  secrets: SecretRegistry;
  database: Database;
  tokens: TokenStore;
  /** Failed authentications per client address, shared by HTTP and WebSocket. */
  failures: FailedAuthenticationLimiter;
  audit: AuditLog;
  metrics: GatewayMetrics;
  /** Live subscriptions: upstream streams shared by every client (streams/hub.ts). */
  streams: StreamHub;
  logger: Logger;
  history: HistoryServices;
  /** The error mask every error a client sees goes through (client-errors.ts). */
  maskError: (error: unknown) => GraphQLError;
  /** Marks the gateway as shutting down (readiness turns false); in-flight requests still finish. */
  drain(): void;
  close(): Promise<void>;
}

/** Builds the whole gateway from a validated config: database, adapters, schema, plugins. */
export function createGateway(config: Config, options: GatewayOptions = {}): Gateway {
  const logger = options.logger ?? silentLogger();
  const secrets = options.secrets ?? new SecretRegistry();
  const metrics = new GatewayMetrics();
  const database = openDatabase(config.dataDir);
  const tokens = new TokenStore(database);
  const audit = new AuditLog(database, (text) => secrets.redact(text), undefined, (entry) =>
    metrics.auditEntries.inc({ mutation: entry.mutation, outcome: entry.outcome }),
  );
  const stopAuditRetention = startAuditRetention({ audit, retentionDays: config.audit.retentionDays, logger });
  const now = options.now ?? (() => new Date());
  const trading = createTradingServices(database, {
    audit,
    requestTimeoutMilliseconds: config.server.requestTimeoutMs,
    now,
    // Live accounts follow what brokerql places even where the broker's stream says nothing of it.
    orderPlaced: (account, order) => streams.orderPlaced(account.connection, account.brokerAccountId, order),
  });
  let accepting = true;

  const observeBrokerCall = (call: UpstreamCall) => {
    metrics.observeBrokerCall(call);
    logger.debug({ ...call, durationMilliseconds: Math.round(call.durationMilliseconds * 10) / 10 }, 'broker call');
    options.observer?.(call);
  };
  const connections = new ConnectionDirectory(
    createConnections(config.connections, {
      brokerRegistry: options.brokerRegistry,
      secrets,
      observer: observeBrokerCall,
      cache: config.cache,
      shareCallsInFlight: options.shareCallsInFlight,
      onCircuitChange: (connection, state) => {
        metrics.observeCircuit(connection, state);
        logger.warn({ connection, state }, 'circuit breaker changed state');
      },
      onQuotaGranted: (connection, priority, waited) => metrics.quotaWait.observe({ connection, priority }, waited / 1000),
      onCacheLookup: (connection, cache, hit) => metrics.cacheLookups.inc({ connection, cache, result: hit ? 'hit' : 'miss' }),
    }),
  );
  for (const connection of connections.list) metrics.observeCircuit(connection.id, 'closed');
  const history = createHistoryServices(database, { valuation: config.valuation, now, logger });
  const backgroundSync = config.journal.enabled
    ? startBackgroundSync({
        connections: connections.list,
        sync: journalSync(history.journal, config.journal),
        intervalSeconds: config.journal.syncIntervalSeconds,
        logger,
      })
    : undefined;

  const reportUnexpected = (error: unknown) =>
    logger.error({ error: secrets.redact(error instanceof Error ? (error.stack ?? error.message) : String(error)) }, 'unexpected error');
  const maskError = createErrorMasker((text) => secrets.redact(text), reportUnexpected);
  const graphqlEndpoint = '/graphql';
  const streams = new StreamHub({ connections, settings: config.streams, tokens, registry: metrics.registry, logger, liveAccounts: config.cache.liveAccounts });
  const createContext = createContextFactory({
    connections,
    trading,
    history,
    streams,
    requestTimeoutMilliseconds: config.server.requestTimeoutMs,
    maxBrokerCallsPerRequest: config.server.limits.maxBrokerCallsPerRequest,
    loaders: options.loaders,
    trustProxy: config.server.trustProxy,
  });
  const failures = new FailedAuthenticationLimiter(config.server.limits.authFailuresPerMinute);
  const warnings: string[] = [];

  const yoga = createYoga<Record<string, never>, ContextAdditions>({
    schema: createSchema({
      brokerRegistry: options.brokerRegistry,
      onDenied: ({ context, info, args }) => auditDenied(tradingRequest(context), info.fieldName, args),
    }),
    graphqlEndpoint,
    healthCheckEndpoint: '/healthz',
    landingPage: false,
    logging: false,
    maskedErrors: { maskError },
    context: createContext,
    // Served by useGraphiQLPage: rendered once, not per page load.
    graphiql: false,
    // No CORS headers unless origins are configured: a random web page must not drive a trading gateway.
    cors: config.server.corsOrigins.length > 0 && {
      origin: [...config.server.corsOrigins],
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type'],
      credentials: false,
    },
    // Enforced for every route, this one included, by useRequestBodyLimit.
    maxRequestBodySize: false,
    batching: { limit: config.server.limits.maxBatch },
    plugins: [
      useForwardedForWarning({ trustProxy: config.server.trustProxy, logger, onWarning: (warning) => warnings.push(warning) }),
      useRequestBodyLimit({ maxBytes: config.server.limits.maxRequestBytes, logger }),
      ...(config.server.dashboard ? [useDashboard({ directory: options.dashboardDirectory })] : []),
      ...(config.server.graphiql
        ? [
            useGraphiQLPage({
              graphqlEndpoint,
              options: {
                title: 'brokerql',
                defaultQuery: exampleQuery,
                // Subscriptions from GraphiQL go over SSE with the headers editor's token.
                subscriptionsProtocol: 'SSE',
                headers: options.graphiqlHeaders ? JSON.stringify(options.graphiqlHeaders, null, 2) : undefined,
              },
            }),
          ]
        : []),
      useSpecExecution({ execute: options.execute }),
      useStreamFanOut(),
      useReadiness({ database, connections, accepting: () => accepting, warnings: () => warnings, streams: (connection) => streams.status(connection), accountStreams: (connection) => streams.accountStatus(connection) }),
      ...(config.metrics.enabled && config.metrics.port === null ? [useMetricsEndpoint({ metrics })] : []),
      useRequestLog({ logger, metrics, graphqlEndpoint }),
      useTinkoffV1Compat({
        tokens,
        failures,
        trustProxy: config.server.trustProxy,
        createContext,
        redact: (text) => secrets.redact(text),
        onUnexpected: reportUnexpected,
      }),
      useNestingLimit(),
      ...useQueryLimits(config.server),
      useBearerAuth({ tokens, failures, trustProxy: config.server.trustProxy }),
      usePartialErrors({ maskError }),
      useBrokerCallBudget({ maxBrokerCallsPerRequest: config.server.limits.maxBrokerCallsPerRequest, maskError }),
      useContractErrorCodes(),
    ],
  });

  return {
    yoga,
    config,
    connections,
    secrets,
    database,
    tokens,
    failures,
    audit,
    metrics,
    streams,
    logger,
    history,
    maskError,
    drain() {
      accepting = false;
    },
    async close() {
      accepting = false;
      stopAuditRetention();
      history.stop();
      await backgroundSync?.stop();
      streams.close();
      await Promise.allSettled(connections.list.map((connection) => connection.adapter.close()));
      if (database.open) database.close();
    },
  };
}

export interface ServingGateway {
  server: RunningServer;
  /** The separate metrics listener, when `metrics.port` is set. */
  metricsServer: RunningServer | undefined;
  /** Graceful stop: stop accepting, let requests in flight finish (up to server.shutdownTimeoutMs), close everything. */
  stop(): Promise<void>;
}

/** Serves a gateway over HTTP (and /metrics on its own port when configured). */
export async function serve(gateway: Gateway): Promise<ServingGateway> {
  const { config } = gateway;
  const { headersTimeoutMs, bodyTimeoutMs, keepAliveTimeoutMs, limits } = config.server;
  const connectionLimits = { headersTimeoutMs, bodyTimeoutMs, keepAliveTimeoutMs, maxConnections: limits.maxConnections };
  const server = await listen(gateway.yoga as unknown as RequestListener, config.server.host, config.server.port, connectionLimits);
  const websockets = serveGraphQLOverWebSocket(server.server, gateway);
  let metricsServer: RunningServer | undefined;
  if (config.metrics.enabled && config.metrics.port !== null) {
    metricsServer = await listenForMetrics(gateway.metrics, config.server.host, config.metrics.port, connectionLimits);
  }
  return {
    server,
    metricsServer,
    async stop() {
      gateway.drain();
      // Subscriptions never finish by themselves: they complete now (SSE responses end, WebSockets
      // close with 1001), and the requests still in flight get the grace.
      gateway.streams.close();
      await websockets.close();
      await Promise.all([server.close(config.server.shutdownTimeoutMs), metricsServer?.close(0)]);
      await gateway.close();
    },
  };
}
