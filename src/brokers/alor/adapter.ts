import type { AlorConnectionConfig } from '../../config.js';
import { InternalError } from '../../errors.js';
import type { AdapterDependencies, BrokerAdapter } from '../adapter.js';

/** Placeholder until the alor adapter lands. */
export function createAlorAdapter(config: AlorConnectionConfig, _dependencies: AdapterDependencies): BrokerAdapter {
  throw new InternalError(`broker "alor" (connection "${config.id}") is not implemented yet`);
}
