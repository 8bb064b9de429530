import { afterAll, beforeAll, beforeEach } from 'vitest';
import type { AdapterDependencies } from '../../src/brokers/adapter.js';
import { InFlight } from '../../src/brokers/single-flight.js';
import { createConnectionCaches } from '../../src/cache.js';
import { parseConfig, type ConnectionConfig } from '../../src/config.js';
import type { SecretRegistry } from '../../src/secrets.js';
import type { SimulatorServer } from '../../src/simulators/common/server.js';

/** One connection entry, as a config file would give it, validated. */
export function connectionConfig<Config extends ConnectionConfig>(entry: Record<string, unknown>): Config {
  return parseConfig({ connections: [entry] }, { env: {} }).connections[0] as Config;
}

/** What the gateway hands a connection's adapter with the default config: its caches and its calls in flight. */
export function connectionDependencies(secrets: SecretRegistry): AdapterDependencies {
  const { cache } = parseConfig({}, { env: {}, needsConnections: false });
  return { secrets, caches: createConnectionCaches(cache), inFlight: new InFlight() };
}

interface Closable {
  close(): Promise<void>;
}

export interface AdapterTestBed {
  /** Closed after the file's tests, before the simulators stop. */
  track<Adapter extends Closable>(adapter: Adapter): Adapter;
  /** Starts one more simulator server, cleared before each test and stopped after the file like the others. */
  start(server: SimulatorServer): Promise<void>;
}

/**
 * An adapter test file's life cycle: its simulators start before the tests and stop after them
 * (every adapter made through `track` closed first), and faults and counters are cleared before
 * each test so that no test sees another's.
 */
export function useAdapterTestBed(...initial: SimulatorServer[]): AdapterTestBed {
  const servers = [...initial];
  const adapters: Closable[] = [];
  beforeAll(async () => {
    await Promise.all(initial.map((server) => server.start()));
  });
  afterAll(async () => {
    await Promise.all(adapters.map((adapter) => adapter.close()));
    await Promise.all(servers.map((server) => server.stop()));
  });
  beforeEach(() => {
    for (const server of servers) {
      server.clearFaults();
      server.resetCounters();
    }
  });
  return {
    track(adapter) {
      adapters.push(adapter);
      return adapter;
    },
    async start(server) {
      await server.start();
      servers.push(server);
    },
  };
}
