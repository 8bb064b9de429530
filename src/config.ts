import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { describeIssue, interpolateEnvironment, keyPath, parseYamlText } from './config-document.js';
import type { AlorConnectionConfig } from './brokers/alor/config.js';
import type { BrokerRegistry } from './brokers/definition.js';
import type { InstaforexConnectionConfig } from './brokers/instaforex/config.js';
import { brokerRegistry, type ConnectionConfig } from './brokers/registry.js';
import type { TinkoffConnectionConfig } from './brokers/tinkoff/config.js';
import type { TinkoffV1ConnectionConfig } from './brokers/tinkoff-v1/config.js';
import type { CacheConfig } from './cache.js';
import { integer } from './config-values.js';
import { journalSchema, type JournalConfig } from './journal/config.js';
import { streamsSchema, type StreamsConfig } from './streams/settings.js';
import { valuationSchema, type ValuationConfig } from './valuation/config.js';

/**
 * The config file: YAML, `${NAME}` replaced from the environment, validated once into one
 * typed, frozen object that is passed to whatever needs it. Every error names the file and
 * the key. Defaults are documented next to each option and in the README.
 */

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const limitsSchema = z.strictObject({
  /** Deepest field nesting a query may have. Default 12 (the statistics query needs 5). */
  maxDepth: integer(1, 100).default(12),
  /** Aliases per operation. Default 30. */
  maxAliases: integer(0, 1_000).default(30),
  /** Lexical tokens per document. Default 3000. */
  maxTokens: integer(100, 100_000).default(3_000),
  /**
   * The estimated cost of an operation's shape (plugins/use-operation-cost.ts). Default 5000 (the
   * README's statistics query costs about 80; 30 aliases of a deep fan-out, about 7,000).
   */
  maxCost: integer(100, 10_000_000).default(5_000),
  /**
   * List items an operation may ask for through `first:` and `last:`, literal or variable, nested
   * counts multiplied. Default 20000: two full candle series (10,000 each).
   */
  maxListItems: integer(1, 10_000_000).default(20_000),
  /** Operations in one batched HTTP request. Default 10. */
  maxBatch: integer(1, 100).default(10),
  /** Request body size in bytes. Default 100 KiB. */
  maxRequestBytes: integer(1_024, 10_485_760).default(102_400),
  /** Failed authentications per client address per minute before that address is refused for a while. Default 20. */
  authFailuresPerMinute: integer(1, 10_000).default(20),
  /**
   * Open client connections (keep-alive, SSE subscriptions included); past it a new connection is
   * closed at once. Default 512: far above what a person's apps and dashboards hold open, well
   * below the usual 1,024 open files per process.
   */
  maxConnections: integer(1, 100_000).default(512),
  /**
   * Broker calls one GraphQL request may make (retries included); calls past it are refused and
   * their fields are null with BAD_USER_INPUT. Default 200: the README's statistics query over the
   * four demo brokers makes 70 cold and 52 warm.
   */
  maxBrokerCallsPerRequest: integer(1, 100_000).default(200),
});

const serverSchema = z.strictObject({
  /** Interface to listen on. Default 127.0.0.1: brokerql holds trading credentials, so it is not exposed unless asked. */
  host: z.string().min(1).default('127.0.0.1'),
  /** Default 4000; `--port` and PORT override it. */
  port: integer(0, 65_535).default(4000),
  /** How long one GraphQL request may take, broker calls, retries and queueing included. Default 30 s. */
  requestTimeoutMs: integer(1_000, 600_000).default(30_000),
  /** Schema introspection (GraphiQL needs it). Default true; false also hides "did you mean" suggestions. */
  introspection: z.boolean('expected true or false').default(true),
  /** Serve GraphiQL to browsers at /graphql. Default true. */
  graphiql: z.boolean('expected true or false').default(true),
  /** Serve the read-only dashboard at /dashboard (its page asks for a READ token). Default true. */
  dashboard: z.boolean('expected true or false').default(true),
  /** Browser origins allowed to call brokerql (CORS). Default none: only same-origin pages and non-browser clients. */
  corsOrigins: z.array(z.string().regex(/^https?:\/\/[^/]+$/, 'expected an origin such as https://dashboard.example.com')).default([]),
  /** Take the client address from X-Forwarded-For (only behind a reverse proxy you control). Default false. */
  trustProxy: z.boolean('expected true or false').default(false),
  /** On SIGTERM/SIGINT, how long requests in flight may take to finish. Default 10 s. */
  shutdownTimeoutMs: integer(0, 600_000).default(10_000),
  /** A client must send its request headers within this, or its connection is closed. Default 15 s (Node's own: 60 s). */
  headersTimeoutMs: integer(1_000, 600_000).default(15_000),
  /** ... and the whole request, headers and body, within this. Default 30 s (Node's own: 300 s). At least headersTimeoutMs. */
  bodyTimeoutMs: integer(1_000, 600_000).default(30_000),
  /** An idle keep-alive connection is closed after this. Default 5 s. */
  keepAliveTimeoutMs: integer(1_000, 600_000).default(5_000),
  limits: limitsSchema.default(() => limitsSchema.parse({})),
});

