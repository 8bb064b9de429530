import { z } from 'zod';
import { connectionCommon, integer, secret, url, websocketUrl } from '../../config-values.js';

/** The config of one T-Invest connection (README, "Every option"); validated by config.ts. */
export const tinkoffConnection = z.strictObject({
  ...connectionCommon,
  broker: z.literal('tinkoff'),
  token: secret('T-Invest API token'),
  baseUrl: url.default('https://invest-public-api.tbank.ru/rest'),
  /** The WebSocket bridge of T-Invest's gRPC streams (live order books and prices). */
  streamUrl: websocketUrl.default('wss://invest-public-api.tbank.ru/ws'),
  /**
   * Market-data streams brokerql may open. T-Invest allows 16 per user (64 at the top grade),
   * shared by every token and tool of that user; each carries up to 300 subscriptions. Default 4.
   */
  marketDataStreams: integer(1, 64).default(4),
});

export type TinkoffConnectionConfig = z.output<typeof tinkoffConnection>;
