import { z } from 'zod';
import { connectionCommon, secret, url } from '../../config-values.js';

/** The config of one T-Invest connection (README, "Every option"); validated by config.ts. */
export const tinkoffConnection = z.strictObject({
  ...connectionCommon,
  broker: z.literal('tinkoff'),
  token: secret('T-Invest API token'),
  baseUrl: url.default('https://invest-public-api.tbank.ru/rest'),
});

export type TinkoffConnectionConfig = z.output<typeof tinkoffConnection>;