const cacheSchema = z.strictObject({
  /** Instrument metadata (name, lot size, price step; ALOR's security lookups for its rows too) changes rarely. Default 6 hours; 0 turns it off. */
  instrumentsTtlSeconds: integer(0, 7 * 86_400).default(21_600),
  /** The account list of each connection. Default 60 s. */
  accountsTtlSeconds: integer(0, 86_400).default(60),
  /** Instruments kept per connection before the least recently used are dropped. Default 5000. */
  maxInstruments: integer(1, 1_000_000).default(5_000),
  /**
   * Portfolio queries answered from an account's live stream (README, "Live accounts") while it
   * is live and was checked against a REST read within `streams.liveCheckMs`: 0 broker calls.
   * A query also keeps the account's streams open for `streams.accountIdleMs`. Default true; off
   * answers every query from the broker.
   */
  liveAccounts: z.boolean('expected true or false').default(true),
});

const metricsSchema = z.strictObject({
  /** Serve Prometheus metrics at /metrics. Default true. */
  enabled: z.boolean('expected true or false').default(true),
  /** A separate port for /metrics (on server.host); default: the gateway's own port. */
  port: integer(0, 65_535).nullable().default(null),
});

const auditSchema = z.strictObject({
  /**
   * Rows older than this are deleted, at startup and daily; 0 keeps every row. Default 400 days:
   * a full year back from any day, with a month to spare, so a yearly review (of the broker's
   * annual report, of last year's tax return) always finds the whole year it covers.
   */
  retentionDays: integer(0, 36_500).default(400),
});

const fileSchema = z.strictObject({
  metrics: metricsSchema.default(() => metricsSchema.parse({})),
  server: serverSchema.default(() => serverSchema.parse({})),
  /** The audit log of trading mutations. */
  audit: auditSchema.default(() => auditSchema.parse({})),
  /** Caches shared across requests, per connection. Portfolio, orders and operations are never cached. */
  cache: cacheSchema.default(() => cacheSchema.parse({})),
  /** The operations journal (journal/config.ts). */
  journal: journalSchema.default(() => journalSchema.parse({})),
  /** Live subscriptions (streams/settings.ts). */
  streams: streamsSchema.default(() => streamsSchema.parse({})),
  /** The values netWorth records for netWorthHistory (valuation/config.ts). */
  valuation: valuationSchema.default(() => valuationSchema.parse({})),
  /** Where the SQLite database lives. Default ./data, relative to the config file. */
  dataDir: z.string().min(1).default('./data'),
  connections: z.array(z.unknown(), 'expected a list of connections').default([]),
});

export type { CacheConfig, ConnectionConfig, TinkoffConnectionConfig, TinkoffV1ConnectionConfig, AlorConnectionConfig, InstaforexConnectionConfig };

export interface Config {
  /** The file this config came from, for messages; null when built in code (tests, demo). */
  readonly file: string | null;
  readonly server: ServerConfig;
  /** Absolute path. */
  readonly dataDir: string;
  readonly cache: CacheConfig;
  readonly metrics: MetricsConfig;
  readonly audit: AuditConfig;
  readonly journal: JournalConfig;
  readonly streams: StreamsConfig;
  readonly valuation: ValuationConfig;
  /**
   * Each validated by its broker's own schema (its definition's `connection`). Typed as the
   * built-in brokers' entries; a registry given to parseConfig in code may add others.
   */
  readonly connections: readonly ConnectionConfig[];
}

export type ServerConfig = Readonly<z.output<typeof serverSchema>>;
export type MetricsConfig = Readonly<z.output<typeof metricsSchema>>;
export type AuditConfig = Readonly<z.output<typeof auditSchema>>;
export type { StreamsConfig };

