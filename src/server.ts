import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { createYoga, useReadinessCheck, type YogaInitialContext, type YogaServerInstance } from 'graphql-yoga';
import { AuditLog } from './auth/audit-log.js';
import { TokenStore } from './auth/tokens.js';
import { FailedAuthenticationLimiter } from './auth/failed-auth-limiter.js';
import { useBearerAuth } from './auth/use-bearer-auth.js';
import type { UpstreamObserver } from './brokers/http.js';
import { createConnections } from './brokers/registry.js';
import type { Config } from './config.js';
import { ConnectionDirectory, createContextFactory, type ContextAdditions } from './context.js';
import { createErrorMasker } from './errors.js';
import { silentLogger, type Logger } from './logger.js';
import { useContractErrorCodes } from './plugins/use-contract-error-codes.js';
import { usePartialErrors } from './plugins/use-partial-errors.js';
import { useQueryLimits } from './plugins/use-query-limits.js';
import { createSchema } from './schema.js';
import { SecretRegistry } from './secrets.js';
import { openDatabase, type Database } from './storage/database.js';
import { IdempotencyLedger } from './trading/idempotency.js';
import { auditDenied } from './trading/orders.js';

export const exampleQuery = `# Every account, its positions and cash, exact to the kopeck.
{
  accounts {
    id
    broker
    portfolio {
      positions {
        quantity
        averagePrice { amount currency }
        instrument { ticker name lotSize }
      }
      cash { amount currency }
    }
    orders { id status }
  }
}
`;

export interface GatewayOptions {
  logger?: Logger | undefined;
  observer?: UpstreamObserver | undefined;
  /** GraphiQL's headers editor starts with these (demo: a READ token). */
  graphiqlHeaders?: Record<string, string> | undefined;
  /** No batching, de-duplication or caches: only for the benchmark's comparison. */
  naive?: boolean | undefined;
}

export interface Gateway {
  yoga: YogaServerInstance<Record<string, never>, ContextAdditions>;
  connections: ConnectionDirectory;
  secrets: SecretRegistry;
  database: Database;
  tokens: TokenStore;
  audit: AuditLog;
  close(): Promise<void>;
}

/** Builds the whole gateway from a validated config: adapters, schema, plugins. */
export function createGateway(config: Config, options: GatewayOptions = {}): Gateway {
  const logger = options.logger ?? silentLogger();
  const secrets = new SecretRegistry();
  const database = openDatabase(config.dataDir);
  const tokens = new TokenStore(database);
  const audit = new AuditLog(database, (text) => secrets.redact(text));
  const trading = { audit, ledger: new IdempotencyLedger(database) };
  const connections = new ConnectionDirectory(
    createConnections(config.connections, {
      secrets,
      observer: options.observer,
      cache: options.naive ? undefined : config.cache,
    }),
  );
  const maskError = createErrorMasker(
    (text) => secrets.redact(text),
    (error) => logger.error({ error: secrets.redact(error instanceof Error ? (error.stack ?? error.message) : String(error)) }, 'unexpected error'),
  );

  const yoga = createYoga<Record<string, never>, ContextAdditions>({
    schema: createSchema({ onDenied: ({ context, info, args }) => auditDenied(context, info.fieldName, args) }),
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/healthz',
    landingPage: false,
    logging: false,
    maskedErrors: { maskError },
    context: createContextFactory({
      connections,
      trading,
      requestTimeoutMilliseconds: config.server.requestTimeoutMs,
      naive: options.naive,
    }) as (initial: YogaInitialContext) => ContextAdditions,
    graphiql: config.server.graphiql && {
      title: 'brokerql',
      defaultQuery: exampleQuery,
      headers: options.graphiqlHeaders ? JSON.stringify(options.graphiqlHeaders, null, 2) : undefined,
    },
    renderGraphiQL,
    // No CORS headers unless origins are configured: a random web page must not drive a trading gateway.
    cors: config.server.corsOrigins.length > 0 && {
      origin: [...config.server.corsOrigins],
      methods: ['GET', 'POST'],
      allowedHeaders: ['authorization', 'content-type'],
      credentials: false,
    },
    maxRequestBodySize: config.server.limits.maxRequestBytes,
    batching: { limit: config.server.limits.maxBatch },
    plugins: [
      useReadinessCheck({ endpoint: '/readyz', check: () => database.open }),
      ...useQueryLimits(config.server),
      useBearerAuth({
        tokens,
        failures: new FailedAuthenticationLimiter(config.server.limits.authFailuresPerMinute),
        trustProxy: config.server.trustProxy,
      }),
      usePartialErrors({ maskError }),
      useContractErrorCodes(),
    ],
  });

  return {
    yoga,
    connections,
    secrets,
    database,
    tokens,
    audit,
    async close() {
      await Promise.allSettled(connections.list.map((connection) => connection.adapter.close()));
      database.close();
    },
  };
}

export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

export function listen(gateway: Gateway, host: string, port: number): Promise<RunningServer> {
  const server = createServer(gateway.yoga);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const printableHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        server,
        port: address.port,
        url: `http://${printableHost}:${address.port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
