import { z } from 'zod';
import { connectionCommon, secret, url } from '../../config-values.js';

/** The config of one ALOR connection (README, "Every option"); validated by config.ts. */
export const alorConnection = z.strictObject({
  ...connectionCommon,
  broker: z.literal('alor'),
  refreshToken: secret('ALOR refresh token'),
  apiUrl: url.default('https://api.alor.ru'),
  authUrl: url.default('https://oauth.alor.ru'),
  exchange: z.enum(['MOEX', 'SPBX'], 'expected MOEX or SPBX').default('MOEX'),
});

export type AlorConnectionConfig = z.output<typeof alorConnection>;
