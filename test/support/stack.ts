import { parseConfig, type Config } from '../../src/config.js';
import { createGateway, type Gateway, type GatewayOptions } from '../../src/server.js';
import { createTinkoffSimulator, tinkoffSimulatorTokens, type TinkoffSimulator } from '../../src/simulators/tinkoff/server.js';

/** A gateway configured against simulators on loopback, as a test needs it. */
export interface Stack {
  gateway: Gateway;
  config: Config;
  tinkoff: TinkoffSimulator;
  close(): Promise<void>;
}

export interface StackOptions extends GatewayOptions {
  /** Extra connection entries (e.g. one with a wrong token). */
  extraConnections?: Array<Record<string, unknown>>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const tinkoff = createTinkoffSimulator({ rateLimits: false });
  await tinkoff.server.start();
  const config = parseConfig(
    {
      connections: [
        { id: 'tbank', broker: 'tinkoff', token: tinkoffSimulatorTokens.full, baseUrl: tinkoff.baseUrl },
        ...(options.extraConnections ?? []).map((connection) => ({ baseUrl: tinkoff.baseUrl, ...connection })),
      ],
    },
    { env: {} },
  );
  const gateway = createGateway(config, options);
  return {
    gateway,
    config,
    tinkoff,
    async close() {
      await gateway.close();
      await tinkoff.server.stop();
    },
  };
}
