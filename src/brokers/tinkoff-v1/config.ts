import { z } from 'zod';
import { connectionCommon, secret, url } from '../../config-values.js';

/** The config of one Tinkoff OpenAPI v1 connection (README, "Every option"); validated by config.ts. */
export const tinkoffV1Connection = z.strictObject({
  ...connectionCommon,
  broker: z.literal('tinkoff-v1'),
  token: secret('Tinkoff OpenAPI token'),
  baseUrl: url.default('https://api-invest.tinkoff.ru/openapi'),
});

export type TinkoffV1ConnectionConfig = z.output<typeof tinkoffV1Connection>;
