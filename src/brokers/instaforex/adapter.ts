import type { InstaforexConnectionConfig } from '../../config.js';
import { InternalError } from '../../errors.js';
import type { AdapterDependencies, BrokerAdapter } from '../adapter.js';

/** Placeholder until the instaforex adapter lands. */
export function createInstaforexAdapter(config: InstaforexConnectionConfig, _dependencies: AdapterDependencies): BrokerAdapter {
  throw new InternalError(`broker "instaforex" (connection "${config.id}") is not implemented yet`);
}
