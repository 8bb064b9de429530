import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig, type Config } from '../../src/config.js';
import type { Scope } from '../../src/auth/viewer.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/server.js';
import { startSimulators, type RunningSimulators, type SimulatorRegistry, type simulatorRegistry } from '../../src/simulators/index.js';
import type { TinkoffSimulator } from '../../src/simulators/tinkoff/server.js';

/**
 * A gateway configured against simulators on loopback, with its own data dir and tokens.
 * Connection ids are the demo's: tbank (T-Invest v2), tinkoff-legacy (v1), alor, ifx.
 */
export interface Stack<Registry extends SimulatorRegistry = typeof simulatorRegistry> {
  gateway: Gateway;
  config: Config;
  simulators: RunningSimulators<Registry>;
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

export interface StackOptions<Registry extends SimulatorRegistry = typeof simulatorRegistry> extends GatewayOptions {
  /**
   * The simulators to choose from: every broker's (src/simulators/index.ts) unless set. A test
   * registering another broker gives its simulator here and its definition in `brokerRegistry`
   * (a gateway option, which validates the config too).
   */
  simulatorRegistry?: Registry;
  /** Which simulated brokers to connect; T-Invest v2 only by default. */
  brokers?: ReadonlyArray<NoInfer<keyof Registry & string>>;
  /** Extra connection entries (e.g. one with a wrong token); baseUrl defaults to the first simulator's. */
  extraConnections?: Array<Record<string, unknown>>;
  /** Changes to the simulators' connection entries, by connection id. */
  connectionOverrides?: Record<string, Record<string, unknown>>;
  /** Changes to the simulators' connection entries, by broker kind (for tests that go through every broker). */
  brokerOverrides?: Partial<Record<keyof Registry & string, Record<string, unknown>>>;
  dataDir?: string;
  /** The simulators' own request limits (off by default: tests make many calls quickly). */
  rateLimits?: boolean;
  /** brokerql's budget per connection (off by default, like the simulators' limits). */
  quota?: boolean;
  /** The config's `server` section. */
  server?: Record<string, unknown>;
  /** The config's `audit` section. */
  audit?: Record<string, unknown>;
  /** The config's `cache` section; `liveAccounts` is off unless set. */
  cache?: Record<string, unknown>;
  /** The config's `journal` section; its background sync is off unless a test turns it on (it would make broker calls of its own). */
  journal?: Record<string, unknown>;
  /** The config's `streams` section. */
  streams?: Record<string, unknown>;
  /** The config's `valuation` section (recorded values for netWorthHistory). */
  valuation?: Record<string, unknown>;
  /** Random-walk steps per second of the simulated markets. Default 0: tests assert exact books and prices. */
  marketTicksPerSecond?: number;
}

export async function startStack<Registry extends SimulatorRegistry = typeof simulatorRegistry>(options: StackOptions<Registry> = {}): Promise<Stack<Registry>> {
  // The markets hold still unless asked: tests assert exact books and prices.
  const simulators = await startSimulators<Registry>({
    simulatorRegistry: options.simulatorRegistry,
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
      // Live accounts (issue 16) only where a test turns them on: a portfolio query would start
      // following its account, with broker calls of its own in the background, blurring every
      // count of calls per query — as the journal's background sync would.
      cache: { liveAccounts: false, ...options.cache },
      journal: { enabled: false, ...options.journal },
      ...(options.streams ? { streams: options.streams } : {}),
      ...(options.valuation ? { valuation: options.valuation } : {}),
      connections: [
        ...simulators.connections.map((connection) => ({
          ...connection,
          // The stream simulators' endpoints (streamUrl, wsUrl), which startSimulators keeps apart.
          ...simulators.streamUrls[connection['id']!],
          quota: options.quota ?? false,
          ...options.brokerOverrides?.[connection['broker'] as keyof Registry & string],
          ...options.connectionOverrides?.[connection['id']!],
        })),
        ...(options.extraConnections ?? []).map((connection) => ({ baseUrl: defaultBaseUrl, quota: options.quota ?? false, ...connection })),
      ],
    },
    { env: {}, brokerRegistry: options.brokerRegistry },
  );
  const gateway = createGateway(config, options);
  const token = (scope: Scope, accountIds: string[] | null = null, expiresAt: Date | null = null) =>
    gateway.tokens.create({ name: `test-${scope.toLowerCase()}`, scope, accountIds, expiresAt }).secret;
  return {
    gateway,
    config,
    simulators,
    tinkoff: (simulators as RunningSimulators).tinkoff!,
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
