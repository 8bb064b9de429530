import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig, type Config } from '../../src/config.js';
import type { Scope } from '../../src/auth/viewer.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/server.js';
import { startSimulators, type RunningSimulators, type SimulatedBroker } from '../../src/simulators/index.js';
import type { TinkoffSimulator } from '../../src/simulators/tinkoff/server.js';

/**
 * A gateway configured against simulators on loopback, with its own data dir and tokens.
 * Connection ids are the demo's: tbank (T-Invest v2), tinkoff-legacy (v1), alor, ifx.
 */
export interface Stack {
  gateway: Gateway;
  config: Config;
  simulators: RunningSimulators;
  /** The T-Invest v2 simulator (when started). */
  tinkoff: TinkoffSimulator;
  dataDir: string;
  /** A READ token for every account. */
  readToken: string;
  /** A TRADE token for every account. */
  tradeToken: string;
  token(scope: Scope, accountIds?: string[] | null, expiresAt?: Date | null): string;
  close(): Promise<void>;
}

export interface StackOptions extends GatewayOptions {
  /** Which simulated brokers to connect; T-Invest v2 only by default. */
  brokers?: readonly SimulatedBroker[];
  /** Extra connection entries (e.g. one with a wrong token); baseUrl defaults to the first simulator's. */
  extraConnections?: Array<Record<string, unknown>>;
  /** Changes to the simulators' connection entries, by connection id. */
  connectionOverrides?: Record<string, Record<string, unknown>>;
  dataDir?: string;
  /** The simulators' own request limits (off by default: tests make many calls quickly). */
  rateLimits?: boolean;
  /** brokerql's budget per connection (off by default, like the simulators' limits). */
  quota?: boolean;
  /** The config's `server` section. */
  server?: Record<string, unknown>;
  /** The config's `audit` section. */
  audit?: Record<string, unknown>;
  /** The config's `cache` section. */
  cache?: Record<string, unknown>;
  /** The config's `streams` section. */
  streams?: Record<string, unknown>;
  /** Random-walk steps per second of the simulated markets. Default 0: tests assert exact books and prices. */
  marketTicksPerSecond?: number;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  // The markets hold still unless asked: tests assert exact books and prices.
  const simulators = await startSimulators({
    brokers: options.brokers ?? ['tinkoff'],
    rateLimits: options.rateLimits ?? false,
    marketTicksPerSecond: options.marketTicksPerSecond ?? 0,
  });
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'brokerql-test-'));
  const defaultBaseUrl = simulators.connections[0]?.['baseUrl'];
  const config = parseConfig(
    {
      dataDir,
      server: options.server,
      ...(options.audit ? { audit: options.audit } : {}),
      cache: options.cache,
      ...(options.streams ? { streams: options.streams } : {}),
      connections: [
        ...simulators.connections.map((connection) => ({
          ...connection,
          // The stream simulators' endpoints (streamUrl, wsUrl), which startSimulators keeps apart.
          ...simulators.streamUrls[connection['id']!],
          quota: options.quota ?? false,
          ...options.connectionOverrides?.[connection['id']!],
        })),
        ...(options.extraConnections ?? []).map((connection) => ({ baseUrl: defaultBaseUrl, quota: options.quota ?? false, ...connection })),
      ],
    },
    { env: {} },
  );
  const gateway = createGateway(config, options);
  const token = (scope: Scope, accountIds: string[] | null = null, expiresAt: Date | null = null) =>
    gateway.tokens.create({ name: `test-${scope.toLowerCase()}`, scope, accountIds, expiresAt }).secret;
  return {
    gateway,
    config,
    simulators,
    tinkoff: simulators.tinkoff!,
    dataDir,
    readToken: token('READ'),
    tradeToken: token('TRADE'),
    token,
    async close() {
      await gateway.close();
      await simulators.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
