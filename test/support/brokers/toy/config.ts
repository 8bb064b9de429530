import { z } from 'zod';
import { connectionCommon, secret, url } from '../../../../src/config-values.js';

/** A connection to the toy broker: its API key and where its API lives (no default: it is only ever simulated). */
export const toyConnection = z.strictObject({
  ...connectionCommon,
  broker: z.literal('toy'),
  key: secret('toy API key'),
  baseUrl: url,
});

export type ToyConnectionConfig = z.output<typeof toyConnection>;
