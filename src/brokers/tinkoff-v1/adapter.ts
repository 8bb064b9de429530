import type { TinkoffV1ConnectionConfig } from '../../config.js';
import { InternalError } from '../../errors.js';
import type { AdapterDependencies, BrokerAdapter } from '../adapter.js';

/** Placeholder until the tinkoff-v1 adapter lands. */
export function createTinkoffV1Adapter(config: TinkoffV1ConnectionConfig, _dependencies: AdapterDependencies): BrokerAdapter {
  throw new InternalError(`broker "tinkoff-v1" (connection "${config.id}") is not implemented yet`);
}
