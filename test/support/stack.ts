import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig, type Config } from '../../src/config.js';
import type { Scope } from '../../src/models.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/server.js';
import { createTinkoffSimulator, tinkoffSimulatorTokens, type TinkoffSimulator } from '../../src/simulators/tinkoff/server.js';

/** A gateway configured against simulators on loopback, with its own data dir and tokens. */
export interface Stack {
  gateway: Gateway;
  config: Config;
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
  /** Extra connection entries (e.g. one with a wrong token). */
  extraConnections?: Array<Record<string, unknown>>;
  dataDir?: string;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const tinkoff = createTinkoffSimulator({ rateLimits: false });
  await tinkoff.server.start();
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'brokerql-test-'));
  const config = parseConfig(
    {
      dataDir,
      connections: [
        { id: 'tbank', broker: 'tinkoff', token: tinkoffSimulatorTokens.full, baseUrl: tinkoff.baseUrl },
        ...(options.extraConnections ?? []).map((connection) => ({ baseUrl: tinkoff.baseUrl, ...connection })),
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
    tinkoff,
    dataDir,
    readToken: token('READ'),
    tradeToken: token('TRADE'),
    token,
    async close() {
      await gateway.close();
      await tinkoff.server.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
