import { z } from 'zod';
import { connectionCommon, integer, secret, url, websocketUrl } from '../../config-values.js';

/** The config of one ALOR connection (README, "Every option"); validated by config.ts. */
export const alorConnection = z.strictObject({
  ...connectionCommon,
  broker: z.literal('alor'),
  refreshToken: secret('ALOR refresh token'),
  apiUrl: url.default('https://api.alor.ru'),
  authUrl: url.default('https://oauth.alor.ru'),
  exchange: z.enum(['MOEX', 'SPBX'], 'expected MOEX or SPBX').default('MOEX'),
  /** ALOR's WebSocket data API (test contour: wss://apidev.alor.ru/ws). */
  wsUrl: websocketUrl.default('wss://api.alor.ru/ws'),
  /**
   * Sockets to /ws brokerql may open for market data. ALOR allows 10 per user, shared by every
   * tool of that user; each carries up to 5,000 subscriptions. Live accounts take one more (their
   * own socket, streams/accounts.ts). Default 2.
   */
  sockets: integer(1, 10).default(2),
});

export type AlorConnectionConfig = z.output<typeof alorConnection>;