export interface LoadConfigOptions {
  /** Variables for `${NAME}`; the CLI passes process.env. */
  env: Record<string, string | undefined>;
  /** Overrides server.port (from --port or PORT). */
  port?: number | undefined;
  /**
   * Whether at least one connection is required. Default true; false for commands that only use
   * the data dir (token list and revoke, audit, backup), which then also accept an empty file.
   */
  needsConnections?: boolean | undefined;
  /**
   * The brokers a connection may name, each validating its own entries: every broker brokerql
   * serves (brokers/registry.ts) unless set. The tests register a fifth broker here.
   */
  brokerRegistry?: BrokerRegistry | undefined;
}

const readmeHint = '(README, "Running it for real")';

export function loadConfigFile(file: string, options: LoadConfigOptions): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new ConfigError(`${file}: file not found; write one (README, "Running it for real") or name it with --config or BROKERQL_CONFIG`);
    }
    throw new ConfigError(`${file}: ${code === 'EACCES' ? 'permission denied' : (code ?? 'cannot read')}`);
  }
  const parsed = parseYamlText(text);
  if ('problem' in parsed) throw new ConfigError(`${file}: ${parsed.problem}`);
  let raw = parsed.value;
  if (raw === null || raw === undefined) {
    if (options.needsConnections ?? true) throw new ConfigError(`${file}: the file is empty; it needs at least one entry under connections ${readmeHint}`);
    raw = {};
  }
  return parseConfig(raw, { ...options, file });
}

/** Validates an already-parsed config document (YAML or an object built in code). */
export function parseConfig(raw: unknown, options: LoadConfigOptions & { file?: string | null }): Config {
  const file = options.file ?? null;
  const label = file ?? 'config';
  const fail = (key: string, message: string): never => {
    throw new ConfigError(`${label}: ${key ? `${key}: ` : ''}${message}`);
  };
  const interpolated = interpolateEnvironment(raw, [], new Set(), options.env, fail);
  const top = fileSchema.safeParse(interpolated, { reportInput: true });
  if (!top.success) fail(...describeIssue(top.error.issues[0]!, []));
  const document = top.data!;

  if ((options.needsConnections ?? true) && document.connections.length === 0) {
    fail('connections', `missing; at least one connection is needed ${readmeHint}`);
  }

  const brokers: BrokerRegistry = options.brokerRegistry ?? brokerRegistry;
  const connections: ConnectionConfig[] = [];
  const seenIds = new Map<string, number>();
  document.connections.forEach((rawConnection, index) => {
    const at = ['connections', index] as const;
    if (typeof rawConnection !== 'object' || rawConnection === null || Array.isArray(rawConnection)) {
      fail(keyPath(at), 'expected a connection (a mapping with id, broker, ...)');
    }
    const broker = (rawConnection as Record<string, unknown>)['broker'];
    const definition = typeof broker === 'string' && Object.hasOwn(brokers, broker) ? brokers[broker] : undefined;
    if (!definition) {
      const received = broker === undefined ? 'missing' : `unknown broker ${JSON.stringify(broker)}`;
      fail(keyPath([...at, 'broker']), `${received} (known: ${Object.keys(brokers).join(', ')})`);
    }
    const parsed = definition!.connection.safeParse(rawConnection, { reportInput: true });
    if (!parsed.success) fail(...describeIssue(parsed.error.issues[0]!, at));
    const connection = parsed.data as ConnectionConfig;
    const previous = seenIds.get(connection.id);
    if (previous !== undefined) {
      fail(keyPath([...at, 'id']), `duplicate connection id "${connection.id}" (also connections[${previous}])`);
    }
    seenIds.set(connection.id, index);
    connections.push(connection);
  });

  if (document.server.bodyTimeoutMs < document.server.headersTimeoutMs) {
    fail('server.bodyTimeoutMs', `must be at least server.headersTimeoutMs (${document.server.headersTimeoutMs}): it counts the headers too`);
  }

  const port = options.port ?? document.server.port;
  const baseDirectory = file ? path.dirname(path.resolve(file)) : process.cwd();
  return deepFreeze({
    file,
    server: { ...document.server, port },
    dataDir: path.resolve(baseDirectory, document.dataDir),
    cache: document.cache satisfies CacheConfig,
    metrics: document.metrics,
    audit: document.audit,
    journal: document.journal,
    streams: document.streams,
    valuation: document.valuation,
    connections,
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
