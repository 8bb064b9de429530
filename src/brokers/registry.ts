import type { ConnectionConfig } from '../config.js';
import type { BrokerKind } from '../domain.js';
import { InternalError } from '../errors.js';
import type { ConnectionModel } from '../models.js';
import type { AdapterDependencies, BrokerAdapter } from './adapter.js';
import { createAlorAdapter } from './alor/adapter.js';
import { createInstaforexAdapter } from './instaforex/adapter.js';
import { createTinkoffAdapter } from './tinkoff/adapter.js';
import { createTinkoffV1Adapter } from './tinkoff-v1/adapter.js';

type AdapterFactory<Kind extends BrokerKind> = (
  config: Extract<ConnectionConfig, { broker: Kind }>,
  dependencies: AdapterDependencies,
) => BrokerAdapter;

/** One line per broker: adding a broker is one folder and one entry here. */
export const adapterFactories: { [Kind in BrokerKind]: AdapterFactory<Kind> } = {
  tinkoff: createTinkoffAdapter,
  'tinkoff-v1': createTinkoffV1Adapter,
  alor: createAlorAdapter,
  instaforex: createInstaforexAdapter,
};

export function createAdapter(config: ConnectionConfig, dependencies: AdapterDependencies): BrokerAdapter {
  const factory = adapterFactories[config.broker] as AdapterFactory<typeof config.broker> | undefined;
  if (!factory) {
    throw new InternalError(`unknown broker "${config.broker}" (known: ${Object.keys(adapterFactories).join(', ')})`);
  }
  return factory(config as never, dependencies);
}

export function createConnections(
  connections: readonly ConnectionConfig[],
  dependencies: AdapterDependencies,
): ConnectionModel[] {
  return connections.map((config) => ({
    id: config.id,
    broker: config.broker,
    adapter: createAdapter(config, dependencies),
  }));
}
